"""Health and particular risk (issue 19, point 4): each condition or report of ill-treatment, and
the staff list of people held at particular risk."""

import datetime

from django import forms
from django.contrib import admin
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates, services
from cases.admin.display import language
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import (
    AuditConfidentialReadsMixin,
    MaskConfidentialSourcesMixin,
    PeopleListMixin,
    SavedThroughServicesMixin,
    with_any_name_matches,
)
from cases.exceptions import RefusedChange
from cases.models import ParticularRisk, PersonAtParticularRisk

PARTICULAR_RISK_PERMISSION = "cases.view_particularrisk"


class ParticularRiskForm(forms.ModelForm):
    class Meta:
        model = ParticularRisk
        fields = [
            "person",
            "kind",
            "date",
            "date_precision",
            "ended_on",
            "details",
            "sources",
            "is_public",
            "public_text",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            services.wellbeing.check_dates(
                cleaned.get("date"),
                cleaned.get("date_precision") or choices.DatePrecision.UNKNOWN,
                cleaned.get("ended_on"),
                today=timezone.localdate(),
            )
        except RefusedChange as refusal:
            self.add_error(None, refusal)
        if cleaned.get("is_public") and not cleaned.get("public_text"):
            self.add_error(
                "public_text",
                gettext("Say in a sentence what the public page may say (the details stay confidential)."),
            )
        return cleaned


@admin.register(ParticularRisk)
class ParticularRiskAdmin(
    SavedThroughServicesMixin, AuditConfidentialReadsMixin, MaskConfidentialSourcesMixin, HistoryAdmin
):
    form = ParticularRiskForm
    list_display = ["person", "kind", "date_display", "ended_on", "is_public"]
    list_filter = ["kind", "is_public", ("date", admin.DateFieldListFilter)]
    search_fields = ["person__names__text", "person__slug"]
    autocomplete_fields = ["person", "sources"]
    list_select_related = ["person"]
    fields = [
        "person",
        "kind",
        ("date", "date_precision"),
        "ended_on",
        "details",
        "sources",
        "is_public",
        "public_text",
        "public_id",
    ]
    readonly_fields = ["public_id"]

    def confidential_fields_shown(self, request, item):
        return ["details"] if item.details else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("person__names")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return with_any_name_matches(results, queryset, search_term, "person_id"), may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["person"] if obj is not None else [])]

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, item):
        return partial_dates.describe(item.date, item.date_precision, language())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {f: data[f] for f in services.wellbeing.PARTICULAR_RISK_FIELDS if f in data and f != "kind"}
        if change:
            changes = {f: v for f, v in fields.items() if f in form.changed_data}
            if "kind" in form.changed_data:
                changes["kind"] = data["kind"]
            sources = data["sources"] if "sources" in form.changed_data else None
            saved = services.correct_particular_risk(
                item=ParticularRisk.objects.get(pk=obj.pk), sources=sources, by=request.user, **changes
            )
        else:
            saved = services.record_particular_risk(
                person=data["person"],
                kind=data["kind"],
                sources=data.get("sources") or (),
                by=request.user,
                **fields,
            )
        obj.pk, obj._state.adding = saved.pk, False

    def remove(self, request, obj):
        services.remove_particular_risk(item=obj, by=request.user)


def _certainly_aged(years: int, today: datetime.date) -> Q:
    """Born so long ago that even the latest possible birthday is `years` back (partial dates are
    ranges; at a month's or year's edge this errs towards not counting)."""
    cutoff = (
        today.replace(year=today.year - years)
        if not (today.month == 2 and today.day == 29)
        else (today.replace(year=today.year - years, day=28))
    )
    P = choices.DatePrecision
    return (
        Q(birth_date_precision=P.DAY, birth_date__lte=cutoff)
        | Q(birth_date_precision=P.MONTH, birth_date__lt=cutoff.replace(day=1))
        | Q(birth_date_precision=P.YEAR, birth_date__lt=cutoff.replace(month=1, day=1))
    )


def _open_items(today):
    return ParticularRisk.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


@admin.register(PersonAtParticularRisk)
class PersonAtParticularRiskAdmin(PeopleListMixin, admin.ModelAdmin):
    """Everyone held with an open condition or report of ill-treatment, or aged 60 or more; the
    latest report of ill-treatment first, then the newest records."""

    view_permission = PARTICULAR_RISK_PERMISSION

    list_display = ["person_link", "age_display", "items_display", "publication_state"]
    list_filter = ["particular_risks__kind", "publication_state", "cases__jurisdiction"]
    search_fields = ["names__text", "slug"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        today = timezone.localdate()
        open_items = _open_items(today)
        has_item = Exists(open_items.filter(person=OuterRef("pk")))
        held = Exists(
            PersonAtParticularRisk.objects.filter(pk=OuterRef("pk"), cases__status__in=choices.HELD_STATUSES)
        )
        return (
            PersonAtParticularRisk.objects.current()
            .filter(held)
            .filter(has_item | _certainly_aged(choices.PARTICULAR_RISK_AGE, today))
            .annotate(
                latest_ill_treatment=Subquery(
                    open_items.filter(person=OuterRef("pk"), kind__in=choices.ILL_TREATMENT_KINDS)
                    .order_by(F("date").desc(nulls_last=True))
                    .values("date")[:1]
                )
            )
            .prefetch_related(
                "names",
                Prefetch(
                    "particular_risks", queryset=open_items.order_by("-date", "-pk"), to_attr="open_items"
                ),
            )
        )

    def get_ordering(self, request):
        return [F("latest_ill_treatment").desc(nulls_last=True), "-created_at", "pk"]

    @admin.display(description=_("age"))
    def age_display(self, person):
        bounds = partial_dates.period(person.birth_date, person.birth_date_precision)
        if bounds is None:
            return "—"
        today = timezone.localdate()

        def years(born):
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

        low, high = years(bounds[1]), years(bounds[0])
        return str(low) if low == high else f"{low}–{high}"

    @admin.display(description=_("what puts them at risk"))
    def items_display(self, person):
        items = [
            format_html(
                '<a href="{}">{}</a> ({}){}',
                reverse("admin:cases_particularrisk_change", args=[item.pk]),
                item.get_kind_display(),
                partial_dates.describe(item.date, item.date_precision, language()),
                " — " + gettext("public") if item.is_public else "",
            )
            for item in person.open_items
        ]
        return (
            format_html("{}", format_html(", ".join(["{}"] * len(items)), *items))
            if items
            else gettext("age")
        )
