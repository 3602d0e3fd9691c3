"""The staff accounts screen: Django's user admin, with "end all sessions and revoke API keys".

Unticking "active" on a user and saving does the same through the signal in cases.protection.accounts.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.protection.accounts import end_access

User = get_user_model()


class RegistryUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "is_active", "has_authenticator"]
    actions = ["end_access_action"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
        )

    @admin.display(boolean=True, description="authenticator set up", ordering="_has_authenticator")
    def has_authenticator(self, user):
        return user._has_authenticator

    @admin.action(
        description="End all sessions and revoke API keys of the selected users",
        permissions=["change"],
    )
    def end_access_action(self, request, queryset):
        sessions = keys = 0
        for user in queryset:
            ended = end_access(user=user, by=request.user)
            sessions += ended.sessions
            keys += ended.api_keys
        self.message_user(
            request,
            f"Ended {sessions} session(s) and revoked {keys} API key(s) of {len(queryset)} user(s).",
            messages.SUCCESS,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RegistryUserAdmin)
