"""Correcting a mistake in the record: a charge typed under the wrong article, part, stage or dates,
or a charge created by mistake.

A correction is not a legal event. A reclassification (cases.services.cases) says the charge
changed on a date; a correction says the record was wrong and never described what happened.
So a correction changes the charge in place and records no timeline event of its own: the
charge's events are re-read with the corrected facts. A withdrawal deletes the charge and its
events, which narrated something that never happened. Both need a reason, kept with the author
in the charge's history (and the deleted row's history); both tell the change feed, ask for a
new risk assessment and close the alerts that only the mistake raised.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import Article, Case, ChangeRecord, Charge, RiskAlert
from cases.risk import alerts, assessment
from cases.services.base import assess_after_commit, note_change, retry_once_on_deadlock, validated_save
from cases.services.cases import _check_article_fits_case, _lock_charge, record_event
from cases.services.contradictions import check_case_contradictions
from cases.services.triage import resolve_alert

Action = ChangeRecord.Action

# "Not given": None is a fact a correction may set (an offence date found to be unknown).
UNCHANGED = object()

# Events that name their charge's article in their stored text.
EVENTS_NAMING_THE_CHARGE = (
    choices.EventKind.CHARGED,
    choices.EventKind.CHARGE_DROPPED,
    choices.EventKind.VERDICT,
    choices.EventKind.RECLASSIFIED,
)


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RefusedChange("Give a reason for the correction: it is kept with the charge's history.")
    return reason


@retry_once_on_deadlock
@transaction.atomic
def correct_charge(
    *,
    charge: Charge,
    reason: str,
    by,
    article: Article = UNCHANGED,
    stage: str = UNCHANGED,
    offence_date: datetime.date | None = UNCHANGED,
    charged_on: datetime.date | None = UNCHANGED,
    offence_date_precision: str = UNCHANGED,
    charged_on_precision: str = UNCHANGED,
) -> Charge:
    """Correct facts of a charge that were entered wrongly; only the facts given change.

    Refused without a reason, when nothing would change, or for an article of another
    jurisdiction. Unlike `reclassify_charge` no new charge, Reclassification or 'reclassified'
    event is made. Side effects: a history row with `by` and the reason; the stored text of the
    charge's events (and of the reclassification event that names it) rewritten to the corrected
    notation, the 'charged' event moved to the corrected date (or added, as `add_charge` would);
    open alerts whose level no longer holds resolved by `by` with a note naming the correction;
    a 'corrected' entry in the change feed for the charge ('updated' for its rewritten events);
    re-assessment after commit.
    """
    reason = _required_reason(reason)
    charge = _lock_charge(charge)
    wrong_notation = charge.article.notation
    changes = {
        field: value
        for field, value in (
            ("article", article),
            ("stage", stage),
            ("offence_date", offence_date),
            ("charged_on", charged_on),
            ("offence_date_precision", offence_date_precision),
            ("charged_on_precision", charged_on_precision),
        )
        if value is not UNCHANGED and value != getattr(charge, field)
    }
    if not changes:
        raise RefusedChange("The correction changes nothing: give at least one fact that differs.")
    if "article" in changes:
        _check_article_fits_case(charge.case, changes["article"])
    for field, value in changes.items():
        setattr(charge, field, value)
    charge._change_reason = f"Corrected: {reason}"
    validated_save(charge, by)

    right_notation = charge.article.notation
    _rewrite_events(charge, wrong_notation, right_notation, by)
    if "charged_on" in changes or "charged_on_precision" in changes:
        _move_charged_event(charge, by)
    _resolve_alerts_of_the_mistake(
        charge=charge,
        note=(
            f"Raised by a charge entered by mistake: {wrong_notation} was corrected "
            f"to {right_notation} on {timezone.localdate()} ({reason}). The level this alert "
            "reported no longer holds."
        ),
        by=by,
    )
    assess_after_commit([charge.case_id])
    check_case_contradictions(case=charge.case, by=by)
    note_change(charge.case.person, "charge", charge.public_id, Action.CORRECTED)
    alerts.tell_partners_of_correction(
        case=charge.case, charge_public_id=charge.public_id, event="charge_corrected", on=timezone.localdate()
    )
    return charge


@retry_once_on_deadlock
@transaction.atomic
def withdraw_charge(*, charge: Charge, reason: str, by) -> None:
    """Remove a charge that was created by mistake, with its timeline events.

    Refused without a reason, and for a charge that is part of a reclassification (a legal event:
    correct the charges instead). Side effects: history rows (the deletion's with `by` and the
    reason) for the charge and its events; open alerts whose level no longer holds resolved by
    `by` with a note naming the withdrawal; 'withdrawn' entries in the change feed for the charge
    and its events (mirrors delete them: they never happened); re-assessment after commit.
    """
    reason = _required_reason(reason)
    charge = _lock_charge(charge)
    if charge.reclassified_into_id or Charge.objects.filter(reclassified_into=charge).exists():
        raise RefusedChange(
            "This charge is part of a reclassification, a legal event: correct the charges instead "
            "of withdrawing one."
        )
    notation = charge.article.notation
    person, case_id, public_id = charge.case.person, charge.case_id, charge.public_id
    for event in charge.events.all():
        event._history_user, event._change_reason = by, f"Its charge was withdrawn: {reason}"
        note_change(person, "event", event.public_id, Action.WITHDRAWN, is_public=event.is_public)
        event.delete()
    charge._history_user, charge._change_reason = by, f"Withdrawn, created by mistake: {reason}"
    charge.delete()
    _resolve_alerts_of_the_mistake(
        charge=charge,
        case_id=case_id,
        note=(
            f"Raised by a charge created by mistake: {notation} was withdrawn on "
            f"{timezone.localdate()} ({reason}). The level this alert reported no longer holds."
        ),
        by=by,
    )
    assess_after_commit([case_id])
    check_case_contradictions(case=Case.objects.get(pk=case_id), by=by)
    note_change(person, "charge", public_id, Action.WITHDRAWN)
    alerts.tell_partners_of_correction(
        case=Case.objects.select_related("person").get(pk=case_id),
        charge_public_id=public_id,
        event="charge_withdrawn",
        on=timezone.localdate(),
    )


def _rewrite_events(charge: Charge, wrong: str, right: str, by) -> None:
    """The stored texts of the charge's events say what the corrected record says."""
    if wrong == right:
        return
    events = list(charge.events.filter(kind__in=EVENTS_NAMING_THE_CHARGE))
    if charge.reclassified_into_id:  # the successor's event reads "<this charge> → <successor>"
        events += list(charge.reclassified_into.events.filter(kind=choices.EventKind.RECLASSIFIED))
    for event in events:
        if wrong in event.text:
            event.text = event.text.replace(wrong, right)
            event._change_reason = "Its charge's article was corrected"
            validated_save(event, by)
            note_change(
                charge.case.person, "event", event.public_id, Action.UPDATED, is_public=event.is_public
            )


def _move_charged_event(charge: Charge, by) -> None:
    """The 'charged' event follows the corrected charge date, as `add_charge` would have made it."""
    event = charge.events.filter(kind=choices.EventKind.CHARGED).first()
    if event is None and charge.charged_on:
        record_event(
            case=charge.case,
            kind=choices.EventKind.CHARGED,
            date=charge.charged_on,
            date_precision=charge.charged_on_precision,
            text=charge.article.notation,
            is_public=True,
            charge=charge,
            by=by,
        )
    elif (
        event is not None
        and charge.charged_on
        and (event.date, event.date_precision)
        != (
            charge.charged_on,
            charge.charged_on_precision,
        )
    ):
        event.date, event.date_precision = charge.charged_on, charge.charged_on_precision
        validated_save(event, by)
        note_change(charge.case.person, "event", event.public_id, Action.UPDATED, is_public=event.is_public)


def _resolve_alerts_of_the_mistake(*, charge: Charge, note: str, by, case_id: int | None = None) -> None:
    """Resolve the case's unresolved alerts raised since the charge was entered whose new level
    the corrected record no longer gives: only the mistake raised them.

    The level is computed here, in the correction's transaction (the stored assessment follows
    after commit, and raises the usual alert for the change of level it finds).
    """
    case = Case.objects.select_related("person", "jurisdiction").get(pk=case_id or charge.case_id)
    # Death-row news is not the mistake's doing: it stays in the queue.
    alerts = RiskAlert.objects.filter(
        case=case, kind=choices.AlertKind.LEVEL_CHANGED, created_at__gte=charge.created_at
    ).exclude(state=RiskAlert.State.RESOLVED)
    if not alerts.exists():
        return
    context = assessment.LawContext.load(case.jurisdiction)
    level = assessment.compute(case, context=context, on=timezone.localdate()).level
    for alert in alerts.exclude(new_level=level):
        resolve_alert(alert=alert, note=note, by=by)
