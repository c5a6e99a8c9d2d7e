"""Benchmarks: measured speed against baselines run side by side (``python -m bench``)."""
