"""Data minimisation: transient personal data is deleted once it has served its purpose.

What goes, and when (all periods from the environment, see .env.example):
- the raw content of partner submissions (encrypted at rest until then), SUBMISSION_RETENTION_DAYS
  after they were handled (a pending one waits for moderation: deleting it would lose a reported
  detention);
- expired staff sessions (Django leaves them in the table until someone cleans up);
- login records with usernames and client addresses (django-axes' attempts and failure log),
  LOGIN_RECORD_RETENTION_DAYS after the attempt; a lockout lasts far less than that.
The registry's own records (people, cases, history, audit entries) are not transient and stay.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from cases.models import Submission


def purge_transient_data(*, now=None) -> dict[str, int]:
    """Delete what has passed its retention period; returns how many of each went."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = now or timezone.now()
    login_cutoff = now - datetime.timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    return {
        "submission payloads": delete_expired_payloads(now=now),
        "expired sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "login attempts": AccessAttempt.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "failed-login log": AccessFailureLog.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "login log": AccessLog.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
    }


def delete_expired_payloads(*, now=None) -> int:
    """Delete the raw content of submissions handled more than SUBMISSION_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SUBMISSION_RETENTION_DAYS)
    return (
        Submission.objects.filter(handled_at__lt=cutoff, payload__isnull=False)
        .exclude(state=Submission.State.PENDING)
        .update(payload=None, payload_deleted_at=now)
    )
