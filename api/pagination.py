"""Cursor pages: stable under inserts, no counting of the whole table."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
    cursor_query_description = (
        "Positie in de lijst, uit `next` of `previous`. / The position, from `next` or `previous`."
    )
    page_size_query_description = "Aantal per pagina (1-200, standaard 50). / Items per page (1-200, default 50)."

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.cursor_query_param: [_("Deze positie in de lijst klopt niet.")]})

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isascii() or not text.isdigit() or not 1 <= int(text[:6]) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Kies een getal van 1 tot %(max)s.") % {"max": self.max_page_size}]}
            )
        return int(text)
