"""The public list's filters: the shared PersonFilterSet, plus the two groups the home page counts.

The home page counts "people held now" (a case in any of the held statuses) and "at risk of the
death penalty" (an assessed case at elevated, critical or sentenced to death); each counter links
to the list of exactly those people, so the list needs a value that names each group. The groups
extend the shared filters' own choices (`status=held`, `risk_level=at_risk`), with the same
any-case semantics as the single values.
"""

import django_filters as filters
from django.db.models import Q

from cases import choices
from cases.filtersets import PersonFilterSet
from public.presenters import DEATH_RISK_LEVELS

HELD = "held"
AT_RISK = "at_risk"


class PublicPersonFilterSet(PersonFilterSet):
    status = filters.ChoiceFilter(
        choices=[(HELD, "held now"), *choices.CaseStatus.choices], method="filter_status"
    )
    risk_level = filters.ChoiceFilter(
        choices=[(AT_RISK, "elevated or higher"), *choices.RiskLevel.choices],
        method="filter_risk_level",
    )

    def filter_status(self, queryset, name, value):
        if value == HELD:
            return self._with_case(queryset, Q(status__in=choices.HELD_STATUSES))
        return super().filter_status(queryset, name, value)

    def filter_risk_level(self, queryset, name, value):
        if value == AT_RISK:
            return self._with_few_cases(queryset, Q(risk_level__in=DEATH_RISK_LEVELS, risk_stale=False))
        return super().filter_risk_level(queryset, name, value)
