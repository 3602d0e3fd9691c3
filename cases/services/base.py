"""What every service shares: validated saves with their author, change-feed notes, the
request for a new risk assessment, and one retry of a transaction lost to a deadlock."""

import functools
import logging

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction

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

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for "deadlock detected": the server rolled this transaction back.
DEADLOCK_DETECTED = "40P01"


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


def retry_once_on_deadlock(service):
    """Run an atomic service again, once, when PostgreSQL chose its transaction as a deadlock's
    victim, rather than show the editor a server error.

    The services lock in one order (cases.services.cases), but edits of other kinds (a person's
    facts, a merge) lock rows in theirs. The deadlocked transaction was rolled back whole, so
    running it again from the start is safe. Inside a caller's transaction nothing is retried:
    that transaction is broken, and only its owner can start it over.
    """

    @functools.wraps(service)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return service(*args, **kwargs)
        try:
            return service(*args, **kwargs)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            logger.warning("%s lost a deadlock; running it again once", service.__name__)
            return service(*args, **kwargs)

    return run
