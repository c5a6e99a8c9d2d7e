"""The contradiction flag page in the admin: both quotes in context, confirm or dismiss."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import ClaimView, ContradictionView, Event, Source
from ledger.services import claim_command, claim_record
from reviews.contradictions import flagging, services
from reviews.contradictions.detectors import Cue
from reviews.contradictions.scoring import PairScore
from reviews.roles import Role
from reviews.services import FlagDecision
from tests.claims import (
    FIRST_CLAIM_ID,
    NOT_CHECK_WORTHY,
    SECOND_CLAIM_ID,
    SEED_STANCES,
    SYSTEM,
    claim_brought_to,
    claim_quoted,
    decide_flag,
    seed_pair_explanation,
    seed_pair_flagged,
)
from tests.claims import SILENT as SEED_SILENT
from tests.claims import SUPPORT as SEED_SUPPORT
from tests.ledger.old_events import flag_v1_append
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
# How the desk names each claim of the flag: its opening words.
OPENING_WORDS = {
    SUPPORT: "“The unwavering support from Tehran, rooted in ideological…”",
    SILENT: "“Iran's allies, including Hezbollah, the Houthi movement…”",
}


def title_of(flag: ContradictionView) -> str:
    """The flag's name: claim A's words, then claim B's (A is the claim sorted first by id)."""
    texts = [ClaimView.objects.get(pk=claim).text for claim in (flag.claim_a, flag.claim_b)]
    return " vs ".join(OPENING_WORDS[text] for text in texts)


CHANGELIST = reverse("admin:reviews_contradictionflag_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def quote(source: Source, text: str) -> str:
    return claim_quoted(
        source_id=str(source.id), source_text=SOURCE_TEXT, quote=text, publisher=ORGANISATION
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
        f"{title_of(flag)}: rita may not decide this flag: neither claim is assigned to you"
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
    assert f"{title_of(flag)}: a note is required: say why" in messages_of(response)
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


# --- The desk's flags list, flag page and claim page (issue 16) --------------------------------


def flag_page(pair_id: object) -> str:
    return reverse("admin:reviews_contradictionflag_change", args=[pair_id])


def claim_page(claim_id: object) -> str:
    return reverse("admin:reviews_reviewclaim_change", args=[claim_id])


def scored(score: float, kind: str = "stance") -> PairScore:
    return PairScore(score=score, cues=[Cue(kind=kind, strength=score, template="cue")])


def flag_pairs(
    count: int,
    *,
    score: float = 0.8,
    publisher: str = ORGANISATION,
    kind: str = "stance",
    check_worthy: bool = True,
) -> list[str]:
    """``count`` flagged pairs of fresh claims (no source); their pair ids. With
    ``check_worthy=False`` the classifier found neither claim check-worthy."""
    pair_ids = []
    worthiness = None if check_worthy else NOT_CHECK_WORTHY
    for number in range(count):
        a, b = (
            claim_record(
                text=f"Claim {number} says {word}.",
                metadata=SYSTEM,
                publisher=publisher,
                check_worthiness=worthiness,
            )
            for word in ("yes", "no")
        )
        flagged = flagging.contradiction_flag(
            claim_a=a.claim_id, claim_b=b.claim_id, score=scored(score, kind), metadata=SYSTEM
        )
        assert flagged is not None
        pair_ids.append(flagged.pair_id)
    return pair_ids


@pytest.mark.parametrize("pair_id", ["not-a-uuid", "33333333-3333-3333-3333-333333333333"])
def test_a_flag_page_of_no_visible_flag_goes_back_to_the_list_with_a_warning(
    client, users, flag, pair_id
):
    client.force_login(users[Role.REVIEWER])
    # when the reviewer opens a flag page of a malformed or unknown id
    response = client.get(flag_page(pair_id))
    # then they are back on the list, told there is no such flag they can see
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert messages_of(response) == [f"There is no contradiction flag {pair_id!r} you can see."]


def test_the_flags_list_shows_both_claims_words_why_and_where_from(client, users, flag):
    client.force_login(users[Role.EDITOR])
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    text = page.text
    assert "<h1>Contradiction flags</h1>" in text
    assert "The unwavering support from Tehran, rooted in ideological convergence" in text
    assert "Iran&#x27;s allies, including Hezbollah, the Houthi movement, Hamas, and" in text
    assert "opposite stances" in text
    assert text.count("Allies article · daily-planet") == 2  # each claim's source and publisher


def test_the_flags_list_takes_as_many_queries_for_many_flags_as_for_one(client, users):
    client.force_login(users[Role.EDITOR])
    flag_pairs(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(CHANGELIST).status_code == 200
    flag_pairs(3)
    flag_pairs(3, kind="numeric")
    with CaptureQueriesContext(connection) as seven:
        page = client.get(CHANGELIST)
    assert page.text.count('class="flag-cue"') == 7
    assert len(seven) == len(one)


def test_the_flags_list_puts_open_flags_first_and_strongest_first(client, users):
    weak, strong, decided = (flag_pairs(1, score=score)[0] for score in (0.6, 0.9, 0.95))
    decide_flag(decided, 1, FlagDecision.DISMISS, "different years")
    client.force_login(users[Role.EDITOR])
    page = client.get(CHANGELIST)
    order = [page.text.index(f"/{pair_id}/change/") for pair_id in (strong, weak, decided)]
    assert order == sorted(order)


def test_flags_between_claims_not_check_worthy_are_low_priority_listed_after(client, users):
    # given, both open, a weak flag of check-worthy claims and a strong one of claims the
    # classifier found not check-worthy
    [normal] = flag_pairs(1, score=0.6)
    [low] = flag_pairs(1, score=0.9, check_worthy=False)
    client.force_login(users[Role.EDITOR])

    def listed(query: str) -> list[str]:
        page = client.get(f"{CHANGELIST}?{query}")
        assert page.status_code == 200
        shown = [p for p in (normal, low) if f"/{p}/change/" in page.text]
        return sorted(shown, key=lambda p: page.text.index(f"/{p}/change/"))

    # then the low-priority flag comes after the other, whatever its score, and filters apart
    assert listed("") == [normal, low]
    assert listed("priority=low") == [low]
    assert listed("priority=normal") == [normal]
    assert ">low</td>" in client.get(CHANGELIST).text

    # and when an editor's promotion puts one of its claims in the queue, it is normal
    claim = ClaimView.objects.get(pk=ContradictionView.objects.get(pk=low).claim_a)
    claim_command(
        claim_id=str(claim.claim_id),
        expected_version=claim.version,
        event=ev.ClaimPromoted(reason="checkable"),
        metadata=SYSTEM,
    )
    assert listed("priority=normal") == [low, normal]  # stronger first
    assert listed("priority=low") == []


def test_the_flags_list_filters_by_status_publisher_assignee_and_searches_text(client, users):
    mine, theirs, other_paper = flag_pairs(2) + flag_pairs(1, publisher="gotham")
    assign(ContradictionView.objects.get(pk=mine).claim_b, "ed")
    decide_flag(theirs, 1, FlagDecision.CONFIRM, "yes")
    client.force_login(users[Role.EDITOR])

    def listed(query: str) -> set[str]:
        page = client.get(f"{CHANGELIST}?{query}")
        assert page.status_code == 200
        return {p for p in (mine, theirs, other_paper) if f"/{p}/change/" in page.text}

    assert listed("assigned=me") == {mine}
    assert listed("status=confirmed") == {theirs}
    assert listed("status=open") == {mine, other_paper}
    assert listed("publisher=gotham") == {other_paper}
    assert listed("q=Claim+1+says") == {theirs}


def test_the_flags_list_offers_each_claims_publisher_once_in_order(client, users):
    # given flags between claims of two publishers, and a claim with no publisher
    flag_pairs(1, publisher="gotham")
    flag_pairs(2)
    claim_record(text="An unsigned claim.", metadata=SYSTEM)
    client.force_login(users[Role.EDITOR])
    # when
    page = client.get(CHANGELIST)
    # then the publisher filter lists each publisher once, in order, and no blank one
    choices = re.findall(r'href="\?publisher=([^"&]*)"', page.text)
    assert choices == sorted({ORGANISATION, "gotham"})


def test_the_flags_list_shows_the_type_in_words_and_filters_by_it(client, users):
    # given a stance flag, a numbers flag, and a flag recorded before types were (schema 1)
    stance, numeric = flag_pairs(1) + flag_pairs(1, kind="numeric")
    old_a = claim_record(text="Turnout was 40 percent.", metadata=SYSTEM).claim_id
    old_b = claim_record(text="Turnout was 60 percent.", metadata=SYSTEM).claim_id
    unknown = flagging.contradiction_pair_id(claim_a=old_a, claim_b=old_b)
    flag_v1_append(stream_id=unknown, claims=[old_a, old_b], metadata=SYSTEM)
    client.force_login(users[Role.EDITOR])

    def listed(query: str) -> set[str]:
        page = client.get(f"{CHANGELIST}?{query}")
        assert page.status_code == 200
        return {p for p in (stance, numeric, unknown) if f"/{p}/change/" in page.text}

    # when the list is read / then each row names its type for editors
    text = client.get(CHANGELIST).text
    assert '<th scope="col" class="sortable column-flag_type">' in text
    assert text.count('<td class="field-flag_type">Opposite stances</td>') == 1
    assert text.count('<td class="field-flag_type">Numbers differ</td>') == 1
    assert (
        text.count('<td class="field-flag_type">Unknown (flagged before types were recorded)</td>')
        == 1
    )
    assert listed("type=numeric") == {numeric}
    assert listed("type=stance") == {stance}
    assert listed("type=unknown") == {unknown}
    assert listed("type=date") == set()


def test_the_flag_page_confirms_with_a_note_at_the_version_shown(client, users, flag):
    client.force_login(users[Role.EDITOR])
    page = client.get(flag_page(flag.pair_id))
    assert page.status_code == 200
    assert f'href="{claim_page(flag.claim_a)}"' in page.text
    assert f'href="{claim_page(flag.claim_b)}"' in page.text
    assert f'name="expected_version" value="{flag.version}"' in page.text
    response = client.post(
        flag_page(flag.pair_id),
        {"decision": "confirm", "expected_version": flag.version, "note": "Same month."},
        follow=True,
    )
    assert messages_of(response) == [f"Flag confirmed: {title_of(flag)}."]
    event = Event.objects.get(type="ContradictionConfirmed")
    assert (event.data, event.metadata["actor"]) == ({"note": "Same month."}, "user:ed")


def test_a_stale_flag_page_is_refused_and_keeps_the_note(client, users, flag):
    # given someone dismissed the flag after the editor opened it
    decide_flag(str(flag.pair_id), 1, FlagDecision.DISMISS, "no")
    before = Event.objects.count()
    client.force_login(users[Role.EDITOR])
    # when the editor confirms from the page they opened (version 1)
    response = client.post(
        flag_page(flag.pair_id),
        {"decision": "confirm", "expected_version": 1, "note": "My careful reasons."},
    )
    # then
    assert response.status_code == 409
    assert messages_of(response) == [
        "Confirm refused, nothing was recorded: this flag changed since you opened it (it is "
        "now dismissed by system:test). Your note is kept below; read the flag again before "
        "deciding."
    ]
    assert Event.objects.count() == before
    assert "My careful reasons." in response.text


def test_a_decision_without_a_note_from_the_flag_page_records_nothing(client, users, flag):
    client.force_login(users[Role.EDITOR])
    before = Event.objects.count()
    response = client.post(
        flag_page(flag.pair_id), {"decision": "dismiss", "expected_version": 1, "note": " "}
    )
    assert response.status_code == 400
    assert messages_of(response) == [
        "Dismiss refused, nothing was recorded: a note is required: say why"
    ]
    assert Event.objects.count() == before


def test_the_claim_page_lists_its_flags_decides_them_and_shows_their_events(client, users, flag):
    client.force_login(users[Role.EDITOR])
    page = client.get(claim_page(flag.claim_a))
    assert f'href="{flag_page(flag.pair_id)}"' in page.text
    other = ClaimView.objects.get(pk=flag.claim_b).text.replace("'", "&#x27;")
    assert other in page.text
    # when the editor confirms from the claim page
    response = client.post(
        flag_page(flag.pair_id),
        {
            "decision": "confirm",
            "expected_version": 1,
            "note": "Same week.",
            "back_to_claim": str(flag.claim_a),
        },
    )
    # then they are back on the claim page, which lists the decided flag and its events
    assert response.status_code == 302
    assert response["Location"] == claim_page(flag.claim_a)
    page = client.get(claim_page(flag.claim_a))
    assert "No open contradiction flags." in page.text
    assert "claim-flag-confirmed" in page.text
    rows = re.findall(r'<tr class="timeline-(\w+)', page.text)
    assert rows == ["ClaimRecorded", "ContradictionFlagged", "ContradictionConfirmed"]
    assert "contradiction flag confirmed — Same week." in page.text


def test_the_verdict_has_no_preselected_rating_and_shows_the_scale(client, users):
    claim = claim_brought_to(
        ClaimStatus.IN_REVIEW, text="Iran pledged support.", publisher=ORGANISATION, assignee="ed"
    )
    client.force_login(users[Role.EDITOR])
    page = client.get(claim_page(claim.claim_id)).text
    start = page.index('<select name="rating"')
    select = page[start : page.index("</select>", start)]
    assert select.count(" selected") == 1
    assert '<option value="" selected disabled>Choose a rating…</option>' in select
    assert "<dt>1 · False</dt><dd>The claim is not accurate.</dd>" in page


def test_an_administrator_turns_off_four_eyes_with_a_reason(client, users, organisation):
    client.force_login(users[Role.ADMIN])
    response = client.post(
        reverse("admin:reviews_organisation_changelist"),
        {
            "action": "allow_one_person_sign_off",
            "_selected_action": [organisation.slug],
            "reason": "one-person desk",
        },
        follow=True,
    )
    assert messages_of(response) == ["Daily Planet: sign-off now may be done by one person."]
    event = Event.objects.get(type="FourEyesRuleChanged")
    assert event.data == {
        "organisation": organisation.slug,
        "required": False,
        "reason": "one-person desk",
    }


# --- The explanation: how today's detectors read the flag's pair (issue 15) --------------------


def explanation_rows(page: str) -> list[str]:
    """The flag page's explanation section as ``label: text`` lines (explain_pair's form)."""
    section = page[page.index('id="flag-explanation"') : page.index('id="flag-decision"')]
    rows = re.findall(r"<tr[^>]*><th>(.*?)</th><td>(.*?)</td></tr>", section)
    return [html.unescape(f"{label}: {text}") for label, text in rows]


@pytest.mark.parametrize("first", [SEED_SUPPORT, SEED_SILENT], ids=["support-is-a", "silence-is-a"])
def test_the_flag_page_explains_the_pair_as_explain_pair_does_in_either_order(client, users, first):
    # given the seed pair flagged by the worker, stored with ``first`` as claim A
    flag = seed_pair_flagged(first=first, publisher=ORGANISATION)
    assert str(flag.claim_a) == FIRST_CLAIM_ID
    client.force_login(users[Role.REVIEWER])
    # when the flag page is opened
    page = client.get(flag_page(flag.pair_id)).text
    # then under the claims it shows what explain_pair prints, A's words named as A's
    assert page.index('id="flag-side-b"') < page.index('id="flag-explanation"')
    expected = seed_pair_explanation(first=first)
    assert explanation_rows(page) == expected
    assert page.count('<tr class="fired">') == 1
    assert '<tr class="fired"><th>stance</th>' in page
    # and the stored cue, from flagging time, names the same claim's stance as A's
    assert f"A says {SEED_STANCES[first]}" in flag.cues[0]
    assert (
        "Computed now, by detector lexical-19; the reasons above were recorded when the pair was "
        "flagged, by detector lexical-19." in page
    )


def test_the_flag_page_says_its_explanation_is_todays_not_the_flaggings(client, users):
    # given a flag recorded by an older detector version, with the cue it gave then
    a, b = (
        claim_record(text=text, metadata=SYSTEM, publisher=ORGANISATION, claim_id=claim_id)
        for claim_id, text in ((FIRST_CLAIM_ID, SEED_SUPPORT), (SECOND_CLAIM_ID, SEED_SILENT))
    )
    flagged = flagging.contradiction_flag(
        claim_a=a.claim_id, claim_b=b.claim_id, score=scored(0.8), metadata=SYSTEM, version="old-1"
    )
    assert flagged is not None
    client.force_login(users[Role.EDITOR])
    # when
    page = client.get(flag_page(flagged.pair_id)).text
    # then the page names both versions, and the explanation is today's detectors'
    assert (
        "Computed now, by detector lexical-19; the reasons above were recorded when the pair was "
        "flagged, by detector old-1." in page
    )
    assert explanation_rows(page) == seed_pair_explanation(first=SEED_SUPPORT)


def test_the_flag_page_of_a_claim_no_longer_listed_says_there_is_no_explanation(client, users):
    flag = seed_pair_flagged(first=SEED_SUPPORT, publisher=ORGANISATION)
    ClaimView.objects.filter(pk=flag.claim_b).delete()
    client.force_login(users[Role.EDITOR])
    page = client.get(flag_page(flag.pair_id))
    assert page.status_code == 200
    assert "No explanation: a claim of this flag is not in the ledger's claim list." in (page.text)
    assert explanation_rows(page.text) == []
