"""Contradiction detection: claim features, blocking, typed detectors, flags and their review."""
