"""Health and particular risk (issue 19, point 4): recording, correcting and removing a condition
or a report of ill-treatment, each dated, sourced and confidential unless staff publish it."""

from django.db import transaction
from django.utils import timezone

from cases import partial_dates
from cases.exceptions import RefusedChange
from cases.models import ChangeRecord, ParticularRisk
from cases.services.base import note_change, validated_save

Action = ChangeRecord.Action

PARTICULAR_RISK_FIELDS = ("kind", "date", "date_precision", "ended_on", "details", "is_public", "public_text")


def check_dates(date, precision: str, ended_on, *, today) -> None:
    """Refuse a day in the future and an end before the beginning (partial dates as ranges)."""
    days = partial_dates.period(date, precision)
    if days is not None and days[0] > today:
        raise RefusedChange({"date": "This date is in the future: record what has happened or is known now."})
    if ended_on is not None:
        if ended_on > today:
            raise RefusedChange({"ended_on": "This date is in the future."})
        if days is not None and ended_on < days[0]:
            raise RefusedChange({"ended_on": "It cannot end before it began."})


def _check(item: ParticularRisk, today) -> None:
    check_dates(item.date, item.date_precision, item.ended_on, today=today)


@transaction.atomic
def record_particular_risk(*, person, kind: str, sources=(), by=None, today=None, **fields) -> ParticularRisk:
    """Record a condition or a report of ill-treatment (`fields`: date, date_precision, ended_on,
    details, is_public, public_text). Confidential unless `is_public`.

    Side effects: the item with its sources and a history row; a change-feed entry, public only
    when the item is public.
    """
    unknown = set(fields) - set(PARTICULAR_RISK_FIELDS)
    if unknown:
        raise RefusedChange(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if person.merged_into_id is not None:
        raise RefusedChange("This record was merged into another: record it there.")
    item = ParticularRisk(person=person, kind=kind, **fields)
    item.date, item.date_precision = partial_dates.normalised(item.date, item.date_precision)
    _check(item, today or timezone.localdate())
    validated_save(item, by)
    item.sources.add(*sources)
    note_change(person, "particular_risk", item.public_id, Action.CREATED, is_public=item.is_public)
    return item


@transaction.atomic
def correct_particular_risk(
    *, item: ParticularRisk, sources=None, by=None, today=None, **changes
) -> ParticularRisk:
    """Correct an item or decide whether it is public; history keeps what it said before.

    Side effects: a history row; a change-feed entry, public when the item is or was public (a
    mirror drops an item that was made confidential again).
    """
    unknown = set(changes) - set(PARTICULAR_RISK_FIELDS)
    if unknown:
        raise RefusedChange(f"Unknown fields: {', '.join(sorted(unknown))}.")
    item = ParticularRisk.objects.select_for_update().select_related("person").get(pk=item.pk)
    was_public = item.is_public
    for field, value in changes.items():
        setattr(item, field, value)
    item.date, item.date_precision = partial_dates.normalised(item.date, item.date_precision)
    _check(item, today or timezone.localdate())
    validated_save(item, by)
    if sources is not None:
        item.sources.set(sources)
    note_change(
        item.person, "particular_risk", item.public_id, Action.UPDATED, is_public=was_public or item.is_public
    )
    return item


@transaction.atomic
def remove_particular_risk(*, item: ParticularRisk, by=None) -> None:
    """Remove an item entered by mistake; history keeps it.

    Side effects: a history row; a change-feed entry ("withdrawn"), public if the item was public.
    """
    item = ParticularRisk.objects.select_for_update().select_related("person").get(pk=item.pk)
    if by is not None:
        item._history_user = by
    note_change(item.person, "particular_risk", item.public_id, Action.WITHDRAWN, is_public=item.is_public)
    item.delete()
