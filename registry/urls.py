from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticToken
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from two_factor import views as two_factor_views

from cases.admin.accounts import StaffLanguageView
from cases.protection.accounts import has_authenticator, user_for_enrolment_token
from registry.health import health

# The staff pages outside the admin site use the admin's templates, which want its titles.
_admin_header = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


class RecoveryCodesView(two_factor_views.BackupTokensView):
    """Recovery codes (django_otp static tokens) are shown once, when created; the page
    otherwise only counts the unused ones, so an open session cannot read them back."""

    extra_context = _admin_header

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unused_tokens"] = context["device"].token_set.count()
        return context

    def form_valid(self, form):
        device = self.get_device()
        device.token_set.all().delete()
        tokens = [StaticToken.random_token() for _ in range(self.number_of_tokens)]
        for token in tokens:
            device.token_set.create(token=token)
        return self.render_to_response(self.get_context_data(form=form, new_tokens=tokens))


ENROLMENT_SESSION_KEY = "registry_enrolment_token"


def _enrolment_refused(request, *, status: int, link_invalid: bool):
    context = {**_admin_header, "link_invalid": link_invalid}
    return render(request, "two_factor/core/enrolment_needed.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class EnrolmentLinkView(View):
    """An administrator's enrolment link (`manage.py enrolment_link`): keeps its token in the
    session and goes on to the password and then the setup wizard. The token travels in the query
    string, which no access log of ours keeps (docs/security.md, "Logs and IP addresses"), and
    leaves the address bar at once, as Django's password reset does, so no Referer carries it."""

    http_method_names = ["get", "head"]

    def get(self, request):
        token = request.GET.get("token", "")
        if user_for_enrolment_token(token) is None:
            return _enrolment_refused(request, status=400, link_invalid=True)
        request.session[ENROLMENT_SESSION_KEY] = token
        return redirect("two_factor:setup")


class EnrolmentSetupView(two_factor_views.SetupView):
    """two_factor's setup wizard, open only to the person an enrolment link was issued to.

    A password-only login (a member with no authenticator yet) may reach this page; without the
    link's token in the session, and for that very account, it binds nothing: whoever stole a
    password cannot bind their own authenticator (docs/security.md, "Setting up the second
    factor")."""

    extra_context = _admin_header

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        # formtools names the wizard's fields after the class: keep two_factor's names.
        return "setup_view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if has_authenticator(request.user):  # nothing to set up; the admin asks for the code
                return redirect("admin:index")
            token = request.session.get(ENROLMENT_SESSION_KEY)
            invited = user_for_enrolment_token(token) if token else None
            if invited is None or invited.pk != request.user.pk:
                return _enrolment_refused(request, status=403, link_invalid=False)
        return super().dispatch(request, *args, **kwargs)

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        self.request.session.pop(ENROLMENT_SESSION_KEY, None)
        return response


# The staff login and its second factor (django-two-factor-auth), under /admin/ like the rest of
# the staff area. Only the views we use: no "disable two-factor" page, no phone methods; setting
# up an authenticator needs an administrator's enrolment link.
two_factor_patterns = (
    [
        path("login/", two_factor_views.LoginView.as_view(extra_context=_admin_header), name="login"),
        path("enrol/", EnrolmentLinkView.as_view(), name="enrol"),
        path("two_factor/setup/", EnrolmentSetupView.as_view(), name="setup"),
        path("two_factor/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
        path(
            "two_factor/setup/complete/",
            two_factor_views.SetupCompleteView.as_view(extra_context=_admin_header),
            name="setup_complete",
        ),
        path("two_factor/recovery-codes/", RecoveryCodesView.as_view(), name="backup_tokens"),
    ],
    "two_factor",
)

# Password reset: the same answer and the same page whether or not the address belongs to
# anyone; only a known, active account is sent mail. The admin's templates give it their look.
password_reset_patterns = [
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(extra_context=_admin_header),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=_admin_header),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(extra_context=_admin_header),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=_admin_header),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("admin/account/", include(two_factor_patterns)),
    *password_reset_patterns,
    path("admin/my-language/", admin.site.admin_view(StaffLanguageView.as_view()), name="staff-language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    path("health/", health, name="health"),
    # The public pages carry their language in the address: /be/…, /ru/…, English unprefixed
    # (public.languages).
    *i18n_patterns(path("", include("public.urls")), prefix_default_language=False),
]

handler404 = "registry.errors.not_found"
handler500 = "registry.errors.server_error"
