"""Triage of risk alerts: a staff member acknowledges an alert, then resolves it with a note.

The risk engine opens alerts (cases.risk.alerts.raise_alert); these are the only ways their state
changes afterwards. Each records who and when, in the alert and in its history.
"""

from django.db import transaction
from django.utils import timezone

from cases.exceptions import RefusedChange
from cases.models import RiskAlert
from cases.services.base import validated_save


@transaction.atomic
def acknowledge_alert(*, alert: RiskAlert, by) -> RiskAlert:
    """Mark an open alert as seen by `by`, who is on it; records who and when.

    Refused unless the alert is open. Side effects: a history row with `by` as its author.
    """
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != RiskAlert.State.OPEN:
        raise RefusedChange(f"This alert is already {alert.get_state_display()}.")
    alert.state = RiskAlert.State.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), by
    return validated_save(alert, by)


@transaction.atomic
def resolve_alert(*, alert: RiskAlert, note: str, by) -> RiskAlert:
    """Close an open or acknowledged alert with a note on what was done; records who and when.

    An open alert is acknowledged by `by` at the same moment (who first saw it is kept when someone
    had). Refused without a note (blank counts as none) and for an alert already resolved.
    Side effects: a history row with `by` as its author.
    """
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.state == RiskAlert.State.RESOLVED:
        raise RefusedChange("This alert is already resolved.")
    if not note.strip():
        raise RefusedChange("Say in a note what was done about this alert.")
    now = timezone.now()
    if alert.state == RiskAlert.State.OPEN:
        alert.acknowledged_at, alert.acknowledged_by = now, by
    alert.state = RiskAlert.State.RESOLVED
    alert.resolved_at, alert.resolved_by, alert.resolution_note = now, by, note.strip()
    return validated_save(alert, by)
