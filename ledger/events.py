"""Every event shape the ledger records: one enum of past-tense types, one typed constructor each.

A constructor is a frozen dataclass; its fields are the event's JSON ``data``. When a shape
changes, its ``schema_version`` goes up and an upcaster in ``UPCASTERS`` turns the old stored
shape into the new one as it is read; stored events are never rewritten.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import uuid
from collections.abc import Callable
from typing import Any, ClassVar, TypedDict

from ledger.exceptions import InvalidCommand


class EventType(enum.StrEnum):
    SOURCE_INGESTED = "SourceIngested"
    CLAIM_RECORDED = "ClaimRecorded"
    CLAIM_REVISED = "ClaimRevised"
    CLAIM_ASSIGNED = "ClaimAssigned"
    CLAIM_REVIEW_STARTED = "ClaimReviewStarted"
    CLAIM_COMMENTED = "ClaimCommented"
    CLAIM_EVIDENCE_ATTACHED = "ClaimEvidenceAttached"
    CLAIM_CHANGES_REQUESTED = "ClaimChangesRequested"
    CLAIM_VERDICT_SET = "ClaimVerdictSet"
    CLAIM_APPROVED = "ClaimApproved"
    CLAIM_SIGNED_OFF = "ClaimSignedOff"
    CLAIM_REJECTED = "ClaimRejected"
    CLAIM_PUBLISHED = "ClaimPublished"
    CLAIM_RETRACTED = "ClaimRetracted"
    CLAIM_PROMOTED = "ClaimPromoted"
    CONTRADICTION_FLAGGED = "ContradictionFlagged"
    CONTRADICTION_CONFIRMED = "ContradictionConfirmed"
    CONTRADICTION_DISMISSED = "ContradictionDismissed"
    CLAIM_MATCH_SUGGESTED = "ClaimMatchSuggested"
    CLAIM_MATCHED = "ClaimMatched"
    CLAIM_MATCH_REJECTED = "ClaimMatchRejected"
    CLAIM_UNMATCHED = "ClaimUnmatched"
    DATA_REDACTED = "DataRedacted"
    SOURCE_REDACTED = "SourceRedacted"
    FOUR_EYES_RULE_CHANGED = "FourEyesRuleChanged"


class StreamType(enum.StrEnum):
    SOURCE = "source"
    CLAIM = "claim"
    CONTRADICTION = "contradiction"
    MATCH = "match"
    REDACTION = "redaction"
    ORGANISATION = "organisation"


class TextSelector(TypedDict):
    """W3C Web Annotation selectors over a source's stored text.

    ``exact``/``prefix``/``suffix`` form a TextQuoteSelector; ``start``/``end`` (character
    offsets, end exclusive) a TextPositionSelector.
    """

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


class WithheldSpan(TypedDict):
    """Text of a source that no context around a quote shows: personal data or boilerplate."""

    start: int
    end: int
    reason: str  # a ``ledger.extraction.SkipReason`` in ``WITHHELD_REASONS``


@dataclasses.dataclass(frozen=True)
class Metadata:
    """Who caused an event, through which channel, and as part of which request."""

    actor: str
    via: str
    correlation_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    causation_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Every field is a string or None: no copies needed (``dataclasses.asdict`` deep-copies).
        return {
            "actor": self.actor,
            "via": self.via,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
        }


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Base of every event constructor."""

    event_type: ClassVar[EventType]
    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        """The event's fields as a JSON-ready dict, deep-copied (like ``dataclasses.asdict``)."""
        names = _FIELD_NAMES.get(type(self))
        if names is None:
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in dataclasses.fields(self))
        return {name: _copied(getattr(self, name)) for name in names}


# Per event class, its fields' names (``dataclasses.fields`` rebuilds the tuple on every call).
_FIELD_NAMES: dict[type[DomainEvent], tuple[str, ...]] = {}


def _copied(value: Any) -> Any:
    """A deep copy of a JSON-like value; much cheaper than ``copy.deepcopy`` for these."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_copied(item) for item in value)
    return copy.deepcopy(value)


@dataclasses.dataclass(frozen=True)
class SourceIngested(DomainEvent):
    """A source snapshot was stored and its claims extracted (one ClaimRecorded per claim id).

    ``skipped`` counts the sentences not taken as claims by reason (never their text: some hold
    personal data); ``extractor_version`` names the extraction rules that ran. ``withheld`` is
    where the skipped sentences that are personal data or boilerplate are
    (``ledger.extraction.WITHHELD_REASONS``), as ``{"start", "end", "reason"}`` character offsets
    into ``Source.text`` in order: the context shown around a quote stops at them. None in
    events older than schema 2, which did not record them.
    """

    event_type = EventType.SOURCE_INGESTED
    schema_version = 2
    source_id: str
    sha256: str
    media_type: str
    url: str
    title: str
    publisher: str
    published_at: str | None
    claim_ids: list[str]
    byte_length: int = 0
    extractor_version: str = ""
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)
    withheld: list[WithheldSpan] | None = None


@dataclasses.dataclass(frozen=True)
class ClaimRecorded(DomainEvent):
    event_type = EventType.CLAIM_RECORDED
    claim_id: str
    text: str
    source_id: str | None
    selector: TextSelector | None
    publisher: str = ""
    check_worthiness: dict[str, Any] = dataclasses.field(default_factory=dict)
    entities: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class ClaimRevised(DomainEvent):
    event_type = EventType.CLAIM_REVISED
    text: str
    reason: str


@dataclasses.dataclass(frozen=True)
class ClaimAssigned(DomainEvent):
    event_type = EventType.CLAIM_ASSIGNED
    assignee: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ClaimReviewStarted(DomainEvent):
    event_type = EventType.CLAIM_REVIEW_STARTED


@dataclasses.dataclass(frozen=True)
class ClaimCommented(DomainEvent):
    event_type = EventType.CLAIM_COMMENTED
    body: str


@dataclasses.dataclass(frozen=True)
class ClaimEvidenceAttached(DomainEvent):
    event_type = EventType.CLAIM_EVIDENCE_ATTACHED
    url: str
    note: str


@dataclasses.dataclass(frozen=True)
class ClaimChangesRequested(DomainEvent):
    event_type = EventType.CLAIM_CHANGES_REQUESTED
    reason: str


@dataclasses.dataclass(frozen=True)
class ClaimVerdictSet(DomainEvent):
    event_type = EventType.CLAIM_VERDICT_SET
    rating: int
    rating_name: str
    explanation: str


@dataclasses.dataclass(frozen=True)
class ClaimApproved(DomainEvent):
    event_type = EventType.CLAIM_APPROVED
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ClaimSignedOff(DomainEvent):
    """An editor's sign-off on an approved claim: the last step before it may be published."""

    event_type = EventType.CLAIM_SIGNED_OFF
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ClaimRejected(DomainEvent):
    event_type = EventType.CLAIM_REJECTED
    reason: str


@dataclasses.dataclass(frozen=True)
class ClaimPublished(DomainEvent):
    """A signed-off claim went public.

    ``overridden_flags`` are the contradiction flags (pair ids) still open when an editor chose
    to publish anyway, and ``override_reason`` is why; both are empty for an ordinary
    publication. Schema 1 had neither field.
    """

    event_type = EventType.CLAIM_PUBLISHED
    schema_version = 2
    url: str = ""
    overridden_flags: list[str] = dataclasses.field(default_factory=list)
    override_reason: str = ""


@dataclasses.dataclass(frozen=True)
class ClaimRetracted(DomainEvent):
    event_type = EventType.CLAIM_RETRACTED
    reason: str


@dataclasses.dataclass(frozen=True)
class ClaimPromoted(DomainEvent):
    """An editor put a claim the classifier found not check-worthy into the check-worthy queue.

    The classifier's ``check_worthiness`` in ClaimRecorded stays as it was: the promotion is the
    editor's decision on top of it, with the editor's reason.
    """

    event_type = EventType.CLAIM_PROMOTED
    reason: str


@dataclasses.dataclass(frozen=True)
class ContradictionFlagged(DomainEvent):
    """Two claims that cannot both be true. ``score`` is a decimal string in [0, 1].

    ``cue_kinds`` names the detector of each cue, in the order of ``cues`` (strongest first):
    "negation", "numeric", "stance", ... Schema 1 did not record them: its events are read with
    none (the type is unknown).
    """

    event_type = EventType.CONTRADICTION_FLAGGED
    schema_version = 2
    claims: list[str]
    score: str
    cues: list[str]
    detector_version: str
    cue_kinds: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class ContradictionConfirmed(DomainEvent):
    event_type = EventType.CONTRADICTION_CONFIRMED
    note: str


@dataclasses.dataclass(frozen=True)
class ContradictionDismissed(DomainEvent):
    event_type = EventType.CONTRADICTION_DISMISSED
    note: str


@dataclasses.dataclass(frozen=True)
class ClaimMatchSuggested(DomainEvent):
    """Two claims the matcher reads as one claim stated twice, for an editor to confirm.

    Appended to the pair's ``match`` stream (``claims`` sorted); ``score`` is a decimal string
    in [0, 1] and ``reasons`` say why, in words (``reviews.matching.scoring``).
    """

    event_type = EventType.CLAIM_MATCH_SUGGESTED
    claims: list[str]
    score: str
    reasons: list[str]
    scorer_version: str


@dataclasses.dataclass(frozen=True)
class ClaimMatched(DomainEvent):
    """An editor put two claims in one group: a suggestion confirmed, or matched by hand."""

    event_type = EventType.CLAIM_MATCHED
    claims: list[str]
    note: str


@dataclasses.dataclass(frozen=True)
class ClaimMatchRejected(DomainEvent):
    """An editor found a suggested pair not to be one claim; it is not suggested again."""

    event_type = EventType.CLAIM_MATCH_REJECTED
    claims: list[str]
    note: str


@dataclasses.dataclass(frozen=True)
class ClaimUnmatched(DomainEvent):
    """An editor took two matched claims apart again."""

    event_type = EventType.CLAIM_UNMATCHED
    claims: list[str]
    note: str


@dataclasses.dataclass(frozen=True)
class DataRedacted(DomainEvent):
    """A payload field of an earlier event was replaced by ``REDACTED``, and why.

    Appended to the stream ``redaction-<position>`` of the redacted event. ``event_hash`` and the
    payload digests before and after bind the redaction to the chain: the event's own hash still
    covers ``data_digest_before`` of its first redaction (docs/adr/0007-redaction.md).
    The removed value itself is never recorded here.
    """

    event_type = EventType.DATA_REDACTED
    position: int
    event_hash: str
    stream_id: str
    field: str
    reason: str
    data_digest_before: str
    data_digest_after: str


class TextSpan(TypedDict):
    start: int  # character offsets into ``Source.text``, end exclusive
    end: int


@dataclasses.dataclass(frozen=True)
class SourceRedacted(DomainEvent):
    """Spans of a source snapshot's text were filled (``ledger.source_redaction``), and why.

    On the source's stream. The SHA-256 of ``content`` and ``text`` before and after bind the
    snapshot's states to the chain: the first ``content_sha256_before`` is the ingest's
    ``sha256``, and ``verify_ledger`` requires the stored row to hash to the last ``after``.
    The removed text is never recorded here (docs/adr/0007-redaction.md).
    """

    event_type = EventType.SOURCE_REDACTED
    source_id: str
    spans: list[TextSpan]
    reason: str
    media_type_before: str
    content_sha256_before: str
    content_sha256_after: str
    text_sha256_before: str
    text_sha256_after: str


@dataclasses.dataclass(frozen=True)
class FourEyesRuleChanged(DomainEvent):
    """An organisation's administrator turned the four-eyes sign-off rule on or off, and why.

    Appended to the organisation's stream; with no such event the rule applies (``required``).
    """

    event_type = EventType.FOUR_EYES_RULE_CHANGED
    organisation: str
    required: bool
    reason: str


# What a redacted payload field holds instead of its value.
REDACTED = "[redacted]"


EVENT_CLASSES: dict[str, type[DomainEvent]] = {
    cls.event_type.value: cls
    for cls in (
        SourceIngested,
        ClaimRecorded,
        ClaimRevised,
        ClaimAssigned,
        ClaimReviewStarted,
        ClaimCommented,
        ClaimEvidenceAttached,
        ClaimChangesRequested,
        ClaimVerdictSet,
        ClaimApproved,
        ClaimSignedOff,
        ClaimRejected,
        ClaimPublished,
        ClaimRetracted,
        ClaimPromoted,
        ContradictionFlagged,
        ContradictionConfirmed,
        ContradictionDismissed,
        ClaimMatchSuggested,
        ClaimMatched,
        ClaimMatchRejected,
        ClaimUnmatched,
        DataRedacted,
        SourceRedacted,
        FourEyesRuleChanged,
    )
}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (event type, stored schema version) -> function returning the shape of the next version.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    # Publications before the open-flag rule overrode nothing.
    (EventType.CLAIM_PUBLISHED.value, 1): lambda data: {
        **data,
        "overridden_flags": [],
        "override_reason": "",
    },
    # Flags before the cue kinds were recorded: which detectors fired is unknown.
    (EventType.CONTRADICTION_FLAGGED.value, 1): lambda data: {**data, "cue_kinds": []},
    # Sources before the withheld spans were recorded: where they are is unknown (None), and
    # readers recompute them from the source's text (ledger.ingestion.source_withheld).
    (EventType.SOURCE_INGESTED.value, 1): lambda data: {**data, "withheld": None},
}


def event_from_stored(*, type_name: str, schema_version: int, data: dict[str, Any]) -> DomainEvent:
    """Rebuild the typed event from a stored row, upcasting old shapes first."""
    cls = EVENT_CLASSES.get(type_name)
    if cls is None:
        raise InvalidCommand(f"unknown event type {type_name!r}")
    if schema_version > cls.schema_version:
        raise InvalidCommand(
            f"{type_name} schema version {schema_version} is newer than this code knows "
            f"({cls.schema_version}); upgrade the application"
        )
    while schema_version < cls.schema_version:
        data = UPCASTERS[(type_name, schema_version)](data)
        schema_version += 1
    return cls(**data)
