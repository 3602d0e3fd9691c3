"""One FilterSet per model, shared by the API and the public list pages.

Filters join through Exists subqueries rather than joins, so a person with many matching
charges appears once and no DISTINCT is needed. Filters on fields a caller may not see are
removed by the caller (`without_hidden`), so using them changes nothing.
"""

import datetime

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_filters.fields import IsoDateTimeField

from cases.choices import (
    CaseStatus,
    ChargeState,
    HearingKind,
    HearingOpenness,
    HearingState,
    PublicationState,
    RiskLevel,
)
from cases.identity.names import word_keys
from cases.models import Article, Case, Charge, ExternalIdentifier, Hearing, Person, PersonName

CURRENT_CHARGE_STATES = (ChargeState.ACTIVE, ChargeState.CONVICTED)


# A name search or a risk level usually finds a handful of people. Read first, their ids go into
# the list's query as values, and PostgreSQL plans for a handful; as a subquery it guessed a third
# of the table and joined every case and person to find 78 charges (the admin search, 0.4 s at
# 100,000 people), or walked the list's order testing every person's cases (the public list at
# risk, 57 ms).
FEW_PEOPLE = 2000


def few_or_all(person_ids):
    """The ids as a list when they are few, else the subquery itself."""
    few = list(person_ids.order_by().values_list("person_id", flat=True).distinct()[: FEW_PEOPLE + 1])
    return few if len(few) <= FEW_PEOPLE else person_ids


def _article_ids(value: str) -> list[int]:
    """'289' names every part of art. 289, '289.3' one part ('361-1' is a number, not a part).

    Looked up first, so the charge filter is a plain index lookup on (article, person) rather
    than a join whose size the planner must guess."""
    number, _, part = value.strip().partition(".")
    articles = Article.objects.filter(number=number)
    if part:
        articles = articles.filter(part=part)
    return list(articles.values_list("pk", flat=True))


def names_matching(query: str):
    """The names in which every word of the query begins a word, in any script; None for a query
    with no word."""
    keys = [k for k in word_keys(query) if k]
    if not keys:
        return None
    names = PersonName.objects.all()
    for key in keys:
        names = names.filter(Q(search_key__startswith=key) | Q(search_key__contains=" " + key))
    return names


def name_search_q(query: str, person_ref: str = "pk") -> Q | None:
    """Every word of the query must begin a word of one of the person's names, in any script."""
    names = names_matching(query)
    if names is None:
        return None
    return Q(Exists(names.filter(person_id=OuterRef(person_ref))))


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any offset Python accepts (up to ±23:59), converted to UTC when it is
    read: PostgreSQL refuses offsets beyond ±15:59. A time that has no UTC equivalent (year 9999
    at a negative offset, year 1 at a positive one) is refused here, as a bad value, rather than
    overflow in the query."""

    default_error_messages = {
        "invalid": "Enter a date and time in ISO 8601, such as 2024-05-01T12:00:00Z "
        "(offsets from -23:59 to +23:59).",
        "out_of_range": "This time is out of range: in UTC it must fall within the years 1 to 9999.",
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class UTCIsoDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 time, compared in UTC (UTCIsoDateTimeField)."""

    field_class = UTCIsoDateTimeField


class ExternalIdField(forms.CharField):
    """An id in another list, written "<scheme>:<value>" and split at the first colon (a URL
    holds colons of its own), read as the pair (scheme, value)."""

    default_error_messages = {
        "invalid": "Write <scheme>:<value>, e.g. prisoners-list:1234 or url:https://example.org/p/1234.",
    }

    def __init__(self, **kwargs):
        super().__init__(**{"strip": False, **kwargs})  # exact: " 1234" is not "1234"

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        scheme, colon, rest = value.partition(":")
        if not (colon and scheme and rest):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return scheme, rest


class ExternalIdFilter(filters.CharFilter):
    field_class = ExternalIdField


class PersonFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Name in any script or spelling")
    jurisdiction = filters.CharFilter(method="filter_jurisdiction", label="Jurisdiction code, e.g. BY")
    article = filters.CharFilter(
        method="filter_article", label="Article, e.g. 342 or 289.3 (current charges)"
    )
    region = filters.CharFilter(field_name="region__code", label="Region code, e.g. grodno")
    status = filters.ChoiceFilter(choices=CaseStatus.choices, method="filter_status")
    risk_level = filters.ChoiceFilter(choices=RiskLevel.choices, method="filter_risk_level")
    publication_state = filters.ChoiceFilter(choices=PublicationState.choices)
    detained_after = filters.DateFilter(method="filter_detained_after", label="Detained on or after")
    detained_before = filters.DateFilter(method="filter_detained_before", label="Detained on or before")
    updated_since = UTCIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    external_id = ExternalIdFilter(
        method="filter_external_id",
        label="An id another list gives the person, as <scheme>:<value> (exact), e.g. url:https://...",
    )
    ordering = filters.OrderingFilter(
        fields=(("updated_at", "updated"), ("created_at", "created"), ("slug", "slug")),
    )

    class Meta:
        model = Person
        fields = []

    def _with_case(self, queryset, q: Q):
        return queryset.filter(Exists(Case.objects.filter(q, person_id=OuterRef("pk"))))

    def _with_few_cases(self, queryset, q: Q):
        """As _with_case, for a condition few cases meet (a risk level): their people read first."""
        people = few_or_all(Case.objects.filter(q).values("person_id"))
        if isinstance(people, list):
            return queryset.filter(pk__in=people)
        return self._with_case(queryset, q)

    def filter_q(self, queryset, name, value):
        q = name_search_q(value)
        return queryset.filter(q) if q is not None else queryset

    def filter_jurisdiction(self, queryset, name, value):
        return self._with_case(queryset, Q(jurisdiction__code=value.upper()))

    def filter_article(self, queryset, name, value):
        charges = Charge.objects.filter(
            article_id__in=_article_ids(value), person_id=OuterRef("pk"), state__in=CURRENT_CHARGE_STATES
        )
        return queryset.filter(Exists(charges))

    def filter_status(self, queryset, name, value):
        return self._with_case(queryset, Q(status=value))

    def filter_risk_level(self, queryset, name, value):
        return self._with_few_cases(queryset, Q(risk_level=value, risk_stale=False))

    def filter_detained_after(self, queryset, name, value):
        return self._with_case(queryset, Q(detention_date__gte=value))

    def filter_detained_before(self, queryset, name, value):
        return self._with_case(queryset, Q(detention_date__lte=value))

    def filter_external_id(self, queryset, name, value):
        scheme, identifier = value
        carried = ExternalIdentifier.objects.filter(person_id=OuterRef("pk"), scheme=scheme, value=identifier)
        return queryset.filter(Exists(carried))


class CaseFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Name of the person in any script or spelling")
    jurisdiction = filters.CharFilter(field_name="jurisdiction__code", lookup_expr="iexact")
    article = filters.CharFilter(
        method="filter_article", label="Article, e.g. 342 or 289.3 (current charges)"
    )
    region = filters.CharFilter(field_name="person__region__code")
    status = filters.ChoiceFilter(choices=CaseStatus.choices)
    risk_level = filters.ChoiceFilter(choices=RiskLevel.choices, method="filter_risk_level")
    publication_state = filters.ChoiceFilter(
        field_name="person__publication_state", choices=PublicationState.choices
    )
    detained_after = filters.DateFilter(field_name="detention_date", lookup_expr="gte")
    detained_before = filters.DateFilter(field_name="detention_date", lookup_expr="lte")
    updated_since = UTCIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = filters.OrderingFilter(
        fields=(("detention_date", "detained"), ("updated_at", "updated"), ("verdict_date", "verdict")),
    )

    class Meta:
        model = Case
        fields = []

    def filter_q(self, queryset, name, value):
        q = name_search_q(value, person_ref="person_id")
        return queryset.filter(q) if q is not None else queryset

    def filter_article(self, queryset, name, value):
        charges = Charge.objects.filter(
            article_id__in=_article_ids(value), case_id=OuterRef("pk"), state__in=CURRENT_CHARGE_STATES
        )
        return queryset.filter(Exists(charges))

    def filter_risk_level(self, queryset, name, value):
        return queryset.filter(risk_level=value, risk_stale=False)


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the registry's time zone (a hearing's day is a local day)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class HearingFilterSet(filters.FilterSet):
    """Court hearings by day (in the registry's time zone), kind, openness and state."""

    on_or_after = filters.DateFilter(method="filter_on_or_after", label="Only hearings on or after this day")
    on_or_before = filters.DateFilter(
        method="filter_on_or_before", label="Only hearings on or before this day"
    )
    kind = filters.ChoiceFilter(choices=HearingKind.choices)
    openness = filters.ChoiceFilter(choices=HearingOpenness.choices)
    state = filters.ChoiceFilter(choices=HearingState.choices)

    class Meta:
        model = Hearing
        fields = []

    def filter_on_or_after(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_day_start(value))

    def filter_on_or_before(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_day_start(value + datetime.timedelta(days=1)))


# Filters that only staff may use: for anyone else they are dropped before filtering.
STAFF_ONLY_FILTERS = {"publication_state"}
# Filters on fields only callers who see confidential fields receive: anyone else is refused,
# since dropping a lookup would answer with everyone, and obeying it would reveal the field.
CONFIDENTIAL_ONLY_FILTERS = {"external_id"}
