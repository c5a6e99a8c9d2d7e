"""Which scope an API call needs. Object visibility and roles are decided in the selectors."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from reviews.api.principals import principal_from_request
from reviews.models import ApiScope


class HasScope(permissions.BasePermission):
    """Authenticated, and the key holds the view's scope (``read`` for safe methods).

    A view names the scope of its unsafe methods in ``write_scope``.
    """

    message = "this API key does not have the scope this call needs"

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.user is None or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            scope = ApiScope.READ
        else:
            scope = getattr(view, "write_scope", ApiScope.SUBMIT)
        if principal_from_request(request).has_scope(scope):
            return True
        self.message = f"this API key does not have the '{scope}' scope this call needs"
        return False
