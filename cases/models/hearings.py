"""Dates that matter (issue 19, point 3): court hearings of a case, and the staff members' secret
addresses of the staff calendar feed."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.models.cases import Case
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.protection.fields import EncryptedTextField


class HearingQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Hearings the public may see: marked public by staff, of a published person (the public
        role's row policy says the same on PostgreSQL)."""
        return self.filter(
            is_public=True,
            case__person__publication_state=choices.PublicationState.PUBLISHED,
            case__person__merged_into__isnull=True,
        )


class Hearing(ChecksInOneQuery, models.Model):
    """A court hearing in a case: where, when (to the minute, or the day only), open or closed.

    Staff decide whether it is public (`is_public`, off by default): a hearing announced only to
    the family must not be announced by us. The internal note is staff only and encrypted.
    A cancelled or postponed hearing stays, with its state, so the calendar can say so.
    """

    # What the public sees of a hearing of a published person, when it is public.
    PUBLIC_FIELDS = (
        "case_id",
        "kind",
        "starts_at",
        "time_known",
        "court",
        "room",
        "openness",
        "state",
        "note",
    )

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(
        _("kind"), max_length=20, choices=choices.HearingKind.choices, default=choices.HearingKind.TRIAL
    )
    starts_at = models.DateTimeField(
        _("starts at"),
        help_text=_("When it starts; with the time not known, midnight of its day (local time)"),
    )
    time_known = models.BooleanField(_("time known"), default=True, help_text=_("Off: only the day is known"))
    court = models.CharField(_("court"), max_length=300)
    room = models.CharField(_("room"), max_length=100, blank=True, help_text=_("Courtroom, as announced"))
    openness = models.CharField(
        _("openness"),
        max_length=10,
        choices=choices.HearingOpenness.choices,
        default=choices.HearingOpenness.UNKNOWN,
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=choices.HearingState.choices,
        default=choices.HearingState.SCHEDULED,
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Public when the hearing is public"))
    internal_note = EncryptedTextField(
        _("internal note"),
        blank=True,
        help_text=_("Confidential, staff only, encrypted: never in a calendar, a feed or the API"),
    )
    is_public = models.BooleanField(
        _("is public"),
        default=False,
        help_text=_("Shown on the public calendar and the person's feed (published people only)"),
    )
    sources = models.ManyToManyField(
        "cases.Source", verbose_name=_("sources"), blank=True, related_name="hearings"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HearingQuerySet.as_manager()
    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="hearing_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.HearingKind.values),
                name="hearing_kind_valid",
                violation_error_message=_("Unknown kind of hearing."),
            ),
            models.CheckConstraint(
                condition=Q(openness__in=choices.HearingOpenness.values),
                name="hearing_openness_valid",
                violation_error_message=_("A hearing is open, closed or not known."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=choices.HearingState.values),
                name="hearing_state_valid",
                violation_error_message=_("A hearing is scheduled, postponed or cancelled."),
            ),
            models.CheckConstraint(
                condition=~Q(court=""),
                name="hearing_court_given",
                violation_error_message=_("Name the court."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.court}, {self.day:%Y-%m-%d}"

    @property
    def day(self):
        """The hearing's day in the registry's time zone."""
        return timezone.localtime(self.starts_at).date()


def hash_calendar_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedToken(models.Model):
    """A staff member's secret address of the staff calendar feed (for a calendar app, which has
    no session). Only its hash is kept; the address is shown once, when made. Revoked, it answers
    404 like any unknown address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_token_per_user",
                violation_error_message=_(
                    "This staff member already has a calendar address: revoke it first."
                ),
            ),
        ]

    def __str__(self):
        text = (
            gettext("Calendar address of %(user)s (revoked, made %(date)s)")
            if self.revoked_at
            else gettext("Calendar address of %(user)s (live, made %(date)s)")
        )
        return text % {"user": self.user, "date": f"{self.created_at:%Y-%m-%d}"}

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
