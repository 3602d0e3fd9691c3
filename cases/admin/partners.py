"""The partner screens: organisations, their API keys and their submissions for moderation."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from cases.admin.history import HistoryAdmin
from cases.admin.mixins import message_for
from cases.models import (
    Organisation,
    PartnerAPIKey,
    Submission,
)
from cases.protection.permissions import sees_sources
from cases.services import intake
from cases.transfer.notation import parse_charges

# Partners ----------------------------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "contact_email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]


# The library's own key model is registered by its admin module, but no view of ours accepts those
# keys, and its screen shows a new key through Django's messages (a cookie): not offered. The one
# screen for keys is PartnerAPIKeyAdmin below (tests/cases/test_partner_key_admin.py).
admin.site.unregister(APIKey)

Scope = PartnerAPIKey.Scope
# A key issued without an end date would outlive the partnership it was issued for; staff may
# clear or change the suggestion.
SUGGESTED_KEY_LIFETIME = datetime.timedelta(days=365)


class PartnerAPIKeyForm(forms.ModelForm):
    """A key's holder, scopes and expiry. Scopes are ticked, one box per scope, and stored as the
    list of their names in the order of `PartnerAPIKey.Scope`."""

    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, f"{scope.value}: {scope.label}") for scope in Scope],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one scope: a key without a scope may do nothing."},
        help_text="Grant only what the partner needs; the API refuses anything else with 403.",
    )

    class Meta:
        model = PartnerAPIKey
        fields = ["name", "organisation", "issued_to", "scopes", "expiry_date", "revoked"]
        help_texts = {
            "name": "What the key is for, e.g. the partner's mirror or intake form",
            "expiry_date": "After this the API refuses the key (401). Empty: it never expires.",
        }

    def clean_scopes(self):
        ticked = set(self.cleaned_data["scopes"])
        return [scope for scope in Scope.values if scope in ticked]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, on the page that answers their creation; only their hash is stored.

    The library shows a new key through Django's messages, which the default storage keeps in a
    cookie: the raw key would travel in a Set-Cookie header and sit in the browser's cookie jar.
    Here it is written into that one answer and nowhere else (admin pages are never cached).
    """

    form = PartnerAPIKeyForm
    list_display = [
        "prefix",
        "name",
        "organisation",
        "issued_to",
        "scope_names",
        "created",
        "expiry_date",
        "_has_expired",
        "revoked",
        "last_used_at",
    ]
    list_filter = ["revoked", "organisation", "created"]
    list_select_related = ["organisation", "issued_to"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "organisation", "issued_to"]}),
            ("Access", {"fields": ["scopes", "expiry_date"]}),
        ]
        if obj is not None:  # a new key has no prefix, no use and nothing to revoke yet
            fieldsets.append(("Status", {"fields": ["prefix", "revoked", "last_used_at"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_used_at"]
        if obj is not None and obj.revoked:  # a revoked key is a record, not a key to edit
            readonly += ["organisation", "issued_to", "scopes"]
        return readonly

    def get_changeform_initial_data(self, request):
        expiry = timezone.localtime() + SUGGESTED_KEY_LIFETIME
        return {"expiry_date": expiry.replace(microsecond=0), **super().get_changeform_initial_data(request)}

    @admin.display(description="scopes")
    def scope_names(self, key):
        return ", ".join(key.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        # Handed to response_add below, in this request only; never stored.
        request.new_api_key = self.model.objects.assign_key(obj)
        obj.save()

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "New partner API key",
            "api_key": obj,
            "raw_key": request.new_api_key,
        }
        return TemplateResponse(request, "admin/cases/partnerapikey/created.html", context)


MODERATE_PERMISSION = "cases.moderate_submission"


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation queue of partner reports, for Editors and Publishers (`moderate_submission`).
    Accepting creates a draft person and case with the reported articles as charges or charges to
    review. The reporter's contact is shown to the Sources group only, like every contact."""

    list_display = ["received_at", "organisation", "reported_name", "state", "handled_by"]
    list_filter = ["state", "organisation"]
    readonly_fields = [
        "public_id",
        "organisation",
        "report",
        "state",
        "received_at",
        "handled_at",
        "handled_by",
        "person",
        "payload_deleted_at",
    ]
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if sees_sources(request.user):
            return [("full_report" if field == "report" else field) for field in fields]
        return fields

    def get_fields(self, request, obj=None):
        return [*self.get_readonly_fields(request, obj), "moderation_note"]

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    @admin.display(description="name as reported")
    def reported_name(self, submission):
        return (submission.payload or {}).get("name", "(deleted after retention)")

    @admin.display(description="report as sent")
    def report(self, submission):
        if submission.payload is None:
            return "(deleted after retention)"
        shown = dict(submission.payload)
        if shown.get("contact"):
            shown["contact"] = "(the reporter's contact: Sources group only)"
        return shown

    @admin.display(description="report as sent")
    def full_report(self, submission):
        return "(deleted after retention)" if submission.payload is None else submission.payload

    def _moderate(self, request, queryset, verb):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        done = 0
        for submission in queryset:
            try:
                if verb == "accept":
                    intake.accept_submission(
                        submission=submission, by=request.user, read_articles=parse_charges
                    )
                else:
                    intake.reject_submission(
                        submission=submission, by=request.user, note="Rejected in the queue."
                    )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{submission}: {message_for(error)}", messages.ERROR)
        self.message_user(request, f"{verb.capitalize()}ed {done} submission(s).")

    @admin.action(
        description="Accept: create a draft person and case with the reported charges",
        permissions=["moderate"],
    )
    def accept_selected(self, request, queryset):
        self._moderate(request, queryset, "accept")

    @admin.action(description="Reject", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, "reject")
