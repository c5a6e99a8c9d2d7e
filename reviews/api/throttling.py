"""Rate limits per API key (per user for session callers, per address for anonymous ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from reviews.api.principals import Principal


class ApiKeyRateThrottle(SimpleRateThrottle):
    """``LEDGER_API_RATE`` (e.g. ``600/minute``) for each key; read per request."""

    scope = "api_key"

    def get_rate(self) -> str:
        return str(settings.LEDGER_API_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, Principal) and request.auth.api_key is not None:
            ident = f"key:{request.auth.api_key.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"
