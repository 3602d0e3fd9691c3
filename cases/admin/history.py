"""The base of every admin that keeps a record's history (django-simple-history).

Its history pages show old versions, and posting one back ("Revert") saves it through the
admin's own save path, like the change form. The library checks only that the user may *see* the
history before it saves; here a revert needs the permission to change the record, exactly as an
edit on the change form does.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            record = self.get_object(request, object_id)
            if record is None or not self.has_change_permission(request, record):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)
