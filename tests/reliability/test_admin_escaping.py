"""Stored text with HTML or script is shown as text on every admin page that displays it."""

from __future__ import annotations

import pytest
from django.test import Client

from ledger import events as ev
from ledger.ingestion import source_ingest
from ledger.models import ContradictionView, Event
from ledger.services import claim_command, claim_record
from reviews.contradictions.services import contradictions_consume
from tests.api.conftest import OWN
from tests.claims import SYSTEM
from tests.reliability.conftest import figures_record

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror="alert(1)">'
SUPPORT = "The unwavering support from Tehran is unlikely to diminish. "
SILENT = "Iran's allies have been largely silent since the attacks began. "


def test_html_and_script_in_stored_text_are_escaped_on_every_admin_page(people):
    # given a source, two contradicting claims, a comment and a flag, all carrying the payload
    source = source_ingest(
        content=f"{SUPPORT}{PAYLOAD}\n".encode(), metadata=SYSTEM, publisher=OWN, title=PAYLOAD
    )
    claim = claim_record(text=PAYLOAD + SUPPORT, metadata=SYSTEM, publisher=OWN)
    claim_record(text=PAYLOAD + SILENT, metadata=SYSTEM, publisher=OWN)
    claim_command(
        claim_id=claim.claim_id,
        expected_version=claim.version,
        event=ev.ClaimCommented(body=PAYLOAD),
        metadata=ev.Metadata(actor=f"user:{PAYLOAD}", via="test"),
    )
    contradictions_consume()
    flag = next(
        row
        for row in ContradictionView.objects.all()
        if claim.claim_id in {str(row.claim_a), str(row.claim_b)}
    )
    event = Event.objects.get(stream_id=claim.claim_id, type="ClaimCommented")
    pages = {
        "review queue": "/admin/reviews/reviewclaim/",
        "queue search": f"/admin/reviews/reviewclaim/?q={PAYLOAD}",
        "claim page": f"/admin/reviews/reviewclaim/{claim.claim_id}/change/",
        "events": "/admin/ledger/event/",
        "event page": f"/admin/ledger/event/{event.position}/change/",
        "sources": "/admin/ledger/source/",
        "source page": f"/admin/ledger/source/{source.source_id}/change/",
        "flags": "/admin/reviews/contradictionflag/",
        "flags search": f"/admin/reviews/contradictionflag/?q={PAYLOAD}",
        "flag page": f"/admin/reviews/contradictionflag/{flag.pk}/change/",
    }
    client = Client()
    client.force_login(people["ada"])

    # when each page is opened
    for name, url in pages.items():
        response = client.get(url)
        page = response.content.decode()

        # then the payload's markup is never live, and its text is there, escaped
        assert response.status_code == 200, name
        assert "<script>alert(" not in page, name
        assert "<img src=x" not in page, name
        assert "&lt;script&gt;alert(" in page, name
    figures_record("admin-escaping", pages_checked=len(pages), live_markup_found=0)
