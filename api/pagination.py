"""The API lists' pages: numbered, and keyset pages for walking a long list (issue 21).

A numbered page makes PostgreSQL step over every row before the page (page 1,000 of the people
list read 50,000 rows to answer 50) and count the whole filtered list: the count is kept per data
version (`KeysetPagination._count_key`), the stepping over is not. A keyset page starts
where the last one ended: `?cursor=` (empty) starts the walk, each answer's `next_cursor` is the
next page's, and every page costs what the first does, however deep. A cursor is the last row's
values of the list's order (and its id), so rows added or changed during a walk are neither
skipped nor repeated for the rows that did not move; it holds nothing the caller could not see
on the page itself. Numbered answers carry `next_cursor` too, so a caller can switch at any page.
"""

import base64
import binascii
import hashlib
import json
from functools import partial, reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.access import access_for
from cases.caching import CountedPerVersion


class Pagination(PageNumberPagination):
    """50 a page; `page_size` up to 200 (a larger one is capped); anything else is a clear 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw and not all(value.isdigit() and int(value) > 0 for value in raw):
            raise ValidationError({"page_size": "Must be a whole number from 1 (at most 200 are returned)."})
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_query_param: "Must be a whole number from 1."})
        self.past_the_end = False
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            # Past the last page: an empty page (200), so a client walking the pages just stops.
            self.request, self.past_the_end = request, True
            paginator = self.django_paginator_class(queryset, self.get_page_size(request))
            self.page = Page([], int(raw), paginator)
            return []

    def get_next_link(self):
        return None if self.past_the_end else super().get_next_link()

    def get_previous_link(self):
        return None if self.past_the_end else super().get_previous_link()

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Results per page, 1 to {self.max_page_size} (larger is capped)"
        return parameters


class KeysetPagination(Pagination):
    """Numbered pages, or keyset pages with `cursor`; `next_cursor` in every answer."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.keys = order_keys(queryset)
        if self.keys:
            queryset = queryset.order_by(
                *(f"-{name}" if descending else name for name, descending in self.keys)
            )
        self.by_cursor = self.cursor_query_param in request.query_params
        if not self.by_cursor:
            self.django_paginator_class = partial(CountedPerVersion, key=self._count_key(request))
            rows = super().paginate_queryset(queryset, request, view)
            more = bool(rows) and not self.past_the_end and self.page.has_next()
            self.next_cursor = self._cursor_after(rows[-1]) if more else None
            return rows
        if self.page_query_param in request.query_params:
            raise ValidationError({self.cursor_query_param: "Give either page or cursor, not both."})
        if not self.keys:
            refusal = "This order has no cursor pages (its values may be empty); use page."
            raise ValidationError({self.cursor_query_param: refusal})
        after = self._decode(request.query_params[self.cursor_query_param], queryset.model)
        if after is not None:
            queryset = queryset.filter(after_q(self.keys, after))
        size = self.get_page_size(request)
        rows = list(queryset[: size + 1])
        self.next_cursor = self._cursor_after(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data):
        if not self.by_cursor:
            response = super().get_paginated_response(data)
            response.data["next_cursor"] = self.next_cursor
            return response
        next_link = None
        if self.next_cursor is not None:
            here = self.request.build_absolute_uri()
            next_link = replace_query_param(here, self.cursor_query_param, self.next_cursor)
        # No count: counting the whole list is what keyset pages spare.
        return Response(
            {
                "count": None,
                "next": next_link,
                "previous": None,
                "results": data,
                "next_cursor": self.next_cursor,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["nullable"] = True
        answer["properties"]["count"]["description"] = "How many in all; null on keyset pages (cursor)"
        answer["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "Pass as `cursor` for the page after this one; null on the last page",
        }
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pages: empty for the first, then the last answer's next_cursor "
                "(instead of page; every page as fast as the first, no count)",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
            },
        ]

    def _count_key(self, request) -> str:
        """What a numbered page's count depends on besides the data: the list, its filters and
        order, the caller (anonymous callers all read the same published rows; a key or a staff
        member counts apart) and the day. The count is then cached per data version, which every
        commit moves (cases.caching.CountedPerVersion): at 1,000,000 people, counting was 70 ms of
        every numbered page."""
        filters = sorted(
            (name, values)
            for name, values in request.query_params.lists()
            if name not in (self.page_query_param, self.page_size_query_param, self.cursor_query_param)
        )
        parts = [request.path, access_for(request).label, timezone.localdate().isoformat(), repr(filters)]
        # Any text a caller typed, hashed into a safe cache key.
        return "api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _cursor_after(self, row) -> str | None:
        if not self.keys:
            return None
        values = [row.serializable_value(name) for name, _ in self.keys]
        # Dates, times and UUIDs as their text, which the fields' to_python reads back.
        text = json.dumps([[name for name, _ in self.keys], values], default=str)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def _decode(self, cursor: str, model):
        if cursor == "":
            return None
        refused = ValidationError(
            {self.cursor_query_param: "Not a cursor of this list and order: pass a next_cursor it gave."}
        )
        try:
            names, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise refused from None
        if (
            names != [name for name, _ in self.keys]
            or not isinstance(values, list)
            or len(values) != len(names)
        ):
            raise refused
        try:
            return [
                model._meta.get_field(name).to_python(value)
                for name, value in zip(names, values, strict=True)
            ]
        except (DjangoValidationError, FieldDoesNotExist, TypeError, ValueError):
            raise refused from None


def order_keys(queryset) -> list[tuple[str, bool]]:
    """The list's order as (field, descending) pairs ending with the primary key, or [] when a
    key is not a plain field that is never empty (a keyset needs every value comparable)."""
    model = queryset.model
    order = list(queryset.query.order_by or model._meta.ordering or [])
    keys = []
    for item in order:
        if not isinstance(item, str) or "__" in item or item.lstrip("-?") == "?":
            return []
        name = item.lstrip("-")
        name = model._meta.pk.name if name == "pk" else name
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return []
        if field.null or not field.concrete:
            return []
        keys.append((field.name, item.startswith("-")))
    pk = model._meta.pk.name
    if pk not in [name for name, _ in keys]:
        keys.append((pk, keys[-1][1] if keys else False))
    return keys


def after_q(keys, values) -> Q:
    """Rows after the one with these values in this order: (a < x) or (a = x and b < y) ..., and
    the first key's own bound as well, on which PostgreSQL starts its walk of the order's index."""
    alternatives, equal = [], {}
    for (name, descending), value in zip(keys, values, strict=True):
        alternatives.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": value}))
        equal[name] = value
    first, descending = keys[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & reduce(or_, alternatives)
