"""Test settings: the environment-driven settings with fast password hashing."""

import os

# Signs claim exports and checkpoint files; set in the environment so that the verifier, run
# as a separate process by some tests, checks with the same key.
os.environ.setdefault("LEDGER_CHECKPOINT_KEY", "test-checkpoint-key")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
