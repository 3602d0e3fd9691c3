"""Streamed CSV and JSON exports of any filtered list.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are prefixed with an apostrophe, so an exported name cannot run code on a reader's
machine.
"""

import csv
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from api.serializers import CaseSerializer, EventSerializer, FacilitySerializer, PersonSerializer
from cases.models import Facility, Person
from cases.transfer.formulas import neutralise

CHUNK = 500

# Columns whose objects read better in a spreadsheet as text, "scheme:value | scheme:value",
# as in the whole-registry staff export, than as JSON.
AS_TEXT = {"external_ids": lambda ids: [f"{e['scheme']}:{e['value']}" for e in ids]}


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


def _as_text(column: str, value):
    return AS_TEXT[column](value) if column in AS_TEXT and value is not None else value


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
            yield writer.writerow([_cell(_as_text(column, row.get(column))) for column in header])

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


# The public shape of the whole-registry export (cases.transfer.exporting) ----------------------


def public_person_writer() -> Callable[[Person], dict]:
    """A function giving each person as the anonymous API shows them, with their cases and public
    events in place of the list of case ids.

    One serializer of each kind serves the whole export: DRF builds a serializer's fields the
    first time it is used, and building them again for every person, case and event took about
    80% of the export's time (issue 21: 767 s for 100,000 people)."""
    people, cases, events = PersonSerializer(), CaseSerializer(), EventSerializer()

    def record(person: Person) -> dict:
        written = people.to_representation(person)
        written["cases"] = [
            cases.to_representation(case)
            | {"events": [events.to_representation(event) for event in case.events.all()]}
            for case in person.cases.all()
        ]
        return written

    return record


def public_facility_records() -> list[dict]:
    facilities = Facility.objects.select_related("region", "jurisdiction").order_by("slug")
    return FacilitySerializer(facilities, many=True).data
