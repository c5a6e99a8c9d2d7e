"""Who acts on claims (publisher organisations and their members) and the review queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ledger.models import ClaimView
from reviews.workflow import Command


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


class ReviewClaim(ClaimView):
    """The review queue: the claim read model seen through the workflow (no table of its own).

    Rows are written only by the ledger's claim projection; the admin reads them and calls the
    review services. Its permissions are the workflow's commands, one per command, held by the
    role groups that may run them (``workflow.workflow_commands_for``).
    """

    class Meta:
        proxy = True
        verbose_name = "claim"
        verbose_name_plural = "review queue"
        default_permissions = ("view",)
        permissions = [
            *((command.permission_codename, f"Can {command.label.lower()}") for command in Command),
            ("export_ledger", "Can export the ledger and its history"),
        ]
