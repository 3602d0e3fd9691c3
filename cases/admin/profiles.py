"""Import profiles: Publishers keep a list's layout and words as data, and test them on a file.

Saving a profile with a test file attached saves it (its history keeps every version, so a change
can be compared and reverted) and then shows the dry run of that file read with it: every column
and what it was read as, the list's words and their reading, every problem and warning. Nothing
of the file is written; the dry run is recorded like any other.
"""

import datetime
import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.history import HistoryAdmin
from cases.admin.imports import MAX_UPLOAD_BYTES, _report_html
from cases.models import ImportProfile, ImportRun, Jurisdiction, KeptCell
from cases.transfer.importing import TooManyRows, UnreadableFile, run_import
from cases.transfer.importing.mappings import FIELDS, VOCABULARIES, Mapping, ProfileError, check_profile


class ImportProfileForm(forms.ModelForm):
    config = forms.JSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        label=_("Configuration"),
        # The admin's change form writes a help text as HTML: the codes are marked as code.
        help_text=format_lazy(
            _(
                "<code>columns</code>: {{header: field or '-'}}; "
                "<code>vocabulary</code>: {{<code>status|sex|sentence_kind|regime|recognition</code>: "
                "{{word: code}}}}; <code>required</code>, <code>essential</code>: [fields]; "
                "<code>id_scheme</code>; <code>recognised_by</code>. Fields: {fields}. See "
                "<code>docs/import.md</code>."
            ),
            fields=format_html("<code>{}</code>", ", ".join(FIELDS)),
        ),
    )
    test_file = forms.FileField(
        required=False,
        label=_("Test file"),
        help_text=_(
            "Optional: a .csv or .xlsx file to read with this profile once it is saved (a dry run: "
            "nothing of the file is written)."
        ),
    )
    test_jurisdiction = forms.ChoiceField(
        required=False, label=_("Test jurisdiction"), help_text=_("Whose criminal code the test reads.")
    )

    class Meta:
        model = ImportProfile
        fields = ["code", "label", "description", "config"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["test_jurisdiction"].choices = [
            (j.code, str(j)) for j in Jurisdiction.objects.order_by("code")
        ]
        self.fields["test_jurisdiction"].initial = "BY"

    def clean_config(self):
        config = self.cleaned_data["config"]
        if not isinstance(config, dict):
            raise ValidationError(gettext("The profile must be a JSON object."))
        problems = check_profile(config)
        if problems:
            raise ValidationError(problems)
        return config

    def clean_test_file(self):
        upload = self.cleaned_data.get("test_file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(megabytes)d MB.")
                % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


@admin.register(ImportProfile)
class ImportProfileAdmin(HistoryAdmin):
    form = ImportProfileForm
    list_display = ["label", "code", "is_shipped", "updated_at", "updated_by"]
    search_fields = ["label", "code"]
    readonly_fields = ["is_shipped", "updated_at", "updated_by", "vocabulary_codes"]
    fieldsets = [
        (None, {"fields": ["label", "code", "description", "config", "vocabulary_codes"]}),
        (_("Test on a file"), {"fields": ["test_file", "test_jurisdiction"]}),
        (_("Record"), {"fields": ["is_shipped", "updated_at", "updated_by"]}),
    ]
    actions = ["copy_profiles"]

    @admin.display(description=_("codes a vocabulary may map to"))
    def vocabulary_codes(self, obj):
        return "; ".join(f"{kind}: {', '.join(codes)}" for kind, codes in VOCABULARIES.items())

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not (obj and obj.runs.exists())

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        services.save_detail(instance=obj, by=request.user)
        request._profile_test = (
            form.cleaned_data.get("test_file"),
            form.cleaned_data.get("test_jurisdiction"),
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._test_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._test_response(request, obj) or super().response_change(request, obj)

    def _test_response(self, request, profile):
        upload, jurisdiction = getattr(request, "_profile_test", (None, None))
        if not upload:
            return None
        mapping = Mapping.from_config(code=profile.code, label=profile.label, config=profile.config)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "profile": profile}
        try:
            report = run_import(
                upload.read(),
                file_name=upload.name,
                mapping=mapping,
                profile=profile,
                by=request.user,
                jurisdiction=jurisdiction or "BY",
                dry_run=True,
                reclassified_on=timezone.localdate(),
                max_rows=settings.IMPORT_ADMIN_MAX_ROWS,
            )
        except TooManyRows as error:
            context.update(
                title=gettext("The test file has more than %(limit)d rows: test the profile on a part of it")
                % {"limit": error.limit},
                report=None,
            )
        except (UnreadableFile, ProfileError) as error:
            context.update(
                title=gettext("The test file could not be read: %(error)s") % {"error": error}, report=None
            )
        else:
            context.update(
                title=gettext("Dry run of %(file)s with the profile “%(profile)s”: nothing was written")
                % {"file": upload.name, "profile": profile.label},
                report=report,
                report_html=_report_html(ImportRun.objects.get(pk=report.import_run_id)),
                run_url=reverse("admin:cases_importrun_change", args=[report.import_run_id]),
            )
        context["edit_url"] = reverse("admin:cases_importprofile_change", args=[profile.pk])
        return TemplateResponse(request, "admin/cases/importprofile/test.html", context)

    @admin.action(
        description=_("Copy as new profiles to adapt (the copies start as drafts of yours)"),
        permissions=["add"],
    )
    def copy_profiles(self, request, queryset):
        stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        for profile in queryset:
            copy = ImportProfile(
                code=f"{profile.code}-copy-{stamp}"[:40],
                label=gettext("%(profile)s (copy)") % {"profile": profile.label},
                description=profile.description,
                config=json.loads(json.dumps(profile.config)),
                updated_by=request.user,
            )
            services.save_detail(instance=copy, by=request.user)
        self.message_user(request, gettext("%(count)d profile(s) copied.") % {"count": queryset.count()})


@admin.register(KeptCell)
class KeptCellAdmin(admin.ModelAdmin):
    """The cells of imported rows that fed no field, for staff to read and act on; never edited."""

    list_display = ["run", "row", "column", "text", "reason", "person"]
    list_filter = ["reason", "run"]
    search_fields = ["column"]
    list_select_related = ["run", "person"]
    readonly_fields = ["run", "row", "column", "text", "reason", "person"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
