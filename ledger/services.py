"""Write services of the ledger: every change goes through these functions and ``append``."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Sequence

from django.db import transaction

from ledger import events as ev
from ledger import projections
from ledger.claims import ClaimState, claim_state_from_events, evolve
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, LedgerIntegrityError, NotFound
from ledger.models import ClaimView, Source
from ledger.planning import lock_appends
from ledger.reading import RecordedEvent, read_all, read_stream
from ledger.store import StreamAppend, append, append_decided

MAX_CLAIM_LENGTH = 5000

# Bidirectional embedding/override/isolate controls: they make text read differently from what
# it stores ("Trojan Source", CVE-2021-42574), so a quote could not be trusted.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# C0 controls other than tab, newline, carriage return and form feed: binary, never text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def text_check_characters(*, text: str, field: str) -> None:
    """The one rule for text the ledger stores, from a file or a caller: no control character
    (besides tab, newline, carriage return, form feed) and no bidirectional control.

    Raises InvalidCommand naming the first such character and where it is.
    """
    control = CONTROL_CHARACTERS.search(text)
    if control is not None:
        raise InvalidCommand(
            f"{field} contains control character U+{ord(control.group()):04X} at character "
            f"{control.start()}: binary content, not text"
        )
    bidi = BIDI_CONTROLS.search(text)
    if bidi is not None:
        raise InvalidCommand(
            f"{field} contains a bidirectional override character (U+{ord(bidi.group()):04X} "
            f"at character {bidi.start()}), which can make text display differently from "
            "what it says; remove it and try again"
        )


def _clean_text(text: str, *, field: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidCommand(f"{field} cannot be empty")
    if len(cleaned) > MAX_CLAIM_LENGTH:
        raise InvalidCommand(f"{field} is longer than {MAX_CLAIM_LENGTH} characters")
    text_check_characters(text=cleaned, field=field)
    return cleaned


def _source_text(source_id: str) -> str:
    text: str | None = Source.objects.filter(pk=source_id).values_list("text", flat=True).first()
    if text is None:
        raise NotFound(f"no source {source_id}")
    return text


def _check_selector_text(text: str, selector: ev.TextSelector) -> None:
    start, end = selector["start"], selector["end"]
    if not 0 <= start < end <= len(text):
        raise InvalidCommand(f"selector range {start}..{end} is outside the source text")
    if text[start:end] != selector["exact"]:
        raise InvalidCommand("selector's exact quote does not match the source text at its range")


@dataclasses.dataclass(frozen=True)
class ClaimDraft:
    """One claim to record: its text and, when it was quoted from a source, where."""

    text: str
    source_id: str | None = None
    selector: ev.TextSelector | None = None
    publisher: str = ""
    check_worthiness: dict[str, object] | None = None
    entities: list[str] | None = None
    claim_id: str | None = None


def claim_recording(
    *,
    draft: ClaimDraft,
    source_text: str | None,
    field: str = "claim text",
    metadata: ev.Metadata | None = None,
) -> StreamAppend:
    """The append that records ``draft`` as a new claim stream: the one builder of a recording.

    ``source_text`` is the text of ``draft.source_id`` (None for a claim without a source); the
    selector must quote it exactly. ``field`` names the claim in errors, ``metadata`` overrides
    the bulk append's for this claim. Raises InvalidCommand for a bad draft.
    """
    if (draft.source_id is None) != (draft.selector is None):
        raise InvalidCommand(
            f"{field}: a claim anchored to a source needs both source_id and selector"
        )
    if draft.selector is not None:
        if source_text is None:
            raise InvalidCommand(f"{field}: the text of source {draft.source_id} is needed")
        _check_selector_text(source_text, draft.selector)
    new_id = draft.claim_id or str(uuid.uuid4())
    return StreamAppend(
        stream_id=new_id,
        stream_type=ev.StreamType.CLAIM,
        expected_version=0,
        events=[
            ev.ClaimRecorded(
                claim_id=new_id,
                text=_clean_text(draft.text, field=field),
                source_id=draft.source_id,
                selector=draft.selector,
                publisher=draft.publisher,
                check_worthiness=draft.check_worthiness or {},
                entities=draft.entities or [],
            )
        ],
        metadata=metadata,
    )


def claim_record(
    *,
    text: str,
    metadata: ev.Metadata,
    source_id: str | None = None,
    selector: ev.TextSelector | None = None,
    publisher: str = "",
    check_worthiness: dict[str, object] | None = None,
    entities: list[str] | None = None,
    claim_id: str | None = None,
    idempotency_key: str | None = None,
) -> ClaimState:
    """Record a new claim, optionally anchored to a stored source by ``selector``."""
    draft = ClaimDraft(
        text=text,
        source_id=source_id,
        selector=selector,
        publisher=publisher,
        check_worthiness=check_worthiness,
        entities=entities,
        claim_id=claim_id,
    )
    recording = claim_recording(
        draft=draft, source_text=_source_text(source_id) if source_id and selector else None
    )
    result = append(
        stream_id=recording.stream_id,
        stream_type=recording.stream_type,
        expected_version=0,
        events=recording.events,
        metadata=metadata,
        idempotency_key=idempotency_key,
    )
    return claim_state_from_events(result.events)


def claim_load(*, claim_id: str) -> ClaimState:
    """A claim's current state, folded from its events. Raises NotFound for an unknown id."""
    return _claim_from_events(claim_id, read_stream(claim_id))


def _claim_from_events(claim_id: str, recorded: Sequence[RecordedEvent]) -> ClaimState:
    if not recorded or recorded[0].stream_type != ev.StreamType.CLAIM:
        raise NotFound(f"no claim {claim_id}")
    return claim_state_from_events(recorded)


def claim_command(
    *,
    claim_id: str,
    expected_version: int,
    event: ev.DomainEvent | Callable[[ClaimState], ev.DomainEvent],
    metadata: ev.Metadata,
    visible: Callable[[ClaimView], bool] | None = None,
) -> ClaimState:
    """Append one event to an existing claim at ``expected_version``; return the new state.

    The single path by which commands on an existing claim (here and in ``reviews``) write.
    ``event`` is the event, or a function building it from the claim's current state (it may
    raise to refuse the command). The state is read once, under the append's lock and in its
    first round trip: the claim list's row (the same cost whatever the claim's history),
    verified against the stream's version (LedgerIntegrityError when they differ). NotFound
    for an unknown claim comes first, or for one that ``visible`` (given that row, unsaved)
    says the caller may not see, then ConcurrencyConflict for a stale ``expected_version``,
    then whatever ``event`` raises; any of them leaves nothing written.
    """
    loaded: list[ClaimState] = []

    def decide(rows: projections.DatabaseRows, version: int) -> list[ev.DomainEvent]:
        row = rows.get(ClaimView, claim_id)
        if row is None or version == 0 or (visible is not None and not visible(ClaimView(**row))):
            raise NotFound(f"no claim {claim_id}")
        state = projections.claim_state_from_row(row)
        if state.version != version:
            # The row is written in every append's transaction: it can only differ from its
            # stream if a table was edited by hand. Acting on it would project a wrong row.
            raise LedgerIntegrityError(
                f"the claim list row of {claim_id} is at version {state.version}, its stream at"
                f" {version}: run rebuild_projections"
            )
        if version != expected_version:
            raise ConcurrencyConflict(
                stream_id=claim_id, expected_version=expected_version, current_version=version
            )
        loaded.append(state)
        return [event(state) if callable(event) else event]

    result = append_decided(
        stream_id=claim_id,
        stream_type=ev.StreamType.CLAIM,
        expected_version=expected_version,
        decide=decide,
        metadata=metadata,
    )
    # The append landed on exactly the state loaded, so folding its event onto that state gives
    # the committed state without reading anything again.
    (state,) = loaded
    for recorded in result.events:
        state = evolve(state, recorded)
    return state


def projections_rebuild(*, check: bool) -> list[str]:
    """Rebuild every read model from the events alone.

    With ``check``, the rebuilt rows are compared with the live tables and the differences are
    returned (nothing is written); otherwise the live tables are replaced. Appends wait while
    this runs, so no event can slip between the replay and the swap.
    """
    rows = projections.MemoryRows()
    with transaction.atomic():
        lock_appends()
        projections.apply(rows, read_all())
        if check:
            return _differences(rows)
        writer = projections.DatabaseRows()
        for model in projections.PROJECTED_MODELS:
            model._default_manager.all().delete()
            writer.assume_absent(model, rows.rows[model])
            for key, row in rows.rows[model].items():
                writer.put(model, key, row)
        writer.flush()
    return []


def _differences(rows: projections.MemoryRows) -> list[str]:
    differences = []
    for model in projections.PROJECTED_MODELS:
        rebuilt = {
            str(key): projections.normalized(model, row) for key, row in rows.rows[model].items()
        }
        live = {
            str(row["pk"]): projections.normalized(model, row)
            for row in model._default_manager.values(
                "pk", *(field.attname for field in model._meta.concrete_fields)
            )
        }
        name = model.__name__
        for key in sorted(rebuilt.keys() - live.keys()):
            differences.append(f"{name} {key}: missing from the live table")
        for key in sorted(live.keys() - rebuilt.keys()):
            differences.append(f"{name} {key}: in the live table but not derivable from events")
        for key in sorted(rebuilt.keys() & live.keys()):
            if rebuilt[key] != live[key]:
                fields = sorted(f for f in rebuilt[key] if rebuilt[key][f] != live[key][f])
                differences.append(f"{name} {key}: differs in {', '.join(fields)}")
    return differences
