"""Cursor pagination: stable under inserts, opaque cursors, no COUNT over the whole table."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import CursorPagination


class LastChangeCursorPagination(CursorPagination):
    """Most recently changed first; ``last_position`` is unique, so pages never overlap."""

    ordering = "-last_position"
    page_size = settings.LEDGER_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


class CreatedCursorPagination(CursorPagination):
    ordering = "-created_at"
    page_size = settings.LEDGER_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


class CapturedCursorPagination(CursorPagination):
    ordering = "-captured_at"
    page_size = settings.LEDGER_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


class PositionCursorPagination(CursorPagination):
    """Checkpoints: the newest head first."""

    ordering = "-position"
    page_size = settings.LEDGER_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
