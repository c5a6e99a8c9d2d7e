"""Settings for the HTTP benchmarks' server: the product's settings with ``bench._urls``, which
adds the baseline view. Never used outside ``bench/`` (the product's URLs never mount it)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls"
