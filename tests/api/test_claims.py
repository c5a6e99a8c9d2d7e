"""Claims: visibility per role, filters, search, cursor pages, detail with ETag, history."""

import base64
import datetime
import json
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.ingestion import source_ingest
from ledger.models import ClaimView
from ledger.services import claim_command
from tests.api.conftest import OTHER, OWN, assert_problem, claim_from_a_source
from tests.claims import SYSTEM, claim_brought_to

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def claims(claim_in) -> dict[str, str]:
    return {
        "own_pending": claim_in(ClaimStatus.PENDING, text="Own pending claim.").claim_id,
        "own_published": claim_in(ClaimStatus.PUBLISHED, text="Own published claim.").claim_id,
        "other_pending": claim_in(
            ClaimStatus.PENDING, text="Other pending claim.", publisher=OTHER
        ).claim_id,
        "other_published": claim_in(
            ClaimStatus.PUBLISHED, text="Other published claim.", publisher=OTHER
        ).claim_id,
        "other_retracted": claim_in(
            ClaimStatus.RETRACTED, text="Other retracted claim.", publisher=OTHER
        ).claim_id,
    }


def test_a_publisher_lists_its_own_claims_and_every_published_one(client_for, claims):
    response = client_for("pat").get("/api/v1/claims/")
    assert ids(response) == {
        claims["own_pending"],
        claims["own_published"],
        claims["other_published"],
        claims["other_retracted"],
    }


@pytest.mark.parametrize("username", ["rita", "ed", "audrey", "ada"])
def test_staff_roles_list_every_claim(client_for, claims, username):
    assert ids(client_for(username).get("/api/v1/claims/")) == set(claims.values())


def test_another_organisations_unpublished_claim_answers_like_a_missing_one(client_for, claims):
    client = client_for("pat")
    hidden = client.get(f"/api/v1/claims/{claims['other_pending']}/")
    missing = client.get("/api/v1/claims/00000000-0000-4000-8000-000000000000/")

    hidden_body = assert_problem(hidden, 404, "not_found")
    missing_body = assert_problem(missing, 404, "not_found")
    assert hidden_body["detail"].replace(claims["other_pending"], "X") == missing_body[
        "detail"
    ].replace("00000000-0000-4000-8000-000000000000", "X")
    for suffix in ("history/", "claimreview/"):
        assert_problem(client.get(f"/api/v1/claims/{claims['other_pending']}/{suffix}"), 404)


@pytest.mark.parametrize("username", ["pat", "gina", "rita", "ed", "audrey", "ada"])
def test_a_published_claim_is_readable_by_everyone(client_for, claims, username):
    response = client_for(username).get(f"/api/v1/claims/{claims['other_published']}/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_detail_has_version_etag_and_provenance(client_for, people):
    # given a claim extracted from an ingested source
    result = source_ingest(
        content=b"Iran's parliament approved the budget on 3 May 2024, officials said.",
        media_type="text/plain",
        metadata=SYSTEM,
        url="https://news.example/budget",
        title="Budget passes",
        publisher=OWN,
    )
    claim_id = result.claims[0].claim_id

    # when
    response = client_for("pat").get(f"/api/v1/claims/{claim_id}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["version"] == 1
    assert body["status"] == "pending"
    assert body["publisher"] == OWN
    assert body["provenance"]["source"]["url"] == "https://news.example/budget"
    assert body["provenance"]["source"]["title"] == "Budget passes"
    assert body["provenance"]["source"]["id"] == result.source_id
    selector = body["provenance"]["selector"]
    assert selector["exact"] == body["text"] or body["text"] in selector["exact"]
    assert selector["start"] == result.claims[0].start


def test_if_none_match_with_the_current_etag_answers_304(client_for, claim_in):
    claim = claim_in()
    client = client_for("pat")
    response = client.get(f"/api/v1/claims/{claim.claim_id}/", HTTP_IF_NONE_MATCH='"2"')
    assert response.status_code == 304
    changed = client.get(f"/api/v1/claims/{claim.claim_id}/", HTTP_IF_NONE_MATCH='"1"')
    assert changed.status_code == 200


def test_history_lists_every_event_oldest_first(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    response = client_for("audrey").get(f"/api/v1/claims/{claim.claim_id}/history/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 4
    assert [event["type"] for event in body["events"]] == [
        "ClaimRecorded",
        "ClaimAssigned",
        "ClaimReviewStarted",
        "ClaimVerdictSet",
    ]
    assert [event["version"] for event in body["events"]] == [1, 2, 3, 4]
    assert body["events"][1]["data"] == {"assignee": "rita", "note": ""}
    assert body["events"][0]["metadata"]["actor"] == "system:test"
    assert len(body["events"][0]["hash"]) == 64


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=pending", {"own_pending", "other_pending"}),
        (
            "status=published&status=retracted",
            {"own_published", "other_published", "other_retracted"},
        ),
        ("publisher=gotham-gazette", {"other_pending", "other_published", "other_retracted"}),
        ("verdict=false", {"own_published", "other_published", "other_retracted"}),
        ("q=pending claim", {"own_pending", "other_pending"}),
        ("q=OWN PUBLISHED", {"own_published"}),
        ("flagged=true", set()),
        (
            "flagged=false",
            {"own_pending", "own_published", "other_pending", "other_published", "other_retracted"},
        ),
    ],
)
def test_filters(client_for, claims, query, expected):
    response = client_for("audrey").get(f"/api/v1/claims/?{query}")
    assert ids(response) == {claims[name] for name in expected}


def test_filter_by_source_and_updated_since(client_for, claim_in, people):
    result = source_ingest(
        content=b"The dam holds 2.1 million cubic metres of water, engineers said.",
        media_type="text/plain",
        metadata=SYSTEM,
        publisher=OWN,
    )
    claim_in()
    client = client_for("audrey")

    by_source = client.get(f"/api/v1/claims/?source={result.source_id}")
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    since_future = client.get("/api/v1/claims/", {"updated_since": future})

    assert ids(by_source) == {claim.claim_id for claim in result.claims}
    assert ids(since_future) == set()


def test_flagged_filter_follows_open_flags(client_for, claims):
    ClaimView.objects.filter(pk=claims["own_pending"]).update(open_flag_count=1)
    assert ids(client_for("audrey").get("/api/v1/claims/?flagged=true")) == {claims["own_pending"]}


def test_an_invalid_filter_answers_400(client_for, claims):
    body = assert_problem(client_for("audrey").get("/api/v1/claims/?status=nonsense"), 400)
    assert "status" in body["errors"]


def test_cursor_pagination_walks_every_claim_once_most_recent_first(client_for, claim_in):
    made = [claim_in(text=f"Claim number {n}.", assignee="").claim_id for n in range(7)]
    client = client_for("audrey")

    seen: list[str] = []
    url = "/api/v1/claims/?page_size=3"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [item["id"] for item in response.json()["results"]]
        url = response.json()["next"]
        pages += 1

    assert pages == 3
    assert seen == list(reversed(made))


def test_listing_does_not_query_per_claim(client_for, claim_in, django_assert_max_num_queries):
    for n in range(30):
        claim_in(text=f"Claim number {n}.", assignee="")
    client = client_for("pat")
    # authentication (key, roles, organisation), the page: a fixed number whatever the size
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/claims/?page_size=30")
    assert len(response.json()["results"]) == 30


def test_claim_detail_reflects_a_new_event(client_for, claim_in):
    claim = claim_in()
    client = client_for("pat")
    claim_command(
        claim_id=claim.claim_id,
        expected_version=2,
        event=ev.ClaimCommented(body="checking"),
        metadata=SYSTEM,
    )
    response = client.get(f"/api/v1/claims/{claim.claim_id}/")
    assert response["ETag"] == '"3"'


# --- The exact bytes of a list page --------------------------------------------------------


def _timestamp(value: datetime.datetime) -> str:
    """ISO 8601 in UTC with microseconds, ``Z`` for the zone: how the API writes times."""
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _listed(claim_id: str) -> dict[str, object]:
    """One claim as the list shows it, spelled out field by field from its read-model row."""
    row = ClaimView.objects.get(pk=claim_id)
    verdict = row.verdict
    return {
        "id": str(row.claim_id),
        "url": f"/api/v1/claims/{row.claim_id}/",
        "text": row.text,
        "status": row.status,
        "version": row.version,
        "publisher": row.publisher,
        "source_id": None if row.source_id is None else str(row.source_id),
        "assignee": row.assignee,
        "verdict": None
        if verdict is None
        else {
            "rating": verdict["rating"],
            "rating_name": verdict["rating_name"],
            "explanation": verdict["explanation"],
        },
        "flagged": row.open_flag_count > 0,
        "open_flag_count": row.open_flag_count,
        "check_worthiness": row.check_worthiness,
        "check_worthy": row.check_worthy,
        "entities": row.entities,
        "recorded_at": _timestamp(row.recorded_at),
        "updated_at": _timestamp(row.updated_at),
    }


def _cursor_link(**tokens: str) -> str:
    cursor = base64.b64encode(urlencode(tokens).encode("ascii")).decode("ascii")
    return "http://testserver/api/v1/claims/?" + urlencode({"cursor": cursor, "page_size": 2})


def _compact_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_a_list_page_is_exactly_these_bytes(client_for, claim_in):
    # given a claim from a source (selector, entities, check-worthiness), a published one with a
    # verdict, and a flagged one with text outside ASCII, changed in that order
    extracted = claim_from_a_source()
    published = claim_in(
        ClaimStatus.PUBLISHED, text="Z\u00fcrich\u2019s \u201cbudget\u201d rose 5% \u2014 aides."
    )
    flagged = claim_in(text="Tehran\u2019s support is unwavering.", assignee="")
    ClaimView.objects.filter(pk=flagged.claim_id).update(open_flag_count=2)
    newest_first = [flagged.claim_id, published.claim_id, extracted.claim_id]
    positions = {
        str(claim_id): str(position)
        for claim_id, position in ClaimView.objects.values_list("claim_id", "last_position")
    }
    client = client_for("audrey")

    # when the list is read two claims at a time
    first = client.get("/api/v1/claims/?page_size=2")
    second = client.get(first.json()["next"])

    # then each page is exactly the envelope and the claims, compact UTF-8 JSON
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == second["Content-Type"] == "application/json"
    assert first.content == _compact_json(
        {
            "next": _cursor_link(p=positions[published.claim_id]),
            "previous": None,
            "results": [_listed(claim_id) for claim_id in newest_first[:2]],
        }
    )
    assert second.content == _compact_json(
        {
            "next": None,
            "previous": _cursor_link(r="1", p=positions[extracted.claim_id]),
            "results": [_listed(newest_first[2])],
        }
    )
    assert json.loads(first.content)["results"][1]["verdict"] == {
        "rating": 1,
        "rating_name": "False",
        "explanation": "the record shows otherwise",
    }


@pytest.fixture
def worthy_and_not(people) -> dict[str, str]:
    return {
        "worthy": claim_brought_to(
            ClaimStatus.PENDING, text="Taxes rose 4% in 2024.", publisher=OWN, assignee=None
        ).claim_id,
        "not": claim_brought_to(
            ClaimStatus.PENDING,
            text="What a wonderful day.",
            publisher=OWN,
            assignee=None,
            check_worthy=False,
        ).claim_id,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"worthy"}),
        ("?check_worthy=true", {"worthy"}),
        ("?check_worthy=false", {"not"}),
        ("?check_worthy=all", {"worthy", "not"}),
        ("?status=pending", {"worthy"}),
        ("?status=pending&check_worthy=all", {"worthy", "not"}),
    ],
)
def test_the_list_shows_the_check_worthy_queue_unless_asked(
    client_for, worthy_and_not, query, expected
):
    # given a check-worthy claim and one the classifier found not check-worthy
    # when the list is read / then only the check-worthy one by default, with or without filters
    response = client_for("audrey").get(f"/api/v1/claims/{query}")
    assert ids(response) == {worthy_and_not[name] for name in expected}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "Select a valid choice. maybe is not one of the available choices."),
        ("", "This field is required."),
    ],
)
def test_a_bad_check_worthy_value_is_a_clear_400(client_for, worthy_and_not, value, message):
    response = client_for("audrey").get(f"/api/v1/claims/?check_worthy={value}")
    assert response.status_code == 400
    assert response.json()["errors"] == {"check_worthy": [message]}
