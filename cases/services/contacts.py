"""Keeping in touch (issue 19): recording each contact with a person in custody, correcting or
removing one entered by mistake, and the daily check that alerts staff (and partners, where the
person's silence is published) when a silence passes its jurisdiction's threshold."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import choices, partial_dates
from cases.contact import reading, silence
from cases.exceptions import RefusedChange
from cases.models import Case, ChangeRecord, LetterCount, Person, PrisonerContact, RiskAlert
from cases.risk import alerts
from cases.services.base import note_change, validated_save

Action = ChangeRecord.Action

CONTACT_FIELDS = ("channel", "date", "date_precision", "details")


def check_contact_day(date: datetime.date, precision: str, *, today: datetime.date) -> None:
    days = partial_dates.period(date, precision)
    if days is None:
        raise RefusedChange({"date": "A contact needs its day, its month or at least its year."})
    if days[0] > today:
        raise RefusedChange(
            {"date": "A contact is recorded once it has happened: this date is in the future."}
        )


@transaction.atomic
def record_contact(
    *,
    person: Person,
    channel: str,
    date: datetime.date,
    date_precision: str = choices.DatePrecision.DAY,
    details: str = "",
    sources=(),
    reported_by=None,
    by=None,
    today: datetime.date | None = None,
) -> PrisonerContact:
    """Record a sign of life from `person` (a partner's report names its organisation in
    `reported_by`).

    Side effects: the contact with its sources and a history row; an internal change-feed entry
    (no feed reader learns when a family visited); where the person is held and this contact
    ends a silence at least as long as a threshold of their jurisdiction (any contact, or its
    own channel), a `contact_resumed` alert per such silence, e-mailed to staff and, for a
    published person whose silence is published, sent to partners after commit.
    """
    today = today or timezone.localdate()
    person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    if person.merged_into_id is not None:
        raise RefusedChange("This record was merged into another: record the contact there.")
    check_contact_day(date, date_precision, today=today)
    held = reading.held_people([person.pk]).get(person.pk)
    earlier = reading.contact_facts([person.pk]).get(person.pk, [])
    contact = validated_save(
        PrisonerContact(
            person=person,
            channel=channel,
            date=date,
            date_precision=date_precision,
            details=details,
            reported_by=reported_by,
        ),
        by,
    )
    contact.sources.add(*sources)
    note_change(person, "contact", contact.public_id, Action.CREATED, is_public=False)
    if held is not None:
        thresholds = reading.thresholds_by_jurisdiction()[held.jurisdiction_id]
        new = silence.ContactFact(contact.channel, contact.date, contact.latest_day)
        case = Case.objects.select_related("person").get(pk=held.case_id)
        for resumed in silence.resumptions(earlier, new, thresholds=thresholds):
            alerts.raise_contact_alert(
                case=case,
                kind=choices.AlertKind.CONTACT_RESUMED,
                channel=resumed.channel,
                silent_days=resumed.gap_at_least,
                silent_since=contact.date - datetime.timedelta(days=resumed.gap_at_least),
                contact=contact,
            )
    return contact


@transaction.atomic
def correct_contact(
    *, contact: PrisonerContact, sources=None, by=None, today=None, **changes
) -> PrisonerContact:
    """Put right a contact entered wrongly (its channel, day or details; `sources` replaces its
    sources). History keeps what it said before. No alert is raised by a correction: the daily
    check counts from the corrected day.

    Side effects: a history row; an internal change-feed entry.
    """
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise RefusedChange(f"These contact fields cannot be corrected: {', '.join(sorted(unknown))}.")
    contact = PrisonerContact.objects.select_for_update().get(pk=contact.pk)
    for field, value in changes.items():
        setattr(contact, field, value)
    check_contact_day(contact.date, contact.date_precision, today=today or timezone.localdate())
    validated_save(contact, by)
    if sources is not None:
        contact.sources.set(sources)
    note_change(contact.person, "contact", contact.public_id, Action.UPDATED, is_public=False)
    return contact


@transaction.atomic
def remove_contact(*, contact: PrisonerContact, by=None) -> None:
    """Remove a contact that never happened (entered for the wrong person, a rumour). History keeps
    it, with who removed it; alerts that named it keep their days and lose the link.

    Side effects: a history row; an internal change-feed entry.
    """
    contact = PrisonerContact.objects.select_for_update().get(pk=contact.pk)
    if by is not None:
        contact._history_user = by
    note_change(contact.person, "contact", contact.public_id, Action.WITHDRAWN, is_public=False)
    contact.delete()


def raise_silence_alerts(*, today: datetime.date | None = None) -> int:
    """The daily check: for every person held with at least one contact recorded, an alert per
    channel whose silence certainly passed its threshold, once per silence (counted from the
    last contact; a new contact starts a new one). Returns how many alerts were raised.

    A person with no contact recorded raises nothing: there is no day to count from, and the
    staff list shows them apart. Safe to run twice: the second run finds the alerts raised.
    """
    today = today or timezone.localdate()
    thresholds = reading.thresholds_by_jurisdiction()
    raised = 0
    people = [p for p in reading.held_with_contacts() if p.contacts]
    if not people:
        return 0
    alerted = set(
        RiskAlert.objects.filter(
            kind=choices.AlertKind.SILENCE, case_id__in=[p.case_id for p in people]
        ).values_list("case_id", "channel", "silent_since")
    )
    for person in people:
        for passed in silence.passed_thresholds(
            person.contacts, today=today, thresholds=thresholds[person.jurisdiction_id]
        ):
            if (person.case_id, passed.channel, passed.last_latest) in alerted:
                continue
            raised += _raise_silence_alert(person, passed)
    return raised


def _raise_silence_alert(person: reading.HeldPerson, passed: silence.Silence) -> int:
    last = (
        PrisonerContact.objects.filter(person_id=person.person_id, latest_day=passed.last_latest)
        .filter(**({"channel": passed.channel} if passed.channel else {}))
        .order_by("-date", "-pk")
        .first()
    )
    try:
        with transaction.atomic():
            case = Case.objects.select_related("person").get(pk=person.case_id)
            alerts.raise_contact_alert(
                case=case,
                kind=choices.AlertKind.SILENCE,
                channel=passed.channel,
                silent_days=passed.days_at_least,
                silent_since=passed.last_latest,
                contact=last,
            )
    except IntegrityError:  # a check running at the same time raised it first
        return 0
    return 1


@transaction.atomic
def report_letters(
    *,
    person: Person,
    organisation,
    period_start: datetime.date,
    period_end: datetime.date,
    letters_sent: int,
    by=None,
    today: datetime.date | None = None,
) -> LetterCount:
    """Record how many letters `organisation`'s letter-writing service sent to `person` in a
    period (a count only: never the letters nor who wrote them). A second report for the same
    period replaces the count.

    Side effects: the count and a history row (the replaced count is kept there); a change-feed
    entry "letters updated" naming the person, for readers of contacts only.
    """
    today = today or timezone.localdate()
    if period_end < period_start:
        raise RefusedChange({"period_end": "The period ends on or after the day it starts."})
    if period_start > today:
        raise RefusedChange({"period_start": "Letters are reported once sent: this period has not begun."})
    if (period_end - period_start).days > 366:
        raise RefusedChange(
            {"period_end": "Report letters a year at a time at most, so recent counts stay recent."}
        )
    if letters_sent < 0:
        raise RefusedChange({"letters_sent": "A number of letters is 0 or more."})
    if person.merged_into_id is not None:
        raise RefusedChange("This record was merged into another: report the letters there.")
    count = (
        LetterCount.objects.select_for_update()
        .filter(organisation=organisation, person=person, period_start=period_start, period_end=period_end)
        .first()
    ) or LetterCount(
        organisation=organisation, person=person, period_start=period_start, period_end=period_end
    )
    count.letters_sent = letters_sent
    validated_save(count, by)
    note_change(person, "letters", person.slug, Action.UPDATED, is_public=False)
    return count
