"""WSGI entry point.

Besides the application, everything a first request would load is loaded here, once: gunicorn
loads this module in its master before forking the workers (``preload_app``), so no worker's
first request pays for importing the URLconf's views or reading the extraction's model and
alias tables (about 0.4 s and 0.06 s each time, measured on the benchmark's server), and the
workers share those pages.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 -- imports every view and serializer

from ledger.extraction import extraction_load  # noqa: E402 -- needs the apps loaded

extraction_load()
