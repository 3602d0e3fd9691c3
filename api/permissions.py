"""Permissions of the API, declared: reads follow `api.access`, writes need a scope."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.access import access_for
from cases.models import PartnerAPIKey

Scope = PartnerAPIKey.Scope


class ReadAccess(BasePermission):
    """Anyone may read (what they see is decided by api.access); nobody writes through these views.

    A key must carry a read scope to read; a staff session needs the view permission to see more
    than the public does (api.access checks that).
    """

    message = "This API key has no read scope."

    def has_permission(self, request, view):
        if request.method not in SAFE_METHODS:
            return False
        key = request.auth
        if isinstance(key, PartnerAPIKey):
            return key.has_scope(Scope.READ_PUBLIC) or key.has_scope(Scope.READ_RESTRICTED)
        return True


class CanSubmit(BasePermission):
    message = "Reporting a detention needs an API key with the write:submissions scope."

    def has_permission(self, request, view):
        key = request.auth
        return isinstance(key, PartnerAPIKey) and key.has_scope(Scope.WRITE_SUBMISSIONS)


class ManagesWebhooks(BasePermission):
    message = "Managing webhooks needs an API key with the webhooks scope."

    def has_permission(self, request, view):
        key = request.auth
        return isinstance(key, PartnerAPIKey) and key.has_scope(Scope.WEBHOOKS)


class ReadsContacts(BasePermission):
    """Contacts and silences: keys with read:contacts (published people), staff sessions that may
    view contacts (everyone held). Reporting a contact needs write:contacts."""

    message = "Contacts need an API key with the read:contacts scope (write:contacts to report one)."

    def has_permission(self, request, view):
        key = request.auth
        if isinstance(key, PartnerAPIKey):
            scope = Scope.READ_CONTACTS if request.method in SAFE_METHODS else Scope.WRITE_CONTACTS
            return key.has_scope(scope)
        return (
            request.method in SAFE_METHODS
            and access_for(request).is_staff
            and request.user.has_perm("cases.view_prisonercontact")
        )
