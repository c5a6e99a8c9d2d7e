"""The WSGI module loads what a first request would, so gunicorn's master loads it once."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import config.wsgi
from django.db import connections
from ledger.checkworthiness import model_load
from ledger.entities import _alias_pattern
print(model_load.cache_info().currsize, _alias_pattern.cache_info().currsize,
      "reviews.api.views.claims" in sys.modules,
      all(connection.connection is None for connection in connections.all()))
"""


def test_importing_the_wsgi_module_loads_the_views_and_the_extraction_tables(tmp_path):
    # given a process with nothing loaded, on the suite's database (PostgreSQL in its pass)
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
    }
    if os.environ.get("DATABASE_URL"):
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"]

    # when it imports the WSGI module, as gunicorn's master does before forking
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    # then the model, the aliases and the API's views are loaded already, and no database
    # connection is open (the forked workers would share it)
    assert probe.stdout.split() == ["1", "1", "True", "True"]
