"""The ledger's tables: the append-only event log, immutable source snapshots, and read models.

Only ``ledger.store.append`` creates Event rows; only projections (``ledger.projections``) write
the read-model tables. Everything else reads.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from ledger.exceptions import AppendOnlyViolation


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """A queryset that refuses bulk changes: rows of an append-only table are never rewritten."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation(f"{self.model.__name__} rows are append-only; update refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{self.model.__name__} rows are append-only; delete refused")


class AppendOnlyModel(models.Model):
    """Base for rows written once: saving an existing row or deleting one is refused."""

    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{type(self).__name__} rows are append-only; save refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{type(self).__name__} rows are append-only; delete refused")


class Event(AppendOnlyModel):
    """One committed fact. Position order is commit order; the hash chains every event."""

    position = models.BigIntegerField(primary_key=True)
    stream_id = models.CharField(max_length=100)
    stream_type = models.CharField(max_length=50)
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField()
    metadata = models.JSONField()
    recorded_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Hash format 2 (docs/adr/0028-provable-redaction.md); "" on a format-1 event. The salt
    # keys the payload digest and the per-text commitments; a redaction deletes it and leaves
    # ``leaves`` (a salt or a commitment per text value) in its place.
    fields_digest = models.CharField(max_length=64, default="", db_default="")
    salt = models.CharField(max_length=32, default="", db_default="")
    leaves = models.JSONField(null=True, default=None)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream_id", "version"], name="event_stream_version"),
            # A constraint, not unique=True: that would add a LIKE index on PostgreSQL (0007).
            models.UniqueConstraint(fields=["hash"], name="event_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["stream_type", "position"], name="event_stream_type_position"),
            models.Index(fields=["type", "position"], name="event_type_position"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.type} {self.stream_type}:{self.stream_id} v{self.version}"


# An event's fields in table order: what exports carry, verification reads and bulk loads write.
EVENT_FIELDS = (
    "position",
    "stream_id",
    "stream_type",
    "version",
    "type",
    "schema_version",
    "data",
    "metadata",
    "recorded_at",
    "prev_hash",
    "hash",
    "fields_digest",
    "salt",
    "leaves",
)


class IdempotencyRecord(AppendOnlyModel):
    """A command that already ran: a repeat with the same key returns these events."""

    key = models.CharField(max_length=200, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    stream_id = models.CharField(max_length=100)
    first_position = models.BigIntegerField()
    last_position = models.BigIntegerField()
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class Source(AppendOnlyModel):
    """An immutable snapshot of ingested content, stored once per publisher and SHA-256.

    Sources belong to their publisher: the same bytes from two publishers are two sources (with
    their own claims), so one never learns that another holds a document.
    """

    id = models.UUIDField(primary_key=True)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    text = models.TextField(help_text="The decoded text that claim selectors point into.")
    media_type = models.CharField(max_length=100)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField()

    class Meta:
        constraints = [
            # sha256 first: the admin's exact search by hash uses this index too.
            models.UniqueConstraint(
                fields=["sha256", "publisher"], name="source_sha256_publisher_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.sha256


class ClaimView(models.Model):
    """Read model: a claim's current state, written only by the claim projection."""

    claim_id = models.UUIDField(primary_key=True)
    source_id = models.UUIDField(null=True, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    status = models.CharField(max_length=30)
    version = models.PositiveIntegerField()
    assignee = models.CharField(max_length=150, blank=True)
    verdict = models.JSONField(null=True, blank=True)
    selector = models.JSONField(null=True, blank=True)
    check_worthiness = models.JSONField(default=dict)
    check_worthy = models.BooleanField(
        default=True,
        db_default=True,
        help_text="In the default review queue: not labelled unworthy by the classifier, or "
        "promoted by an editor.",
    )
    entities = models.JSONField(default=list)
    open_flag_count = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    last_position = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["status", "updated_at"], name="claimview_status_updated"),
            models.Index(fields=["source_id"], name="claimview_source"),
            models.Index(fields=["publisher", "status"], name="claimview_publisher_status"),
            # The API's claim list pages by last change (ORDER BY last_position DESC LIMIT n):
            # without it every page sorts the whole table (docs/performance.md).
            models.Index(fields=["last_position"], name="claimview_last_position"),
            # The default queue: check-worthy claims by last change.
            models.Index(
                fields=["check_worthy", "last_position"], name="claimview_worthy_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ContradictionView(models.Model):
    """Read model: one row per flagged claim pair, written only by the contradiction projection."""

    pair_id = models.UUIDField(primary_key=True)  # the stream id of the pair
    claim_a = models.UUIDField()
    claim_b = models.UUIDField()
    score = models.DecimalField(max_digits=4, decimal_places=3)
    cues = models.JSONField(default=list)
    # The detector of the strongest cue ("numeric", "stance", ...); "" when the flag is older
    # than the recorded cue kinds (ContradictionFlagged schema 1).
    cue_kind = models.CharField(max_length=40, blank=True, default="")
    detector_version = models.CharField(max_length=50)
    status = models.CharField(max_length=20)  # open, confirmed, dismissed
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    flagged_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField()
    last_position = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["status", "flagged_at"], name="contradiction_status_flagged"),
            models.Index(fields=["claim_a"], name="contradiction_claim_a"),
            models.Index(fields=["claim_b"], name="contradiction_claim_b"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_a} vs {self.claim_b} ({self.status})"


class MatchView(models.Model):
    """Read model: one row per claim pair with a match decision (``ledger.match_projection``)."""

    pair_id = models.UUIDField(primary_key=True)  # the stream id of the pair
    claim_a = models.UUIDField()
    claim_b = models.UUIDField()
    status = models.CharField(max_length=20)  # suggested, matched, rejected, unmatched
    score = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    reasons = models.JSONField(default=list)
    scorer_version = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField()
    last_position = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["claim_a"], name="match_claim_a"),
            models.Index(fields=["claim_b"], name="match_claim_b"),
            models.Index(fields=["status", "created_at"], name="match_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_a} = {self.claim_b} ({self.status})"


class MatchMember(models.Model):
    """Read model: a claim that is or was matched, the group it is in and its matched pairs.

    A group is the claims joined by matched pairs; its canonical claim is the one recorded
    first (ties by id). A claim matched to nothing is its own canonical claim.
    """

    claim_id = models.UUIDField(primary_key=True)
    canonical_id = models.UUIDField()
    partners = models.JSONField(default=list)  # the claims it is matched with directly, sorted
    last_position = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["canonical_id"], name="match_member_canonical")]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.canonical_id}"


class ConsumerCursor(models.Model):
    """How far a consumer of the event log (a worker, a webhook dispatcher) has got."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class Checkpoint(AppendOnlyModel):
    """The ledger's head (position and hash) at a moment, for auditors to hold outside it.

    Written only by ``ledger.checkpoints.checkpoint_record`` after it has verified the whole
    ledger; an export checked with ``verify_export.py --checkpoint POSITION:HASH`` (or the signed
    file of all of them) must agree with it, so a rewritten history cannot pass as the same
    ledger. Append-only (database triggers, migration 0009), and chained: ``previous`` is the
    ``chain_hash`` of the checkpoint before (``verify_export.checkpoint_chain_hash``).
    """

    position = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()
    previous = models.CharField(max_length=64, default="", db_default="")
    chain_hash = models.CharField(max_length=64, default="", db_default="")

    class Meta:
        constraints = [
            # At most one checkpoint follows each: two recorded at once cannot fork the chain.
            models.UniqueConstraint(fields=["previous"], name="checkpoint_previous_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"
