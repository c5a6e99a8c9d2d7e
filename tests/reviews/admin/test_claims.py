"""The review desk in the admin: queue, claim page, buttons, bulk actions, read-only events."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import ClaimView, Event, Source
from ledger.services import claim_command, claim_load
from reviews.roles import Role
from tests.claims import SYSTEM, claim_quoted, run_command
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_reviewclaim_changelist")
SOURCE_TEXT = (
    "Tehran's leaders spoke on Monday. Iran has pledged unwavering support to its allies. "
    "Analysts were sceptical."
)
QUOTE = "Iran has pledged unwavering support to its allies."


def claim_url(claim_id: str) -> str:
    return reverse("admin:reviews_reviewclaim_change", args=[claim_id])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def anchored_claim(users):
    """An in-review claim quoted from a stored source, assigned to the reviewer, with a verdict."""
    source = Source.objects.create(
        id="11111111-1111-1111-1111-111111111111",
        sha256="b" * 64,
        content=SOURCE_TEXT.encode(),
        text=SOURCE_TEXT,
        media_type="text/plain",
        title="Seed article",
        url="https://example.org/article",
        publisher=ORGANISATION,
        captured_at="2026-01-01T00:00:00Z",
    )
    state = claim_quoted(
        source_id=str(source.id), source_text=SOURCE_TEXT, quote=QUOTE, publisher=ORGANISATION
    )
    for event in [
        ev.ClaimAssigned(assignee="rita"),
        ev.ClaimReviewStarted(),
        ev.ClaimVerdictSet(rating=4, rating_name="Mostly true", explanation="the transcript"),
    ]:
        state = claim_command(
            claim_id=state.claim_id, expected_version=state.version, event=event, metadata=SYSTEM
        )
    return state


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_an_admin_page_reads_who_is_acting_once(client, users, claim_in, role):
    # given a signed-in member of the desk and a claim
    claim = claim_in(ClaimStatus.IN_REVIEW)
    client.force_login(users[role])
    for url in (reverse("admin:index"), QUEUE_URL, claim_url(claim.claim_id)):
        client.get(url)  # the session and the site's caches warmed
        # when the page is shown
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # then the user's roles and organisation were read in one query, however many
        # permission checks and querysets asked who is acting
        actor_reads = [
            query["sql"]
            for query in queries.captured_queries
            if "auth_user_groups" in query["sql"] and "membership" in query["sql"]
        ]
        assert len(actor_reads) == 1, url


def test_queue_lists_claims_with_filters_and_search(client, users, claim_in):
    # given
    in_review = claim_in(ClaimStatus.IN_REVIEW, text="Inflation hit 9 percent in May.")
    claim_in(ClaimStatus.PENDING, text="The bridge opened in 1994.", assignee="ed")
    client.force_login(users[Role.REVIEWER])

    # when / then
    everything = client.get(QUEUE_URL)
    assert everything.status_code == 200
    assert "Inflation hit 9 percent" in everything.text
    assert "The bridge opened in 1994." in everything.text
    for query in ["?status=in_review", "?assignee=__me__", "?q=inflation"]:
        page = client.get(QUEUE_URL + query)
        assert "Inflation hit 9 percent" in page.text, query
        assert "The bridge opened" not in page.text, query
    assert "Inflation" not in client.get(QUEUE_URL + "?status=published").text
    assert "Inflation" in client.get(QUEUE_URL + f"?publisher={ORGANISATION}").text
    assert in_review.claim_id in client.get(QUEUE_URL + "?status=in_review").text


def test_queue_filters_flagged_claims_and_the_page_shows_the_count(client, users, claim_in):
    flagged = claim_in(ClaimStatus.PENDING, text="Tehran's support is unwavering.")
    claim_in(ClaimStatus.PENDING, text="Quiet claim.")
    # Stands in for the contradiction projection, which keeps this count in the read model.
    ClaimView.objects.filter(pk=flagged.claim_id).update(open_flag_count=2)
    client.force_login(users[Role.EDITOR])

    with_flags = client.get(QUEUE_URL + "?flagged=yes").text
    without_flags = client.get(QUEUE_URL + "?flagged=no").text

    assert ("Tehran&#x27;s support" in with_flags, "Quiet claim." in with_flags) == (True, False)
    assert ("Tehran&#x27;s support" in without_flags, "Quiet claim." in without_flags) == (
        False,
        True,
    )
    page = client.get(claim_url(flagged.claim_id)).text
    assert "<strong>2</strong> open contradiction flags on this claim." in page


def test_queue_filters_by_source(client, users, anchored_claim, claim_in):
    claim_in(ClaimStatus.PENDING, text="Unanchored claim.")
    client.force_login(users[Role.EDITOR])

    page = client.get(QUEUE_URL + "?source=11111111-1111-1111-1111-111111111111")

    assert QUOTE in page.text
    assert "Unanchored claim." not in page.text
    assert "Seed article" in client.get(QUEUE_URL).text  # offered as a filter choice


def test_publisher_sees_only_its_organisations_claims(client, users, claim_in):
    claim_in(ClaimStatus.PENDING, text="Ours.")
    theirs = claim_in(ClaimStatus.PENDING, text="Theirs.", publisher="other-paper")
    client.force_login(users[Role.PUBLISHER])

    page = client.get(QUEUE_URL)

    assert "Ours." in page.text
    assert "Theirs." not in page.text
    assert client.get(claim_url(theirs.claim_id)).status_code == 302  # not found for them


def test_claim_page_shows_quote_in_context_verdict_flags_and_timeline(
    client, users, anchored_claim
):
    client.force_login(users[Role.REVIEWER])

    page = client.get(claim_url(anchored_claim.claim_id))

    assert page.status_code == 200
    assert f'<mark id="claim-quote">{QUOTE}</mark>' in page.text
    assert "Tehran&#x27;s leaders spoke on Monday. <mark" in page.text
    assert "</mark> Analysts were sceptical." in page.text
    assert "<strong>Mostly true</strong> (4 of 5)" in page.text
    assert "No open contradiction flags." in page.text
    timeline = page.text[page.text.index('id="claim-timeline"') :]
    assert re.findall(r"<strong>(Claim\w+)</strong>", timeline) == [
        "ClaimRecorded",
        "ClaimAssigned",
        "ClaimReviewStarted",
        "ClaimVerdictSet",
    ]
    assert "system:test" in timeline
    # the reviewer's buttons, and not the editor's
    buttons = re.findall(r'id="action-(\w+)"', page.text)
    assert buttons == ["comment", "attach_evidence", "request_changes", "set_verdict", "approve"]


def test_approve_button_appends_the_approval(client, users, anchored_claim):
    client.force_login(users[Role.REVIEWER])
    url = claim_url(anchored_claim.claim_id)

    response = client.post(
        url, {"command": "approve", "expected_version": "4", "note": "checked twice"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert messages_of(response) == ["Approve: done. The claim is approved (version 5)."]
    last = Event.objects.latest("position")
    assert (last.type, last.data, last.metadata["actor"], last.metadata["via"]) == (
        "ClaimApproved",
        {"note": "checked twice"},
        "user:rita",
        "admin",
    )
    page = client.get(url)
    assert "approved — checked twice" in page.text
    assert re.findall(r'id="action-(\w+)"', page.text) == ["comment", "attach_evidence"]


def test_stale_button_is_refused_with_a_message_and_appends_nothing(client, users, anchored_claim):
    client.force_login(users[Role.REVIEWER])
    count = Event.objects.count()

    response = client.post(
        claim_url(anchored_claim.claim_id), {"command": "approve", "expected_version": "3"}
    )

    assert messages_of(response) == [
        f"Approve refused, nothing was changed: stream {anchored_claim.claim_id} is at version 4, "
        "not 3: it changed since you read it; reload and try again"
    ]
    assert Event.objects.count() == count


@pytest.mark.parametrize(
    ("role", "post", "message"),
    [
        (Role.AUDITOR, {"command": "approve"}, "audrey (auditor) may not approve claims"),
        (Role.REVIEWER, {"command": "publish"}, "rita (reviewer) may not publish claims"),
        (Role.EDITOR, {"command": "publish"}, "cannot publish a claim that is in review"),
        (Role.EDITOR, {"command": "nonsense"}, "Nothing was changed: unknown action."),
    ],
)
def test_forbidden_buttons_are_refused_and_append_nothing(
    client, users, anchored_claim, role, post, message
):
    client.force_login(users[role])
    count = Event.objects.count()

    response = client.post(claim_url(anchored_claim.claim_id), {**post, "expected_version": "4"})

    assert len(messages_of(response)) == 1
    assert message in messages_of(response)[0]
    assert Event.objects.count() == count


def test_html_in_claim_text_and_comments_is_shown_as_text(client, users, claim_in, actors):
    from reviews.workflow.commands import Command

    claim = claim_in(ClaimStatus.PENDING, text='<script>alert("claim")</script><b>bold</b>')
    run_command(
        actors[Role.EDITOR],
        Command.COMMENT,
        claim.claim_id,
        claim.version,
        body='<img src=x onerror="alert(1)">',
    )
    client.force_login(users[Role.EDITOR])

    for page in [client.get(QUEUE_URL), client.get(claim_url(claim.claim_id))]:
        assert '<script>alert("claim")' not in page.text
        assert "<b>bold</b>" not in page.text
        assert "&lt;script&gt;alert(&quot;claim&quot;)&lt;/script&gt;" in page.text
    page = client.get(claim_url(claim.claim_id))
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page.text


def test_bulk_approve_confirms_versions_then_each_claim_stands_alone(
    client, users, claim_in, actors
):
    from reviews.workflow.commands import Command

    # given two in-review claims; one changes after the confirmation page was shown
    first, second = claim_in(ClaimStatus.IN_REVIEW), claim_in(ClaimStatus.IN_REVIEW)
    client.force_login(users[Role.REVIEWER])
    selection = {"action": "bulk_approve", "_selected_action": [first.claim_id, second.claim_id]}
    confirmation = client.post(QUEUE_URL, selection)
    assert confirmation.status_code == 200
    assert f'name="version_{first.claim_id}" value="{first.version}"' in confirmation.text
    run_command(actors[Role.EDITOR], Command.COMMENT, second.claim_id, second.version, body="wait")

    # when
    response = client.post(
        QUEUE_URL,
        {
            **selection,
            "confirmed": "yes",
            f"version_{first.claim_id}": str(first.version),
            f"version_{second.claim_id}": str(second.version),
        },
    )

    # then
    assert response.status_code == 302
    messages = messages_of(response)
    assert messages[0] == "Approve: done for 1 claim(s)."
    assert "is at version 5, not 4" in messages[1]
    assert claim_load(claim_id=first.claim_id).status == "approved"
    assert claim_load(claim_id=second.claim_id).status == "in_review"


def test_bulk_assign(client, users, claim_in):
    claims = [claim_in(ClaimStatus.PENDING, assignee="") for _ in range(3)]
    client.force_login(users[Role.EDITOR])
    selection = {"action": "bulk_assign", "_selected_action": [c.claim_id for c in claims]}

    response = client.post(
        QUEUE_URL,
        {
            **selection,
            "confirmed": "yes",
            "assignee": "rita",
            **{f"version_{c.claim_id}": "1" for c in claims},
        },
    )

    assert messages_of(response) == ["Assign: done for 3 claim(s)."]
    assert {claim_load(claim_id=c.claim_id).assignee for c in claims} == {"rita"}


def test_bulk_actions_offered_follow_the_role(client, users, claim_in):
    claim_in(ClaimStatus.PENDING)  # the admin hides actions over an empty list

    def offered(role):
        client.force_login(users[role])
        return re.findall(r'<option value="(bulk_\w+)"', client.get(QUEUE_URL).text)

    assert offered(Role.REVIEWER) == [
        "bulk_start_review",
        "bulk_approve",
        "bulk_request_changes",
    ]
    assert offered(Role.EDITOR) == [
        "bulk_assign",
        "bulk_start_review",
        "bulk_approve",
        "bulk_sign_off",
        "bulk_publish",
        "bulk_request_changes",
        "bulk_reject",
        "bulk_retract",
    ]
    assert offered(Role.AUDITOR) == []


def test_events_admin_is_read_only(client, users, anchored_claim):
    client.force_login(users[Role.AUDITOR])
    event = Event.objects.earliest("position")
    change_url = reverse("admin:ledger_event_change", args=[event.position])
    count = Event.objects.count()

    listing = client.get(reverse("admin:ledger_event_changelist"))
    detail = client.get(change_url)

    assert listing.status_code == 200
    assert 'name="action"' not in listing.text  # no bulk actions, not even delete
    assert detail.status_code == 200
    assert "&quot;claim_id&quot;" in detail.text
    assert 'type="submit"' not in detail.text.split('id="content-main"')[1]
    assert client.get(reverse("admin:ledger_event_add")).status_code == 403
    assert client.post(change_url, {"type": "Tampered"}).status_code == 403
    delete_url = reverse("admin:ledger_event_delete", args=[event.position])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Event.objects.count() == count
    assert Event.objects.get(pk=event.position).type == "ClaimRecorded"


def test_source_admin_is_read_only(client, users, anchored_claim):
    client.force_login(users[Role.REVIEWER])
    url = reverse("admin:ledger_source_change", args=["11111111-1111-1111-1111-111111111111"])

    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "changed"}).status_code == 403
    assert client.get(reverse("admin:ledger_source_add")).status_code == 403
    assert Source.objects.get().title == "Seed article"


def test_reviewer_cannot_open_the_event_log(client, users):
    client.force_login(users[Role.REVIEWER])
    assert client.get(reverse("admin:ledger_event_changelist")).status_code == 403


def test_a_publisher_sees_only_its_organisations_sources(client, users, anchored_claim):
    # given a publisher of another organisation
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews.models import Membership, Organisation

    other = get_user_model().objects.create_user(username="gina", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name=Role.PUBLISHER))
    Membership.objects.create(
        user=other, organisation=Organisation.objects.create(slug="gotham", name="Gotham")
    )
    client.force_login(other)
    source_id = "11111111-1111-1111-1111-111111111111"
    missing_id = "22222222-2222-2222-2222-222222222222"

    # when it lists sources, opens the other's source by id, and an id that does not exist
    listed = client.get(reverse("admin:ledger_source_changelist"))
    theirs = client.get(reverse("admin:ledger_source_change", args=[source_id]))
    missing = client.get(reverse("admin:ledger_source_change", args=[missing_id]))
    queue = client.get(QUEUE_URL)

    # then the other's source is absent exactly like a missing one, even in the queue's filter
    assert listed.status_code == 200
    assert "Seed article" not in listed.content.decode()
    assert (theirs.status_code, missing.status_code) == (302, 302)
    assert theirs["Location"] == missing["Location"]
    assert "Seed article" not in queue.content.decode()
    # while its own publisher sees it
    client.force_login(users[Role.PUBLISHER])
    own = client.get(reverse("admin:ledger_source_change", args=[source_id]))
    assert own.status_code == 200
    assert "Seed article" in client.get(QUEUE_URL).content.decode()
