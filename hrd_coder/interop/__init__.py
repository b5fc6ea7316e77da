"""REFI-QDA exchange: `.qdc` codebooks and `.qdpx` projects, written and read as plain data."""
