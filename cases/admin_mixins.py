"""Small pieces shared by the admin modules."""


class ReadOnlyAdminMixin:
    """A record of what happened (an assessment, an import, an audit entry): shown, never edited
    or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
