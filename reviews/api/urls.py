"""The API's routes, included under ``/api/v1/`` by ``config.urls``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from reviews.api.exceptions import PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE
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
    return JsonResponse(
        {
            "type": PROBLEM_TYPE_BASE + "not-found",
            "title": "Not Found",
            "status": 404,
            "detail": "no such API resource; see /api/docs/",
            "code": "not_found",
            "instance": request.path,
        },
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )


urlpatterns = [
    path("claims/", claims.ClaimListView.as_view(), name="claim-list"),
    path("claims/<uuid:claim_id>/", claims.ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<uuid:claim_id>/history/",
        claims.ClaimHistoryView.as_view(),
        name="claim-history",
    ),
    path(
        "claims/<uuid:claim_id>/claimreview/",
        claims.ClaimReviewView.as_view(),
        name="claim-claimreview",
    ),
    path(
        "claims/<uuid:claim_id>/matches/",
        matches.ClaimMatchesView.as_view(),
        name="claim-matches",
    ),
    *(
        path(f"matches/<uuid:pair_id>/{view_name}/", view.as_view(), name=f"match-{view_name}")
        for view_name, view in (
            ("confirm", matches.MatchConfirmView),
            ("reject", matches.MatchRejectView),
            ("unmatch", matches.MatchUnmatchView),
        )
    ),
    path("claims/<uuid:claim_id>/as-of/", audit.ClaimAsOfView.as_view(), name="claim-as-of"),
    path(
        "claims/<uuid:claim_id>/erase-text/",
        erasure.ClaimTextEraseView.as_view(),
        name="claim-erase-text",
    ),
    path(
        "sources/<uuid:source_id>/redact/",
        erasure.SourceRedactView.as_view(),
        name="source-redact",
    ),
    *(
        path(
            f"claims/<uuid:claim_id>/{action.path}/",
            claims.action_view(action).as_view(),
            name=f"claim-{action.path}",
        )
        for action in claims.ACTIONS
    ),
    path(
        "contradictions/",
        contradictions.ContradictionListView.as_view(),
        name="contradiction-list",
    ),
    path(
        "contradictions/<uuid:pair_id>/",
        contradictions.ContradictionDetailView.as_view(),
        name="contradiction-detail",
    ),
    path(
        "contradictions/<uuid:pair_id>/confirm/",
        contradictions.ContradictionConfirmView.as_view(),
        name="contradiction-confirm",
    ),
    path(
        "contradictions/<uuid:pair_id>/dismiss/",
        contradictions.ContradictionDismissView.as_view(),
        name="contradiction-dismiss",
    ),
    path("exports/ledger/", audit.LedgerExportView.as_view(), name="export-ledger"),
    path("checkpoints/", audit.CheckpointListView.as_view(), name="checkpoint-list"),
    path("sources/", sources.SourceListView.as_view(), name="source-list"),
    path("sources/<uuid:source_id>/", sources.SourceDetailView.as_view(), name="source-detail"),
    path("keys/", keys.ApiKeyListView.as_view(), name="key-list"),
    path("keys/<uuid:key_id>/", keys.ApiKeyDetailView.as_view(), name="key-detail"),
    path("webhooks/", webhooks.WebhookEndpointListView.as_view(), name="webhook-list"),
    path(
        "webhooks/<uuid:endpoint_id>/",
        webhooks.WebhookEndpointDetailView.as_view(),
        name="webhook-detail",
    ),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/",
        webhooks.WebhookDeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhook-deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.WebhookRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    re_path(r"^(?P<unmatched>[\s\S]*)$", api_not_found, name="not-found"),
]
