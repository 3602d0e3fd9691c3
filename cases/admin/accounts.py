"""The staff accounts screen: Django's user admin, with "end all sessions and revoke API keys".

Unticking "active" on a user and saving does the same through the signal in cases.protection.accounts.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services
from cases.exceptions import RefusedChange
from cases.models import StaffSettings
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

    @admin.display(boolean=True, description=_("authenticator set up"), ordering="_has_authenticator")
    def has_authenticator(self, user):
        return user._has_authenticator

    @admin.action(
        description=_("End all sessions and revoke API keys of the selected users"),
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
            gettext("Ended %(sessions)d session(s) and revoked %(keys)d API key(s) of %(users)d user(s).")
            % {"sessions": sessions, "keys": keys, "users": len(queryset)},
            messages.SUCCESS,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RegistryUserAdmin)


class StaffLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The language of my browser")), *settings.LANGUAGES],
        help_text=_("The staff pages, the import and review screens and the alert e-mails you receive."),
    )


class StaffLanguageView(View):
    """The language a staff member works in (issue 20, point 5), chosen on one small page linked
    from every staff page's header; saved through cases.services."""

    template_name = "admin/cases/staff_language.html"

    def get(self, request):
        form = StaffLanguageForm(
            initial={
                "language": StaffSettings.objects.filter(user=request.user)
                .values_list("language", flat=True)
                .first()
                or ""
            }
        )
        return self._page(request, form)

    def post(self, request):
        form = StaffLanguageForm(request.POST)
        if not form.is_valid():
            return self._page(request, form)
        try:
            services.set_staff_language(user=request.user, language=form.cleaned_data["language"])
        except RefusedChange as refusal:
            form.add_error("language", str(refusal))
            return self._page(request, form)
        chosen = form.cleaned_data["language"]
        # Said now, in the chosen language: a lazy text would be worded when the message is stored,
        # after this block, in the language the page was asked in.
        with translation.override(chosen or translation.get_language()):
            messages.success(request, gettext("Saved: the staff pages are now in your chosen language."))
        return redirect("staff-language")

    def _page(self, request, form):
        context = {**admin.site.each_context(request), "form": form, "title": _("My language")}
        return render(request, self.template_name, context)
