"""Cursor pagination: stable under inserts, opaque cursors, no COUNT over the whole table."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import CursorPagination


class NewestFirstPagination(CursorPagination):
    """The page size every list shares; a subclass names the descending ``ordering``."""

    page_size = settings.LEDGER_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


class LastChangeCursorPagination(NewestFirstPagination):
    """Most recently changed first; ``last_position`` is unique, so pages never overlap."""

    ordering = "-last_position"


class CreatedCursorPagination(NewestFirstPagination):
    ordering = "-created_at"


class CapturedCursorPagination(NewestFirstPagination):
    ordering = "-captured_at"


class PositionCursorPagination(NewestFirstPagination):
    """Checkpoints: the newest head first."""

    ordering = "-position"
