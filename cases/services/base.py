"""What every service shares: validated saves with their author, change-feed notes, and the
request for a new risk assessment."""

from django.core.exceptions import ValidationError

from cases.exceptions import RefusedChange
from cases.models import (
    CaseEvent,
    ChangeRecord,
    FacilityStay,
    PersonName,
)
from cases.models.records import record_change
from cases.risk import queue

Action = ChangeRecord.Action


def validated_save(instance, by, **kwargs):
    """Validate against the model's rules (constraints included), then save with the author.

    A broken rule is raised as RefusedChange carrying the field errors, so callers show them.
    """
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise RefusedChange(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
    if by is not None:
        instance._history_user = by
    instance.save()
    return instance


def note_change(person, object_type, object_id, action, is_public=True):
    record_change(
        person=person, object_type=object_type, object_id=object_id, action=action, is_public=is_public
    )


def note_detail_change(instance):
    """A name, event or stay belongs to a person's record; sources and facilities do not."""
    if isinstance(instance, PersonName):
        note_change(instance.person, "person", instance.person.slug, Action.UPDATED)
    elif isinstance(instance, CaseEvent):
        note_change(
            instance.case.person, "event", instance.public_id, Action.UPDATED, is_public=instance.is_public
        )
    elif isinstance(instance, FacilityStay):
        note_change(instance.case.person, "case", instance.case.public_id, Action.UPDATED)


def assess_after_commit(case_ids):
    """Hook for work that must follow a change that can move a risk level (see cases.risk.rules)."""
    queue.request_assessment(case_ids)
