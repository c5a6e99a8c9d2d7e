"""Erasing a claim's text from the admin: the data-protection role's action (issue 19)."""

import re

import pytest
from django.urls import reverse

from ledger import events as ev
from ledger.models import ClaimView, Event
from reviews.roles import Role
from tests.reviews.admin.test_claims import messages_of

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_reviewclaim_changelist")
TEXT = "Iran has pledged unwavering support to its allies."


def confirm_erasure(client, claim_ids: list[str], reason: str):
    """Post the erase action's confirmation, as its page does."""
    return client.post(
        QUEUE_URL,
        {
            "action": "erase_text",
            "_selected_action": claim_ids,
            "confirmed": "yes",
            "reason": reason,
        },
    )


def offered_actions(client) -> list[str]:
    return re.findall(r'<option value="(\w+)"', client.get(QUEUE_URL).text)


def test_the_erase_action_is_offered_to_administrators_and_data_protection_only(
    client, users, claim_in
):
    claim_in()  # the admin hides actions over an empty list

    def offered(role: Role) -> bool:
        client.force_login(users[role])
        return "erase_text" in offered_actions(client)

    assert offered(Role.DATA_PROTECTION)
    assert offered(Role.ADMIN)
    assert not any(offered(role) for role in (Role.PUBLISHER, Role.REVIEWER, Role.EDITOR))
    assert not offered(Role.AUDITOR)


def test_erasing_asks_for_a_reason_then_shows_what_it_touched(client, users, claim_in):
    # given a claim, and the data-protection officer on the queue
    claim = claim_in(text=TEXT)
    client.force_login(users[Role.DATA_PROTECTION])
    selection = {"action": "erase_text", "_selected_action": [claim.claim_id]}
    events = Event.objects.count()

    # when they choose the action, a confirmation page shows the sentence and asks a reason
    confirmation = client.post(QUEUE_URL, selection)

    assert confirmation.status_code == 200
    assert TEXT in confirmation.text
    assert 'name="reason"' in confirmation.text
    assert Event.objects.count() == events

    # when they confirm with a reason
    erased = client.post(
        QUEUE_URL, {**selection, "confirmed": "yes", "reason": "request of the person named"}
    )

    # then the page lists the field removed and the DataRedacted event that records it
    assert erased.status_code == 200
    redaction = Event.objects.get(type=ev.EventType.DATA_REDACTED)
    assert redaction.data["reason"] == "request of the person named"
    assert redaction.metadata["actor"] == "user:dora"
    assert redaction.metadata["via"] == "admin"
    assert "Erased 1 field in 1 event." in erased.text
    assert f"<td>text</td><td>#{redaction.position}</td>" in erased.text
    assert ClaimView.objects.get(pk=claim.claim_id).text == ev.REDACTED
    assert TEXT not in erased.text


def test_erasing_without_a_reason_is_refused_and_changes_nothing(client, users, claim_in):
    claim = claim_in(text=TEXT)
    client.force_login(users[Role.ADMIN])
    events = Event.objects.count()

    response = confirm_erasure(client, [claim.claim_id], "  ")

    assert response.status_code == 302
    assert messages_of(response) == [
        "Erasure refused, nothing was changed: a redaction needs a reason"
    ]
    assert Event.objects.count() == events
    assert ClaimView.objects.get(pk=claim.claim_id).text == TEXT


def test_erasing_asks_for_exactly_one_claim(client, users, claim_in):
    claims = [claim_in(text=TEXT), claim_in(text="Analysts were sceptical.")]
    client.force_login(users[Role.DATA_PROTECTION])
    events = Event.objects.count()

    response = confirm_erasure(client, [claim.claim_id for claim in claims], "request")

    assert messages_of(response) == ["Select one claim to erase its text; nothing was changed."]
    assert Event.objects.count() == events


def test_an_editor_posting_the_action_is_refused(client, users, claim_in):
    claim = claim_in(text=TEXT)
    client.force_login(users[Role.EDITOR])
    events = Event.objects.count()

    response = confirm_erasure(client, [claim.claim_id], "request")

    assert (response.status_code, messages_of(response)) == (302, ["No action selected."])
    assert Event.objects.count() == events
    assert ClaimView.objects.get(pk=claim.claim_id).text == TEXT
