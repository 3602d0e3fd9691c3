"""The calendar's facts from the database, for a range of days, in a bounded number of queries
(four for either calendar, however many rows), and the words of
its entries in the page's language.

Who sees what is decided here, once: the staff calendar has every current person (drafts too),
every hearing and every kind of entry; the public calendar has published people only
(`Person.objects.published()`), hearings staff marked public, and birthdays (a published person's
birth date is public: their page shows their age). Neither ever carries a hearing's internal note
or its sources: the facts (cases.calendar.entries.HearingFacts) have no room for them.

Owns: loading and wording. May import: models, choices, cases.calendar, protection's public role.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import choices, partial_dates
from cases.calendar import entries as rules
from cases.calendar import ical
from cases.models import Case, Hearing, Person, PersonName
from cases.protection.public_role import for_public

DAY = choices.DatePrecision.DAY


@dataclass(frozen=True)
class Facts:
    hearings: list
    people: list
    cases: list


def _months(start: datetime.date, end: datetime.date) -> set[int]:
    """The months a range of days touches (all twelve for a year or more)."""
    if (end - start).days >= 366:
        return set(range(1, 13))
    months, day = set(), start.replace(day=1)
    while day <= end:
        months.add(day.month)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware instants of the range's first and after its last day, in the registry's time zone."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    after = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    return first, after


def _name(person: Person, language: str | None) -> str:
    name = person.name_for_language(language) if language else person.primary_name
    return name.text if name else person.slug


def _ref(person: Person, language: str | None) -> rules.PersonRef:
    return rules.PersonRef(
        id=person.pk, uid=str(person.public_id), slug=person.slug, name=_name(person, language)
    )


def _hearing_facts(hearing: Hearing, person: rules.PersonRef) -> rules.HearingFacts:
    return rules.HearingFacts(
        id=hearing.pk,
        uid=str(hearing.public_id),
        case_id=hearing.case_id,
        person=person,
        starts_at=hearing.starts_at,
        day=timezone.localtime(hearing.starts_at).date(),
        time_known=hearing.time_known,
        kind=hearing.kind,
        court=hearing.court,
        room=hearing.room,
        openness=hearing.openness,
        state=hearing.state,
        note=hearing.note,
        is_public=hearing.is_public,
    )


def public_facts(start: datetime.date, end: datetime.date, *, language: str) -> Facts:
    """Published people's public hearings and birthdays known to the day, read through the public
    database role (four queries: hearings with their people, their names, birthdays, their names)."""
    first, after = _bounds(start, end)
    hearings = list(
        for_public(
            Hearing.objects.shown_publicly()
            .filter(starts_at__gte=first, starts_at__lt=after)
            .select_related("case__person")
            .prefetch_related(Prefetch("case__person__names", queryset=PersonName.objects.order_by("pk")))
            .order_by("starts_at", "pk")
        )
    )
    people = list(
        for_public(
            Person.objects.published()
            .filter(birth_date_precision=DAY, birth_date__month__in=_months(start, end))
            .prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("pk")))
            .order_by("pk")
        )
    )
    return Facts(
        hearings=[_hearing_facts(h, _ref(h.case.person, language)) for h in hearings],
        people=[rules.PersonFacts(_ref(p, language), p.birth_date, p.birth_date_precision) for p in people],
        cases=[],
    )


def staff_facts(start: datetime.date, end: datetime.date, *, watch_weeks: int | None = None) -> Facts:
    """Every current person's hearings, birthdays, and the held cases' anniversaries and expected
    releases (with the weeks before them) touching the range: four queries (with the names)."""
    weeks = settings.CALENDAR_RELEASE_WATCH_WEEKS if watch_weeks is None else watch_weeks
    first, after = _bounds(start, end)
    current = Person.objects.current()
    hearings = list(
        Hearing.objects.filter(starts_at__gte=first, starts_at__lt=after, case__person__in=current)
        .select_related("case__person")
        .defer("internal_note")
        .order_by("starts_at", "pk")
    )
    people = list(
        current.filter(birth_date_precision=DAY, birth_date__month__in=_months(start, end)).order_by("pk")
    )
    releasing = Q(expected_release_date__lte=end + datetime.timedelta(weeks=weeks)) & (
        Q(expected_release_latest__gte=start)
        | Q(expected_release_latest__isnull=True, expected_release_date__gte=start)
    )
    detained_then = Q(detention_date_precision=DAY, detention_date__month__in=_months(start, end))
    cases = list(
        Case.objects.filter(person__in=current, status__in=choices.HELD_STATUSES)
        .filter(releasing | detained_then)
        .select_related("person")
        .order_by("pk")
    )
    person_ids = {h.case.person_id for h in hearings} | {p.pk for p in people} | {c.person_id for c in cases}
    names = {}
    for name in PersonName.objects.filter(person_id__in=person_ids, is_primary=True).order_by("pk"):
        names.setdefault(name.person_id, name.text)

    def ref(person):
        return rules.PersonRef(
            person.pk, str(person.public_id), person.slug, names.get(person.pk, person.slug)
        )

    return Facts(
        hearings=[_hearing_facts(h, ref(h.case.person)) for h in hearings],
        people=[rules.PersonFacts(ref(p), p.birth_date, p.birth_date_precision) for p in people],
        cases=[
            rules.CaseFacts(
                c.pk,
                ref(c.person),
                c.detention_date,
                c.detention_date_precision,
                c.expected_release_date,
                c.expected_release_latest,
            )
            for c in cases
        ],
    )


def public_entries(start: datetime.date, end: datetime.date, *, language: str) -> list[rules.Entry]:
    facts = public_facts(start, end, language=language)
    return rules.calendar_entries(
        start=start, end=end, hearing_facts=facts.hearings, people=facts.people, kinds=rules.PUBLIC_KINDS
    )


def staff_entries(
    start: datetime.date, end: datetime.date, *, watch_weeks: int | None = None
) -> list[rules.Entry]:
    weeks = settings.CALENDAR_RELEASE_WATCH_WEEKS if watch_weeks is None else watch_weeks
    facts = staff_facts(start, end, watch_weeks=weeks)
    return rules.calendar_entries(
        start=start,
        end=end,
        hearing_facts=facts.hearings,
        people=facts.people,
        cases=facts.cases,
        watch_weeks=weeks,
    )


# Words -----------------------------------------------------------------------------------------


def _date_words(day: datetime.date, language: str) -> str:
    return partial_dates.describe(day, DAY, language)


def _label(choice_class, value: str) -> str:
    try:
        return str(choice_class(value).label)
    except ValueError:
        return value


def hearing_place(hearing: rules.HearingFacts) -> str:
    if hearing.room:
        return _("%(court)s, room %(room)s") % {"court": hearing.court, "room": hearing.room}
    return hearing.court


def entry_title(entry: rules.Entry, language: str) -> str:
    """What an entry is, without the person's name: "Trial session (closed)", "Birthday: turns 36"."""
    if entry.kind == rules.HEARING:
        hearing = entry.hearing
        title = _label(choices.HearingKind, hearing.kind).capitalize()
        if hearing.openness != choices.HearingOpenness.UNKNOWN:
            title = f"{title} ({_label(choices.HearingOpenness, hearing.openness)})"
        if hearing.state != choices.HearingState.SCHEDULED:
            title = f"{title}: {_label(choices.HearingState, hearing.state)}"
        return title
    if entry.kind == rules.BIRTHDAY:
        return ngettext("Birthday: turns %(age)d", "Birthday: turns %(age)d", entry.years) % {
            "age": entry.years
        }
    if entry.kind == rules.ANNIVERSARY:
        return ngettext("%(years)d year in detention", "%(years)d years in detention", entry.years) % {
            "years": entry.years
        }
    if entry.kind == rules.RELEASE:
        if entry.last_day:
            return _("Release expected between %(first)s and %(last)s") % {
                "first": _date_words(entry.day, language),
                "last": _date_words(entry.last_day, language),
            }
        return _("Release expected")
    if entry.kind == rules.RELEASE_WATCH:
        return ngettext(
            "Release expected in %(weeks)d week (%(day)s): watch for new charges",
            "Release expected in %(weeks)d weeks (%(day)s): watch for new charges",
            entry.weeks,
        ) % {"weeks": entry.weeks, "day": _date_words(entry.last_day + datetime.timedelta(days=1), language)}
    raise ValueError(f"unknown kind of calendar entry {entry.kind!r}")


def ical_events(entries, *, language: str, link) -> list[ical.Event]:
    """The entries as iCalendar events; `link(entry)` gives the absolute address of its page.
    Only what the entries carry is written: never an internal note or a source."""
    events = []
    for entry in entries:
        summary = f"{entry.person.name}: {entry_title(entry, language)}"
        location = description = ""
        start = entry.day
        end = (entry.last_day + datetime.timedelta(days=1)) if entry.last_day else None
        cancelled = False
        if entry.hearing is not None:
            hearing = entry.hearing
            location = hearing_place(hearing)
            description = hearing.note
            start = hearing.starts_at if hearing.time_known else entry.day
            cancelled = hearing.state != choices.HearingState.SCHEDULED
        events.append(
            ical.Event(
                uid=f"{entry.uid}@registry",
                start=start,
                end=end,
                summary=summary,
                description=description,
                location=location,
                url=link(entry),
                cancelled=cancelled,
            )
        )
    return events
