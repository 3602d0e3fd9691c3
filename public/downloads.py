"""Files for download: the published registry as one file, and the public list as a spreadsheet.

The registry (JSON or CSV, for mirrors and researchers) is the export's public audience
(`cases.transfer.exporting`): published people only, with exactly the fields the anonymous API
shows; browsers and proxies may keep it for a few minutes. The list's CSV is what the list page
shows, filtered as it is, in the reader's language, one column per name script. Both are
streamed as they are read, so their size costs no memory.
"""

import csv
from collections.abc import Callable

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import choices
from cases.transfer.exporting import PUBLIC, iter_registry_csv, iter_registry_json
from cases.transfer.formulas import neutralise
from public import presenters

MAX_AGE = 600
# People read per query of the list's CSV (with their names, cases, charges and stays prefetched).
CHUNK = 500
# Spreadsheet programs read a UTF-8 file as the system's code page unless it starts with a BOM,
# which would turn every Cyrillic name into mojibake.
BOM = "\ufeff"
SEPARATOR = "; "


def _download(pieces, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="registry-{timezone.localdate():%Y-%m-%d}.{extension}"'
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def registry_json(request):
    return _download(iter_registry_json(PUBLIC), "application/json", "json")


@require_safe
def registry_csv(request):
    return _download(iter_registry_csv(PUBLIC), "text/csv; charset=utf-8", "csv")


class _Echo:
    def write(self, value):
        return value


def _list_header() -> list[str]:
    return [
        _("Name"),
        _("Name in Belarusian Cyrillic"),
        _("Name in Russian Cyrillic"),
        _("Name in Latin"),
        _("Other names"),
        _("Region"),
        _("Status"),
        _("Detained"),
        _("Risk of the death penalty"),
        _("Articles"),
        _("Place of detention"),
        _("Link"),
    ]


def _list_cells(row: presenters.PersonRow, page_url: str) -> list[str]:
    cells = [
        row.name,
        row.names_by_script.get(choices.Script.BE_CYRILLIC, ""),
        row.names_by_script.get(choices.Script.RU_CYRILLIC, ""),
        row.names_by_script.get(choices.Script.LATIN, ""),
        SEPARATOR.join(row.other_names),
        row.region,
        str(row.status),
        # A case records its detention date to the day (cases.models.Case has no precision for it).
        presenters.partial_date_iso(row.detained, row.detained_precision),
        row.risk.text if row.risk else "",
        SEPARATOR.join(row.articles),
        row.facility,
        page_url,
    ]
    return [neutralise(str(cell)) for cell in cells]


def person_list_csv(people, *, language: str, page_url: Callable[[str], str]) -> StreamingHttpResponse:
    """The people of the public list (a queryset as `public.views` builds it) as a CSV file in
    `language`: every row, not one page; cells a spreadsheet would run are neutralised."""
    writer = csv.writer(_Echo())

    def generate():
        # The rows are written after the view has returned: the language is set here again.
        with translation.override(language):
            yield BOM + writer.writerow(_list_header())
            for person in people.iterator(chunk_size=CHUNK):
                row = presenters.person_row(person, language)
                yield writer.writerow(_list_cells(row, page_url(row.slug)))

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="people-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
