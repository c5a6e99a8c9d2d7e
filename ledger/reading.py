"""Committed events as readers see them: one stream, many streams, the log after a position.

Every reader returns ``RecordedEvent``s with their payloads upcast to the current shape
(``ledger.events.event_from_stored``); nothing here writes. Appends are ``ledger.store``'s.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection

from ledger.events import DomainEvent, event_from_stored
from ledger.models import EVENT_FIELDS, Event
from ledger.sql import fast_cursor, row_converter, vendor

READ_BATCH_SIZE = 2000


@dataclasses.dataclass(frozen=True)
class RecordedEvent:
    """A committed event as readers see it, with its payload upcast to the current shape."""

    position: int
    stream_id: str
    stream_type: str
    version: int
    event: DomainEvent
    metadata: dict[str, Any]
    recorded_at: datetime.datetime
    hash: str

    @property
    def type(self) -> str:
        return self.event.event_type.value


def format_timestamp(moment: datetime.datetime) -> str:
    """The canonical form of ``recorded_at`` in hashes and exports."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_stream(stream_id: str) -> list[RecordedEvent]:
    """Every event of one stream, oldest first (empty when the stream does not exist)."""
    return read_streams([stream_id])[stream_id]


def read_streams(stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
    """Every event of each stream, oldest first, in one query; a missing stream maps to []."""
    streams: dict[str, list[RecordedEvent]] = {stream_id: [] for stream_id in stream_ids}
    if not streams:
        return streams
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _RECORDED_FIELDS)
    marks = ", ".join(["%s"] * len(streams))
    with fast_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(Event._meta.db_table)} WHERE stream_id IN ({marks}) "
            "ORDER BY stream_id, version",
            list(streams),
        )
        convert = _recorded_converter(vendor())
        for values in cursor.fetchall():
            recorded = _recorded_from_values(convert(values))
            streams[recorded.stream_id].append(recorded)
    return streams


@functools.cache
def _recorded_converter(vendor: str) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    return row_converter(Event, _RECORDED_FIELDS)


def read_all(
    *, after_position: int = 0, types: Sequence[str] | None = None, limit: int | None = None
) -> Iterator[RecordedEvent]:
    """Committed events after ``after_position`` in position order, optionally of some types."""
    rows = Event.objects.filter(position__gt=after_position).order_by("position")
    if types is not None:
        rows = rows.filter(type__in=list(types))
    if limit is not None:
        rows = rows[:limit]
    # Plain tuples, not model instances: replaying the whole log (rebuilds, exports) is
    # dominated by per-row overhead.
    for values in rows.values_list(*_RECORDED_FIELDS).iterator(chunk_size=READ_BATCH_SIZE):
        yield _recorded_from_values(values)


# A recorded event carries every column but the chain's and the commitments' (verification's).
_RECORDED_FIELDS = tuple(
    field for field in EVENT_FIELDS if field not in ("prev_hash", "fields_digest", "salt", "leaves")
)


def _recorded_from_values(values: tuple[Any, ...]) -> RecordedEvent:
    """A RecordedEvent from a ``values_list(*_RECORDED_FIELDS)`` row."""
    position, stream_id, stream_type, version, type_name, schema, data, meta, at, hash_ = values
    return RecordedEvent(
        position=position,
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        event=event_from_stored(type_name=type_name, schema_version=schema, data=data),
        metadata=meta,
        recorded_at=at,
        hash=hash_,
    )


def read_positions(positions: Iterable[int]) -> dict[int, RecordedEvent]:
    """The committed events at these positions (upcast, as readers see them), by position."""
    rows = Event.objects.filter(position__in=sorted(set(positions)))
    return {
        values[0]: _recorded_from_values(values) for values in rows.values_list(*_RECORDED_FIELDS)
    }


def head_position() -> int:
    """The position of the last committed event (0 for an empty ledger)."""
    head = Event.objects.order_by("-position").values_list("position", flat=True).first()
    return head or 0
