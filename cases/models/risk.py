"""What the risk engine concluded about a case, and the alerts a change of level raised."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.models.cases import Case, CaseEvent
from cases.models.history import RegistryHistory


class RiskAssessment(models.Model):
    """One result of the risk rules for a case, kept as history; written when the result changes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    level = models.CharField(max_length=20, choices=choices.RiskLevel.choices)
    previous_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=40)
    law_checksum = models.CharField(max_length=64)
    generation = models.PositiveBigIntegerField(help_text="The case's change counter this result saw")
    assessed_on = models.DateField(help_text="The date the rules were applied for")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["case", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=choices.RiskLevel.values),
                name="assessment_level_valid",
                violation_error_message="Unknown risk level.",
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.level} ({self.created_at:%Y-%m-%d})"

    @property
    def level_changed(self) -> bool:
        return self.level != self.previous_level


class RiskAlert(models.Model):
    """Something staff must act on about a case's risk, waiting in the triage queue: a change of
    its level (with the assessment), or urgent news of a person under a death sentence (with the
    timeline entry that records it)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(
        max_length=20, choices=choices.AlertKind.choices, default=choices.AlertKind.LEVEL_CHANGED
    )
    assessment = models.OneToOneField(
        RiskAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="alert"
    )
    event = models.OneToOneField(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="alert"
    )
    old_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices, blank=True)
    new_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = RegistryHistory(excluded_fields=["emailed_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("triage_riskalert", "Can acknowledge and resolve risk alerts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="death_row") | ~Q(old_level=F("new_level")),
                name="alert_level_changed",
                violation_error_message="An alert is for a change of level.",
            ),
            models.CheckConstraint(
                condition=Q(kind="level_changed", assessment__isnull=False)
                | Q(kind="death_row", event__isnull=False),
                name="alert_has_what_it_is_about",
                violation_error_message="A level's alert has its assessment; a death-row alert its entry.",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="alert_acknowledged_has_who_and_when",
                violation_error_message="An acknowledged alert records who and when.",
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved")
                | (Q(resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(resolution_note="")),
                name="alert_resolved_has_who_when_and_note",
                violation_error_message="A resolved alert records who, when and a note.",
            ),
        ]

    def __str__(self):
        if self.kind == choices.AlertKind.DEATH_ROW:
            return f"{self.case}: {self.event.get_kind_display()} (death row)"
        return f"{self.case}: {self.old_level} → {self.new_level}"

    @property
    def is_rise(self) -> bool:
        if self.kind == choices.AlertKind.DEATH_ROW:
            return True  # news of a life at stake is read first, like a rise
        return choices.RISK_ORDER.index(self.new_level) > choices.RISK_ORDER.index(self.old_level)
