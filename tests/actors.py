"""Actors for tests that call services directly, without a user in the database."""

from reviews.actors import Actor
from reviews.roles import Role


def publisher_actor(*, organisation: str, username: str = "pat") -> Actor:
    """A publisher of ``organisation``, as ``reviews.actor_reads.actor_for_user`` builds one."""
    return Actor(username=username, roles=frozenset({Role.PUBLISHER}), organisation=organisation)
