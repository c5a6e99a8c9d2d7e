"""Who acts on claims: publisher organisations and their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A publisher organisation. Its ``slug`` is what claims record as their ``publisher``."""

    slug = models.SlugField(max_length=100, primary_key=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's organisation (publishers belong to one; staff roles may have none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
