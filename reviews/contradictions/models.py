"""The detector's read model: each claim's features and the inverted index used for blocking.

Written only by ``services`` as the consumer follows ClaimRecorded/ClaimRevised events (and
rebuilt whole by ``rescan_contradictions``), so checking one claim reads a few index rows
instead of comparing it with every stored claim.
"""

from __future__ import annotations

from django.db import models


class ClaimFeatureRow(models.Model):
    """A claim's current text and its extracted features (``features.ClaimFeatures`` JSON)."""

    claim_id = models.UUIDField(primary_key=True)
    text = models.TextField()
    features = models.JSONField()
    keys = models.JSONField(default=list)  # the blocking keys it is indexed under
    last_position = models.BigIntegerField()

    def __str__(self) -> str:
        return self.text[:80]


class BlockingKey(models.Model):
    """One posting of the inverted index: a claim that has ``key`` (an entity, a word, ...)."""

    key = models.CharField(max_length=200)
    claim_id = models.UUIDField()
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "claim_id"], name="blocking_key_claim")
        ]
        indexes = [models.Index(fields=["claim_id"], name="blocking_key_by_claim")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.claim_id}"


class KeyCount(models.Model):
    """How many claims share a key: a check reads its rarest keys first, within a budget."""

    key = models.CharField(max_length=200, primary_key=True)
    claims = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.claims}"
