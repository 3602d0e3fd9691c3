"""Files for download: the published registry as one file, and the public list as a spreadsheet.

The registry (JSON or CSV, for mirrors and researchers) is the export's public audience
(`cases.transfer.exporting`): published people only, with exactly the fields the anonymous API
shows. It is built by a task, never by a request (cases.transfer.published_files), and served
as the file it is: compressed to a reader that accepts gzip, with an ETag and a Last-Modified,
so a mirror that has it gets a 304. Browsers and proxies may keep it for a few minutes. The
list's CSV is what the list page shows, filtered as it is, in the reader's language, one column
per name script; it is streamed as it is read, so its size costs no memory.
"""

import csv
import gzip
import re
from collections.abc import Callable, Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import choices
from cases.models import PublishedFile
from cases.transfer import published_files
from cases.transfer.formulas import neutralise
from public import presenters

MAX_AGE = 600
# A file being built for the first time, or again after a withdrawal: a minute or a few.
RETRY_AFTER = 120
READ = 1 << 16
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# People read per query of the list's CSV (with their names, cases, charges and stays prefetched).
CHUNK = 500
# Spreadsheet programs read a UTF-8 file as the system's code page unless it starts with a BOM,
# which would turn every Cyrillic name into mojibake.
BOM = "\ufeff"
SEPARATOR = "; "


def _unavailable() -> HttpResponse:
    response = HttpResponse(
        _("The download of the whole registry is being prepared. Please try again in a few minutes.") + "\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER)
    patch_cache_control(response, no_store=True)
    return response


def _gunzipped(opened) -> Iterator[bytes]:
    with opened, gzip.GzipFile(fileobj=opened) as content:
        while chunk := content.read(READ):
            yield chunk


def _published(request, format: str) -> HttpResponse:
    """The file as the last build left it (cases.transfer.published_files); never built here."""
    file = published_files.servable(format)
    if file is None:
        return _unavailable()
    etag = f'"{file.etag}"'
    last_modified = int(file.changed_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _file_headers(not_modified, file, etag, last_modified)
    opened = published_files.storage().open(file.name, "rb")
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = FileResponse(opened, content_type=published_files.content_type(file))
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(file.compressed_size)
    else:
        response = StreamingHttpResponse(_gunzipped(opened), content_type=published_files.content_type(file))
        response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = f'attachment; filename="registry-{file.changed_at:%Y-%m-%d}.{format}"'
    return _file_headers(response, file, etag, last_modified)


def _file_headers(response, file, etag: str, last_modified: int) -> HttpResponse:
    """What a 200 and a 304 both say of the file (RFC 9110: a 304 repeats ETag and Cache-Control)."""
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_vary_headers(response, ("Accept-Encoding",))
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def registry_json(request):
    return _published(request, PublishedFile.JSON)


@require_safe
def registry_csv(request):
    return _published(request, PublishedFile.CSV)


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
