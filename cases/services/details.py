"""Writing the detail records of a person's file that have no verb of their own (names, events,
stays, sources, facilities)."""

from django.db import transaction

from cases.choices import RISK_EVENT_KINDS
from cases.exceptions import RefusedChange
from cases.models import (
    CaseEvent,
    ChangeRecord,
    PersonName,
)
from cases.services.base import assess_after_commit, note_change, note_detail_change, validated_save
from cases.services.cases import alert_death_row_news
from cases.services.contradictions import FACT_EVENT_KINDS, check_case_contradictions

Action = ChangeRecord.Action

# Detail records -------------------------------------------------------------------------------

DETAIL_MODELS = ("PersonName", "CaseEvent", "FacilityStay", "Source", "Facility", "ImportProfile")


@transaction.atomic
def save_detail(*, instance, by=None):
    """Create or correct a detail record that has no verb of its own (a name, an event, a stay, a
    source, a facility), with validation and an author in its history.

    A new primary name demotes the person's other primary name. An event that is, or was, one the
    risk rules read (a release, a death, a commutation) queues its case for assessment after
    commit; a release, death or detention has the case's contradictions checked, and news of a
    person under a death sentence raises an urgent alert, as `record_event` does.
    """
    if type(instance).__name__ not in DETAIL_MODELS:
        raise RefusedChange(f"{type(instance).__name__} has its own service; use it.")
    if isinstance(instance, PersonName) and instance.is_primary:
        for old in instance.person.names.filter(is_primary=True).exclude(pk=instance.pk):
            old.is_primary = False
            validated_save(old, by)
    ends_custody = _ends_custody(instance)
    new_event = isinstance(instance, CaseEvent) and instance.pk is None
    validated_save(instance, by)
    if new_event:
        alert_death_row_news(instance.case, instance)
    note_detail_change(instance)
    if ends_custody or _ends_custody(instance):
        assess_after_commit([instance.case_id])
    if isinstance(instance, CaseEvent) and instance.kind in FACT_EVENT_KINDS:
        check_case_contradictions(case=instance.case, by=by)
    return instance


@transaction.atomic
def remove_event(*, event: CaseEvent, by=None) -> None:
    """Remove a timeline entry entered by mistake (its history keeps it).

    Side effects: a change-feed entry, as public as the event was; a release or a death removed
    queues the case for assessment after commit (the person is held again in the registry's eyes).
    """
    if by is not None:
        event._history_user = by
    case, public_id, was_public = event.case, event.public_id, event.is_public
    kind = CaseEvent.objects.filter(pk=event.pk).values_list("kind", flat=True).first()
    event.delete()
    note_change(case.person, "event", public_id, Action.REMOVED, is_public=was_public)
    if kind in RISK_EVENT_KINDS:
        assess_after_commit([case.id])


def _ends_custody(instance) -> bool:
    """Is the event, as stored now (the form's new values are not saved yet), a release or a death?"""
    if not isinstance(instance, CaseEvent) or instance.pk is None:
        return isinstance(instance, CaseEvent) and instance.kind in RISK_EVENT_KINDS
    stored = CaseEvent.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    return stored in RISK_EVENT_KINDS
