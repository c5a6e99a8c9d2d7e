"""Who acts on claims (publisher organisations and their members) and the review queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ledger.models import ClaimView, ContradictionView
from reviews.workflow.commands import Command


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
    role groups that may run them (``workflow.states.workflow_commands_for``).
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


class ContradictionFlag(ContradictionView):
    """Contradiction flags as the desk works them (no table of its own).

    Rows are written only by the ledger's contradiction projection; the admin reads them and
    calls ``services.contradiction_decide``.
    """

    class Meta:
        proxy = True
        verbose_name = "contradiction flag"
        verbose_name_plural = "contradiction flags"
        default_permissions = ("view",)


# --- The publisher API: keys, replayable requests and webhooks -------------------------------


class ApiScope(models.TextChoices):
    """What an API key may do. The key's user's role still decides which objects and actions."""

    READ = "read", "read claims, sources, history and webhooks"
    SUBMIT = "submit", "submit sources and claims, manage webhooks"
    REVIEW = "review", "run the review workflow's commands"


class ApiKey(models.Model):
    """An API key. Only the SHA-256 of the token is stored; the token is shown once.

    A key acts as its ``user`` (their role applies) within its ``organisation``, limited to its
    ``scopes``. A revoked key never authenticates again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16, help_text="The token's first characters, to tell keys apart."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiIdempotentRequest(models.Model):
    """The first response to a POST sent with an Idempotency-Key; a retry gets it back."""

    principal = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "key"], name="api_idempotent_request_principal_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


class WebhookEventType(models.TextChoices):
    CLAIM_APPROVED = "claim.approved"
    CLAIM_SIGNED_OFF = "claim.signed_off"
    CLAIM_PUBLISHED = "claim.published"
    CLAIM_RETRACTED = "claim.retracted"
    CLAIM_FLAGGED = "claim.flagged"
    CLAIM_MATCHED = "claim.matched"  # the claim's group has a published review (ClaimReview sent)


class WebhookEndpoint(models.Model):
    """A URL of a publisher organisation that receives signed notifications of some events."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=100, help_text="HMAC-SHA256 signing secret.")
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending"  # waiting for its first or next attempt
    SUCCEEDED = "succeeded"  # the endpoint answered 2xx
    FAILED = "failed"  # every attempt failed; no more retries


class WebhookDelivery(models.Model):
    """One event to deliver to one endpoint (the outbox row), written by the event consumer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_position = models.BigIntegerField()
    event_type = models.CharField(max_length=50, choices=WebhookEventType.choices)
    claim_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=20,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker holds the send (until ``next_attempt_at``): its outcome is recorded
    # only if the token is still this one, so a worker that outlived its lease changes nothing.
    lease_token = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    # What the API and the admin show of a delivery: every field but the worker's lease.
    SHOWN_FIELDS = (
        "id",
        "endpoint",
        "event_type",
        "event_position",
        "claim_id",
        "status",
        "attempt_count",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "payload",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_position", "claim_id"],
                name="webhook_delivery_once_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.event_position} -> {self.endpoint_id}"


class WebhookAttemptOutcome(models.TextChoices):
    SENDING = "sending"  # leased and being sent; no outcome recorded yet
    SUCCEEDED = "succeeded"  # the endpoint answered 2xx
    FAILED = "failed"  # a non-2xx answer, a timeout, a refused or unreachable address
    INTERRUPTED = "interrupted"  # the worker stopped mid-send: the lease expired, no outcome


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what the endpoint answered, or why it could not.

    The row is written when the try starts (``sending``), so every try that counts in the
    delivery's ``attempt_count`` is listed, including one whose worker died mid-send.
    """

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    # When the outcome was recorded; while sending, and for an interrupted try, when it began.
    attempted_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=20,
        choices=WebhookAttemptOutcome.choices,
        default=WebhookAttemptOutcome.SENDING,
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)  # none without an outcome

    # What the API and the admin show of an attempt.
    SHOWN_FIELDS = ("number", "outcome", "attempted_at", "response_status", "error", "duration_ms")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class TaskLock(models.Model):
    """A single-flight lock of a periodic task: one run at a time, for a bounded lifetime.

    ``held_until`` bounds the lock, so a run whose worker died frees it without a person; the
    token fences the release (a run that outlived its lock cannot free another run's).
    """

    name = models.CharField(primary_key=True, max_length=200)
    token = models.UUIDField(null=True, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
