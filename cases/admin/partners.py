"""The partner screens: organisations, their API keys and their submissions for moderation."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework_api_key.admin import APIKeyModelAdmin
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


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, when created; only their hash is stored."""

    list_display = [*APIKeyModelAdmin.list_display, "organisation", "scopes", "last_used_at"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]
    readonly_fields = [*APIKeyModelAdmin.readonly_fields, "last_used_at"]


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
