"""Calendar entries for a range of days, from plain facts.

A birthday and an anniversary of detention need the day: a date known to the month or the year
gives none (no day is invented). Someone born or detained on 29 February has the day on
28 February in a year without one. An expected release known as a range of days (a detention
known in part) is one entry spanning the range; the weeks before its first possible day are
flagged, because new charges ("disobedience", art. 411) are often brought just before a release.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from cases import partial_dates

HEARING = "hearing"
BIRTHDAY = "birthday"
RELEASE = "release"
RELEASE_WATCH = "release_watch"
ANNIVERSARY = "anniversary"
KINDS = (HEARING, RELEASE, RELEASE_WATCH, ANNIVERSARY, BIRTHDAY)  # the order within a day
PUBLIC_KINDS = (HEARING, BIRTHDAY)

DEFAULT_WATCH_WEEKS = 8


@dataclass(frozen=True)
class PersonRef:
    """Who an entry is about: the record's id, its stable public id, its slug and a display name."""

    id: int
    uid: str
    slug: str
    name: str


@dataclass(frozen=True)
class PersonFacts:
    person: PersonRef
    birth_date: datetime.date | None
    birth_date_precision: str


@dataclass(frozen=True)
class CaseFacts:
    """A case of someone still held: its detention and its expected release (earliest, latest)."""

    case_id: int
    person: PersonRef
    detention_date: datetime.date | None
    detention_date_precision: str
    expected_release_date: datetime.date | None
    expected_release_latest: datetime.date | None


@dataclass(frozen=True)
class HearingFacts:
    """A hearing as the calendar may show it: never its internal note or its sources."""

    id: int
    uid: str
    case_id: int
    person: PersonRef
    starts_at: datetime.datetime
    day: datetime.date  # in the registry's time zone
    time_known: bool
    kind: str
    court: str
    room: str
    openness: str
    state: str
    note: str
    is_public: bool = False


@dataclass(frozen=True)
class Entry:
    """One line of the calendar. `last_day` is set for an entry spanning days (a range of
    expected release, the weeks before a release); `years` is the age turned or the years since
    the detention; `weeks` the weeks before an expected release."""

    kind: str
    day: datetime.date
    person: PersonRef
    uid: str
    last_day: datetime.date | None = None
    at: datetime.datetime | None = None
    hearing: HearingFacts | None = None
    case_id: int | None = None
    years: int | None = None
    weeks: int | None = None
    release_latest: datetime.date | None = None

    @property
    def sort_key(self):
        timed = self.at is not None
        return (
            self.day,
            timed,
            self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
            KINDS.index(self.kind),
            self.person.name,
            self.uid,
        )


def yearly_day(origin: datetime.date, year: int) -> datetime.date:
    """The day in `year` that marks `origin`'s day: 29 February is 28 February in a common year."""
    if origin.month == 2 and origin.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return origin.replace(year=year)


def _yearly(origin: datetime.date, start: datetime.date, end: datetime.date):
    """(day, whole years since origin) of each yearly return of origin's day within [start, end]."""
    for year in range(max(start.year, origin.year + 1), end.year + 1):
        day = yearly_day(origin, year)
        if start <= day <= end:
            yield day, year - origin.year


def birthdays(people: Iterable[PersonFacts], start: datetime.date, end: datetime.date) -> list[Entry]:
    """Birthdays within [start, end], of birth dates known to the day, with the age turned."""
    entries = []
    for facts in people:
        if facts.birth_date is None or facts.birth_date_precision != partial_dates.DAY:
            continue
        for day, age in _yearly(facts.birth_date, start, end):
            uid = f"birthday-{facts.person.uid}-{day.year}"
            entries.append(Entry(BIRTHDAY, day, facts.person, uid, years=age))
    return entries


def anniversaries(cases: Iterable[CaseFacts], start: datetime.date, end: datetime.date) -> list[Entry]:
    """Whole years in detention within [start, end] (1, 2, 3 ...), of detentions known to the day."""
    entries = []
    for facts in cases:
        if facts.detention_date is None or facts.detention_date_precision != partial_dates.DAY:
            continue
        for day, years in _yearly(facts.detention_date, start, end):
            uid = f"anniversary-{facts.case_id}-{day.year}"
            entries.append(Entry(ANNIVERSARY, day, facts.person, uid, case_id=facts.case_id, years=years))
    return entries


def releases(
    cases: Iterable[CaseFacts],
    start: datetime.date,
    end: datetime.date,
    *,
    watch_weeks: int = DEFAULT_WATCH_WEEKS,
) -> list[Entry]:
    """Expected releases overlapping [start, end] (one entry for a range of days), and the start
    of the `watch_weeks` before each expected release when it falls within [start, end]."""
    if watch_weeks < 0:
        raise ValueError("the weeks before a release cannot be negative")
    entries = []
    for facts in cases:
        if facts.expected_release_date is None:
            continue
        earliest = facts.expected_release_date
        latest = max(facts.expected_release_latest or earliest, earliest)
        last_day = latest if latest != earliest else None
        if earliest <= end and latest >= start:
            uid = f"release-{facts.case_id}-{earliest.isoformat()}"
            entries.append(
                Entry(
                    RELEASE,
                    earliest,
                    facts.person,
                    uid,
                    last_day=last_day,
                    case_id=facts.case_id,
                    release_latest=latest,
                )
            )
        watch = earliest - datetime.timedelta(weeks=watch_weeks)
        if watch_weeks and start <= watch <= end:
            uid = f"release-watch-{facts.case_id}-{earliest.isoformat()}"
            entries.append(
                Entry(
                    RELEASE_WATCH,
                    watch,
                    facts.person,
                    uid,
                    last_day=earliest - datetime.timedelta(days=1),
                    case_id=facts.case_id,
                    weeks=watch_weeks,
                    release_latest=latest,
                )
            )
    return entries


def hearings(facts: Iterable[HearingFacts], start: datetime.date, end: datetime.date) -> list[Entry]:
    """Hearings whose day is within [start, end], whatever their state (a cancelled one says so)."""
    return [
        Entry(
            HEARING,
            h.day,
            h.person,
            f"hearing-{h.uid}",
            at=h.starts_at if h.time_known else None,
            hearing=h,
            case_id=h.case_id,
        )
        for h in facts
        if start <= h.day <= end
    ]


def calendar_entries(
    *,
    start: datetime.date,
    end: datetime.date,
    hearing_facts: Iterable[HearingFacts] = (),
    people: Iterable[PersonFacts] = (),
    cases: Iterable[CaseFacts] = (),
    kinds: Iterable[str] = KINDS,
    watch_weeks: int = DEFAULT_WATCH_WEEKS,
) -> list[Entry]:
    """Every entry of `kinds` within [start, end], in the calendar's order (by day; within a day,
    whole-day entries first, then by time)."""
    if end < start:
        raise ValueError("the range ends before it starts")
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds of calendar entry: {sorted(unknown)}")
    entries = []
    if HEARING in kinds:
        entries += hearings(hearing_facts, start, end)
    if BIRTHDAY in kinds:
        entries += birthdays(people, start, end)
    if ANNIVERSARY in kinds:
        entries += anniversaries(cases, start, end)
    if kinds & {RELEASE, RELEASE_WATCH}:
        entries += [e for e in releases(cases, start, end, watch_weeks=watch_weeks) if e.kind in kinds]
    return sorted(entries, key=lambda e: e.sort_key)


def by_day(
    entries: Iterable[Entry], start: datetime.date | None = None
) -> list[tuple[datetime.date, list[Entry]]]:
    """Entries grouped by their day, in order (for a list per day). A range that began before
    `start` is listed on `start`."""
    days: dict[datetime.date, list[Entry]] = {}
    for entry in entries:
        day = max(entry.day, start) if start else entry.day
        days.setdefault(day, []).append(entry)
    return sorted(days.items())


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
