"""What the desk's custom admin pages (the claim page, the flag page) share."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.http import HttpRequest


def page_row(model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str) -> Any:
    """The read-model row a page shows, as the user may see it: None for a malformed id or
    one they cannot see (both answer "not found"); PermissionDenied without view permission.
    """
    if not model_admin.has_view_permission(request):
        raise AdminPermissionDenied
    try:
        key = uuid.UUID(object_id)
    except ValueError:
        return None
    return model_admin.get_queryset(request).filter(pk=key).first()
