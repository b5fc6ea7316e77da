"""Benchmarks: scripts that measure speed targets and record them in docs/benchmarks.md."""
