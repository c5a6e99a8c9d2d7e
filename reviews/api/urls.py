"""The API's routes, included under ``/api/v1/`` by ``config.urls``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from reviews.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body
from reviews.api.views import (
    audit,
    claims,
    contradictions,
    erasure,
    keys,
    matches,
    sources,
    webhooks,
)

app_name = "api"


@csrf_exempt  # nothing happens here; a POST to a wrong path gets the same problem
def api_not_found(request: HttpRequest, unmatched: str) -> JsonResponse:
    """Any other path under the API (a malformed id, a typo) answers a problem, not HTML."""
    body = problem_body(
        status_code=404,
        title="Not Found",
        detail="no such API resource; see /api/docs/",
        code="not_found",
        instance=request.path,
    )
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)


# (route, view, name) of every endpoint, in the order they are matched.
ROUTES: list[tuple[str, type[View], str]] = [
    ("claims/", claims.ClaimListView, "claim-list"),
    ("claims/<uuid:claim_id>/", claims.ClaimDetailView, "claim-detail"),
    ("claims/<uuid:claim_id>/history/", claims.ClaimHistoryView, "claim-history"),
    ("claims/<uuid:claim_id>/claimreview/", claims.ClaimReviewView, "claim-claimreview"),
    ("claims/<uuid:claim_id>/matches/", matches.ClaimMatchesView, "claim-matches"),
    *(
        (f"matches/<uuid:pair_id>/{segment}/", view, f"match-{segment}")
        for segment, view in matches.DECISION_VIEWS.items()
    ),
    ("claims/<uuid:claim_id>/as-of/", audit.ClaimAsOfView, "claim-as-of"),
    ("claims/<uuid:claim_id>/erase-text/", erasure.ClaimTextEraseView, "claim-erase-text"),
    ("sources/<uuid:source_id>/redact/", erasure.SourceRedactView, "source-redact"),
    *(
        (f"claims/<uuid:claim_id>/{segment}/", view, f"claim-{segment}")
        for segment, view in claims.ACTION_VIEWS.items()
    ),
    ("contradictions/", contradictions.ContradictionListView, "contradiction-list"),
    (
        "contradictions/<uuid:pair_id>/",
        contradictions.ContradictionDetailView,
        "contradiction-detail",
    ),
    *(
        (f"contradictions/<uuid:pair_id>/{segment}/", view, f"contradiction-{segment}")
        for segment, view in contradictions.DECISION_VIEWS.items()
    ),
    ("exports/ledger/", audit.LedgerExportView, "export-ledger"),
    ("checkpoints/", audit.CheckpointListView, "checkpoint-list"),
    ("sources/", sources.SourceListView, "source-list"),
    ("sources/<uuid:source_id>/", sources.SourceDetailView, "source-detail"),
    ("keys/", keys.ApiKeyListView, "key-list"),
    ("keys/<uuid:key_id>/", keys.ApiKeyDetailView, "key-detail"),
    ("webhooks/", webhooks.WebhookEndpointListView, "webhook-list"),
    ("webhooks/<uuid:endpoint_id>/", webhooks.WebhookEndpointDetailView, "webhook-detail"),
    (
        "webhooks/<uuid:endpoint_id>/deliveries/",
        webhooks.WebhookDeliveryListView,
        "webhook-deliveries",
    ),
    (
        "webhook-deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.WebhookRedeliverView,
        "webhook-redeliver",
    ),
]

urlpatterns = [
    *(path(route, view.as_view(), name=name) for route, view, name in ROUTES),
    re_path(r"^(?P<unmatched>[\s\S]*)$", api_not_found, name="not-found"),
]
