"""Benchmarks: side-by-side speed and accuracy runs (see each script)."""
