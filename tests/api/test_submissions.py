"""Submitting claims and sources (text, HTML, JSON with metadata); listing and reading sources."""

import pytest

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, Source
from tests.api.conftest import OTHER, OWN, assert_problem, event_count
from tests.claims import SILENT, SUPPORT

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Iran's parliament approved a budget of $100 million on 3 May 2024, officials said. "
    "The U.S. State Department reportedly criticised the vote.\n"
)
HTML = (
    "<html><head><title>Budget</title><script>var tracking = 1;</script></head><body>"
    "<nav>Home | World</nav><article><h1>Budget passes</h1>"
    f"<p>{ARTICLE}</p><p>Analysts in Tehran expected the decision for weeks, "
    "according to Reuters.</p></article><footer>Cookies policy</footer></body></html>"
)


def test_a_publisher_submits_a_claim_for_its_organisation(client_for):
    response = client_for("pat").post(
        "/api/v1/claims/", {"text": "The bridge opened in 1994."}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["publisher"] == OWN
    assert body["status"] == "pending"
    assert response["Location"] == f"/api/v1/claims/{body['id']}/"
    assert response["ETag"] == '"1"'


def test_a_publisher_cannot_submit_for_another_organisation(client_for):
    before = event_count()
    response = client_for("pat").post(
        "/api/v1/claims/", {"text": "x is y.", "publisher": OTHER}, format="json"
    )
    assert_problem(response, 403)
    assert event_count() == before


def test_an_editor_submits_for_a_named_organisation(client_for):
    response = client_for("ed").post(
        "/api/v1/claims/", {"text": "The dam opened in 2001.", "publisher": OTHER}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["publisher"] == OTHER


@pytest.mark.parametrize("username", ["rita", "audrey"])
def test_reviewers_and_auditors_cannot_submit(client_for, username):
    scopes = ["read", "review"] if username == "rita" else ["read"]
    client = client_for(username, scopes=scopes)
    before = event_count()
    response = client.post("/api/v1/claims/", {"text": "x."}, format="json")
    assert_problem(response, 403)
    assert event_count() == before


def test_a_retried_claim_submission_records_one_claim(client_for):
    client = client_for("pat")
    first = client.post(
        "/api/v1/claims/", {"text": "A."}, format="json", HTTP_IDEMPOTENCY_KEY="claim-a"
    )
    retry = client.post(
        "/api/v1/claims/", {"text": "A."}, format="json", HTTP_IDEMPOTENCY_KEY="claim-a"
    )
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Location"] == first["Location"]
    assert ClaimView.objects.count() == 1


def test_an_empty_claim_is_refused_with_the_field(client_for):
    before = event_count()
    body = assert_problem(
        client_for("pat").post("/api/v1/claims/", {"text": ""}, format="json"), 400
    )
    assert "text" in body["errors"]
    assert event_count() == before


def test_a_whitespace_only_claim_is_refused_by_the_domain(client_for):
    before = event_count()
    body = assert_problem(
        client_for("pat").post("/api/v1/claims/", {"text": "  "}, format="json"),
        422,
        "invalid_command",
    )
    assert body["detail"] == "claim text cannot be empty"
    assert event_count() == before


def test_a_number_is_not_taken_for_text(client_for):
    before = event_count()
    body = assert_problem(
        client_for("pat").post("/api/v1/claims/", {"text": 42}, format="json"), 400
    )
    assert body["errors"] == {"text": ["must be a JSON string"]}
    assert event_count() == before


def test_a_plain_text_source_is_ingested_with_metadata_from_the_query(client_for):
    # when
    response = client_for("pat").post(
        "/api/v1/sources/?url=https://news.example/a&title=Budget&published_at=2024-05-03",
        ARTICLE,
        content_type="text/plain; charset=utf-8",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True
    assert body["source"]["publisher"] == OWN
    assert body["source"]["url"] == "https://news.example/a"
    assert body["source"]["title"] == "Budget"
    assert body["source"]["media_type"] == "text/plain"
    assert body["source"]["published_at"].startswith("2024-05-03")
    assert len(body["claims"]) == 2
    assert {claim["id"] for claim in body["claims"]} == {
        str(pk)
        for pk in ClaimView.objects.filter(source_id=body["source"]["id"]).values_list(
            "claim_id", flat=True
        )
    }
    assert response["Location"] == f"/api/v1/sources/{body['source']['id']}/"


def test_an_html_source_keeps_only_the_article(client_for):
    response = client_for("pat").post("/api/v1/sources/", HTML, content_type="text/html")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"]["media_type"] == "text/html"
    texts = " ".join(claim["text"] for claim in body["claims"])
    assert "parliament approved" in texts
    assert "tracking" not in texts
    assert "Cookies" not in texts


def test_a_json_source_with_metadata(client_for):
    response = client_for("pat").post(
        "/api/v1/sources/",
        {
            "content": ARTICLE,
            "media_type": "text/plain",
            "url": "https://news.example/b",
            "title": "Budget (JSON)",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["source"]["title"] == "Budget (JSON)"


def test_the_same_bytes_again_record_nothing_new(client_for):
    client = client_for("pat")
    client.post("/api/v1/sources/", ARTICLE, content_type="text/plain")
    before = event_count()

    again = client.post("/api/v1/sources/", ARTICLE, content_type="text/plain")

    assert again.status_code == 200
    assert again.json()["created"] is False
    assert event_count() == before


def test_the_same_bytes_from_another_organisation_are_its_own_source(client_for):
    # given one organisation's source
    first = client_for("pat").post("/api/v1/sources/", ARTICLE, content_type="text/plain").json()

    # when another organisation submits the same bytes
    response = client_for("gina").post("/api/v1/sources/", ARTICLE, content_type="text/plain")

    # then it answers exactly as if the first had never been: a new source with its own claims
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["source"]["publisher"] == OTHER
    assert body["source"]["id"] != first["source"]["id"]
    assert [claim["text"] for claim in body["claims"]] == [c["text"] for c in first["claims"]]
    assert not {c["id"] for c in body["claims"]} & {c["id"] for c in first["claims"]}
    # and neither organisation sees the other's source
    assert [s["id"] for s in client_for("gina").get("/api/v1/sources/").json()["results"]] == [
        body["source"]["id"]
    ]
    assert [s["id"] for s in client_for("pat").get("/api/v1/sources/").json()["results"]] == [
        first["source"]["id"]
    ]


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"", "text/plain", "the file is empty"),
        (b"\xff\xfe not utf-8", "text/plain", "not valid UTF-8"),
        (b"hello\x00world", "text/plain", "binary"),
    ],
)
def test_bad_sources_are_refused_and_nothing_is_stored(client_for, content, content_type, message):
    before = event_count()
    response = client_for("pat").post("/api/v1/sources/", content, content_type=content_type)
    body = assert_problem(response, 422, "invalid_command")
    assert message in body["detail"]
    assert event_count() == before
    assert Source.objects.count() == 0


def test_an_unsupported_media_type_answers_415(client_for):
    response = client_for("pat").post("/api/v1/sources/", b"<xml/>", content_type="application/xml")
    assert_problem(response, 415)


def test_a_body_over_the_limit_answers_413(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = event_count()
    response = client_for("pat").post("/api/v1/sources/", "x. " * 600, content_type="text/plain")
    assert_problem(response, 413, "request_too_large")
    assert event_count() == before


def test_a_source_over_the_ingestion_limit_answers_422(client_for, settings):
    settings.LEDGER_MAX_SOURCE_BYTES = 100
    response = client_for("pat").post("/api/v1/sources/", ARTICLE * 3, content_type="text/plain")
    body = assert_problem(response, 422, "invalid_command")
    assert "over the 100-byte limit" in body["detail"]


def test_sources_are_visible_to_their_organisation_and_staff(client_for):
    own = client_for("pat").post("/api/v1/sources/", ARTICLE, content_type="text/plain").json()
    source_id = own["source"]["id"]

    assert [s["id"] for s in client_for("pat").get("/api/v1/sources/").json()["results"]] == [
        source_id
    ]
    assert client_for("gina").get("/api/v1/sources/").json()["results"] == []
    assert_problem(client_for("gina").get(f"/api/v1/sources/{source_id}/"), 404, "not_found")
    for username in ("rita", "ed", "audrey", "ada"):
        detail = client_for(username).get(f"/api/v1/sources/{source_id}/")
        assert detail.status_code == 200
        assert detail.json()["text"] == ARTICLE
        assert sorted(detail.json()["claim_ids"]) == sorted(c["id"] for c in own["claims"])


def test_reviewers_and_auditors_cannot_submit_sources(client_for):
    for username, scopes in (("rita", ["read", "review"]), ("audrey", ["read"])):
        response = client_for(username, scopes=scopes).post(
            "/api/v1/sources/", ARTICLE, content_type="text/plain"
        )
        assert_problem(response, 403)
    assert Source.objects.count() == 0


@pytest.fixture
def eager_celery():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_a_submitted_claim_is_checked_for_contradictions_once_it_commits(client_for):
    # given a claim already submitted
    client = client_for("pat")
    assert client.post("/api/v1/claims/", {"text": SUPPORT}, format="json").status_code == 201

    # when the contradicting claim is submitted (no sweep runs in this test)
    response = client.post("/api/v1/claims/", {"text": SILENT}, format="json")

    # then the consumer was nudged after the commit and flagged the pair
    assert response.status_code == 201
    assert ClaimView.objects.get(claim_id=response.json()["id"]).open_flag_count == 1


def test_a_misspelt_field_is_refused_not_dropped(client_for):
    # given a publisher's claim with the source id under a wrong name
    before = event_count()

    # when
    response = client_for("pat").post(
        "/api/v1/claims/",
        {"text": "Iran backs Hamas.", "sourceId": "7d9f0c1e-0000-4000-8000-000000000000"},
        format="json",
    )

    # then it is refused, naming the field and what the request takes, and nothing is stored
    body = assert_problem(response, 400)
    assert body["errors"]["sourceId"] == [
        "unknown field; this request takes: publisher, selector, source_id, text"
    ]
    assert event_count() == before


# Claim text keeps ingestion's rule for stored text (issue 17.11): what a file may not hold, a
# claim sent to the API may not hold either. (text, the character named, where)
UNSAFE_TEXTS = {
    "right-to-left override": ("Iran paid \u202e001$ to them.", "bidi", "U+202E", 10),
    "left-to-right embedding": ("Iran \u202asaid so.", "bidi", "U+202A", 5),
    "first strong isolate": ("Iran \u2068said\u2069 so.", "bidi", "U+2068", 5),
    "bell": ("Iran\x07 said so.", "control", "U+0007", 4),
    "escape": ("Iran \x1b[31msaid so.", "control", "U+001B", 5),
    "vertical tab": ("Iran said\x0bso.", "control", "U+000B", 9),
    "delete": ("Iran said so.\x7f!", "control", "U+007F", 13),
}


def _refusal(field: str, kind: str, code: str, index: int) -> str:
    if kind == "control":
        return (
            f"{field} contains control character {code} at character {index}: "
            "binary content, not text"
        )
    return (
        f"{field} contains a bidirectional override character ({code} at character {index}), "
        "which can make text display differently from what it says; remove it and try again"
    )


@pytest.mark.parametrize("case", UNSAFE_TEXTS, ids=list(UNSAFE_TEXTS))
def test_claim_text_with_a_character_ingestion_refuses_is_refused(client_for, case):
    text, kind, code, index = UNSAFE_TEXTS[case]
    before = event_count()

    # when the text is sent as a claim, and the same text as a source file
    response = client_for("pat").post("/api/v1/claims/", {"text": text}, format="json")
    as_file = client_for("pat").post("/api/v1/sources/", text.encode(), content_type="text/plain")

    # then both refuse it by the one rule, naming the same character, and store nothing
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == _refusal("claim text", kind, code, index)
    file_body = assert_problem(as_file, 422, "invalid_command")
    assert file_body["detail"] == _refusal("the file", kind, code, index)
    assert event_count() == before
    assert ClaimView.objects.count() == 0


def test_a_revision_with_a_bidi_override_is_refused(client_for, claim_in):
    # given a claim sent back to its publisher for changes
    claim = claim_in(ClaimStatus.CHANGES_REQUESTED)
    before = event_count()

    # when the publisher revises it with a right-to-left override
    response = client_for("pat").post(
        f"/api/v1/claims/{claim.claim_id}/revise/",
        {"text": "Iran paid \u202e001$ to them."},
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )

    # then it is refused and the claim keeps its text
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == _refusal("claim text", "bidi", "U+202E", 10)
    assert event_count() == before
    assert ClaimView.objects.get(claim_id=claim.claim_id).text == claim.text


@pytest.mark.parametrize("text", ["Iran said:\tso.", "Iran said\nso.", "Iran said\r\nso."])
def test_claim_text_may_hold_the_whitespace_files_may(client_for, text):
    response = client_for("pat").post("/api/v1/claims/", {"text": text}, format="json")
    assert response.status_code == 201
    assert response.json()["text"] == text


@pytest.mark.parametrize("case", UNSAFE_TEXTS, ids=list(UNSAFE_TEXTS))
def test_a_comment_with_a_character_ingestion_refuses_is_refused(client_for, claim_in, case):
    # given a claim under review
    text, kind, code, index = UNSAFE_TEXTS[case]
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()

    # when its reviewer comments with the text
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/comment/",
        {"body": text},
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )

    # then the editorial text keeps the same rule
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == _refusal("comment", kind, code, index)
    assert event_count() == before
