"""Writing the detail records of a person's file that have no verb of their own (names, events,
stays, sources, facilities)."""

from django.db import transaction

from cases.exceptions import RefusedChange
from cases.models import (
    CaseEvent,
    ChangeRecord,
    PersonName,
)
from cases.services.base import note_change, note_detail_change, validated_save
from cases.services.cases import follow_event

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
    created = instance.pk is None
    kind_before = "" if created else _stored_kind(instance)
    validated_save(instance, by)
    note_detail_change(instance)
    if isinstance(instance, CaseEvent):
        follow_event(event=instance, case=instance.case, created=created, kind_before=kind_before, by=by)
    return instance


@transaction.atomic
def remove_event(*, event: CaseEvent, by=None) -> None:
    """Remove a timeline entry entered by mistake (its history keeps it).

    Side effects: a change-feed entry, as public as the event was; what follows an entry
    (`follow_event`): a release or a death removed has the contradictions checked and queues the
    case for assessment after commit (the person is held again in the registry's eyes).
    """
    if by is not None:
        event._history_user = by
    case, public_id, was_public = event.case, event.public_id, event.is_public
    kind_before = _stored_kind(event)
    event.delete()
    note_change(case.person, "event", public_id, Action.REMOVED, is_public=was_public)
    follow_event(event=event, case=case, created=False, kind_before=kind_before, by=by)


def _stored_kind(instance) -> str:
    """The kind of the event as stored (a form's new values are not saved yet); "" for others."""
    if not isinstance(instance, CaseEvent) or instance.pk is None:
        return ""
    return CaseEvent.objects.filter(pk=instance.pk).values_list("kind", flat=True).first() or ""
