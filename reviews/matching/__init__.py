"""Claim matching: the same claim in other words or other sources, suggested, decided, grouped."""
