"""Marking cases whose risk level may have moved, durably, and queueing their assessment.

The mark is written in the same transaction as the edit, so it survives a broker that is
down or restarted empty: the periodic sweep assesses every case still marked stale. The task
itself is only queued after commit, so a worker never sees a half-written edit.
"""

import logging

from django.db import transaction
from django.db.models import F

logger = logging.getLogger(__name__)


def request_assessment(case_ids) -> None:
    """Mark the cases stale now and queue their assessment once the transaction commits."""
    from cases.models import Case

    case_ids = sorted(set(case_ids))
    if not case_ids:
        return
    Case.objects.filter(id__in=case_ids).update(risk_stale=True, risk_generation=F("risk_generation") + 1)
    transaction.on_commit(lambda: enqueue_assessments(case_ids))


def enqueue_assessments(case_ids) -> int:
    """Send one task per case; a broker failure is logged, never raised into the edit."""
    from cases.tasks import task_assess_case

    sent = 0
    for case_id in case_ids:
        try:
            task_assess_case.delay(case_id=case_id)
            sent += 1
        except Exception as exc:  # the broker is down: the case stays stale for the sweep
            logger.warning("could not queue assessment of case %s: %s", case_id, type(exc).__name__)
    return sent
