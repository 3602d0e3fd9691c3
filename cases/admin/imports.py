"""Admin screens for spreadsheet imports and the charges they leave for review.

The import page is two steps: the upload runs a dry run (nothing is written) and shows what
would be created, updated and rejected with every problem; only a confirm button on that page
runs the real import, of the same file, which waits in the user's session (keyed by its
sha256) meanwhile. Only users with cases.run_import (the Publisher group) may import.
"""

import base64
import csv
import hashlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import ChargeToReview, ImportProfile, ImportRun, ImportRunLine, Jurisdiction, Source
from cases.protection.permissions import source_label
from cases.transfer.formulas import neutralise
from cases.transfer.importing import MAPPINGS, TooManyRows, UnreadableFile, get_mapping, run_import
from cases.wording.render import Renderer

SESSION_KEY = "cases_import_pending"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A .csv file (UTF-8, comma or semicolon) or an .xlsx file.")
    )
    mapping = forms.ChoiceField(
        label=_("Import profile"),
        help_text=_(
            "The list's layout and words (Import profiles: Publishers add and adapt them); "
            "see docs/import.md."
        ),
    )
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"), help_text=_("Whose criminal code the charges are under.")
    )
    reclassified_on = forms.DateField(
        label=_("Reclassified on"),
        initial=timezone.localdate,
        help_text=_(
            "The date the list is as of: recorded for a reclassification when a row's article "
            "changed, and as the date of the list's claims (YYYY-MM-DD)."
        ),
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.order_by("title"),
        required=False,
        label=_("Source"),
        empty_label=_("the profile's own list"),
        help_text=_(
            "Whose word the list's facts are (each becomes a claim of this source). Empty: the "
            "profile's own list source, 'List: …', created confidential on its first import."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A confidential source is named as everywhere in the staff area: masked outside Sources.
        self.fields["source"].label_from_instance = lambda source: source_label(source, user)
        self.fields["jurisdiction"].choices = [
            (j.code, str(j)) for j in Jurisdiction.objects.order_by("code")
        ]
        self.fields["jurisdiction"].initial = "BY"
        saved = dict(ImportProfile.objects.values_list("code", "label"))
        shipped = {code: m.label for code, m in MAPPINGS.items() if code not in saved}
        self.fields["mapping"].choices = sorted({**shipped, **saved}.items(), key=lambda item: item[1])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(megabytes)d MB; split it.")
                % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean_reclassified_on(self):
        value = self.cleaned_data["reclassified_on"]
        if value > timezone.localdate():
            raise ValidationError(gettext("The reclassification date cannot be in the future."))
        return value


# A list of 100,000 rows can leave as many warnings and row outcomes: the page shows the first
# lines of each list, and the CSV file every line.
REPORT_LINES_SHOWN = 500


# What a report's row column says, in the staff member's language (the stored value is English).
ROW_ACTIONS = {"created": _("created"), "updated": _("updated"), "rejected": _("rejected")}


@dataclass(frozen=True)
class ShownLine:
    """A line of an import's report as a staff member reads it: its message rendered in their
    language, or, for a line stored before messages, its English text (`language` says which)."""

    row: int | None
    column: str
    action: str
    text: str
    language: str


def shown_lines(lines, renderer: Renderer) -> list[ShownLine]:
    lines = list(lines)
    renderer.prefetch(line.message for line in lines)
    return [
        ShownLine(
            row=line.row,
            column=line.column,
            action=str(ROW_ACTIONS.get(line.action, line.action)),
            text=renderer.render(line.message) if line.message.get("code") else line.text,
            language=renderer.language_of(line.message),
        )
        for line in lines
    ]


def _report_html(run: ImportRun) -> str:
    """A run's report: its columns, then the first lines of each kind with how many there are."""
    counts = dict(run.lines.values_list("kind").annotate(Count("id")).order_by())
    renderer = Renderer()  # the staff member's language, active for this request
    shown = {
        kind: shown_lines(run.lines.filter(kind=kind).order_by("position")[:REPORT_LINES_SHOWN], renderer)
        for kind in ImportRunLine.Kind.values
    }
    return render_to_string(
        "admin/cases/importrun/report.html",
        {
            "report": run.report,
            "problems": shown[ImportRunLine.Kind.PROBLEM],
            "warnings": shown[ImportRunLine.Kind.WARNING],
            "rows": shown[ImportRunLine.Kind.ROW],
            "counts": {kind: counts.get(kind, 0) for kind in ImportRunLine.Kind.values},
            "shown": REPORT_LINES_SHOWN,
            "csv_url": reverse("admin:cases_importrun_report_csv", args=[run.pk]) if counts else "",
        },
    )


def _report_lines(run: ImportRun, renderer: Renderer):
    """Every line of a run's report, for a spreadsheet: kind, row, column, reason or changes, in
    the renderer's language (made in the view: a streamed body is written after the request's
    language is let go)."""
    yield ["kind", "row", "column", "reason or changes"]
    for kind in ImportRunLine.Kind.values:
        for line in run.lines.filter(kind=kind).order_by("position").iterator(chunk_size=2000):
            row = "file" if line.row is None else line.row
            text = renderer.render(line.message) if line.message.get("code") else line.text
            yield [line.action or kind, row, line.column, text]


class _Echo:
    """A file whose write returns the line, for csv.writer inside a streamed response."""

    def write(self, value):
        return value


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "file_name",
        "mapping",
        "state",
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
        "created_by",
    ]
    list_filter = ["state", "mapping"]
    search_fields = ["file_name", "file_sha256"]
    change_list_template = "admin/cases/importrun/change_list.html"
    fields = [
        "created_at",
        "created_by",
        "file_name",
        "file_sha256",
        "mapping",
        "state",
        "profile",
        ("rows", "created", "updated", "unchanged", "rejected", "warnings"),
        "kept_cells_link",
        "report_display",
    ]
    readonly_fields = fields[:6] + [
        "profile",
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
        "kept_cells_link",
        "report_display",
    ]

    @admin.display(description=_("cells kept verbatim"))
    def kept_cells_link(self, obj):
        count = obj.kept_cells.count()
        if not count:
            return gettext("none kept")
        url = reverse("admin:cases_keptcell_changelist") + f"?run__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{}</a>', url, gettext("%(count)d cell(s) that fed no field") % {"count": count}
        )

    @admin.display(description=_("report"))
    def report_display(self, obj):
        return mark_safe(_report_html(obj))  # noqa: S308 - the template escapes every value

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="cases_importrun_import"),
            path(
                "<int:pk>/report.csv",
                self.admin_site.admin_view(self.report_csv_view),
                name="cases_importrun_report_csv",
            ),
        ]
        return own + super().get_urls()

    def report_csv_view(self, request, pk):
        """Every problem, warning and row outcome of a run, as a CSV file (cells that a
        spreadsheet would run as a formula are neutralised)."""
        run = get_object_or_404(ImportRun, pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        writer = csv.writer(_Echo())
        lines = (
            writer.writerow([neutralise(str(cell)) for cell in line])
            for line in _report_lines(run, Renderer())
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
        return response

    def import_view(self, request):
        if not request.user.has_perm("cases.run_import"):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm"):
            return self._confirm(request)
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a spreadsheet"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["file"].read()
            name = form.cleaned_data["file"].name
            options = {
                "mapping": form.cleaned_data["mapping"],
                "jurisdiction": form.cleaned_data["jurisdiction"],
                "reclassified_on": form.cleaned_data["reclassified_on"].isoformat(),
                "source": getattr(form.cleaned_data["source"], "pk", None),
            }
            try:
                report = self._run(request, data, name, options, dry_run=True)
            except TooManyRows as error:
                form.add_error(
                    "file",
                    gettext(
                        "The file has more than %(limit)d rows: a page stops there so that it does not "
                        "time out. Import it with the command `manage.py import_people` (docs/import.md), "
                        "or split it."
                    )
                    % {"limit": error.limit},
                )
            except UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                if report.would_refuse:
                    request.session.pop(SESSION_KEY, None)
                else:
                    request.session[SESSION_KEY] = {
                        "sha256": report.file_sha256,
                        "name": name,
                        "data": base64.b64encode(data).decode("ascii"),
                        **options,
                    }
                context.update(
                    title=gettext("Dry run: nothing has been written yet"),
                    report=report,
                    report_html=_report_html(ImportRun.objects.get(pk=report.import_run_id)),
                    run_url=reverse("admin:cases_importrun_change", args=[report.import_run_id]),
                )
                return TemplateResponse(request, "admin/cases/importrun/dry_run.html", context)
        return TemplateResponse(request, "admin/cases/importrun/import.html", context)

    def _run(self, request, data, name, options, *, dry_run):
        import datetime

        return run_import(
            data,
            file_name=name,
            mapping=get_mapping(options["mapping"]),
            profile=ImportProfile.objects.filter(code=options["mapping"]).first(),
            by=request.user,
            jurisdiction=options["jurisdiction"],
            dry_run=dry_run,
            reclassified_on=datetime.date.fromisoformat(options["reclassified_on"]),
            max_rows=settings.IMPORT_ADMIN_MAX_ROWS,
            # (A source deleted between the dry run and the confirmation: the profile's own.)
            source=Source.objects.filter(pk=options.get("source")).first() if options.get("source") else None,
        )

    def _confirm(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if not pending:
            return HttpResponseBadRequest(
                gettext("No checked file is waiting: upload it again for a dry run first.")
            )
        data = base64.b64decode(pending["data"])
        if (
            hashlib.sha256(data).hexdigest() != pending["sha256"]
            or request.POST["confirm"] != pending["sha256"]
        ):
            return HttpResponseBadRequest(
                gettext("This is not the file the dry run checked: upload it again.")
            )
        report = self._run(request, data, pending["name"], pending, dry_run=False)
        if report.refused:
            self.message_user(
                request,
                gettext("The import was refused: the data changed since the dry run. See the report."),
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
                )
                % {
                    "file": pending["name"],
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
        return redirect("admin:cases_importrun_change", report.import_run_id)


@admin.register(ChargeToReview)
class ChargeToReviewAdmin(admin.ModelAdmin):
    list_display = ["text", "case", "reason", "created_at", "resolved_at", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "case__jurisdiction"]
    search_fields = ["text", "article_number", "case__person__names__text"]
    list_select_related = ["case__person", "resolved_by"]
    readonly_fields = [
        "case",
        "text",
        "article_number",
        "part",
        "stage",
        "reason",
        "import_run",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    ]
    fields = readonly_fields
    actions = ["mark_resolved"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("case__person__names")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # nothing here is edited in a form: the action below resolves, through the service

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Mark as resolved (recorded with who and when)"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        done = 0
        for item in queryset.filter(resolved_at__isnull=True):
            services.resolve_charge_to_review(item=item, by=request.user, note="Resolved in the admin.")
            done += 1
        self.message_user(request, gettext("%(count)d charge(s) marked as resolved.") % {"count": done})
