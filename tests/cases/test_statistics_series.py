"""The monthly series (cases.statistics): the rules for partial dates on plain rows, and the whole
series of a registry built at random through the services, rebuilt here day by day from the
events and compared."""

import datetime
import random
import zoneinfo

import pytest
from django.utils import timezone

from cases import choices, partial_dates, services
from cases.models import Case, CaseEvent, RiskAssessment
from cases.protection.public_role import for_public
from cases.statistics import series
from cases.statistics.history import LEVEL_RANKING, registry_series
from tests.factories import PersonFactory, jurisdiction

D = datetime.date
START = D(2020, 1, 1)
TODAY = D(2021, 6, 15)
POINTS = series.month_points(START, TODAY)
DAY, MONTH, YEAR = choices.DatePrecision.DAY, choices.DatePrecision.MONTH, choices.DatePrecision.YEAR


def at(day: datetime.date) -> int:
    """Index of the point of `day`'s month."""
    return POINTS.index(max(p for p in POINTS if p.replace(day=1) <= day))


def held(*cases) -> series.HeldSeries:
    return series.people_held(cases, POINTS)


# Points ----------------------------------------------------------------------------------------


def test_month_points_are_each_months_last_day_and_today_for_the_current_month():
    points = series.month_points(D(2020, 11, 1), D(2021, 2, 3))

    assert points == [D(2020, 11, 30), D(2020, 12, 31), D(2021, 1, 31), D(2021, 2, 3)]


# People held: partial dates --------------------------------------------------------------------


def test_detention_known_to_the_day_counts_from_that_months_end():
    result = held(series.Custody(person=1, detained=(D(2020, 3, 31), D(2020, 3, 31)), held_now=True))

    assert result.held[at(D(2020, 2, 1))] == 0
    assert result.held[at(D(2020, 3, 1))] == 1
    assert set(result.not_placed) == {0}


def test_detention_known_to_the_month_is_placed_at_that_months_end():
    result = held(
        series.Custody(person=1, detained=partial_dates.period(D(2020, 5, 1), MONTH), held_now=True)
    )

    assert result.held[at(D(2020, 4, 1))] == 0 and result.not_placed[at(D(2020, 4, 1))] == 0
    assert result.held[at(D(2020, 5, 1))] == 1


def test_detention_known_to_the_year_is_not_placed_until_december():
    result = held(series.Custody(person=1, detained=partial_dates.period(D(2020, 1, 1), YEAR), held_now=True))

    assert result.held[: at(D(2020, 12, 1))] == [0] * 11
    assert result.not_placed[: at(D(2020, 12, 1))] == [1] * 11
    assert result.held[at(D(2020, 12, 1))] == 1 and result.not_placed[at(D(2020, 12, 1))] == 0


def test_a_person_released_on_a_months_last_day_is_not_held_at_its_end():
    result = held(
        series.Custody(
            person=1,
            detained=(D(2020, 1, 10), D(2020, 1, 10)),
            held_now=False,
            left=(D(2020, 4, 30), D(2020, 4, 30)),
        )
    )

    assert result.held[at(D(2020, 3, 1))] == 1
    assert result.held[at(D(2020, 4, 1))] == 0 and result.not_placed[at(D(2020, 4, 1))] == 0


def test_release_known_to_the_year_leaves_the_person_unplaced_in_that_years_months():
    result = held(
        series.Custody(
            person=1,
            detained=(D(2020, 1, 10), D(2020, 1, 10)),
            held_now=False,
            left=partial_dates.period(D(2020, 1, 1), YEAR),
        )
    )

    assert result.held[at(D(2020, 1, 1))] == 0 and result.not_placed[at(D(2020, 1, 1))] == 1
    assert result.not_placed[at(D(2020, 11, 1))] == 1
    assert result.held[at(D(2020, 12, 1))] == 0 and result.not_placed[at(D(2020, 12, 1))] == 0


def test_release_whose_day_is_not_known_leaves_the_person_unplaced_until_today():
    result = held(
        series.Custody(person=1, detained=(D(2020, 1, 10), D(2020, 1, 10)), held_now=False, left=None)
    )

    assert set(result.held) == {0}
    assert result.not_placed[:-1] == [1] * (len(POINTS) - 1)
    assert result.not_placed[-1] == 0  # the status says the person is out today


def test_person_held_now_without_a_detention_date_is_held_today_and_unplaced_before():
    result = held(series.Custody(person=1, detained=None, held_now=True))

    assert result.held == [0] * (len(POINTS) - 1) + [1]
    assert result.not_placed == [1] * (len(POINTS) - 1) + [0]


def test_person_with_two_cases_held_at_once_counts_once_and_is_not_also_unplaced():
    result = held(
        series.Custody(person=1, detained=(D(2020, 2, 1), D(2020, 2, 1)), held_now=True),
        series.Custody(person=1, detained=partial_dates.period(D(2020, 1, 1), YEAR), held_now=True),
    )

    assert result.held[at(D(2020, 6, 1))] == 1
    assert result.not_placed[at(D(2020, 6, 1))] == 0
    assert result.not_placed[at(D(2020, 1, 1))] == 1  # before the dated case began


# Facts per month --------------------------------------------------------------------------------


def test_facts_are_counted_per_person_in_their_month_and_rough_ones_apart():
    facts = [
        series.Dated(1, (D(2020, 3, 4), D(2020, 3, 4))),
        series.Dated(1, (D(2020, 3, 20), D(2020, 3, 20))),  # the same person again that month
        series.Dated(2, partial_dates.period(D(2020, 3, 1), MONTH)),
        series.Dated(3, partial_dates.period(D(2020, 1, 1), YEAR)),
        series.Dated(4, None),
        series.Dated(5, partial_dates.period(D(2019, 1, 1), YEAR)),  # before the series: left out
        series.Dated(6, (D(2021, 6, 20), D(2021, 6, 20))),  # after today: left out
    ]

    result = series.per_month(facts, POINTS)

    assert result.counts[at(D(2020, 3, 1))] == 2
    assert sum(result.counts) == 2
    assert result.not_placed == 2


# Risk levels ------------------------------------------------------------------------------------


def test_level_in_force_at_a_months_end_is_the_latest_stored_by_then_and_highest_per_person():
    rows = [
        series.Assessed(case=10, person=1, level="watch", on=D(2020, 2, 10)),
        series.Assessed(case=10, person=1, level="critical", on=D(2020, 3, 31)),
        series.Assessed(case=10, person=1, level="none", on=D(2020, 5, 1)),
        series.Assessed(case=11, person=1, level="elevated", on=D(2020, 4, 2)),
        series.Assessed(case=20, person=2, level="watch", on=D(2020, 4, 2)),
        series.Assessed(case=20, person=2, level="elevated", on=D(2020, 4, 2)),  # the later one wins
    ]

    levels = series.people_by_level(rows, POINTS, LEVEL_RANKING)

    assert levels["watch"][at(D(2020, 2, 1))] == 1
    assert levels["critical"][at(D(2020, 3, 1))] == 1
    assert levels["critical"][at(D(2020, 4, 1))] == 1 and levels["elevated"][at(D(2020, 4, 1))] == 1
    assert levels["elevated"][at(D(2020, 5, 1))] == 2  # case 11 outranks case 10's "none"
    assert levels["watch"][at(D(2020, 4, 1))] == 0


def test_a_case_stale_today_is_under_review_at_todays_point_only():
    rows = [series.Assessed(case=10, person=1, level="critical", on=D(2020, 2, 10))]

    levels = series.people_by_level(rows, POINTS, LEVEL_RANKING, under_review=[(10, 1)])

    assert levels["critical"][-2] == 1 and levels["critical"][-1] == 0
    assert levels["under_review"][-1] == 1 and sum(levels["under_review"]) == 1


# The whole series, rebuilt day by day from the events -----------------------------------------

HOWS = [k for k in choices.ReleaseKind.values if k != choices.ReleaseKind.DEATH_IN_CUSTODY] + [
    choices.ReleaseKind.DEATH_IN_CUSTODY
]


def _random_day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _partial(rng, day: datetime.date) -> tuple[datetime.date, str]:
    precision = rng.choices([DAY, MONTH, YEAR], weights=[6, 2, 1])[0]
    return partial_dates.normalised(day, precision)


def _build_registry(rng, n_people: int) -> None:
    """People with one or two cases: detentions from 2018 (some partial, some unknown), some
    recognised, some released in every way with partial and non-public days, each case with a
    history of assessments stored at random moments (some late on a month's last day)."""
    minsk = zoneinfo.ZoneInfo("Europe/Minsk")
    for _ in range(n_people):
        person = PersonFactory()
        for _ in range(rng.choice([1, 1, 1, 2])):
            detained = _random_day(rng, D(2018, 6, 1), TODAY - datetime.timedelta(days=30))
            day, precision = (
                _partial(rng, detained) if rng.random() < 0.9 else (None, choices.DatePrecision.UNKNOWN)
            )
            status = rng.choices(
                [choices.CaseStatus.DETAINED, choices.CaseStatus.CONVICTED, choices.CaseStatus.WANTED],
                weights=[8, 4, 1],
            )[0]
            fields = {"detention_date": day, "detention_date_precision": precision, "status": status}
            if rng.random() < 0.6:
                recognised, recognised_precision = _partial(
                    rng, _random_day(rng, detained, min(TODAY, detained + datetime.timedelta(days=200)))
                )
                fields |= {"recognised_on": recognised, "recognised_on_precision": recognised_precision}
            elif rng.random() < 0.2:
                fields |= {"recognised_by": "Synthetic coalition"}  # recognised, no date known
            case = services.create_case(person=person, jurisdiction=jurisdiction(), **fields)
            if status != choices.CaseStatus.WANTED and rng.random() < 0.55:
                released = _random_day(rng, detained + datetime.timedelta(days=1), TODAY)
                release_day, release_precision = _partial(rng, released)
                _record_release(rng, case, release_day, release_precision)
            _assessment_history(rng, case, minsk)
        if rng.random() < 0.8:
            services.publish_person(person=person)


def _record_release(rng, case, day, precision) -> None:
    services.record_release(
        case=case,
        how=rng.choice(HOWS),
        date=day,
        date_precision=precision,
        destination_country=rng.choice(["", "LT", "BY"]),
        is_public=rng.random() < 0.75,
    )


def _assessment_history(rng, case, zone) -> None:
    stored = []
    for _ in range(rng.randint(0, 4)):
        day = _random_day(rng, D(2019, 10, 1), TODAY)
        if rng.random() < 0.25:  # late on a month's last day, in the registry's time zone
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
                days=1
            )
            moment = datetime.datetime.combine(day, datetime.time(23, 30), zone)
        else:
            moment = datetime.datetime.combine(day, datetime.time(rng.randint(0, 23), 5), zone)
        assessment = RiskAssessment.objects.create(
            case=case,
            level=rng.choice(choices.RiskLevel.values),
            rules_version="test",
            law_checksum="test",
            generation=1,
            assessed_on=day,
        )
        stored.append((assessment.pk, moment))
    for pk, moment in stored:
        RiskAssessment.objects.filter(pk=pk).update(created_at=moment)
    Case.objects.filter(pk=case.pk).update(risk_stale=rng.random() < 0.2)


def _naive_series(cases, *, internal_entries: bool) -> dict:
    """The series straight from the definitions: every day from the start to today, every case,
    its dates as ranges; a count kept on each month's last day (and today)."""
    never_held = (choices.CaseStatus.SENTENCED_IN_ABSENTIA, choices.CaseStatus.WANTED)
    rows = []
    for case in cases.prefetch_related("events", "assessments"):
        release = getattr(case, "release", None) if case.status in choices.RELEASE_STATUSES else None
        how = (release.how if release else "") or choices.HOW_BY_STATUS.get(case.status, "unknown")
        kinds = ("died",) if how == "death_in_custody" else ("released", "pardoned", "deported")
        entries = [e for e in case.events.all() if e.kind in kinds and (internal_entries or e.is_public)]
        latest = max(entries, key=lambda e: (e.date, e.pk), default=None)
        left = partial_dates.period(latest.date, latest.date_precision) if latest else None
        if case.status in choices.RELEASE_STATUSES and left is None:
            how = choices.HOW_BY_STATUS.get(case.status, "unknown")
        rows.append(
            {
                "case": case,
                "in_custody": case.status not in never_held,
                "detained": partial_dates.period(case.detention_date, case.detention_date_precision),
                "left": left,
                "out": case.status in choices.RELEASE_STATUSES,
                "held_now": case.status in choices.HELD_STATUSES,
                "how": how,
                "recognised": partial_dates.period(case.recognised_on, case.recognised_on_precision),
                "was_recognised": case.recognised_on is not None or bool(case.recognised_by),
                "assessments": sorted(case.assessments.all(), key=lambda a: (a.created_at, a.pk)),
            }
        )
    held_counts, unplaced_counts, levels = [], [], {level: [] for level in LEVEL_RANKING}
    day = START
    while day <= TODAY:
        month_end = (day + datetime.timedelta(days=1)).month != day.month
        if month_end or day == TODAY:
            held_people, maybe_people, level_of = set(), set(), {}
            for row in rows:
                person = row["case"].person_id
                if not row["in_custody"]:
                    certain = possible = False
                elif day == TODAY:
                    certain, possible = row["held_now"], False
                else:
                    detained = row["detained"]
                    in_for_sure = detained is not None and detained[1] <= day
                    maybe_in = detained is None or detained[0] <= day
                    if not row["out"]:
                        out_for_sure = maybe_out = False
                    elif row["left"] is None:
                        out_for_sure, maybe_out = False, True
                    else:
                        out_for_sure, maybe_out = row["left"][1] <= day, row["left"][0] <= day
                    certain = in_for_sure and not maybe_out
                    possible = maybe_in and not out_for_sure
                if certain:
                    held_people.add(person)
                elif possible:
                    maybe_people.add(person)
                in_force = [a for a in row["assessments"] if timezone.localtime(a.created_at).date() <= day]
                level = in_force[-1].level if in_force else None
                if day == TODAY and row["case"].risk_stale:
                    level = "under_review"
                if level is not None:
                    best = level_of.get(person)
                    if best is None or LEVEL_RANKING.index(level) > LEVEL_RANKING.index(best):
                        level_of[person] = level
            held_counts.append(len(held_people))
            unplaced_counts.append(len(maybe_people - held_people))
            for level in LEVEL_RANKING:
                levels[level].append(sum(1 for v in level_of.values() if v == level))
        day += datetime.timedelta(days=1)

    def monthly(facts):
        counts, unplaced = [set() for _ in POINTS], set()
        for person, when in facts:
            if when is None:
                unplaced.add(person)
            elif when[1] < START or when[0] > TODAY:
                continue
            elif when[0].strftime("%Y-%m") == when[1].strftime("%Y-%m"):
                counts[[p.strftime("%Y-%m") for p in POINTS].index(when[0].strftime("%Y-%m"))].add(person)
            else:
                unplaced.add(person)
        return [len(c) for c in counts], len(unplaced)

    releases = [(r["case"].person_id, r["left"], r["how"]) for r in rows if r["out"]]
    return {
        "held": held_counts,
        "not_placed": unplaced_counts,
        "recognitions": monthly(
            [(r["case"].person_id, r["recognised"]) for r in rows if r["was_recognised"]]
        ),
        "releases": monthly([(person, when) for person, when, _ in releases]),
        "by_how": {
            how: monthly([(person, when) for person, when, kind in releases if kind == how])
            for how in choices.ReleaseKind.values
        },
        "levels": levels,
    }


def _as_dict(result) -> dict:
    return {
        "held": result.held.held,
        "not_placed": result.held.not_placed,
        "recognitions": (result.recognitions.counts, result.recognitions.not_placed),
        "releases": (result.releases.counts, result.releases.not_placed),
        "by_how": {how: (s.counts, s.not_placed) for how, s in result.releases_by_how.items()},
        "levels": result.levels,
    }


@pytest.fixture
def random_registry(law):
    _build_registry(random.Random(20260518), n_people=70)


def test_series_of_the_whole_registry_match_a_day_by_day_rebuild_from_the_events(random_registry):
    result = registry_series(Case.objects.all(), internal_entries=True, start=START, today=TODAY)

    expected = _naive_series(Case.objects.all(), internal_entries=True)

    assert _as_dict(result) == expected
    # The random registry exercised what the rules are about.
    assert max(expected["held"]) > 10 and max(expected["not_placed"]) > 0
    assert expected["releases"][1] > 0 and sum(expected["releases"][0]) > 5
    assert sum(sum(v) for v in expected["levels"].values()) > 0 and expected["levels"]["under_review"][-1] > 0


def test_public_series_match_a_day_by_day_rebuild_over_published_people_and_public_entries(random_registry):
    result = registry_series(
        Case.objects.published(), internal_entries=False, read=for_public, start=START, today=TODAY
    )

    expected = _naive_series(Case.objects.published(), internal_entries=False)

    assert _as_dict(result) == expected
    assert _as_dict(result) != _naive_series(Case.objects.all(), internal_entries=True)


def test_series_of_many_cases_are_built_in_three_queries(random_registry, django_assert_num_queries):
    with django_assert_num_queries(3):  # the cases, the release entries, the assessments
        registry_series(Case.objects.all(), internal_entries=True, start=START, today=TODAY)


def test_series_of_one_case_are_built_in_three_queries(law, django_assert_num_queries):
    services.record_release(case=_held_case(), how=choices.ReleaseKind.PARDON, date=D(2021, 1, 5))

    with django_assert_num_queries(3):
        registry_series(Case.objects.all(), internal_entries=True, start=START, today=TODAY)


# Who counts -------------------------------------------------------------------------------------


def _held_case(*, publish=True):
    person = PersonFactory()
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2020, 3, 10))
    if publish:
        services.publish_person(person=person)
    return case


def test_unpublished_people_are_not_counted_in_the_public_series(law):
    _held_case()
    _held_case(publish=False)

    public = registry_series(Case.objects.published(), internal_entries=False, read=for_public, today=TODAY)
    staff = registry_series(Case.objects.all(), internal_entries=True, today=TODAY)

    assert public.held.held[-1] == 1 and staff.held.held[-1] == 2


def test_a_release_whose_entry_is_not_public_gives_the_public_neither_its_day_nor_its_way(law):
    case = _held_case()
    services.record_release(case=case, how=choices.ReleaseKind.PAROLE, date=D(2021, 2, 3), is_public=False)

    public = registry_series(Case.objects.published(), internal_entries=False, read=for_public, today=TODAY)
    staff = registry_series(Case.objects.all(), internal_entries=True, today=TODAY)

    february = at(D(2021, 2, 1))
    assert staff.releases.counts[february] == 1 and staff.releases_by_how["parole"].counts[february] == 1
    assert sum(public.releases.counts) == 0 and public.releases.not_placed == 1
    assert (
        sum(public.releases_by_how["parole"].counts) == 0 and public.releases_by_how["parole"].not_placed == 0
    )
    # Out of custody since a day the public may not know: unplaced after the detention, out today.
    assert public.held.held[at(D(2020, 6, 1))] == 0 and public.held.not_placed[at(D(2020, 6, 1))] == 1
    assert staff.held.held[at(D(2020, 6, 1))] == 1 and staff.held.held[february] == 0
    assert public.held.held[-1] == 0 and public.held.not_placed[-1] == 0
    assert CaseEvent.objects.filter(case=case, kind="released", is_public=False).exists()


def test_assessments_stored_again_at_the_same_level_change_no_point_of_the_levels_series(law):
    """The series reads only the assessments that change their case's level (a law edit stores
    every case's result again); the levels must be those of every assessment read."""
    zone = zoneinfo.ZoneInfo("Europe/Minsk")
    history = [  # (level, when): repeats at the same level, in a month, across months, same day
        ("watch", datetime.datetime(2020, 1, 5, 10, 0, tzinfo=zone)),
        ("watch", datetime.datetime(2020, 3, 5, 10, 0, tzinfo=zone)),
        ("none", datetime.datetime(2020, 5, 5, 10, 0, tzinfo=zone)),
        ("none", datetime.datetime(2020, 5, 20, 10, 0, tzinfo=zone)),
        ("critical", datetime.datetime(2020, 6, 1, 9, 0, tzinfo=zone)),
        ("critical", datetime.datetime(2020, 6, 1, 9, 0, tzinfo=zone)),  # same moment: the id decides
        ("watch", datetime.datetime(2020, 6, 1, 9, 0, tzinfo=zone)),
        ("watch", datetime.datetime(2021, 2, 1, 9, 0, tzinfo=zone)),
    ]
    cases = [_held_case(), _held_case()]
    for case in cases:
        for level, moment in history if case is cases[0] else history[::-1]:  # stored in another order
            stored = RiskAssessment.objects.create(
                case=case,
                level=level,
                rules_version="t",
                law_checksum="t",
                generation=1,
                assessed_on=moment.date(),
            )
            RiskAssessment.objects.filter(pk=stored.pk).update(created_at=moment)
    Case.objects.update(risk_stale=False)  # none under review today: only what was stored counts
    every_row = [
        series.Assessed(a.case_id, a.case.person_id, a.level, timezone.localtime(a.created_at).date())
        for a in RiskAssessment.objects.select_related("case").order_by("created_at", "id")
    ]

    result = registry_series(Case.objects.all(), internal_entries=True, start=START, today=TODAY)

    assert result.levels == series.people_by_level(every_row, POINTS, LEVEL_RANKING)
    # At the same moment the id decides: the first case ends June 2020 at watch, the second,
    # whose rows were stored in the other order, at critical.
    assert result.levels["watch"][-1] == 2 and max(result.levels["critical"]) == 1
