"""The monthly series of the registry, loaded for one reader in three set-based queries.

The public reads published people only, through the public database role where one is configured
(`read`), and sees a release's day and how only when the timeline entry that dates it is public:
the same rule as the release row of a public page (public.presenters.release_view). Staff read the
whole registry, internal entries included. The rules of counting are cases.statistics.series's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Lag, TruncDate
from django.utils import timezone

from cases import choices, partial_dates
from cases.models import CaseEvent, RiskAssessment, release_event_kinds
from cases.statistics import series

SERIES_START = datetime.date(2020, 1, 1)
UNDER_REVIEW = "under_review"
# A person's level over time is the highest of their cases', ranked as the public list ranks a
# person's row (public.presenters.LIST_RISK_RANK): "under review" above watch, below the risk of death.
LEVEL_RANKING = (
    choices.RiskLevel.NONE,
    choices.RiskLevel.WATCH,
    UNDER_REVIEW,
    choices.RiskLevel.ELEVATED,
    choices.RiskLevel.CRITICAL,
    choices.RiskLevel.SENTENCED_TO_DEATH,
)
# Statuses in which the person was never in custody as far as the registry knows.
NEVER_HELD = (choices.CaseStatus.SENTENCED_IN_ABSENTIA, choices.CaseStatus.WANTED)


@dataclass(frozen=True)
class RegistrySeries:
    points: list[datetime.date]
    held: series.HeldSeries
    recognitions: series.MonthlyCounts
    releases: series.MonthlyCounts
    releases_by_how: dict[str, series.MonthlyCounts]  # every ReleaseKind, in its order
    levels: dict[str, list[int]]  # every level of LEVEL_RANKING


def _shown(queryset: QuerySet) -> QuerySet:
    return queryset


def registry_series(
    cases: QuerySet,
    *,
    internal_entries: bool,
    read: Callable[[QuerySet], QuerySet] = _shown,
    start: datetime.date = SERIES_START,
    today: datetime.date | None = None,
) -> RegistrySeries:
    """The series over `cases` (the cases the reader may see, e.g. Case.objects.published()),
    each query read through `read` (for_public for the public). A release's day counts only from
    a public entry unless `internal_entries`; a release whose day is not shown says no more of how
    it happened than the case's status does."""
    today = today or timezone.localdate()
    points = series.month_points(start, today)
    case_rows = list(
        read(cases).values_list(
            "id",
            "person_id",
            "status",
            "detention_date",
            "detention_date_precision",
            "recognised_on",
            "recognised_on_precision",
            "recognised_by",
            "release__how",
            "risk_stale",
        )
    )
    out = {row[0]: row for row in case_rows if row[2] in choices.RELEASE_STATUSES}
    hows = {case_id: how_of(status, how) for case_id, _, status, *_rest, how, _stale in out.values()}
    left = _release_days(read, cases, hows, internal_entries=internal_entries)

    custody, recognitions, releases, stale = [], [], [], []
    for (
        case_id,
        person,
        status,
        detained,
        detained_precision,
        recognised,
        recognised_precision,
        *rest,
    ) in case_rows:
        recognised_by, _how, risk_stale = rest
        day_left = left.get(case_id)
        if status not in NEVER_HELD:
            custody.append(
                series.Custody(
                    person=person,
                    detained=partial_dates.period(detained, detained_precision),
                    held_now=status in choices.HELD_STATUSES,
                    left=day_left,
                )
            )
        if recognised is not None or recognised_by:
            recognitions.append(series.Dated(person, partial_dates.period(recognised, recognised_precision)))
        if case_id in out:
            # Without a shown day, how is only what the status already says (pardoned, expelled,
            # died in custody), as the public role, which cannot read such a release, would have it.
            how = hows[case_id] if day_left is not None else how_of(status, None)
            releases.append(series.Dated(person, day_left, how))
        if risk_stale:
            stale.append((case_id, person))

    # Only the assessments that change their case's level: a result stored again at the level it
    # had (a law edit rewrites every case's; 1,800,000 rows at 100,000 cases after a few, most of
    # the page's 8 s) changes no point of the series, whose later entry at a point wins. Each
    # case's rows in the order they were stored, case by case: the order the window sorts them in
    # (the series reads each case's rows apart; ordered by time alone, every row was sorted twice).
    stored = [F("created_at"), F("id")]
    before = Window(Lag("level"), partition_by=[F("case_id")], order_by=stored)
    assessed = (
        read(RiskAssessment.objects.filter(case__in=cases.values("pk")))
        .annotate(day=TruncDate("created_at"), before=before)
        .filter(Q(before__isnull=True) | ~Q(before=F("level")))
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "case__person_id", "level", "day")
    )
    return RegistrySeries(
        points=points,
        held=series.people_held(custody, points),
        recognitions=series.per_month(recognitions, points),
        releases=series.per_month(releases, points),
        releases_by_how=series.per_month_by_kind(releases, points, choices.ReleaseKind.values),
        levels=series.people_by_level(
            (series.Assessed(*row) for row in assessed),
            points,
            LEVEL_RANKING,
            under_review=stale,
            review_level=UNDER_REVIEW,
        ),
    )


def how_of(status: str, how: str | None) -> str:
    """How the person left custody: the release's, else what the status says, else not known."""
    return how or choices.HOW_BY_STATUS.get(status, choices.ReleaseKind.UNKNOWN)


def _release_days(read, cases: QuerySet, hows: dict[int, str], *, internal_entries: bool) -> dict:
    """{case id: the days the person may have left custody on} for the cases in `hows`, from the
    latest timeline entry that dates the release (Release.event; cases.risk.assessment.left_custody_of
    reads it the same way), public entries only unless `internal_entries`."""
    if not hows:
        return {}
    entries = CaseEvent.objects.filter(
        case__in=cases.filter(status__in=choices.RELEASE_STATUSES).values("pk"),
        kind__in=choices.CUSTODY_END_KINDS,
    )
    if not internal_entries:
        entries = entries.filter(is_public=True)
    latest: dict[int, tuple] = {}
    for case_id, kind, day, precision in (
        read(entries)
        .order_by("case_id", "date", "id")
        .values_list("case_id", "kind", "date", "date_precision")
    ):
        if case_id in hows and kind in release_event_kinds(hows[case_id]):
            latest[case_id] = (day, precision)
    return {case_id: partial_dates.period(*day) for case_id, day in latest.items()}
