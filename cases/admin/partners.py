"""The partner screens: organisations, their API keys and their submissions for moderation."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from cases.admin.mixins import message_for
from cases.models import (
    Organisation,
    PartnerAPIKey,
    Submission,
)
from cases.services import intake

# Partners ----------------------------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact_email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]


# The library's own key model is registered by its admin module, but no view of ours accepts those
# keys, and its screen shows a new key through Django's messages (a cookie): not offered.
admin.site.unregister(APIKey)


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, on the page that answers their creation; only their hash is stored.

    The library shows a new key through Django's messages, which the default storage keeps in a
    cookie: the raw key would travel in a Set-Cookie header and sit in the browser's cookie jar.
    Here it is written into that one answer and nowhere else (admin pages are never cached).
    """

    list_display = [*APIKeyModelAdmin.list_display, "organisation", "scopes", "last_used_at"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]
    readonly_fields = [*APIKeyModelAdmin.readonly_fields, "last_used_at"]

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


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation queue of partner reports. Accepting creates a draft person and case."""

    list_display = ["received_at", "organisation", "reported_name", "state", "handled_by"]
    list_filter = ["state", "organisation"]
    readonly_fields = [
        "public_id",
        "organisation",
        "payload",
        "state",
        "received_at",
        "handled_at",
        "handled_by",
        "person",
        "payload_deleted_at",
    ]
    fields = readonly_fields + ["moderation_note"]
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="name as reported")
    def reported_name(self, submission):
        return (submission.payload or {}).get("name", "(deleted after retention)")

    def _moderate(self, request, queryset, verb):
        if not request.user.has_perm("cases.moderate_submission"):
            raise PermissionDenied
        done = 0
        for submission in queryset:
            try:
                if verb == "accept":
                    intake.accept_submission(submission=submission, by=request.user)
                else:
                    intake.reject_submission(
                        submission=submission, by=request.user, note="Rejected in the queue."
                    )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{submission}: {message_for(error)}", messages.ERROR)
        self.message_user(request, f"{verb.capitalize()}ed {done} submission(s).")

    @admin.action(description="Accept: create a draft person and case")
    def accept_selected(self, request, queryset):
        self._moderate(request, queryset, "accept")

    @admin.action(description="Reject")
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, "reject")
