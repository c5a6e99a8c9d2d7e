"""Appends from several connections: gapless positions, a verifying chain, rows kept.

Every append takes the append lock and reads the stream and ledger heads under it (ADR
api-command-append-protocol), so another connection's commits are always seen. The tests
without the ``postgres`` mark hold on both backends.
"""

import functools
import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict, InvalidCommand
from ledger.ingestion import IngestResult, source_ingest
from ledger.models import ClaimView, Event, Source
from ledger.services import claim_command, claim_record, projections_rebuild
from ledger.store import StreamAppend, append, append_many
from ledger.verification import ledger_verify
from tests.threads import race

pytestmark = pytest.mark.usefixtures("ledger_transactional_db")

on_postgresql = pytest.mark.postgres


class OtherWriter:
    """Appends from a second thread, hence a second database connection (another process's
    commits, as far as this connection's cached head is concerned)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self._results: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._serve)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                try:
                    self._results.put((True, job()))
                except Exception as error:  # handed back to the test's thread
                    self._results.put((False, error))
        finally:
            connection.close()

    def run(self, job: Callable[[], Any]) -> Any:
        self._jobs.put(job)
        succeeded, value = self._results.get(timeout=60)
        if not succeeded:
            raise value
        return value

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join()


@pytest.fixture
def other_writer() -> Iterator[OtherWriter]:
    writer = OtherWriter()
    yield writer
    writer.stop()


def comment(stream_id: str, version: int, metadata: ev.Metadata) -> Callable[[], Any]:
    return lambda: append(
        stream_id=stream_id,
        stream_type="test",
        expected_version=version,
        events=[ev.ClaimCommented(body=f"{stream_id} {version}")],
        metadata=metadata,
    )


def flag(claim_a: str, claim_b: str, metadata: ev.Metadata) -> Callable[[], Any]:
    return lambda: append(
        stream_id=str(uuid.uuid4()),
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                claims=[claim_a, claim_b], score="0.900", cues=["negation"], detector_version="t"
            )
        ],
        metadata=metadata,
    )


def assert_ledger_consistent() -> None:
    positions = list(Event.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert ledger_verify().intact
    assert projections_rebuild(check=True) == []


# --- on both backends ----------------------------------------------------------------------


def test_appends_from_two_connections_interleave_without_gaps(metadata, other_writer):
    # given each connection appending in turn
    for version in range(3):
        append(
            stream_id="mine",
            stream_type="test",
            expected_version=version,
            events=[ev.ClaimCommented(body=str(version))],
            metadata=metadata,
        )
        other_writer.run(comment("theirs", version, metadata))

    # then positions alternate in commit order, gapless, and the chain verifies
    streams = list(Event.objects.order_by("position").values_list("stream_id", flat=True))
    assert streams == ["mine", "theirs"] * 3
    assert_ledger_consistent()


def test_a_stale_version_is_a_conflict_and_the_connection_stays_usable(
    metadata,
):
    # given
    state = claim_record(text="Iran backs Hamas.", metadata=metadata)

    # when
    with pytest.raises(ConcurrencyConflict) as raised:
        claim_command(
            claim_id=state.claim_id,
            expected_version=0,
            event=ev.ClaimAssigned(assignee="editor:ann"),
            metadata=metadata,
        )

    # then nothing was appended, the error names the real version, and the next command works
    assert raised.value.current_version == 1
    assert Event.objects.count() == 1
    after = claim_command(
        claim_id=state.claim_id,
        expected_version=1,
        event=ev.ClaimAssigned(assignee="editor:ann"),
        metadata=metadata,
    )
    assert (after.version, after.assignee) == (2, "editor:ann")
    assert ClaimView.objects.get(pk=state.claim_id).assignee == "editor:ann"
    assert_ledger_consistent()


def test_a_stream_of_another_type_is_refused(metadata):
    stream_id = str(uuid.uuid4())
    comment(stream_id, 0, metadata)()
    with pytest.raises(InvalidCommand, match=f"stream {stream_id} is a test stream, not claim"):
        append(
            stream_id=stream_id,
            stream_type="claim",
            expected_version=1,
            events=[ev.ClaimCommented(body="x")],
            metadata=metadata,
        )
    assert Event.objects.count() == 1


@pytest.mark.parametrize("flagged_by", ["another connection", "this connection"])
def test_a_command_after_another_commit_keeps_that_commits_row_changes(
    metadata, other_writer, flagged_by
):
    # given two unrelated claims (the detector flags nothing between them)
    claim = claim_record(text="Iran backs Hamas.", metadata=metadata).claim_id
    other = claim_record(text="The harbour reopened on Monday.", metadata=metadata).claim_id
    # when a contradiction is flagged on it (its row now counts one open flag)
    writer = flag(claim, other, metadata)
    if flagged_by == "another connection":
        other_writer.run(writer)
    else:
        writer()
    # and the claim is changed at the version its writer saw before the flag
    claim_command(
        claim_id=claim,
        expected_version=1,
        event=ev.ClaimAssigned(assignee="editor:ann"),
        metadata=metadata,
    )

    # then the flag count written by the later commit survived
    row = ClaimView.objects.get(pk=claim)
    assert (row.assignee, row.open_flag_count) == ("editor:ann", 1)
    assert_ledger_consistent()


def test_a_stale_version_is_a_conflict_even_when_the_projection_would_refuse_the_event(metadata):
    # given a claim; an append at version 0 would be the stream's first event, which the claim
    # projection refuses unless it is ClaimRecorded
    state = claim_record(text="Iran backs Hamas.", metadata=metadata)

    # when / then: the version is checked before the handlers run
    with pytest.raises(ConcurrencyConflict):
        append(
            stream_id=state.claim_id,
            stream_type=ev.StreamType.CLAIM,
            expected_version=0,
            events=[ev.ClaimAssigned(assignee="editor:ann")],
            metadata=metadata,
        )
    assert Event.objects.count() == 1


@on_postgresql  # the SQLite test database is in memory: one writer at a time
def test_small_bulk_appends_from_many_threads_stay_gapless(metadata):
    # given threads appending three new streams at a time, each from its own connection
    def work(index: int) -> None:
        for round_number in range(5):
            append_many(
                appends=[
                    StreamAppend(
                        stream_id=f"t{index}-r{round_number}-s{n}",
                        stream_type="test",
                        expected_version=0,
                        events=[ev.ClaimCommented(body=str(n))],
                    )
                    for n in range(3)
                ],
                metadata=metadata,
            )

    # when they all run at once
    errors = _errors_of([functools.partial(work, index) for index in range(4)])

    # then every append landed once, each one's streams at consecutive positions
    assert errors == [None] * 4
    assert Event.objects.count() == 4 * 5 * 3
    for index in range(4):
        for round_number in range(5):
            positions = sorted(
                Event.objects.filter(
                    stream_id__startswith=f"t{index}-r{round_number}-"
                ).values_list("position", flat=True)
            )
            assert positions == list(range(positions[0], positions[0] + 3))
    assert_ledger_consistent()


step = st.one_of(
    st.tuples(st.just("record"), st.integers(0, 0)),
    st.tuples(st.sampled_from(["assign", "stale", "flag"]), st.integers(0, 5)),
    st.tuples(st.just("other"), st.integers(0, 5)),
)


@on_postgresql
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_random_commands_interleaved_with_another_connection_keep_the_ledger_consistent(
    metadata, other_writer, steps
):
    # given a model of each claim's version and open flags, driven by this connection's
    # commands and another connection's appends in a random interleaving
    claims: list[str] = []
    versions: dict[str, int] = {}
    flags: dict[str, int] = {}
    for kind, index in steps:
        claim = claims[index % len(claims)] if claims else None
        if kind == "record" or claim is None:
            state = claim_record(text=f"Claim {len(claims)}.", metadata=metadata)
            claims.append(state.claim_id)
            versions[state.claim_id], flags[state.claim_id] = 1, 0
        elif kind in ("assign", "stale"):
            expected = versions[claim] - (1 if kind == "stale" else 0)
            try:
                state = claim_command(
                    claim_id=claim,
                    expected_version=expected,
                    event=ev.ClaimAssigned(assignee=f"editor:{index}"),
                    metadata=metadata,
                )
            except ConcurrencyConflict:
                assert kind == "stale"
            else:
                assert kind == "assign"
                versions[claim] += 1
                assert state.version == versions[claim]
        else:
            partner = claims[(index + 1) % len(claims)]
            if partner != claim:
                writer = flag(claim, partner, metadata)
                writer() if kind == "flag" else other_writer.run(writer)
                flags[claim] += 1
                flags[partner] += 1

    # then each claim's row matches the model, and the ledger verifies and rebuilds the same
    rows = {str(row.claim_id): row for row in ClaimView.objects.filter(claim_id__in=claims)}
    assert {claim: (rows[claim].version, rows[claim].open_flag_count) for claim in claims} == {
        claim: (versions[claim], flags[claim]) for claim in claims
    }
    assert_ledger_consistent()


def _errors_of(jobs: list[Callable[[], Any]]) -> list[BaseException | None]:
    """Run the jobs at once (``race``); each one's error, None for a job that succeeded."""

    def caught(job: Callable[[], Any]) -> Callable[[], BaseException | None]:
        def run() -> BaseException | None:
            try:
                job()
            except BaseException as error:  # reported to the test
                return error
            return None

        return run

    return race([caught(job) for job in jobs])


@on_postgresql
def test_writers_on_different_claims_never_refuse_each_other(metadata):
    # given two claims, each with a writer of its own on its own connection
    claims = [claim_record(text=f"Claim {n} was made.", metadata=metadata).claim_id for n in (1, 2)]
    rounds = 20

    def writer(claim_id: str) -> Callable[[], Any]:
        def work() -> None:
            for version in range(1, rounds + 1):
                claim_command(
                    claim_id=claim_id,
                    expected_version=version,
                    event=ev.ClaimCommented(body=f"round {version}"),
                    metadata=metadata,
                )

        return work

    # when both write at once, each at the version it last wrote
    errors = _errors_of([writer(claim_id) for claim_id in claims])

    # then no command was refused: each claim moved by exactly its own writer's commands
    assert errors == [None, None]
    versions = dict(ClaimView.objects.filter(pk__in=claims).values_list("claim_id", "version"))
    assert sorted(versions.values()) == [rounds + 1, rounds + 1]
    assert_ledger_consistent()


@on_postgresql
def test_writers_on_the_same_claim_conflict_and_exactly_one_lands(metadata):
    # given one claim at version 1
    claim = claim_record(text="Iran backs Hamas.", metadata=metadata).claim_id

    def writer(number: int) -> Callable[[], Any]:
        return lambda: claim_command(
            claim_id=claim,
            expected_version=1,
            event=ev.ClaimCommented(body=f"writer {number}"),
            metadata=metadata,
        )

    # when two writers act on version 1 at once
    errors = _errors_of([writer(1), writer(2)])

    # then one lands and the other is told the stream moved to version 2
    refused = [error for error in errors if error is not None]
    assert len(refused) == 1
    assert isinstance(refused[0], ConcurrencyConflict)
    assert (refused[0].expected_version, refused[0].current_version) == (1, 2)
    assert ClaimView.objects.get(pk=claim).version == 2
    assert_ledger_consistent()


@on_postgresql
def test_concurrent_ingests_of_the_same_bytes_store_them_once(metadata):
    # given one article, and four ingests of it for the same publisher on their own connections
    content = b"Iran's parliament approved the budget on 3 May 2024, officials said.\n"

    def ingest() -> IngestResult:
        return source_ingest(content=content, publisher="demo-news", metadata=metadata)

    # when they run at once
    results = race([ingest] * 4)

    # then one stored the source and its claim; the others were answered with what it stored
    assert sorted(result.created for result in results) == [False, False, False, True]
    assert {(result.source_id, tuple(c.claim_id for c in result.claims)) for result in results} == {
        (results[0].source_id, tuple(c.claim_id for c in results[0].claims))
    }
    assert Source.objects.count() == 1
    assert Event.objects.count() == 1 + len(results[0].claims) == 2
    assert_ledger_consistent()
