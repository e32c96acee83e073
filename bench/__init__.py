"""Benchmarks that print figures (`python -m bench.engine`); never timed assertions."""
