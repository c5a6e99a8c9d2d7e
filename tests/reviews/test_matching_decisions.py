"""Match decisions as events: suggestions, confirm / reject / by hand / unmatch, the groups."""

import json

import pytest
from django.core.management import call_command

from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import Event, MatchMember, MatchView
from ledger.services import claim_record, projections_rebuild
from reviews.exceptions import PermissionDenied
from reviews.matching import services
from reviews.matching.scoring import match_score_texts
from reviews.matching.selectors import match_group, match_pair_list
from reviews.roles import Role
from reviews.timeline import claim_timeline

pytestmark = pytest.mark.django_db

FIRST = "Tehran's support is unwavering"
SECOND = "Iran's backing remains steadfast"
THIRD = "The support of Iran is unwavering, officials said"


def decide(actor, pair_id, version, decision, note, metadata):
    return services.match_decide(
        actor=actor,
        pair_id=pair_id,
        expected_version=version,
        decision=decision,
        note=note,
        metadata=metadata,
    )


def match_events():
    return list(Event.objects.filter(stream_type="match").order_by("position"))


@pytest.fixture
def claims(metadata):
    return [claim_record(text=text, metadata=metadata).claim_id for text in (FIRST, SECOND, THIRD)]


@pytest.fixture
def suggested(claims, metadata):
    """The first two claims suggested as one: the pair id."""
    score = match_score_texts(a=FIRST, b=SECOND)
    [pair_id] = services.match_suggest_many(
        pairs=[(claims[1], claims[0], score)], metadata=metadata
    )
    return pair_id


def test_a_suggestion_is_one_event_naming_both_claims(claims, suggested):
    # then one ClaimMatchSuggested on the pair's match stream, claims sorted, with its reasons
    [event] = match_events()
    assert (
        event.stream_id == suggested == services.match_pair_id(claim_a=claims[0], claim_b=claims[1])
    )
    assert (event.type, event.version) == ("ClaimMatchSuggested", 1)
    assert event.data["claims"] == sorted([claims[0], claims[1]])
    assert event.data["reasons"] == match_score_texts(a=FIRST, b=SECOND).reasons
    row = MatchView.objects.get(pk=suggested)
    assert (row.status, str(row.score)) == ("suggested", event.data["score"])


def test_a_pair_with_a_stream_is_never_suggested_again(claims, suggested, actors, metadata):
    # given the suggestion rejected
    decide(actors[Role.EDITOR], suggested, 1, services.MatchDecision.REJECT, "two claims", metadata)
    # when the matcher suggests the pair again (either way round)
    score = match_score_texts(a=FIRST, b=SECOND)
    again = services.match_suggest_many(pairs=[(claims[0], claims[1], score)], metadata=metadata)
    # then nothing is appended
    assert again == []
    assert [event.type for event in match_events()] == ["ClaimMatchSuggested", "ClaimMatchRejected"]


def test_confirming_puts_both_claims_in_one_group_under_the_first_recorded(
    claims, suggested, actors, metadata
):
    # when an editor confirms at the version read
    version = decide(
        actors[Role.EDITOR], suggested, 1, services.MatchDecision.CONFIRM, "same claim", metadata
    )
    # then the pair is matched, and the group's canonical claim is the one recorded first
    assert version == 2
    row = MatchView.objects.get(pk=suggested)
    assert (row.status, row.note, row.decided_by) == ("matched", "same claim", metadata.actor)
    assert match_group(claim_id=claims[1]) == match_group(claim_id=claims[0])
    assert match_group(claim_id=claims[1]).canonical_id == claims[0]
    assert match_group(claim_id=claims[1]).members == sorted(claims[:2])
    # and the claim's history shows the suggestion and the decision
    summaries = [entry.summary for entry in claim_timeline(claim_id=claims[1])]
    assert summaries[-2].startswith("suggested as the same claim as “Tehran's support is")
    assert summaries[-1].startswith("matched — same claim (with “Tehran's support")


def test_groups_join_and_split_by_hand(claims, suggested, actors, metadata):
    # given the first two matched, and the third matched by hand to the second
    editor = actors[Role.EDITOR]
    decide(editor, suggested, 1, services.MatchDecision.CONFIRM, "same", metadata)
    by_hand, version = services.match_by_hand(
        actor=editor,
        claim_a=claims[2],
        claim_b=claims[1],
        expected_version=0,
        note="the same claim again",
        metadata=metadata,
    )
    # then all three are one group under the first
    assert (by_hand, version) == (services.match_pair_id(claim_a=claims[1], claim_b=claims[2]), 1)
    assert match_group(claim_id=claims[2]).members == sorted(claims)
    assert {str(m.canonical_id) for m in MatchMember.objects.all()} == {claims[0]}
    # and matching the first and third by hand is refused: they are in one group already
    with pytest.raises(InvalidCommand, match="in one group already"):
        services.match_by_hand(
            actor=editor,
            claim_a=claims[0],
            claim_b=claims[2],
            expected_version=0,
            note="x",
            metadata=metadata,
        )
    # when the first pair is unmatched
    decide(editor, suggested, 2, services.MatchDecision.UNMATCH, "not the same after all", metadata)
    # then the first is alone, and the other two are a group under the second
    assert match_group(claim_id=claims[0]).members == [claims[0]]
    assert match_group(claim_id=claims[2]) == match_group(claim_id=claims[1])
    assert match_group(claim_id=claims[2]).canonical_id == claims[1]
    assert [(pair.status, pair.other_claim_id) for pair in match_pair_list(claim_id=claims[1])] == [
        ("matched", claims[2]),
        ("unmatched", claims[0]),
    ]
    # and the rebuilt read models equal the live ones
    assert projections_rebuild(check=True) == []


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.REVIEWER, Role.AUDITOR])
def test_only_editors_decide_matches(claims, suggested, actors, metadata, role):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied, match="may not decide claim matches"):
        decide(actors[role], suggested, 1, services.MatchDecision.CONFIRM, "same", metadata)
    with pytest.raises(PermissionDenied):
        services.match_by_hand(
            actor=actors[role],
            claim_a=claims[0],
            claim_b=claims[2],
            expected_version=0,
            note="same",
            metadata=metadata,
        )
    # then nothing was appended
    assert Event.objects.count() == before


def test_an_administrator_decides_too(suggested, actors, metadata):
    assert (
        decide(actors[Role.ADMIN], suggested, 1, services.MatchDecision.REJECT, "no", metadata) == 2
    )


def test_a_stale_version_conflicts_and_appends_nothing(suggested, actors, metadata):
    editor = actors[Role.EDITOR]
    decide(editor, suggested, 1, services.MatchDecision.CONFIRM, "same", metadata)
    before = Event.objects.count()
    # when a second editor rejects what they read at version 1
    with pytest.raises(ConcurrencyConflict):
        decide(editor, suggested, 1, services.MatchDecision.REJECT, "no", metadata)
    # then nothing was appended, and the pair stays matched
    assert Event.objects.count() == before
    assert MatchView.objects.get(pk=suggested).status == "matched"


@pytest.mark.parametrize(
    ("decision", "note", "message"),
    [
        # a suggestion is not matched yet
        (services.MatchDecision.UNMATCH, "why", "not ClaimMatched: nothing to unmatch"),
        (services.MatchDecision.CONFIRM, " ", "a note is required"),
    ],
)
def test_a_decision_out_of_turn_or_without_a_note_is_refused(
    suggested, actors, metadata, decision, note, message
):
    before = Event.objects.count()
    with pytest.raises(InvalidCommand, match=message):
        services.match_decide(
            decision=decision,
            actor=actors[Role.EDITOR],
            pair_id=suggested,
            expected_version=1,
            note=note,
            metadata=metadata,
        )
    assert Event.objects.count() == before


def test_unknown_pairs_and_claims_are_not_found(claims, actors, metadata):
    editor = actors[Role.EDITOR]
    with pytest.raises(NotFound):
        decide(
            editor,
            services.match_pair_id(claim_a=claims[0], claim_b=claims[1]),
            0,
            services.MatchDecision.CONFIRM,
            "same",
            metadata,
        )
    with pytest.raises(NotFound):
        services.match_by_hand(
            actor=editor,
            claim_a=claims[0],
            claim_b="00000000-0000-0000-0000-000000000000",
            expected_version=0,
            note="same",
            metadata=metadata,
        )
    assert match_events() == []


def test_a_claim_export_holds_its_match_streams(claims, suggested, actors, metadata, tmp_path):
    # given the pair confirmed
    decide(actors[Role.EDITOR], suggested, 1, services.MatchDecision.CONFIRM, "same", metadata)
    # when the second claim's history is exported
    path = tmp_path / "claim.jsonl"
    call_command("export_ledger", "--format", "jsonl", "--claim", claims[1], "-o", str(path))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    # then the match events are in it, naming both claims, after the claim's own
    match_lines = [line for line in lines if line.get("stream_type") == "match"]
    assert [line["type"] for line in match_lines] == ["ClaimMatchSuggested", "ClaimMatched"]
    assert all(line["data"]["claims"] == sorted(claims[:2]) for line in match_lines)
