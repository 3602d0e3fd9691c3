"""Admin screen "Export the registry": the staff JSON or CSV of everything but secrets.

Reachable from the admin index (a box below the app list) for staff who may view people; each
download is logged to the "registry.audit" logger with who and when.
"""

import logging

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from cases.admin.display import local_time
from cases.models import AuditEntry, Person
from cases.protection.audit import record as audit_record
from cases.protection.permissions import sees_sources
from cases.transfer.exporting import STAFF, iter_registry_csv, iter_registry_json

audit = logging.getLogger("registry.audit")

PERMISSION = "cases.view_person"
FORMATS = {
    "json": (iter_registry_json, "application/json"),
    "csv": (iter_registry_csv, "text/csv; charset=utf-8"),
}


def export_view(request):
    """GET: the page with the two downloads. GET ?format=json|csv: the file, streamed."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    filetype = request.GET.get("format")
    if filetype not in FORMATS:
        context = {
            **admin.site.each_context(request),
            "title": gettext("Export the registry"),
            "people": Person.objects.current().count(),
        }
        return TemplateResponse(request, "admin/cases/export.html", context)
    generate, content_type = FORMATS[filetype]
    now = timezone.now()
    audit.info(
        "registry export: format=%s audience=staff by=%s user_id=%s at=%s",
        filetype,
        request.user.get_username(),
        request.user.pk,
        now.isoformat(),
    )
    with_sources = sees_sources(request.user)
    audit_record(
        actor=f"staff:{request.user.pk}",
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="registry",
        count=Person.objects.current().count(),
        fields=["internal_notes"] + (["contacts", "confidential sources"] if with_sources else []),
        via=f"{request.method} {request.get_full_path()}",
    )
    response = StreamingHttpResponse(generate(STAFF, with_sources=with_sources), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="registry-staff-{local_time(now, "Ymd-Hi")}.{filetype}"'
    )
    # admin_view marks the response never_cache (no-store included): the file is never kept.
    return response


def _with_export_url(get_urls):
    def urls():
        own = [path("export/", admin.site.admin_view(export_view), name="registry_export")]
        return own + get_urls()

    return urls


# The export has no model of its own to hang a ModelAdmin on, so the site gets the URL directly
# and an index template that links to it (admin/cases/export_index.html extends admin/index.html).
admin.site.get_urls = _with_export_url(admin.site.get_urls)
if admin.site.index_template is None:
    admin.site.index_template = "admin/cases/export_index.html"
