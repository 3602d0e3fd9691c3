"""The staff area's admin site: every page needs a password and a verified second factor.

`RegistryAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS so that `admin.site`, and
every `@admin.register` in the project, is a `RegistryAdminSite`. The admin's own login form is
never shown: the two-step login of django-two-factor-auth (`two_factor:login`) is the only way
in, and a staff member who has no authenticator yet is sent to the setup wizard first.

INSTALLED_APPS imports this module before the apps are ready, so the imports that load models
(auth views, two_factor) happen inside the methods.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class RegistryAdminSite(AdminSite):
    """An admin site that lets in only active staff whose session passed the OTP step.

    `has_permission` adds `is_verified()` (django_otp's middleware) to the admin's own test, so
    every admin view, GET or POST, sends an unverified session to `login` below, as
    two_factor.admin.AdminSiteOTPRequired does.
    """

    site_header = _("Political-prisoner case registry")
    site_title = _("Registry staff")
    index_title = _("Cases, people and law data")

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        from django.contrib.auth.views import redirect_to_login
        from two_factor.utils import default_device

        next_url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not next_url or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        signed_in_without_device = (
            user.is_authenticated and user.is_active and user.is_staff and not user.is_verified()
        ) and default_device(user) is None
        if signed_in_without_device:
            # The login let them in on a password alone because no authenticator is set up yet.
            return redirect("two_factor:setup")
        return redirect_to_login(next_url, reverse("two_factor:login"))


class RegistryAdminConfig(AdminConfig):
    default_site = "registry.admin_site.RegistryAdminSite"
