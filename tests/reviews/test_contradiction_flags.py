"""Flags from the event log: once per pair, review decisions as events, the read model."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import ClaimView, ConsumerCursor, ContradictionView, Event
from ledger.services import claim_command, claim_record, projections_rebuild
from ledger.store import append_many
from reviews.contradictions import flagging, indexing, services
from reviews.contradictions.detectors import Cue
from reviews.contradictions.models import BlockingKey, ClaimFeatureRow
from reviews.contradictions.scoring import PairScore
from reviews.services import FlagDecision
from tests.claims import NOT_CHECK_WORTHY, decide_flag

pytestmark = pytest.mark.django_db

SUPPORT = (
    "The unwavering support from Tehran, rooted in ideological convergence and strategic "
    "necessity, is unlikely to diminish."
)
SILENT = (
    "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
    "Jihad, have been largely silent since Israel launched a series of attacks."
)


def flagged_events():
    return list(Event.objects.filter(type="ContradictionFlagged").order_by("position"))


@pytest.fixture
def seed_claims(metadata):
    a = claim_record(text=SUPPORT, metadata=metadata).claim_id
    b = claim_record(text=SILENT, metadata=metadata).claim_id
    unrelated = claim_record(text="The museum in Oslo opened a new wing.", metadata=metadata)
    return a, b, unrelated.claim_id


def test_consuming_the_log_flags_the_pair_once(seed_claims):
    a, b, unrelated = seed_claims
    # when
    handled = services.contradictions_consume()
    # then
    assert handled == 3
    events = flagged_events()
    assert len(events) == 1
    assert events[0].stream_id == flagging.contradiction_pair_id(claim_a=b, claim_b=a)
    assert events[0].stream_type == "contradiction"
    assert events[0].data["claims"] == sorted([a, b])
    assert events[0].data["detector_version"] == "lexical-19"
    assert events[0].data["score"] == "0.614"  # data/weights.json
    view = ContradictionView.objects.get()
    assert view.status == "open"
    assert ClaimView.objects.get(pk=a).open_flag_count == 1
    assert ClaimView.objects.get(pk=unrelated).open_flag_count == 0

    # when consumed again (a redelivered task) nothing new happens
    assert services.contradictions_consume() == 0
    assert len(flagged_events()) == 1


def test_a_flag_is_caused_by_the_recording_that_completed_the_pair():
    # given two claims recorded in two requests
    claim_record(
        text=SUPPORT, metadata=ev.Metadata(actor="user:ann", via="api", correlation_id="r-1")
    )
    second = claim_record(
        text=SILENT, metadata=ev.Metadata(actor="user:bob", via="api", correlation_id="r-2")
    )
    recorded = Event.objects.get(stream_id=second.claim_id, type="ClaimRecorded")
    # when the log is consumed
    services.contradictions_consume()
    # then the flag is the worker's, in the second request, caused by its recording
    (flagged,) = flagged_events()
    assert flagged.metadata == {
        "actor": "worker:contradictions",
        "via": "worker",
        "correlation_id": "r-2",
        "causation_id": str(recorded.position),
    }


def test_checking_a_claim_again_flags_nothing_twice(seed_claims, metadata):
    a, _b, _ = seed_claims
    services.contradictions_consume()
    # when the same check runs again (a worker killed after committing, then retried)
    flags = flagging.contradiction_check_claim(claim_id=a, metadata=metadata)
    # then
    assert flags == []
    assert len(flagged_events()) == 1


def test_blocking_compares_only_claims_sharing_keys(seed_claims):
    a, b, unrelated = seed_claims
    services.contradictions_consume()
    assert indexing.contradiction_candidates(claim_id=a) == [b]
    assert indexing.contradiction_candidates(claim_id=unrelated) == []
    assert BlockingKey.objects.filter(claim_id=a, key="e:iran").exists()


def test_a_revised_claim_is_checked_again(metadata):
    a = claim_record(text="The bombing in Kabul killed 28 people.", metadata=metadata)
    b = claim_record(text="The bombing in Kabul killed 28 people, police said.", metadata=metadata)
    services.contradictions_consume()
    assert flagged_events() == []
    # when
    claim_command(
        claim_id=b.claim_id,
        expected_version=1,
        event=ev.ClaimRevised(text="The bombing in Kabul killed 45 people.", reason="typo"),
        metadata=metadata,
    )
    services.contradictions_consume()
    # then
    assert [event.data["claims"] for event in flagged_events()] == [
        sorted([a.claim_id, b.claim_id])
    ]
    assert not BlockingKey.objects.filter(claim_id=b.claim_id, key="w:police").exists()


def test_dismissed_pair_is_not_flagged_again_by_the_same_version(seed_claims, metadata):
    services.contradictions_consume()
    view = ContradictionView.objects.get()
    # when
    version = decide_flag(
        str(view.pair_id), 1, FlagDecision.DISMISS, "different topics", metadata=metadata
    )
    call_command("rescan_contradictions")
    # then
    assert version == 2
    view.refresh_from_db()
    assert (view.status, view.note, view.decided_by) == (
        "dismissed",
        "different topics",
        "user:tester",
    )
    assert ClaimView.objects.get(pk=view.claim_a).open_flag_count == 0
    assert len(flagged_events()) == 1
    assert projections_rebuild(check=True) == []


def test_confirm_records_an_event(seed_claims, metadata):
    services.contradictions_consume()
    view = ContradictionView.objects.get()
    decide_flag(str(view.pair_id), 1, FlagDecision.CONFIRM, "cannot both hold", metadata=metadata)
    assert Event.objects.filter(type="ContradictionConfirmed").count() == 1
    view.refresh_from_db()
    assert view.status == "confirmed"
    assert projections_rebuild(check=True) == []


@pytest.mark.parametrize("note", ["", "   "])
def test_a_decision_without_a_note_is_refused(seed_claims, metadata, note):
    services.contradictions_consume()
    view = ContradictionView.objects.get()
    before = Event.objects.count()
    with pytest.raises(InvalidCommand, match="a note is required"):
        decide_flag(str(view.pair_id), 1, FlagDecision.DISMISS, note, metadata=metadata)
    assert Event.objects.count() == before


def test_a_second_decision_is_refused(seed_claims, metadata):
    services.contradictions_consume()
    pair_id = str(ContradictionView.objects.get().pair_id)
    decide_flag(pair_id, 1, FlagDecision.CONFIRM, "yes", metadata=metadata)
    before = Event.objects.count()
    with pytest.raises(InvalidCommand, match="already confirmed or dismissed"):
        decide_flag(pair_id, 2, FlagDecision.DISMISS, "no", metadata=metadata)
    assert Event.objects.count() == before


def test_deciding_an_unknown_flag_is_not_found(metadata):
    with pytest.raises(NotFound):
        decide_flag(
            "00000000-0000-0000-0000-000000000000", 1, FlagDecision.CONFIRM, "x", metadata=metadata
        )
    assert Event.objects.count() == 0


def test_a_claim_cannot_contradict_itself(seed_claims, metadata):
    a, _, _ = seed_claims
    from reviews.contradictions.pairs import pair_text_score

    with pytest.raises(InvalidCommand):
        flagging.contradiction_flag(
            claim_a=a, claim_b=a, score=pair_text_score(a=SUPPORT, b=SILENT), metadata=metadata
        )


def test_rescan_flags_what_the_consumer_would(seed_claims, capsys):
    call_command("rescan_contradictions")
    assert "3 claims" in capsys.readouterr().out
    assert len(flagged_events()) == 1
    assert projections_rebuild(check=True) == []


def test_recording_a_claim_runs_the_follower_after_commit(
    seed_claims, metadata, django_capture_on_commit_callbacks, monkeypatch
):
    # given tasks run in-process (the embedded mode), whatever broker is configured
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    # when one more claim contradicting a stored one is recorded and committed
    with django_capture_on_commit_callbacks(execute=True):
        claim_record(text="Tehran's backing of Hamas is unwavering.", metadata=metadata)
    # then its commit ran the contradiction follower, which flagged what it found
    assert len(flagged_events()) >= 1
    last_claim = Event.objects.filter(type="ClaimRecorded").order_by("-position")[0]
    assert ConsumerCursor.objects.get(name=services.CONSUMER_NAME).position == (last_claim.position)


def test_pair_id_ignores_order():
    assert flagging.contradiction_pair_id(
        claim_a="x", claim_b="y"
    ) == flagging.contradiction_pair_id(claim_a="y", claim_b="x")


def test_a_decision_on_a_stale_version_is_a_conflict_even_once_decided(seed_claims, metadata):
    services.contradictions_consume()
    pair_id = str(ContradictionView.objects.get().pair_id)
    decide_flag(pair_id, 1, FlagDecision.CONFIRM, "yes", metadata=metadata)
    before = Event.objects.count()
    with pytest.raises(ConcurrencyConflict) as raised:
        decide_flag(pair_id, 1, FlagDecision.DISMISS, "no", metadata=metadata)
    assert (raised.value.expected_version, raised.value.current_version) == (1, 2)
    assert Event.objects.count() == before


def test_a_broker_that_is_down_does_not_fail_the_command(
    metadata, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # given a broker nobody listens on, and tasks that really go through it
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_write_url", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(app, "_pool", None)
    # when a claim is recorded and committed
    with (
        caplog.at_level("WARNING", logger="ledger.followers"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        state = claim_record(text=SUPPORT, metadata=metadata)
    # then the claim stands, the failure is logged, nothing was checked yet
    assert len(callbacks) == 1
    assert state.version == 1
    assert Event.objects.filter(type="ClaimRecorded").count() == 1
    assert "the periodic sweep will catch up" in caplog.text
    assert flagged_events() == []
    # and the sweep catches up later
    claim_record(text=SILENT, metadata=metadata)
    assert services.contradictions_consume() == 2
    assert len(flagged_events()) == 1


@pytest.mark.parametrize("checked_first", [True, False])
def test_the_stored_cue_names_the_first_stored_claims_words_as_a_s(metadata, checked_first):
    # given the two claims, whichever of them is checked (and whichever id sorts first)
    support = claim_record(text=SUPPORT, metadata=metadata).claim_id
    silent = claim_record(text=SILENT, metadata=metadata).claim_id
    services.contradictions_consume()
    checked, other = (support, silent) if checked_first else (silent, support)
    score = flagging.contradiction_find(claim_id=checked)
    # when the flag is recorded from the checked claim's side
    from reviews.contradictions.flagging import contradiction_flag

    flag = contradiction_flag(
        claim_a=checked, claim_b=other, score=score[0][1], metadata=metadata, version="test-1"
    )
    # then the cue says A for the first claim of data.claims
    assert flag is not None
    event = flagged_events()[-1]
    first = event.data["claims"][0]
    said_by_first = "the support is firm" if first == support else "the support is absent"
    assert f"A says {said_by_first}" in event.data["cues"][0]


def cursor_position() -> int:
    return ConsumerCursor.objects.get(name=services.CONSUMER_NAME).position


def test_a_crash_after_a_claims_flags_committed_handles_only_the_rest_again(
    seed_claims, metadata, monkeypatch
):
    # given a batch whose third claim's indexing dies (the worker is killed) after the second
    # claim's flag committed
    a, b, unrelated = seed_claims
    positions = dict(
        Event.objects.filter(type="ClaimRecorded").values_list("stream_id", "position")
    )
    index = indexing.contradiction_index_claim

    def index_or_die(*, claim_id, text, position, antecedent):
        if claim_id == unrelated:
            raise RuntimeError("worker killed")
        return index(claim_id=claim_id, text=text, position=position, antecedent=antecedent)

    monkeypatch.setattr(services, "contradiction_index_claim", index_or_die)
    with pytest.raises(RuntimeError, match="worker killed"):
        services.contradictions_consume()
    # then the flag committed and the cursor followed it, to that claim and no further
    assert len(flagged_events()) == 1
    assert cursor_position() == positions[b]
    events_before = Event.objects.count()

    # when the batch runs again
    monkeypatch.setattr(services, "contradiction_index_claim", index)
    handled = services.contradictions_consume()
    # then only the claim after the cursor was handled, and no event was appended
    assert handled == 1
    assert Event.objects.count() == events_before
    assert len(flagged_events()) == 1
    assert cursor_position() == positions[unrelated]
    assert indexing.contradiction_candidates(claim_id=a) == [b]


def test_a_crash_between_the_flag_append_and_the_cursor_move_flags_nothing_twice(
    seed_claims, monkeypatch
):
    # given a worker that dies right after the second claim's flag committed, before the
    # cursor moved to it
    def die(*, consumer, position):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "consumer_advance", die)
    with pytest.raises(RuntimeError, match="worker killed"):
        services.contradictions_consume()
    assert len(flagged_events()) == 1
    assert cursor_position() == 0
    events_before = Event.objects.count()
    # when the batch runs again
    monkeypatch.undo()
    handled = services.contradictions_consume()
    # then every claim was checked again, nothing was appended, and the cursor caught up
    assert handled == 3
    assert Event.objects.count() == events_before
    assert len(flagged_events()) == 1
    assert (
        cursor_position()
        == Event.objects.filter(type="ClaimRecorded")
        .order_by("-position")
        .values_list("position", flat=True)[0]
    )


@pytest.mark.parametrize("per_append", [20, 1])
def test_a_claims_flags_are_appended_a_bounded_number_at_a_time(metadata, monkeypatch, per_append):
    # given one claim contradicting two stored claims
    first = claim_record(text="The bombing in Kabul killed 28 people.", metadata=metadata)
    second = claim_record(
        text="The bombing in Kabul killed 28 people, police said.", metadata=metadata
    )
    services.contradictions_consume()
    third = claim_record(text="The bombing in Kabul killed 45 people.", metadata=metadata)
    calls = []

    def counted(*, appends, metadata):
        calls.append(sorted(item.stream_id for item in appends))
        return append_many(appends=appends, metadata=metadata)

    monkeypatch.setattr(flagging, "append_many", counted)
    monkeypatch.setattr(flagging, "FLAGS_PER_APPEND", per_append)
    # when
    services.contradictions_consume()
    # then both flags were appended, together or one append each
    pairs = sorted(
        flagging.contradiction_pair_id(claim_a=other, claim_b=third.claim_id)
        for other in (first.claim_id, second.claim_id)
    )
    assert sorted(pair for call in calls for pair in call) == pairs
    assert [len(call) for call in calls] == ([2] if per_append == 20 else [1, 1])
    assert sorted(event.stream_id for event in flagged_events()) == pairs


def test_a_flag_records_its_cues_kinds_strongest_first_and_the_list_its_type(metadata):
    # given a pair whose numbers and stances differ
    a = claim_record(text="Turnout was 40 percent.", metadata=metadata).claim_id
    b = claim_record(text="Turnout was 60 percent.", metadata=metadata).claim_id
    cues = [
        Cue(kind="numeric", strength=0.9, template="⟨A⟩ says 40, ⟨B⟩ says 60"),
        Cue(kind="stance", strength=0.6, template="⟨A⟩ is firm, ⟨B⟩ hedges"),
    ]

    # when it is flagged from the side of the claim stored second
    later, earlier = sorted([a, b], reverse=True)
    flag = flagging.contradiction_flag(
        claim_a=later, claim_b=earlier, score=PairScore(score=0.9, cues=cues), metadata=metadata
    )

    # then the event carries each cue's kind beside its words, and the list the strongest kind
    assert flag is not None
    [event] = flagged_events()
    assert event.schema_version == 2
    assert event.data["cues"] == ["B says 40, A says 60", "B is firm, A hedges"]
    assert event.data["cue_kinds"] == ["numeric", "stance"]
    assert ContradictionView.objects.get().cue_kind == "numeric"


def test_the_index_check_agrees_with_the_follower_and_finds_a_tampered_row(seed_claims, capsys):
    # given the follower has indexed every claim
    a, _b, _ = seed_claims
    services.contradictions_consume()
    # then the index rebuilt from the claim list matches the stored one
    assert indexing.contradiction_index_check() == []
    call_command("rescan_contradictions", "--check")
    assert "matches the claim list" in capsys.readouterr().out

    # when a stored row is changed behind the follower's back
    ClaimFeatureRow.objects.filter(pk=a).update(keys=["tampered"])
    BlockingKey.objects.filter(claim_id=a).delete()

    # then the check names it, and the command fails
    differences = indexing.contradiction_index_check()
    assert f"claim {a}: its stored features or keys differ" in differences
    assert any(item.startswith("blocking keys:") for item in differences)
    with pytest.raises(CommandError, match="the contradiction index differs"):
        call_command("rescan_contradictions", "--check")


def test_a_check_compares_and_flags_check_worthy_claims_first(metadata):
    # given a claim and two that contradict it alike: the one recorded first, and sorted
    # first by id, found not check-worthy by the classifier, the other in the queue
    checked = claim_record(text=SUPPORT, metadata=metadata).claim_id
    unworthy = claim_record(
        text=SILENT,
        metadata=metadata,
        check_worthiness=NOT_CHECK_WORTHY,
        publisher="a",
        claim_id="00000000-0000-4000-8000-000000000001",
    ).claim_id
    worthy = claim_record(
        text=SILENT,
        metadata=metadata,
        publisher="b",
        claim_id="ffffffff-ffff-4fff-bfff-ffffffffffff",
    ).claim_id
    for claim in (checked, unworthy, worthy):
        view = ClaimView.objects.get(pk=claim)
        indexing.contradiction_index_claim(
            claim_id=claim, text=view.text, position=view.last_position, antecedent=""
        )

    # when the first claim is checked
    found = flagging.contradiction_find(claim_id=checked)
    flags = flagging.contradiction_check_claim(claim_id=checked, metadata=metadata)

    # then both are found, the check-worthy one compared and flagged first
    assert [other for other, _ in found] == [worthy, unworthy]
    assert [flag.claims for flag in flags] == [
        sorted([checked, worthy]),
        sorted([checked, unworthy]),
    ]
    flagged = flagged_events()
    assert [event.data["claims"] for event in flagged] == [flag.claims for flag in flags]
