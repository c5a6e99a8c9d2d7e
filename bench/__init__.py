"""Benchmarks run by `make bench` (``python -m bench``): every module here exposing
``run(*, quick: bool) -> dict`` is measured against baselines run side by side."""
