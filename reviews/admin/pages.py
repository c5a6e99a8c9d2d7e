"""What the desk's admin modules share: who is acting, the row a custom page shows (and the
admin whose change page is its own), the data-protection actions' confirm-then-run flow, and
list filters declared as data."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied as AdminPermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ledger import events as ev
from ledger.exceptions import LedgerError
from reviews import actor_reads
from reviews.actors import Actor

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin  # generic only for the type checker


def admin_actor(request: HttpRequest) -> Actor:
    """The one Actor of the admin's signed-in user (``actor_reads.actor_for_user``), read once per
    request: an admin page asks for it in every permission check and queryset."""
    user: AbstractBaseUser | AnonymousUser = request.user
    cached: Actor | None = getattr(request, "_ledger_actor", None)
    if cached is not None and cached.user_id == user.pk:  # not a user signed in since
        return cached
    actor = actor_reads.actor_for_user(user=user)
    request._ledger_actor = actor  # type: ignore[attr-defined]
    return actor


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


class RowPageAdmin(ModelAdmin):
    """An admin whose change page is its own (``row_page``), not Django's change form.

    The page gets the row as the user may see it (``page_row``) and who is acting; an id that
    is malformed or not visible goes back to the list with a warning naming ``row_noun``.
    """

    row_noun: ClassVar[str]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        row = page_row(self, request, object_id)
        if row is None:
            messages.warning(request, f"There is no {self.row_noun} {object_id!r} you can see.")
            changelist = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            return HttpResponseRedirect(reverse(changelist))
        return self.row_page(request, row, admin_actor(request))

    def row_page(self, request: HttpRequest, row: Any, actor: Actor, /) -> HttpResponse:
        """The page of ``row`` (a GET) or what a POST to it does."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class ConfirmedAction:
    """An admin action on one selected row (a data-protection request): a confirmation page of
    its own asks for what it needs, then a service runs and a page shows what it touched."""

    name: str
    noun: str  # the row's name in both templates' context
    select_one: str  # the message when not exactly one row is selected
    confirm_title: str
    confirm_template: str
    done_title: str
    done_template: str
    refused: str  # "<refused> refused, nothing was changed: <why>"


def confirmed_action_run(
    action: ConfirmedAction,
    model_admin: ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    perform: Callable[[Any, Actor, ev.Metadata], dict[str, Any]],
) -> HttpResponse | None:
    """Run ``action``: its confirmation page until the form says ``confirmed=yes``; then
    ``perform(row, actor, metadata)`` (a service call returning what the done page shows); a
    refusal is a message and changes nothing."""
    rows = list(queryset[:2])
    if len(rows) != 1:
        messages.error(request, action.select_one)
        return None
    row = rows[0]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        action.noun: row,
        "action_name": action.name,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    if request.POST.get("confirmed") != "yes":
        context["title"] = action.confirm_title
        return TemplateResponse(request, action.confirm_template, context)
    actor = admin_actor(request)
    try:
        context.update(perform(row, actor, ev.Metadata(actor=actor.reference, via="admin")))
    except LedgerError as error:
        messages.error(request, f"{action.refused} refused, nothing was changed: {error.message}")
        return None
    context["title"] = action.done_title
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, action.done_template, context)


def column_values(rows: QuerySet[Any], field: str) -> list[str]:
    """The distinct values ``field`` holds in ``rows``, blanks left out, in order: the choices
    of a list filter by that field."""
    filled = rows.exclude(**{field: ""})
    return list(filled.order_by(field).values_list(field, flat=True).distinct())


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
