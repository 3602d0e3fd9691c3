"""Partner organisations: their API keys, webhook subscriptions and deliveries, and submissions."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.people import Person
from cases.models.risk import RiskAlert
from cases.protection.fields import EncryptedJSONField

WEBHOOK_SECRET_MIN_LENGTH = 32


def _new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """A fresh signing secret (43 URL-safe characters, 256 bits)."""
    return _new_webhook_secret()


class WebhookSubscription(models.Model):
    """A partner organisation's URL that receives signed POSTs when a risk level changes."""

    organisation = models.CharField(_("organisation"), max_length=200)
    partner = models.ForeignKey(
        "Organisation",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        help_text=_("Set when the partner registered it through the API with the webhooks scope"),
    )
    url = models.URLField(_("url"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=128,
        default=_new_webhook_secret,
        help_text=_("Shared with the partner to verify signatures"),
    )
    active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    # The language of the payload's human-readable texts (a reason's `text`); codes and parameters
    # are the same in every language.
    language = models.CharField(_("language"), max_length=8, default="en", choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["organisation"]

    def __str__(self):
        return f"{self.organisation} ({self.url})"


class WebhookDelivery(models.Model):
    """One event to one subscriber, with every attempt's outcome: the delivery log.

    The event is a change of risk level (`alert`) or a record put right by staff (a corrected or
    withdrawn charge: no alert, the payload's `event` says which); `case` is the case either is
    about, whose person must still be published when it is sent."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed: all retries used, or the address refused")
        CANCELLED = "cancelled", _("cancelled: no longer to be sent")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    alert = models.ForeignKey(
        RiskAlert,
        verbose_name=_("alert"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "alert"],
                name="delivery_once_per_alert",
                violation_error_message=_("This alert is already queued for this subscriber."),
            ),
        ]

    def __str__(self):
        event = self.alert or self.payload.get("event", "event")
        return f"{event} → {self.subscription.organisation}: {self.state}"


class Organisation(models.Model):
    """A partner organisation (an advocacy group) that holds API keys."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    """A hashed, revocable, expiring key of one organisation, with the scopes it grants."""

    class Scope(models.TextChoices):
        READ_PUBLIC = "read:public", _("read published records, public fields")
        READ_RESTRICTED = "read:restricted", _("also read confidential fields of published records")
        WRITE_SUBMISSIONS = "write:submissions", _("report new detentions")
        WEBHOOKS = "webhooks", _("manage webhook subscriptions")
        # Keeping in touch (issue 19): days without contact and the contacts of published people
        # (never what was said); reporting contacts and letters sent.
        READ_CONTACTS = "read:contacts", _("read contacts and days without contact of published people")
        WRITE_CONTACTS = "write:contacts", _("report contacts with people in custody and letters sent")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="api_keys"
    )
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_keys",
        help_text=_("The person the key was handed to: ending their access revokes it"),
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        help_text=format_lazy(_("Any of: {scopes}"), scopes=", ".join(Scope.values)),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def clean(self):
        unknown = set(self.scopes or []) - set(self.Scope.values)
        if unknown:
            raise ValidationError(
                {"scopes": gettext("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))}}
            )


# The package's own fields are named in English only: their names in the staff's language, set on
# this model's copies of them once the class is made (Field.deconstruct reads the name a field was
# created with, so no migration records these). Their help texts are the package's own msgids,
# translated through registry/third_party_wording.py.
for _name, _label in (
    ("name", _("name")),
    ("prefix", _("prefix")),
    ("hashed_key", _("hashed key")),
    ("created", _("created")),
    ("revoked", _("revoked")),
):
    PartnerAPIKey._meta.get_field(_name).verbose_name = _label


class Submission(ChecksInOneQuery, models.Model):
    """A partner's report of a new detention, waiting for moderation. Never public as it is."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending moderation")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="submissions"
    )
    payload = EncryptedJSONField(
        _("payload"),
        null=True,
        help_text=_(
            "The report as sent, encrypted (names, description, the reporter's contact); "
            "deleted after the retention period"
        ),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderation_note = models.TextField(_("moderation note"), blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload_deleted_at = models.DateTimeField(_("payload deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at"]
        permissions = [("moderate_submission", "Can accept or reject partner submissions")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | Q(handled_at__isnull=False),
                name="submission_handled_has_date",
                violation_error_message=_("A handled submission records when."),
            ),
        ]

    def __str__(self):
        return gettext("submission %(id)s from %(organisation)s (%(state)s)") % {
            "id": str(self.public_id)[:8],
            "organisation": self.organisation,
            "state": self.get_state_display(),
        }
