"""Monthly series over the registry's own history. Pure functions: plain rows in, counts out.

Each month is read on one day, its *point*: the month's last day, or today for the current month
(`month_points`). Dates are partial (cases.partial_dates): every rule below works on the range of
days a date may fall on, and what the range cannot settle is counted apart, never guessed.

- **People held** at a point (`people_held`): distinct people with a case in which they were in
  custody at the end of that day. A case counts from its detention until the day the person left
  custody (the release's day, or the death in custody); a person who left on the point's day is
  no longer counted. A person is *held* when some case of theirs certainly was in custody then:
  the detention's latest possible day is on or before the point and the release's earliest
  possible day after it. A person who may have been held but whose dates do not say (a detention
  known only to the year, a release whose day is not known or not shown) is counted as *not
  placed* for that point, not as held. A date known to the month settles every month's end, so
  only dates known to the year or not at all leave people unplaced. Today's point is the present:
  the case's status says who is held, whatever its dates.
- **Per month** (`per_month`): distinct people with a fact (a recognition, a release) dated in
  the month. A fact whose date is known only to the year (and that year is in the series) or not
  at all is counted once in `not_placed` instead.
- **Risk levels** (`people_by_level`): for each point, the level of each case in force at the end
  of that day (its latest stored assessment by then), and for each person the highest of their
  cases in the ranking given. Cases stale today are "under review" at today's point only: the
  registry does not keep when past reviews began, and they lasted minutes, not months.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Period = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class Custody:
    """One case in which the person was (or is) in custody, as far as the reader may know it."""

    person: int
    detained: Period | None  # the days the detention may fall on; None: not known
    held_now: bool  # the case's status says the person is held today
    left: Period | None = None  # when out: the days they may have left on; None: not known or not shown


@dataclass(frozen=True)
class Dated:
    """A fact counted in the month it happened: a recognition, a release (with how)."""

    person: int
    when: Period | None  # None: the date is not known (or not shown to this reader)
    kind: str = ""


@dataclass(frozen=True)
class Assessed:
    """One stored assessment of a case: its level, in force from the day it was stored."""

    case: int
    person: int
    level: str
    on: datetime.date


@dataclass(frozen=True)
class HeldSeries:
    points: list[datetime.date]
    held: list[int]  # people certainly held at the end of each point's day
    not_placed: list[int]  # people who may have been held then; their dates cannot say


@dataclass(frozen=True)
class MonthlyCounts:
    months: list[datetime.date]  # the first day of each month
    counts: list[int]  # distinct people with a fact dated in the month
    not_placed: int  # distinct people with a fact in the series' years that no month can hold


def month_points(start: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The day each month from `start`'s month to today's is read on: its last day, today for
    the current month."""
    points = []
    year, month = start.year, start.month
    while (year, month) < (today.year, today.month):
        points.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    points.append(today)
    return points


def _months(points: Sequence[datetime.date]) -> list[datetime.date]:
    return [point.replace(day=1) for point in points]


# People held ----------------------------------------------------------------------------------


def _first_at_or_after(points: Sequence[datetime.date], day: datetime.date) -> int:
    """Index of the first point on or after `day` (len(points) if none): from there on, `day`
    is past at the point's end."""
    return bisect.bisect_left(points, day)


def _custody_intervals(case: Custody, past: Sequence[datetime.date]) -> tuple[range, range]:
    """(certainly held, possibly held) as ranges of indices into the past points."""
    end = len(past)
    if case.detained is None:
        certain_from, possible_from = end, 0
    else:
        certain_from = _first_at_or_after(past, case.detained[1])
        possible_from = _first_at_or_after(past, case.detained[0])
    if case.held_now:
        certain_until = possible_until = end
    elif case.left is None:
        certain_until, possible_until = 0, end
    else:
        certain_until = _first_at_or_after(past, case.left[0])
        possible_until = _first_at_or_after(past, case.left[1])
    return range(certain_from, max(certain_from, certain_until)), range(
        possible_from, max(possible_from, possible_until)
    )


def _covered(ranges: Iterable[range]) -> list[range]:
    """The union of ranges as disjoint ranges, in order."""
    merged: list[range] = []
    for r in sorted((r for r in ranges if r), key=lambda r: r.start):
        if merged and r.start <= merged[-1].stop:
            merged[-1] = range(merged[-1].start, max(merged[-1].stop, r.stop))
        else:
            merged.append(r)
    return merged


def _without(ranges: list[range], removed: list[range]) -> list[range]:
    """The parts of disjoint `ranges` outside disjoint `removed`."""
    out = []
    for r in ranges:
        start = r.start
        for cut in removed:
            if cut.stop <= start or cut.start >= r.stop:
                continue
            if cut.start > start:
                out.append(range(start, cut.start))
            start = max(start, cut.stop)
        if start < r.stop:
            out.append(range(start, r.stop))
    return out


def _add(counts: list[int], ranges: Iterable[range]) -> None:
    """Add one over each range, through a difference array (`counts` has one spare slot)."""
    for r in ranges:
        counts[r.start] += 1
        counts[r.stop] -= 1


def _running(differences: list[int]) -> list[int]:
    total, out = 0, []
    for step in differences[:-1]:
        total += step
        out.append(total)
    return out


def people_held(cases: Iterable[Custody], points: Sequence[datetime.date]) -> HeldSeries:
    """People held at the end of each point's day, and people who may have been but cannot be
    placed (see the module's docstring for the rules)."""
    past = points[:-1]  # the last point is today: the statuses speak for it
    by_person: dict[int, list[Custody]] = defaultdict(list)
    for case in cases:
        by_person[case.person].append(case)
    held = [0] * (len(past) + 1)
    unplaced = [0] * (len(past) + 1)
    held_today = 0
    for person_cases in by_person.values():
        certain, possible = zip(*(_custody_intervals(case, past) for case in person_cases), strict=True)
        certain_months = _covered(certain)
        _add(held, certain_months)
        _add(unplaced, _without(_covered(possible), certain_months))
        held_today += any(case.held_now for case in person_cases)
    return HeldSeries(
        points=list(points),
        held=[*_running(held), held_today],
        not_placed=[*_running(unplaced), 0],
    )


# Facts per month --------------------------------------------------------------------------------


def per_month(facts: Iterable[Dated], points: Sequence[datetime.date]) -> MonthlyCounts:
    """Distinct people with a fact in each month of the series, and those whose fact falls in
    the series' years but in no one month that its date can name."""
    months = _months(points)
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    first, last = months[0], points[-1]
    people: list[set[int]] = [set() for _ in months]
    unplaced: set[int] = set()
    for fact in facts:
        if fact.when is None:
            unplaced.add(fact.person)
            continue
        earliest, latest = fact.when
        if latest < first or earliest > last:
            continue  # before the series, or after today
        if (earliest.year, earliest.month) == (latest.year, latest.month):
            people[index[(earliest.year, earliest.month)]].add(fact.person)
        else:
            unplaced.add(fact.person)
    return MonthlyCounts(months=months, counts=[len(p) for p in people], not_placed=len(unplaced))


def per_month_by_kind(
    facts: Iterable[Dated], points: Sequence[datetime.date], kinds: Sequence[str]
) -> dict[str, MonthlyCounts]:
    """`per_month` for each kind of fact, in the order of `kinds` (a kind not listed is left out)."""
    by_kind: dict[str, list[Dated]] = {kind: [] for kind in kinds}
    for fact in facts:
        if fact.kind in by_kind:
            by_kind[fact.kind].append(fact)
    return {kind: per_month(rows, points) for kind, rows in by_kind.items()}


# Risk levels ------------------------------------------------------------------------------------


def people_by_level(
    assessments: Iterable[Assessed],
    points: Sequence[datetime.date],
    ranking: Sequence[str],
    *,
    under_review: Iterable[tuple[int, int]] = (),
    review_level: str = "under_review",
) -> dict[str, list[int]]:
    """People at each level of `ranking` (lowest first) at each point: the highest level in force
    among their cases. Each case's `assessments` in the order they were stored (the cases in any
    order; cases.statistics.history reads only those that change a level); `under_review` gives
    the (case, person) pairs stale today, at `review_level` (which must be in `ranking`) at
    today's point only."""
    rank = {level: i for i, level in enumerate(ranking)}
    # case -> [(first point index, level)], later entries win at the same index
    changes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    person_of: dict[int, int] = {}
    for row in assessments:
        at = _first_at_or_after(points, row.on)
        if at < len(points):
            changes[row.case].append((at, row.level))
            person_of[row.case] = row.person
    for case, person in under_review:
        changes[case].append((len(points) - 1, review_level))
        person_of[case] = person
    cases_of: dict[int, list[int]] = defaultdict(list)
    for case, person in person_of.items():
        cases_of[person].append(case)
    differences = {level: [0] * (len(points) + 1) for level in ranking}
    for person_cases in cases_of.values():
        # Each case's level from each point on (the last stored at a point wins), then at each
        # point where any of them changes, the highest of the person's cases until the next one.
        timelines = [dict(changes[case]) for case in person_cases]
        steps = sorted({at for timeline in timelines for at in timeline})
        current: list[str | None] = [None] * len(timelines)
        for i, at in enumerate(steps):
            for n, timeline in enumerate(timelines):
                if at in timeline:
                    current[n] = timeline[at]
            highest = max((level for level in current if level is not None), key=rank.__getitem__)
            stop = steps[i + 1] if i + 1 < len(steps) else len(points)
            differences[highest][at] += 1
            differences[highest][stop] -= 1
    return {level: _running(differences[level]) for level in ranking}
