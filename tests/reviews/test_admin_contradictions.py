"""The contradiction flag page in the admin: both quotes in context, confirm or dismiss."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ledger import events as ev
from ledger.models import ContradictionView, Event, Source
from ledger.services import claim_command, claim_record
from reviews.contradictions import services
from reviews.roles import Role
from tests.claims import SYSTEM
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

SUPPORT = (
    "The unwavering support from Tehran, rooted in ideological convergence and strategic "
    "necessity, is unlikely to diminish."
)
SILENT = (
    "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
    "Jihad, have been largely silent since Israel launched a series of attacks."
)
BEFORE_SUPPORT = "Analysts in Beirut were asked about the alliance. "
BETWEEN = " Yet the record of the past month tells another story. "
AFTER_SILENT = " Officials declined to comment."
SOURCE_TEXT = BEFORE_SUPPORT + SUPPORT + BETWEEN + SILENT + AFTER_SILENT
# How the desk names the flag: both claims' opening words (the claims sorted by id).
FLAG_TITLE = (
    "“The unwavering support from Tehran, rooted in ideological…” vs "
    "“Iran's allies, including Hezbollah, the Houthi movement…”"
)
CHANGELIST = reverse("admin:reviews_contradictionflag_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def quote(source: Source, text: str) -> str:
    start = SOURCE_TEXT.index(text)
    return claim_record(
        text=text,
        metadata=SYSTEM,
        source_id=str(source.id),
        selector={
            "exact": text,
            "prefix": SOURCE_TEXT[:start][-32:],
            "suffix": SOURCE_TEXT[start + len(text) :][:32],
            "start": start,
            "end": start + len(text),
        },
        publisher=ORGANISATION,
    ).claim_id


@pytest.fixture
def flag():
    """The seed pair quoted from one stored article and flagged by the consumer."""
    source = Source.objects.create(
        id="22222222-2222-2222-2222-222222222222",
        sha256="c" * 64,
        content=SOURCE_TEXT.encode(),
        text=SOURCE_TEXT,
        media_type="text/plain",
        title="Allies article",
        url="https://example.org/allies",
        publisher=ORGANISATION,
        captured_at="2026-01-01T00:00:00Z",
    )
    quote(source, SUPPORT)
    quote(source, SILENT)
    services.contradictions_consume()
    return ContradictionView.objects.get()


def test_the_flag_page_shows_both_quotes_in_context_and_why(client, users, flag):
    client.force_login(users[Role.REVIEWER])
    # when
    page = client.get(reverse("admin:reviews_contradictionflag_change", args=[flag.pair_id]))
    # then both quotes are marked inside the words around them, with the cues that fired
    assert page.status_code == 200
    text = page.text
    assert "Allies article" in text
    assert "Analysts in Beirut were asked about the alliance." in text  # context before A
    assert "Yet the record of the past month tells another story." in text  # between them
    assert "Officials declined to comment." in text  # context after B
    assert text.count("<mark") == 2
    assert "the support is firm" in text
    assert "opposite stances" in text


def test_confirming_with_a_note_appends_the_event(client, users, flag):
    client.force_login(users[Role.EDITOR])
    # when
    response = client.post(
        CHANGELIST,
        {
            "action": "confirm_flags",
            "_selected_action": [str(flag.pair_id)],
            "note": "Both are in the same article; the record shows silence.",
        },
        follow=True,
    )
    # then
    assert "1 flag(s) updated" in messages_of(response)
    event = Event.objects.get(type="ContradictionConfirmed")
    assert event.stream_id == str(flag.pair_id)
    assert event.data == {"note": "Both are in the same article; the record shows silence."}
    assert event.metadata["actor"] == "user:ed"
    assert ContradictionView.objects.get().status == "confirmed"


def assign(claim_id: object, username: str) -> None:
    claim_command(
        claim_id=str(claim_id),
        expected_version=1,
        event=ev.ClaimAssigned(assignee=username),
        metadata=SYSTEM,
    )


def test_dismissing_with_a_note_appends_the_event(client, users, flag):
    # given one of the flag's claims is assigned to the reviewer
    assign(flag.claim_a, "rita")
    client.force_login(users[Role.REVIEWER])
    response = client.post(
        CHANGELIST,
        {
            "action": "dismiss_flags",
            "_selected_action": [str(flag.pair_id)],
            "note": "Different periods.",
        },
        follow=True,
    )
    assert "1 flag(s) updated" in messages_of(response)
    event = Event.objects.get(type="ContradictionDismissed")
    assert event.data == {"note": "Different periods."}
    assert event.metadata["actor"] == "user:rita"
    assert ContradictionView.objects.get().status == "dismissed"


def test_a_reviewer_cannot_decide_a_flag_on_claims_not_assigned_to_them(client, users, flag):
    client.force_login(users[Role.REVIEWER])
    before = Event.objects.count()
    response = client.post(
        CHANGELIST,
        {"action": "dismiss_flags", "_selected_action": [str(flag.pair_id)], "note": "no"},
        follow=True,
    )
    assert messages_of(response) == [
        f"{FLAG_TITLE}: rita may not decide this flag: neither claim is assigned to you"
    ]
    assert Event.objects.count() == before


def test_a_decision_without_a_note_is_refused_and_appends_nothing(client, users, flag):
    assign(flag.claim_a, "rita")
    client.force_login(users[Role.REVIEWER])
    before = Event.objects.count()
    response = client.post(
        CHANGELIST,
        {"action": "dismiss_flags", "_selected_action": [str(flag.pair_id)], "note": "  "},
        follow=True,
    )
    assert f"{FLAG_TITLE}: a note is required: say why" in messages_of(response)
    assert Event.objects.count() == before
    assert ContradictionView.objects.get().status == "open"


def test_an_auditor_sees_flags_but_cannot_decide(client, users, flag):
    client.force_login(users[Role.AUDITOR])
    assert client.get(CHANGELIST).status_code == 200
    before = Event.objects.count()
    response = client.post(
        CHANGELIST,
        {"action": "confirm_flags", "_selected_action": [str(flag.pair_id)], "note": "yes"},
        follow=True,
    )
    assert "confirm_flags" not in client.get(CHANGELIST).content.decode()
    assert "1 flag(s) updated" not in messages_of(response)
    assert Event.objects.count() == before


def test_a_publisher_does_not_see_flags(client, users, flag):
    client.force_login(users[Role.PUBLISHER])
    assert client.get(CHANGELIST).status_code == 403
