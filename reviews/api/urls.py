"""The API's routes, included under ``/api/v1/`` by ``config.urls``."""

from __future__ import annotations

from django.urls import path

from reviews.api.views import claims, keys, sources, webhooks

app_name = "api"

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
    *(
        path(
            f"claims/<uuid:claim_id>/{action.path}/",
            claims.action_view(action).as_view(),
            name=f"claim-{action.path}",
        )
        for action in claims.ACTIONS
    ),
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
]
