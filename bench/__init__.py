"""Benchmarks: `python -m bench` prints one JSON object of figures.

Every module here that defines `measure(db_path) -> dict[str, float]` contributes its figures.
"""
