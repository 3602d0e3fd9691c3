"""The published registry as one file (JSON or CSV), for mirrors and researchers.

What it holds is the export's public audience (`cases.transfer.exporting`): published people only, with
exactly the fields the anonymous API shows. The file is streamed as it is read, so its size
costs no memory, and browsers and proxies may keep it for a few minutes.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from cases.transfer.exporting import PUBLIC, iter_registry_csv, iter_registry_json

MAX_AGE = 600


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
