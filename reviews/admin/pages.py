"""What the desk's admin modules share: who is acting, the row a custom page shows, and the
list filters declared as data."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.db.models import Q, QuerySet
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


class ConditionFilter(admin.SimpleListFilter):
    """A list filter whose choices are conditions: ``conditions`` maps each choice's value to
    its label and its ``Q``. No choice (or one not listed) shows every row."""

    conditions: ClassVar[dict[str, tuple[str, Q]]]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, label) for value, (label, _) in self.conditions.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        chosen = self.conditions.get(self.value() or "")
        return queryset if chosen is None else queryset.filter(chosen[1])


class FieldValueFilter(admin.SimpleListFilter):
    """A list filter of the rows whose ``field`` holds the chosen value; a subclass lists the
    values (``lookups``). No choice shows every row."""

    field: ClassVar[str]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset
