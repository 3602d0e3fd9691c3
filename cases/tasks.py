"""Celery tasks: thin, safe to run twice, each loading its input and calling a service."""

from celery import shared_task

from cases import assessment


@shared_task(acks_late=True, reject_on_worker_lost=True)
def task_assess_case(*, case_id: int) -> str | None:
    """Assess one case from the data as it is now (so duplicate and late messages are harmless)."""
    result = assessment.assess_case(case_id=case_id)
    return result.level if result else None


@shared_task
def task_sweep_stale_cases() -> int:
    """Assess every case still marked stale (edits whose task was lost, broker outages)."""
    return assessment.assess_stale_cases()


@shared_task
def task_full_pass() -> int:
    """Re-assess every case: catches passing dates (a 90-day window, a 65th birthday) and rule changes."""
    return assessment.assess_all_cases().changed
