"""Which scope an API call needs. Object visibility and roles are decided in the selectors."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from reviews.api.authentication import actor_from_request
from reviews.models import ApiScope


class HasScope(permissions.BasePermission):
    """Authenticated, and the key holds the view's scope (``read`` for safe methods).

    A view names the scope of its unsafe methods in ``write_scope`` (a tuple: any of them).
    """

    message = "this API key does not have the scope this call needs"

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.user is None or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            scopes: tuple[str, ...] = (ApiScope.READ,)
        else:
            declared = getattr(view, "write_scope", ApiScope.SUBMIT)
            scopes = (declared,) if isinstance(declared, str) else tuple(declared)
        actor = actor_from_request(request)
        if any(actor.has_scope(scope) for scope in scopes):
            return True
        self.message = (
            f"this API key does not have the {' or '.join(repr(str(s)) for s in scopes)} scope "
            "this call needs"
        )
        return False
