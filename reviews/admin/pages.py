"""What the desk's admin modules share: who is acting, and the row a custom page shows."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.http import HttpRequest

from reviews import selectors
from reviews.actors import Actor

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin  # generic only for the type checker


def admin_actor(request: HttpRequest) -> Actor:
    """The one Actor of the admin's signed-in user (``selectors.actor_for_user``)."""
    user: AbstractBaseUser | AnonymousUser = request.user
    return selectors.actor_for_user(user=user)


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
