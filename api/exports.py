"""Streamed CSV and JSON exports of any filtered list.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are prefixed with an apostrophe, so an exported name cannot run code on a reader's
machine.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            value = " | ".join(str(v) for v in value)
        else:
            value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def _rows(queryset, serializer_factory):
    """Serialized rows in primary-key order, a chunk at a time (keyset, not OFFSET, so the last
    chunk of a large export costs what the first does)."""
    queryset = queryset.order_by("pk")
    last = None
    while True:
        batch = list((queryset if last is None else queryset.filter(pk__gt=last))[:CHUNK])
        if not batch:
            return
        yield from serializer_factory(batch).data
        last = batch[-1].pk


def stream_csv(queryset, serializer_factory, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def generate():
        header = None
        for row in _rows(queryset, serializer_factory):
            if header is None:
                header = list(row.keys())
                yield writer.writerow(header)
            yield writer.writerow([_cell(row.get(column)) for column in header])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def stream_json(queryset, serializer_factory, filename: str) -> StreamingHttpResponse:
    def generate():
        yield "["
        first = True
        for row in _rows(queryset, serializer_factory):
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False, cls=DjangoJSONEncoder)
            first = False
        yield "]"

    response = StreamingHttpResponse(generate(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response
