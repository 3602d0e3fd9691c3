"""Writing the law data, which makes every case of its jurisdiction stale."""

from django.db import transaction

from cases.exceptions import RefusedChange
from cases.models import (
    Jurisdiction,
)
from cases.risk.queue import request_jurisdiction_assessment
from cases.services.base import validated_save


@transaction.atomic
def save_law_data(*, instance, by=None):
    """Save a staff edit of the law data (an article part, a watch-list entry, a jurisdiction).

    Side effects: every case of the jurisdiction is marked stale and re-assessed, so a new
    law is a data change that reaches every case.
    """
    if type(instance).__name__ not in ("Article", "WatchListEntry", "Jurisdiction"):
        raise RefusedChange(f"{type(instance).__name__} is not law data.")
    validated_save(instance, by)
    jurisdiction_id = instance.pk if isinstance(instance, Jurisdiction) else instance.jurisdiction_id
    request_jurisdiction_assessment(jurisdiction_id)
    return instance
