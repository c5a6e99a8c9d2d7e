"""Helpers every benchmark module shares: timing, scratch databases, synthetic text, figures.

A benchmark module is any ``bench/<name>.py`` exposing ``run(*, quick: bool) -> dict``. The
harness (``python -m bench``) has already pointed Django at a freshly migrated scratch database
when ``run`` is called. The returned dict may hold anything JSON can; figures meant for the table
go in ``"figures"``, each made with ``figure(...)``. A figure that names a ``baseline`` is divided
by that baseline figure (measured in the same run) and reported as a ratio.
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections

from ledger import followers
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_create
from reviews.models import Membership
from reviews.roles import Role

# The per-key API rate limit in the benchmark's requests: high enough that none is refused
# (the throttle's bookkeeping is still timed).
RATE_FOR_THE_RUN = "1000000/minute"
# Repeats per figure: the machine is shared and noisy, so every figure is the median of these.
REPEATS = 5
QUICK_REPEATS = 3

Figure = dict[str, Any]


class _State:
    """Set by the harness before any benchmark runs."""

    template_database = ""


state = _State()


def repeats(*, quick: bool) -> int:
    return QUICK_REPEATS if quick else REPEATS


def figure(
    *,
    key: str,
    name: str,
    samples: list[float],
    unit: str,
    baseline: str | None = None,
    target_ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
    note: str = "",
) -> Figure:
    """One reported number: the median of ``samples``.

    ``key`` identifies the figure across runs. ``baseline`` names another figure's key of the
    same run; the harness adds ``baseline_value``, ``ratio`` (this figure / baseline) and, with
    ``target_ratio``, whether the target was met. ``target`` is a free-text target for figures
    without a baseline (e.g. "< 60 s"), with ``met`` saying whether this run met it.
    """
    return {
        "key": key,
        "name": name,
        "value": statistics.median(samples),
        "unit": unit,
        "samples": samples,
        "baseline": baseline,
        "target_ratio": target_ratio,
        "target": target,
        "met": met,
        "note": note,
    }


def timed(action: Callable[[], Any]) -> float:
    """Seconds ``action`` took, on the monotonic high-resolution clock."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- scratch databases -----------------------------------------------------------------------


def database_url() -> str:
    """``DATABASE_URL`` naming this process's benchmark database (for a server or a command)."""
    base = os.environ["DATABASE_URL"]
    return urlunsplit(urlsplit(base)._replace(path="/" + connection.settings_dict["NAME"]))


def admin_connection() -> psycopg.Connection[Any]:
    """An autocommit connection to the server's ``postgres`` database (to create/drop others)."""
    params = connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


def relayed_database_url(url: str, port: int) -> str:
    """``url`` with its host and port replaced by a relay's on 127.0.0.1 (``bench._wire``)."""
    parts = urlsplit(url)
    credentials, at, _ = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{credentials}{at}127.0.0.1:{port}"))


def connection_params(dbname: str | None = None) -> dict[str, Any]:
    """psycopg connection parameters for the configured server (optionally another database)."""
    config = settings.DATABASES["default"]
    params: dict[str, Any] = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": int(config.get("PORT") or 5432),
        "user": config.get("USER") or "postgres",
        "dbname": dbname or config["NAME"],
    }
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return params


def raw_connection(dbname: str | None = None) -> psycopg.Connection[Any]:
    """A plain psycopg connection (no Django) to the benchmark database."""
    return psycopg.connect(**connection_params(dbname))


def drop_database(name: str) -> None:
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database() -> None:
    """Replace the benchmark database with a copy of the migrated template: an empty ledger."""
    template = state.template_database
    name = connection.settings_dict["NAME"]
    connections.close_all()
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """An empty scratch database named after the benchmark database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_{suffix}"
    drop_database(name)
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        drop_database(name)


# --- synthetic corpus ------------------------------------------------------------------------

_SUBJECTS = [
    "Iran",
    "Tehran",
    "The United States",
    "Washington",
    "The European Union",
    "Israel",
    "The Palestinian Authority",
    "Egypt",
    "The United Nations",
    "Qatar",
    "Hezbollah",
    "The Red Cross",
]
_VERBS = [
    "pledged",
    "sent",
    "announced",
    "signed",
    "ratified",
    "withdrew",
    "reported",
    "delivered",
    "blocked",
    "approved",
]
_OBJECTS = [
    "$100 million in humanitarian aid",
    "a ceasefire agreement",
    "2.1 million doses of vaccine",
    "about 2,000 troops",
    "a trade agreement",
    "new sanctions on oil exports",
    "a peace framework",
    "12 aid convoys",
    "an emergency resolution",
    "funding for 40 hospitals",
]
_WHEN = [
    "in 1994",
    "in March 2023",
    "on Tuesday",
    "last year",
    "in 2019",
    "earlier this month",
    "in October 2023",
    "since 2006",
]
_ATTRIBUTION = [
    "",
    ", according to officials",
    ", the ministry said",
    ", reportedly",
    ", a spokesperson confirmed",
]


def sentences(count: int, *, seed: int = 8) -> list[str]:
    """``count`` article-like factual sentences (deterministic for a seed)."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
        f"{rng.choice(_WHEN)}{rng.choice(_ATTRIBUTION)}."
        for _ in range(count)
    ]


def entities_of(sentence: str) -> list[str]:
    return [subject for subject in _SUBJECTS if sentence.startswith(subject)]


def api_key_for(
    *, username: str, role: Role, scopes: list[str], organisation: str | None = None
) -> str:
    """A new user in ``role`` (a member of ``organisation``, which must exist, when given) and
    an API key of theirs with ``scopes``; returns the key's token, for the API benchmarks."""
    user = get_user_model().objects.create_user(username=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if organisation:
        Membership.objects.create(user=user, organisation_id=organisation)
    _, token = api_key_create(actor=actor_for_user(user=user), name=username, scopes=scopes)
    return token


def new_id() -> str:
    return str(uuid.uuid4())


@contextmanager
def followers_paused() -> Iterator[None]:
    """Run without nudging the followers of the log (the contradiction check, webhooks).

    Tasks run eagerly in the benchmark, so the nudge after each transaction that records claims
    would run the whole contradiction check inside the timing of commands, ingest and the API
    fill; in production it is one message to the broker and the check runs on a worker. The
    harness runs every module inside this; the check is measured by ``contradictions``.
    """
    with mock.patch.object(followers, "follower_send", return_value=False):
        yield
