"""The partner screens: organisations, their API keys and their submissions for moderation."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from cases.admin.history import HistoryAdmin
from cases.admin.mixins import message_for, titled
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


def _scope_choices():
    """Each scope by its code (as the API and the docs name it) and what it allows, in the staff
    member's language: called when the form is shown."""
    return [(scope.value, format_html("<code>{}</code>: {}", scope.value, scope.label)) for scope in Scope]


class PartnerAPIKeyForm(forms.ModelForm):
    """A key's holder, scopes and expiry. Scopes are ticked, one box per scope, and stored as the
    list of their names in the order of `PartnerAPIKey.Scope`."""

    scopes = forms.MultipleChoiceField(
        choices=_scope_choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Scopes"),
        error_messages={"required": _("Tick at least one scope: a key without a scope may do nothing.")},
        help_text=_("Grant only what the partner needs; the API refuses anything else with 403."),
    )

    class Meta:
        model = PartnerAPIKey
        fields = ["name", "organisation", "issued_to", "scopes", "expiry_date", "revoked"]
        labels = {
            "name": _("Key name"),
            "expiry_date": _("Expires"),
            "revoked": _("Revoked"),
        }
        help_texts = {
            "revoked": _("A revoked key is refused by the API from then on. This cannot be undone."),
            "name": _("What the key is for, e.g. the partner's mirror or intake form"),
            "expiry_date": _("After this the API refuses the key (401). Empty: it never expires."),
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
    # The library's own fields (prefix, name, created, expiry, revoked) have English names of the
    # library's: the list shows them through columns named here, in the staff member's language.
    list_display = [
        "prefix_display",
        "name_display",
        "organisation",
        "issued_to",
        "scope_names",
        "created_display",
        "expiry_display",
        "expired_display",
        "revoked_display",
        "last_used_at",
    ]
    list_display_links = ["prefix_display", "name_display"]
    list_filter = [
        ("revoked", titled(admin.BooleanFieldListFilter, _("revoked"))),
        "organisation",
        ("created", titled(admin.DateFieldListFilter, _("created"))),
    ]
    list_select_related = ["organisation", "issued_to"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "organisation", "issued_to"]}),
            (_("Access"), {"fields": ["scopes", "expiry_date"]}),
        ]
        if obj is not None:  # a new key has no prefix, no use and nothing to revoke yet
            fieldsets.append((_("Status"), {"fields": ["prefix_display", "revoked", "last_used_at"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_used_at", "prefix_display"]
        if obj is not None and obj.revoked:  # a revoked key is a record, not a key to edit
            readonly += ["organisation", "issued_to", "scopes"]
        return readonly

    def get_changeform_initial_data(self, request):
        expiry = timezone.localtime() + SUGGESTED_KEY_LIFETIME
        return {"expiry_date": expiry.replace(microsecond=0), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("scopes"))
    def scope_names(self, key):
        return ", ".join(key.scopes)

    @admin.display(description=_("prefix"), ordering="prefix")
    def prefix_display(self, key):
        return key.prefix

    @admin.display(description=_("key name"), ordering="name")
    def name_display(self, key):
        return key.name

    @admin.display(description=_("created"), ordering="created")
    def created_display(self, key):
        return key.created

    @admin.display(description=_("expires"), ordering="expiry_date")
    def expiry_display(self, key):
        return key.expiry_date

    @admin.display(description=_("expired"), boolean=True)
    def expired_display(self, key):
        return key.has_expired

    @admin.display(description=_("revoked"), boolean=True, ordering="revoked")
    def revoked_display(self, key):
        return key.revoked

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
            "title": gettext("New partner API key"),
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

    @admin.display(description=_("name as reported"))
    def reported_name(self, submission):
        return (submission.payload or {}).get("name", gettext("(deleted after retention)"))

    @admin.display(description=_("report as sent"))
    def report(self, submission):
        if submission.payload is None:
            return gettext("(deleted after retention)")
        shown = dict(submission.payload)
        if shown.get("contact"):
            shown["contact"] = gettext("(the reporter's contact: Sources group only)")
        return shown

    @admin.display(description=_("report as sent"))
    def full_report(self, submission):
        return gettext("(deleted after retention)") if submission.payload is None else submission.payload

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
        done_message = (
            gettext("Accepted %(count)d submission(s).")
            if verb == "accept"
            else gettext("Rejected %(count)d submission(s).")
        )
        self.message_user(request, done_message % {"count": done})

    @admin.action(
        description=_("Accept: create a draft person and case with the reported charges"),
        permissions=["moderate"],
    )
    def accept_selected(self, request, queryset):
        self._moderate(request, queryset, "accept")

    @admin.action(description=_("Reject"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, "reject")
