"""Marking cases whose risk level may have moved, durably, and queueing their assessment.

The mark is written in the same transaction as the edit, so it survives a broker that is
down or restarted empty: the periodic sweep assesses every case still marked stale. The task
itself is only queued after commit, so a worker never sees a half-written edit.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import F, When
from django.db.models.functions import Now

from cases import background
from cases.models import Case
from cases.risk.assessment import tell_readers_now

logger = logging.getLogger(__name__)


# Above this many cases one sweep task does the work, rather than a message per case.
BULK_THRESHOLD = 100
# A case already stale keeps the time it became stale (the wait the health check measures).
STALE_SINCE = SqlCase(
    When(risk_stale=True, risk_stale_since__isnull=False, then=F("risk_stale_since")), default=Now()
)


def request_assessment(case_ids) -> None:
    """Mark the cases stale now and queue their assessment once the transaction commits.

    Within one transaction the requests are gathered, so a case edited twenty times in one
    atomic block (an import, the demo data) is queued once.
    """
    case_ids = set(case_ids)
    if not case_ids:
        return
    Case.objects.filter(id__in=case_ids).update(
        risk_stale=True, risk_stale_since=STALE_SINCE, risk_generation=F("risk_generation") + 1
    )
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the change is already committed
        _Batch(connection, case_ids).flush()
        return
    batch = getattr(connection, "_risk_assessment_batch", None)
    # A batch lives as long as its on-commit callback is registered: a rollback discards the
    # callback, and the next request then starts a new batch. (Anything lost that way was
    # rolled back too, or is still marked stale for the sweep.)
    # `==`, not `is`: each `batch.flush` is a new bound-method object, equal to the registered
    # one but never identical (with `is`, every request registered a batch of its own).
    registered = batch is not None and any(item[1] == batch.flush for item in connection.run_on_commit)
    if not registered:
        batch = _Batch(connection)
        connection._risk_assessment_batch = batch
        transaction.on_commit(batch.flush)
    batch.case_ids |= case_ids


class _Batch:
    """The cases one transaction asked to assess, sent once it commits."""

    def __init__(self, connection, case_ids=()):
        self.connection = connection
        self.case_ids: set[int] = set(case_ids)

    def flush(self) -> None:
        if getattr(self.connection, "_risk_assessment_batch", None) is self:
            self.connection._risk_assessment_batch = None
        # The stale marks are written by update(), which sends no save signal: the cached pages
        # must show "under review" from the commit on, not the old level as current.
        tell_readers_now()
        case_ids = sorted(self.case_ids)
        if len(case_ids) > BULK_THRESHOLD:
            enqueue_sweep()
        else:
            enqueue_assessments(case_ids)


def request_jurisdiction_assessment(jurisdiction_id: int) -> int:
    """The law data of a jurisdiction changed: every case in it is stale until re-assessed."""
    count = Case.objects.filter(jurisdiction_id=jurisdiction_id).update(
        risk_stale=True, risk_stale_since=STALE_SINCE, risk_generation=F("risk_generation") + 1
    )
    if count:
        transaction.on_commit(_jurisdiction_marked_stale)
    return count


def _jurisdiction_marked_stale() -> None:
    tell_readers_now()
    enqueue_sweep()


def enqueue_sweep() -> None:
    try:
        background.send("sweep_stale_cases")
    except Exception as exc:  # the periodic sweep runs anyway
        _log_enqueue_failure("a sweep", exc)


# While a case's assessment message waits in the queue, a further request for it sends nothing:
# the waiting message reads the data when it runs, after the later edit committed. (A burst of
# 2,000 requests on 200 cases thus queues about 200 messages, not 2,000.) The task forgets the
# mark before it reads the case (`forget_queued`), so an edit committed after that sends again.
# A mark whose message was lost (a killed worker's prefetched message, an emptied broker) expires
# after QUEUED_MARK_SECONDS; meanwhile the case is marked stale and the sweep assesses it.
QUEUED_MARK_SECONDS = 600


def _queued_mark(case_id: int) -> str:
    return f"risk:assessment-queued:{case_id}"


def enqueue_assessments(case_ids) -> int:
    """Send one task per case that has none waiting; a broker failure is logged, never raised
    into the edit. Returns how many messages were sent."""
    sent = 0
    for case_id in case_ids:
        if not _mark_queued(case_id):
            continue  # its waiting message will see this edit
        try:
            background.send("assess_case", case_id=case_id)
            sent += 1
        except Exception as exc:  # the broker is down: the case stays stale for the sweep
            forget_queued(case_id)
            _log_enqueue_failure(f"assessment of case {case_id}", exc)
    return sent


def _mark_queued(case_id: int) -> bool:
    """Note that a message for the case is about to be queued; False if one already waits.
    A cache that does not answer merges nothing: every request sends its message; nor does a
    cache the worker does not share (settings.RISK_MERGE_QUEUED_ASSESSMENTS)."""
    if not settings.RISK_MERGE_QUEUED_ASSESSMENTS:
        return True
    try:
        return bool(cache.add(_queued_mark(case_id), 1, QUEUED_MARK_SECONDS))
    except Exception as exc:
        logger.warning("cache unavailable, assessment messages not merged: %s", type(exc).__name__)
        return True


def forget_queued(case_id: int) -> None:
    """Called by the task before it reads the case: requests from now on send a new message."""
    try:
        cache.delete(_queued_mark(case_id))
    except Exception as exc:  # the mark expires; the sweep covers the wait
        logger.warning("cache unavailable, assessment mark not cleared: %s", type(exc).__name__)


def _log_enqueue_failure(what: str, exc: Exception) -> None:
    """A broker outage is expected and recovered by the sweep; in-process, a failure is a bug."""
    if background.runs_in_process():
        logger.error("in-process task for %s failed; the case stays stale for the sweep", what, exc_info=exc)
    else:
        logger.warning("could not queue %s: %s", what, type(exc).__name__)
