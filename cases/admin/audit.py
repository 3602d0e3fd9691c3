"""The record of confidential reads, bulk reads and exports, for superusers."""

from django.contrib import admin

from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import (
    AuditEntry,
)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of confidential reads, bulk reads and exports: read-only, superusers only."""

    list_display = ["at", "actor", "user", "action", "object_type", "record_count", "via"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "via"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
