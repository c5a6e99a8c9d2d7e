"""The append-only record of claims, their provenance and the views derived from it."""
