"""The demo's triage: what staff would have done with the alerts that loading the demo raised.

Every case of the demo gets its first assessment when the load commits, and each first level
above 'none' is a change of level that raises an alert, by the rule that every change raises
exactly one. A registry that has been in use a while has triaged that backlog: the load's alerts
are closed here through the triage services, as a caseworker would close them, by the demo's own
caseworker account. Left open: only the alerts of cases with a charge brought or reclassified in
the last RECENT_DAYS before the demo's last date, the news a caseworker would still be on.
Acknowledged (someone is on it, not finished): people held awaiting trial who were charged in the
last year, and every silence of any kind past its threshold. Every other alert is resolved with a note saying
why nothing more is due.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Max

from cases import choices, services
from cases.demo.builder import LATEST_DATE
from cases.models import Case, RiskAlert

CASEWORKER = "demo-caseworker"
RECENT_DAYS = 90
PENDING_DAYS = 365
NOTE_SUFFIX = " (synthetic demo triage)"
HELD_BEFORE_TRIAL = {
    choices.CaseStatus.DETAINED,
    choices.CaseStatus.ON_TRIAL,
    choices.CaseStatus.HOUSE_ARREST,
}
NO_LONGER_HELD = {
    choices.CaseStatus.RELEASED,
    choices.CaseStatus.PARDONED,
    choices.CaseStatus.DEPORTED,
    choices.CaseStatus.DIED_IN_CUSTODY,
}


@dataclass
class TriageReport:
    """How the load's alerts were left."""

    open: int = 0
    acknowledged: int = 0
    resolved: int = 0

    def line(self) -> str:
        return (
            f"triaged the alerts the load raised: {self.resolved} resolved, "
            f"{self.acknowledged} acknowledged, {self.open} left open"
        )


def demo_caseworker():
    """The staff account the demo's triage is signed by; it cannot log in (no usable password)."""
    user, created = get_user_model().objects.get_or_create(
        username=CASEWORKER,
        defaults={"first_name": "Demo", "last_name": "Caseworker", "is_staff": True, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def last_charge_news(case_ids) -> dict[int, datetime.date]:
    """For each case, the latest day a charge was brought or reclassified."""
    latest = {}
    rows = Case.objects.filter(pk__in=case_ids).annotate(
        charged=Max("charges__charged_on"), reclassified=Max("charges__reclassified_by__date")
    )
    for case_id, charged, reclassified in rows.values_list("id", "charged", "reclassified"):
        days = [day for day in (charged, reclassified) if day]
        if days:
            latest[case_id] = max(days)
    return latest


def resolution_note(alert: RiskAlert) -> str:
    case = alert.case
    if alert.new_level == choices.RiskLevel.SENTENCED_TO_DEATH:
        note = (
            "Reviewed when the case was entered: the death sentence is known to the legal team and to "
            "partners since the verdict; followed through the case."
        )
    elif case.status in NO_LONGER_HELD:
        note = (
            "Reviewed when the case was entered: the person is no longer held; the level records the "
            "charges of the closed case. Nothing to act on."
        )
    elif case.verdict_date:
        note = (
            "Reviewed when the case was entered: the level comes from charges already judged; no new "
            "charge since the verdict. Followed through the case."
        )
    else:
        note = (
            "Reviewed when the case was entered: the charges are recorded and the lawyer knows of "
            "them; no new charge since. Followed through the case until trial."
        )
    return note + NOTE_SUFFIX


def triage_demo_alerts(*, by=None, today: datetime.date = LATEST_DATE) -> TriageReport:
    """Acknowledge or resolve the open alerts as staff would have, through the triage services.

    Side effects: those of `services.acknowledge_alert` and `services.resolve_alert` (the alert's
    state, who and when, a history row), and the demo caseworker account when `by` is not given.
    """
    by = by or demo_caseworker()
    report = TriageReport()
    # Death-row news is for a person to read, whatever its age: the demo leaves it open.
    alerts = list(
        RiskAlert.objects.filter(state=RiskAlert.State.OPEN, kind=choices.AlertKind.LEVEL_CHANGED)
        .select_related("case")
        .order_by("id")
    )
    news = last_charge_news({alert.case_id for alert in alerts})
    recent_from = today - datetime.timedelta(days=RECENT_DAYS)
    pending_from = today - datetime.timedelta(days=PENDING_DAYS)
    for alert in alerts:
        last_news = news.get(alert.case_id)
        if last_news and last_news >= recent_from:
            report.open += 1
        elif last_news and last_news >= pending_from and alert.case.status in HELD_BEFORE_TRIAL:
            services.acknowledge_alert(alert=alert, by=by)
            report.acknowledged += 1
        else:
            services.resolve_alert(alert=alert, note=resolution_note(alert), by=by)
            report.resolved += 1
    # Keeping in touch (issue 19): a caseworker is still finding out about each silence of any kind
    # (acknowledged; the silences page lists them longest first); a lawyer kept out was acted on
    # (resolved with what was done); a resumption needs nothing more.
    for alert in RiskAlert.objects.filter(
        state=RiskAlert.State.OPEN, kind__in=choices.CONTACT_ALERT_KINDS
    ).order_by("id"):
        if alert.kind == choices.AlertKind.SILENCE and not alert.channel:
            services.acknowledge_alert(alert=alert, by=by)  # no word at all: still being looked into
            report.acknowledged += 1
        elif alert.kind == choices.AlertKind.SILENCE:
            note = (
                "The lawyer confirmed the visits are being refused; the family filed a complaint and "
                "partners were told." + NOTE_SUFFIX
            )
            services.resolve_alert(alert=alert, note=note, by=by)
            report.resolved += 1
        else:
            note = "Contact resumed; the family and the partners following the case were told." + NOTE_SUFFIX
            services.resolve_alert(alert=alert, note=note, by=by)
            report.resolved += 1
    return report
