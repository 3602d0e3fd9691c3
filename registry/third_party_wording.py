"""The wording of the third-party apps that staff meet in the admin, in Belarusian and Russian
(issue 20, point 5).

django-axes ships a Russian catalogue but no Belarusian one; django-otp, simple-history and
djangorestframework-api-key ship neither for some or all of their words. The registry's own
catalogue (LOCALE_PATHS, locale/) is read before any app's, so a msgid translated there is
translated wherever the package asks gettext for it. Two kinds of wording, two ways:

- What the packages mark for translation is listed below with gettext_noop, word for word as the
  package writes it. Nothing reads these lists: they exist only so that `makemessages` keeps the
  msgids in locale/ (and scripts/check_catalogues.py checks they are translated). A package that
  rewords a string in a new release makes its msgid here stale: check the list on an upgrade.
- What the packages never mark (django-otp's model, field and fieldset names and help texts, the
  apps' names in the admin index) cannot be translated by a catalogue alone: nothing asks gettext
  for it. `name_unmarked_wording()`, called once from RegistryConfig.ready(), gives those a lazily
  translated name. The English stays the package's own, except the apps' names, which Django
  derives from their labels ("Otp_Static"). Field names are set after the models are made
  (Field.deconstruct reads the name a field was created with, and a model's Meta its original
  attributes), so no migration of the packages' apps ever records them.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

# django-axes (the login lockout): its models, admin and lockout messages.
AXES = [
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
]

# django-otp: what its login form says when a code is refused (the two-step login uses it).
OTP_MESSAGES = [
    gettext_noop("Please enter your OTP token."),
    gettext_noop("Invalid token. Please make sure you have entered it correctly."),
    gettext_noop("Verification of the token is currently disabled"),
    gettext_noop("Please select a device."),
]
# The one plural message of django-otp's form, kept the way a plural is marked; never evaluated.
OTP_PLURAL = ngettext_lazy(
    "Verification temporarily disabled because of %(failure_count)d failed attempt, please try again soon.",
    "Verification temporarily disabled because of %(failure_count)d failed attempts, please try again soon.",
    "failure_count",
)

# simple-history: the history list and the revert screen of every record.
SIMPLE_HISTORY = [
    gettext_noop("View history: %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    gettext_noop("Revert %s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Object"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
]

# djangorestframework-api-key: the fields partner API keys inherit (cases.models.PartnerAPIKey).
API_KEY = [
    gettext_noop("A free-form name for the API key. Need not be unique. 50 characters max."),
    gettext_noop("If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)"),
    gettext_noop("Expires"),
    gettext_noop("Once API key expires, clients cannot use it anymore."),
    gettext_noop("The API key has been revoked, which cannot be undone."),
]

# Names Django derives from the apps' labels ("Axes", "Otp_Static", "Otp_Totp").
APP_NAMES = {
    "axes": _("Axes"),
    "otp_static": _("Backup codes"),
    "otp_totp": _("Authenticator apps"),
}

# django-otp's models and fields, named and explained as the package writes them, unmarked.
_DEVICE_FIELDS = {
    "user": (_("user"), _("The user that this device belongs to.")),
    "name": (_("name"), _("The human-readable name of this device.")),
    "confirmed": (_("confirmed"), _("Is this device ready for use?")),
    "throttling_failure_timestamp": (
        _("throttling failure timestamp"),
        _("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
    ),
    "throttling_failure_count": (_("throttling failure count"), _("Number of successive failed attempts.")),
    "created_at": (
        _("created at"),
        _("The date and time when this device was initially created in the system."),
    ),
    "last_used_at": (_("last used at"), _("The most recent date and time this device was used.")),
}
OTP_MODELS = {
    ("otp_static", "staticdevice"): ((_("static device"), _("static devices")), _DEVICE_FIELDS),
    ("otp_static", "statictoken"): (
        (_("static token"), _("static tokens")),
        {"device": (_("device"), None), "token": (_("token"), None)},
    ),
    ("otp_totp", "totpdevice"): (
        (_("TOTP device"), _("TOTP devices")),
        {
            **_DEVICE_FIELDS,
            "key": (_("key"), _("A hex-encoded secret key of up to 40 bytes.")),
            "step": (_("step"), _("The time step in seconds.")),
            "t0": (_("t0"), _("The Unix time at which to begin counting steps.")),
            "digits": (_("digits"), _("The number of digits to expect in a token.")),
            "tolerance": (_("tolerance"), _("The number of time steps in the past or future to allow.")),
            "drift": (
                _("drift"),
                _("The number of time steps the prover is known to deviate from our clock."),
            ),
            "last_t": (
                _("last t"),
                _("The t value of the latest verified token. The next token must be at a higher time step."),
            ),
        },
    ),
}
# django-otp's admin: its fieldsets' titles and the QR code column, unmarked.
OTP_FIELDSETS = {
    "Identity": _("Identity"),
    "Timestamps": _("Timestamps"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Throttling"),
}
OTP_SEARCH_HELP = _("Search by user's username or email address")
OTP_SEARCH_HELP_ENGLISH = "Search by user's username or email address"  # what the package computes


def name_unmarked_wording() -> None:
    """Give the third-party apps' unmarked names and help texts lazily translated ones, in the
    English they have (the apps' names aside): see the module's docstring."""
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.app_configs[label].verbose_name = name
    for (label, model_name), ((singular, plural), fields) in OTP_MODELS.items():
        model = apps.get_model(label, model_name)
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
        for field_name, (verbose_name, help_text) in fields.items():
            field = model._meta.get_field(field_name)
            field.verbose_name = verbose_name
            if help_text is not None:
                field.help_text = help_text
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            _translate_otp_admin(model_admin)


def _translate_otp_admin(model_admin) -> None:
    get_fieldsets = model_admin.get_fieldsets

    def get_translated_fieldsets(request, obj=None):
        return [(OTP_FIELDSETS.get(name, name), options) for name, options in get_fieldsets(request, obj)]

    model_admin.get_fieldsets = get_translated_fieldsets
    if model_admin.search_help_text == OTP_SEARCH_HELP_ENGLISH:
        model_admin.search_help_text = OTP_SEARCH_HELP
    qrcode_link = getattr(type(model_admin), "qrcode_link", None)
    if qrcode_link is not None:
        qrcode_link.short_description = _("QR Code")
