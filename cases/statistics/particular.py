"""How many people held are at particular risk (issue 19, point 4), for the public statistics.

Counted over everyone held, published or not, and every item, public or confidential: a public
count that left out the confidential ones would understate the risk. A count is exact where every
person in it is published with that item public (it then says nothing the pages do not); otherwise
a count under SMALL_COUNT is shown as "fewer than 5", so that it cannot single out a person who
is not published. Age over 60 is read from the birth date: counted only where even the youngest
possible age is 60 (a partial birth date is a range of days).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from cases import choices, partial_dates
from cases.models import ParticularRisk, Person

SMALL_COUNT = 5
OVER_60 = "over_60"


@dataclass(frozen=True)
class RiskCount:
    kind: str
    count: int
    exact: bool  # False: a count under SMALL_COUNT is to be shown as "fewer than 5"

    @property
    def suppressed(self) -> bool:
        return not self.exact and self.count < SMALL_COUNT


def _held_people():
    return Person.objects.current().filter(cases__status__in=choices.HELD_STATUSES).distinct()


def _certainly_at_least(
    birth: datetime.date | None, precision: str, years: int, today: datetime.date
) -> bool:
    bounds = partial_dates.period(birth, precision)
    if bounds is None:
        return False
    latest_birth = bounds[1]
    try:
        birthday = latest_birth.replace(year=latest_birth.year + years)
    except ValueError:  # 29 February
        birthday = latest_birth.replace(year=latest_birth.year + years, day=28)
    return birthday <= today


def particular_risk_counts(today: datetime.date) -> list[RiskCount]:
    """People held at particular risk, by kind of item (open items only: a condition that ended,
    a confinement that ended, is not a current risk), then people held aged 60 or more."""
    held = _held_people()
    items = (
        ParticularRisk.objects.filter(person__in=held)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("kind", "person_id", "is_public", "person__publication_state")
    )
    people: dict[str, set] = {}
    shown: dict[str, set] = {}
    for kind, person_id, is_public, state in items:
        people.setdefault(kind, set()).add(person_id)
        if is_public and state == choices.PublicationState.PUBLISHED:
            shown.setdefault(kind, set()).add(person_id)
    counts = []
    for kind in choices.ParticularRiskKind.values:
        counted = people.get(kind, set())
        if counted:
            counts.append(RiskCount(kind, len(counted), exact=counted <= shown.get(kind, set())))
    old = [
        state
        for birth, precision, state in held.values_list(
            "birth_date", "birth_date_precision", "publication_state"
        )
        if _certainly_at_least(birth, precision, choices.PARTICULAR_RISK_AGE, today)
    ]
    if old:
        published = all(state == choices.PublicationState.PUBLISHED for state in old)
        counts.append(RiskCount(OVER_60, len(old), exact=published))
    return counts
