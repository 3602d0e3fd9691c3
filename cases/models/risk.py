"""What the risk engine concluded about a case, and the alerts a change of level raised."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.models.cases import Case, CaseEvent
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory


class RiskAssessment(ChecksInOneQuery, models.Model):
    """One result of the risk rules for a case, kept as history; written when the result changes."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessments"
    )
    level = models.CharField(_("level"), max_length=20, choices=choices.RiskLevel.choices)
    previous_level = models.CharField(
        _("previous level"), max_length=20, choices=choices.RiskLevel.choices, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=40)
    law_checksum = models.CharField(_("law checksum"), max_length=64)
    generation = models.PositiveBigIntegerField(
        _("generation"), help_text=_("The case's change counter this result saw")
    )
    assessed_on = models.DateField(_("assessed on"), help_text=_("The date the rules were applied for"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["case", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=choices.RiskLevel.values),
                name="assessment_level_valid",
                violation_error_message=_("Unknown risk level."),
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.get_level_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def level_changed(self) -> bool:
        return self.level != self.previous_level


class RiskAlert(ChecksInOneQuery, models.Model):
    """Something staff must act on about a case's risk, waiting in the triage queue: a change of
    its level (with the assessment), urgent news of a person under a death sentence (with the
    timeline entry that records it), a silence past its threshold or contact coming back after
    one (issue 19; on the person's case in custody, with the channel and the days)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(
        _("kind"), max_length=20, choices=choices.AlertKind.choices, default=choices.AlertKind.LEVEL_CHANGED
    )
    assessment = models.OneToOneField(
        RiskAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert",
    )
    event = models.OneToOneField(
        CaseEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert",
    )
    contact = models.ForeignKey(
        "cases.PrisonerContact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text=_("The contact a silence is counted from, or the one that ended it"),
    )
    channel = models.CharField(
        _("channel"),
        max_length=20,
        blank=True,
        choices=choices.ContactChannel.choices,
        help_text=_("The channel of a silence (empty: any contact)"),
    )
    silent_days = models.PositiveIntegerField(
        _("silent days"),
        null=True,
        blank=True,
        help_text=_("Days without contact, at least (a silence or the gap a resumption ended)"),
    )
    silent_since = models.DateField(
        _("silent since"),
        null=True,
        blank=True,
        help_text=_("The last day the contact before the silence may have been on"),
    )
    old_level = models.CharField(_("old level"), max_length=20, choices=choices.RiskLevel.choices, blank=True)
    new_level = models.CharField(_("new level"), max_length=20, choices=choices.RiskLevel.choices, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)

    history = RegistryHistory(excluded_fields=["emailed_at"])

    class Meta:
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")
        ordering = ["-created_at", "-id"]
        permissions = [("triage_riskalert", "Can acknowledge and resolve risk alerts")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="level_changed") | ~Q(old_level=F("new_level")),
                name="alert_level_changed",
                violation_error_message=_("An alert is for a change of level."),
            ),
            models.CheckConstraint(
                condition=Q(kind="level_changed", assessment__isnull=False)
                | Q(kind="death_row", event__isnull=False)
                | Q(
                    kind__in=choices.CONTACT_ALERT_KINDS,
                    silent_days__isnull=False,
                    silent_since__isnull=False,
                ),
                name="alert_has_what_it_is_about",
                violation_error_message=_(
                    "A level's alert has its assessment; a death-row alert its entry; "
                    "a contact alert its days of silence."
                ),
            ),
            # The daily check raises one alert per silence: per case, channel and last contact.
            models.UniqueConstraint(
                fields=["case", "channel", "silent_since"],
                condition=Q(kind="silence"),
                name="alert_one_per_silence",
                violation_error_message=_("This silence already has its alert."),
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="alert_acknowledged_has_who_and_when",
                violation_error_message=_("An acknowledged alert records who and when."),
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved")
                | (Q(resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(resolution_note="")),
                name="alert_resolved_has_who_when_and_note",
                violation_error_message=_("A resolved alert records who, when and a note."),
            ),
        ]

    def __str__(self):
        if self.kind == choices.AlertKind.DEATH_ROW:
            return gettext("%(case)s: %(kind)s (death row)") % {
                "case": self.case,
                "kind": self.event.get_kind_display(),
            }
        if self.kind in choices.CONTACT_ALERT_KINDS:
            return f"{self.case}: {self.contact_summary}"
        return f"{self.case}: {self.get_old_level_display()} → {self.get_new_level_display()}"

    @property
    def channel_label(self) -> str:
        return self.get_channel_display() if self.channel else pgettext("contact channel", "any contact")

    @property
    def contact_summary(self) -> str:
        """'No lawyer's visit for at least 31 days' / 'Contact resumed (any contact) after 75 days'."""
        days = self.silent_days
        if self.kind == choices.AlertKind.SILENCE and self.channel:
            text = ngettext(
                "No %(channel)s for at least %(days)d day", "No %(channel)s for at least %(days)d days", days
            )
        elif self.kind == choices.AlertKind.SILENCE:
            text = ngettext(
                "No contact of any kind for at least %(days)d day",
                "No contact of any kind for at least %(days)d days",
                days,
            )
        else:
            text = ngettext(
                "Contact resumed (%(channel)s) after at least %(days)d day",
                "Contact resumed (%(channel)s) after at least %(days)d days",
                days,
            )
        return text % {"channel": self.channel_label, "days": days}

    @property
    def is_rise(self) -> bool:
        if self.kind in (choices.AlertKind.DEATH_ROW, choices.AlertKind.SILENCE):
            return True  # news of a life at stake, or of a silence, is read first, like a rise
        if self.kind == choices.AlertKind.CONTACT_RESUMED:
            return False
        return choices.RISK_ORDER.index(self.new_level) > choices.RISK_ORDER.index(self.old_level)
