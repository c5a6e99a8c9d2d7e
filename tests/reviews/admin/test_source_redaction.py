"""Redacting text of a source snapshot from the admin: the data-protection role's action."""

import re

import pytest
from django.urls import reverse

from ledger import events as ev
from ledger.ingestion import source_ingest
from ledger.models import Event, Source
from reviews.roles import Role
from tests.reviews.admin.test_claims import messages_of

pytestmark = pytest.mark.django_db

SOURCES_URL = reverse("admin:ledger_source_changelist")
SENTENCES = [
    "Iran pledged $100 million to Hamas in 2023, officials said.",
    "Qatar hosted talks between the parties on 3 May 2024.",
]


@pytest.fixture
def source():
    return source_ingest(
        content=" ".join(SENTENCES).encode(), metadata=ev.Metadata(actor="system:t", via="test")
    )


def test_the_redact_action_is_offered_to_administrators_and_data_protection_only(
    client, users, source
):
    def offered(role: Role) -> bool:
        client.force_login(users[role])
        page = client.get(SOURCES_URL)
        return "redact_text" in re.findall(r'<option value="(\w+)"', page.text)

    assert offered(Role.DATA_PROTECTION)
    assert offered(Role.ADMIN)
    assert not any(offered(role) for role in (Role.REVIEWER, Role.EDITOR, Role.AUDITOR))


def test_redacting_asks_for_the_text_and_a_reason_then_shows_what_it_touched(client, users, source):
    # given the data-protection officer on the sources page
    client.force_login(users[Role.DATA_PROTECTION])
    selection = {"action": "redact_text", "_selected_action": [source.source_id]}
    events = Event.objects.count()

    # when they choose the action, a confirmation page asks for the text and a reason
    confirmation = client.post(SOURCES_URL, selection)
    assert confirmation.status_code == 200
    assert 'name="text"' in confirmation.text
    assert 'name="reason"' in confirmation.text
    assert Event.objects.count() == events

    # when they confirm with text the source does not hold, nothing changes and they are told
    missing = client.post(
        SOURCES_URL,
        {**selection, "confirmed": "yes", "text": "Not in it.", "reason": "request"},
        follow=True,
    )
    assert any("Redaction refused, nothing was changed" in m for m in messages_of(missing))
    assert Event.objects.count() == events

    # when they confirm with the sentence and a reason
    redacted = client.post(
        SOURCES_URL, {**selection, "confirmed": "yes", "text": SENTENCES[1], "reason": "request"}
    )

    # then the page lists the span filled and the claim fields redacted, with their events
    assert redacted.status_code == 200
    recorded = Event.objects.get(type=ev.EventType.SOURCE_REDACTED)
    assert recorded.metadata["actor"] == "user:dora"
    assert recorded.metadata["via"] == "admin"
    start = len(SENTENCES[0]) + 1
    assert f"<td>{start}..{start + len(SENTENCES[1])}</td>" in redacted.text
    assert f"recorded as SourceRedacted at #{recorded.position}" in redacted.text
    fields = sorted(Event.objects.filter(type="DataRedacted").values_list("data__field", flat=True))
    assert fields == ["selector.exact", "selector.suffix", "text"]
    assert "redacted 3 claim fields" in redacted.text
    assert SENTENCES[1] not in Source.objects.get(pk=source.source_id).text
