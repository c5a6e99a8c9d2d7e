"""The claim page as the claim stood after one event of its timeline: read-only, with a banner."""

import re

import pytest
from django.urls import reverse

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import Event
from ledger.services import claim_command
from reviews.roles import Role
from tests.claims import SYSTEM

pytestmark = pytest.mark.django_db


def claim_url(claim_id: str) -> str:
    return reverse("admin:reviews_reviewclaim_change", args=[claim_id])


def test_every_timeline_row_links_to_the_claim_as_of_its_event(client, users, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    client.force_login(users[Role.EDITOR])
    html = client.get(claim_url(claim.claim_id)).content.decode()
    positions = list(
        Event.objects.filter(stream_id=claim.claim_id)
        .order_by("version")
        .values_list("position", flat=True)
    )
    assert re.findall(r'href="\?as_of=(\d+)"', html) == [str(p) for p in positions]
    assert 'id="as-of-banner"' not in html


def test_the_claim_as_of_an_event_is_shown_read_only_with_a_banner(client, users, claim_in):
    # given a claim recorded, assigned, in review, with a verdict, then a comment
    claim = claim_in(ClaimStatus.IN_REVIEW)
    claim = claim_command(
        claim_id=claim.claim_id,
        expected_version=claim.version,
        event=ev.ClaimCommented(body="later note"),
        metadata=SYSTEM,
    )
    assigned = Event.objects.get(stream_id=claim.claim_id, version=2)
    client.force_login(users[Role.EDITOR])

    # when
    response = client.get(claim_url(claim.claim_id), {"as_of": assigned.position})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    banner = re.search(r'<div class="as-of-banner".*?</div>', html, re.S)
    assert banner is not None
    assert f"after event #{assigned.position} (version 2" in banner.group(0)
    assert "The claim is now at version 5." in banner.group(0)
    assert re.search(r'id="claim-status">pending<', html)
    assert re.search(r'id="claim-version">2<', html)
    assert "No verdict yet." in html
    assert "<form" not in html.split('id="claim-actions"')[1].split("</section>")[0]
    assert "None: this is a past state." in html
    assert 'class="timeline-ClaimAssigned as-of-current">' in html
    assert html.count(' after-as-of"') == 3  # review started, verdict set, comment


def test_a_position_between_events_shows_the_last_event_before_it(client, users, claim_in):
    first = claim_in()
    other = claim_in(text="The bridge opened in 1994.")  # its events come after first's
    later = Event.objects.filter(stream_id=other.claim_id).order_by("position").last()
    assert later is not None
    client.force_login(users[Role.EDITOR])
    html = client.get(claim_url(first.claim_id), {"as_of": later.position}).content.decode()
    assert f"after event #{first.last_position}" in html
    assert f"the claim's last event at or before position {later.position}" in html


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("abc", "is not an event position"), ("1", "No earlier state to show")],
)
def test_a_bad_point_in_time_goes_back_to_the_claim_now(client, users, claim_in, as_of, message):
    claim_in()  # position 1 and 2 belong to this claim, not to the one viewed
    claim = claim_in(text="The bridge opened in 1994.")
    client.force_login(users[Role.EDITOR])
    response = client.get(claim_url(claim.claim_id), {"as_of": as_of}, follow=True)
    assert response.redirect_chain == [(claim_url(claim.claim_id), 302)]
    assert any(message in str(m) for m in response.context["messages"])
    assert 'id="as-of-banner"' not in response.content.decode()


def test_a_publisher_cannot_see_another_organisations_claim_as_of_anything(client, users, claim_in):
    claim = claim_in(publisher="elsewhere")
    client.force_login(users[Role.PUBLISHER])
    response = client.get(claim_url(claim.claim_id), {"as_of": claim.last_position})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reviews_reviewclaim_changelist")
