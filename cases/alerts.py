"""Telling people when a case's risk level changes (filled in by the risk issue)."""


def raise_alert(*, case, assessment, old_level) -> None:
    """Record an alert for staff and queue the e-mails and partner webhooks."""
