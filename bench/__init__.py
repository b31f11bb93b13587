"""Load benchmark (issue 7): `python -m bench.run`, see docs/performance.md."""
