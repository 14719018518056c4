"""Demo data for `make run`, the benchmarks and the tests that need volume (see apps.py)."""
