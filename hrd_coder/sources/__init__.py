"""The project's own files: text reading, front matter, transcripts, cases, units."""
