"""The public pages: read-only, published people only, public fields only.

Views load rows and hand them to `public.presenters`; what the public may see is decided by
`Person.objects.published()` and by the explicit lists of fields the templates show. Every read
goes through `for_public()`: with DATABASE_PUBLIC_URL set, as the database role that can read
only published rows and public columns (cases.protection.public_role).
"""

import datetime
import hashlib

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import choices, countries, partial_dates
from cases.filtersets import STAFF_ONLY_FILTERS
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    Claim,
    Facility,
    FacilityStay,
    Hearing,
    LetterCount,
    ParticularRisk,
    Person,
    PrisonerContact,
    Reclassification,
    Region,
    Release,
    ReleaseWave,
    RiskAssessment,
    Source,
    article_title,
)
from cases.protection.public_role import for_public
from cases.statistics.history import LEVEL_RANKING, UNDER_REVIEW, registry_series
from cases.statistics.particular import OVER_60, particular_risk_counts
from public import charts, downloads, languages, presenters
from public.cache import CountedPerVersion, cached
from public.filters import AT_RISK, HELD, PublicPersonFilterSet
from registry.page_cache import cached_page

PAGE_SIZE = 50
LATEST_CHANGES = 15
PUBLISHED = choices.PublicationState.PUBLISHED
# Filters the public list offers besides the search box; the rest of PersonFilterSet is the API's.
PUBLIC_FILTERS = ("q", "region", "article", "status", "risk_level", "detained_after", "detained_before")


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _today_start():
    """The start of today in the registry's time zone: a hearing of today is still to come."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


def not_found(request):
    """The one answer for a person, article or facility the public may not see or that does not
    exist: the same bytes whatever the reason, and nothing of the address echoed (the language
    switcher offers the home page in each language, not this address)."""
    home = languages.alternates("/")
    context = {"language_alternates": home, "default_language_path": "/"}
    return render(request, "public/not_found.html", context, status=404)


def latest_changes(limit: int):
    """Public events of published people that count as changes, newest first."""
    return for_public(
        CaseEvent.objects.filter(
            is_public=True,
            case__person__publication_state=PUBLISHED,
            kind__in=presenters.CHANGE_KINDS,
        )
        .select_related(
            "case__person",
            "charge__article",
            "charge__reclassified_by__from_charge__article",
            "charge__reclassified_by__to_charge__article",
        )
        .prefetch_related("case__person__names")
        .order_by("-date", "-id")
    )[:limit]


@cached_page("home")
def home(request):
    cases = for_public(Case.objects.published())
    held = cases.filter(status__in=choices.HELD_STATUSES).values("person").distinct().count()
    at_risk = (
        cases.filter(risk_stale=False, risk_level__in=presenters.DEATH_RISK_LEVELS)
        .values("person")
        .distinct()
        .count()
    )
    language = _language()
    changes = [presenters.change_entry(e, language) for e in latest_changes(LATEST_CHANGES)]
    list_url = reverse("public:person-list")
    return render(
        request,
        "public/home.html",
        {
            "held": held,
            "at_risk": at_risk,
            # Each counter leads to the list of the people it counts (public.filters).
            "held_url": f"{list_url}?status={HELD}",
            "at_risk_url": f"{list_url}?risk_level={AT_RISK}",
            "changes": changes,
        },
    )


def _public_filter_data(query: QueryDict) -> QueryDict:
    data = query.copy()
    for name in list(data):
        # Empty fields of a submitted form are dropped too, so that the CSV link repeats only
        # the filters in use.
        if name in STAFF_ONLY_FILTERS or name not in (*PUBLIC_FILTERS, "page") or not data.get(name):
            data.pop(name)
    return data


def _list_people():
    """Published people in the list's order, with what a row of the list or its CSV shows."""
    return for_public(
        Person.objects.published()
        .select_related("region")
        .prefetch_related(
            "names",
            Prefetch(
                "cases",
                queryset=Case.objects.order_by("-detention_date", "-id").prefetch_related(
                    Prefetch(
                        "charges",
                        queryset=Charge.objects.filter(state__in=presenters.CURRENT_CHARGE_STATES)
                        .select_related("article")
                        .order_by("charged_on", "id"),
                    ),
                    Prefetch(
                        "stays",
                        queryset=FacilityStay.objects.filter(end_date=None).select_related("facility"),
                    ),
                ),
            ),
        )
        .order_by("-published_at", "-id")
    )


@cached_page("person-list")
def person_list(request):
    data = _public_filter_data(request.GET)
    people = _list_people()
    filterset = PublicPersonFilterSet(data, queryset=people)
    valid = filterset.is_valid()
    results = filterset.qs if valid else people.none()
    filters_only = data.copy()
    filters_only.pop("page", None)
    # The count's key: the filters in a fixed order (an invalid form lists nobody).
    filters = "invalid" if not valid else repr(sorted(filters_only.lists()))
    key = hashlib.sha256(filters.encode()).hexdigest()  # any text a reader typed, as a safe cache key
    page = CountedPerVersion(results, PAGE_SIZE, key=f"public:{key}").get_page(request.GET.get("page"))
    language = _language()
    return render(
        request,
        "public/person_list.html",
        {
            "page": page,
            "rows": [presenters.person_row(person, language) for person in page.object_list],
            "form": filterset.form,
            "errors": not valid,
            "query": filters_only.urlencode(),
            "regions": [
                (region.code, region.name(language))
                for region in for_public(Region.objects.filter(jurisdiction__code="BY").order_by("name_en"))
            ],
            # The groups the home page counts come first; the values they group follow them.
            "statuses": [(HELD, _("held now")), *choices.CaseStatus.choices],
            "risk_levels": [
                (AT_RISK, _("elevated or higher")),
                *((v, lbl) for v, lbl in choices.RiskLevel.choices if v != choices.RiskLevel.NONE),
            ],
            "values": {name: filters_only.get(name, "") for name in PUBLIC_FILTERS},
        },
    )


@require_safe
def person_list_csv(request):
    """The list with the same filters, every page of it, as a CSV file (public.downloads)."""
    data = _public_filter_data(request.GET)
    data.pop("page", None)
    filterset = PublicPersonFilterSet(data, queryset=_list_people())
    if not filterset.is_valid():
        # Never the whole registry in place of a list the reader asked to narrow.
        return HttpResponseBadRequest(
            _("Some filters are not valid; please correct them."), content_type="text/plain; charset=utf-8"
        )
    return downloads.person_list_csv(
        filterset.qs,
        language=_language(),
        page_url=lambda slug: request.build_absolute_uri(reverse("public:person-detail", args=[slug])),
    )


def _kept_for_merged(slug):
    """The published person a once-published record was merged into, following later merges.

    Read through "default": the public role cannot see merged records, by design. Only the
    slug, the merge link and the state are read."""
    person = Person.objects.filter(slug=slug, published_at__isnull=False, merged_into__isnull=False).first()
    for _hop in range(10):  # merges form a chain, never a cycle; the bound is only a guard
        if person is None or person.merged_into_id is None:
            break
        person = Person.objects.filter(pk=person.merged_into_id).first()
    if person is None or person.publication_state != choices.PublicationState.PUBLISHED:
        return None
    return person


# "Favouring those with the fewest letters recorded in the last months" (issue 19, point 2).
LETTER_WINDOW_DAYS = 92
LETTER_PAGE_SIZE = 20


def write_letters(request):
    """Whom to write to: published people held whose page allows it and whose facility has a
    postal address, those with the fewest letters recorded by partners in the last three months
    first, each with the name as the envelope needs it, the birth year and the address."""
    language = _language()
    since = timezone.localdate() - datetime.timedelta(days=LETTER_WINDOW_DAYS)
    recent = (
        LetterCount.objects.filter(person=OuterRef("pk"), period_end__gte=since)
        .order_by()
        .values("person")
        .annotate(total=Sum("letters_sent"))
        .values("total")
    )
    held_stays = FacilityStay.objects.filter(
        case__status__in=choices.HELD_STATUSES, end_date__isnull=True
    ).select_related("facility")
    addressed = Exists(
        FacilityStay.objects.filter(
            case__person=OuterRef("pk"), case__status__in=choices.HELD_STATUSES, end_date__isnull=True
        ).exclude(facility__postal_address="")
    )
    people = for_public(
        Person.objects.published()
        .filter(addressed, letters_welcome=True)
        .annotate(recent_letters=Coalesce(Subquery(recent), 0))
        .prefetch_related("names", Prefetch("cases__stays", queryset=held_stays, to_attr="open_stays"))
        .order_by("recent_letters", "published_at", "pk")
    )
    page = Paginator(people, LETTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/write_letters.html",
        {"page": page, "rows": [presenters.letter_row(person, language) for person in page.object_list]},
    )


def _silence_notice(person, cases):
    """ "No news since …" where staff published the person's silence and they are held (the row
    policy lets the public role read the days of such a person's contacts, nothing else)."""
    if not person.silence_public or not any(c.status in choices.HELD_STATUSES for c in cases):
        return None
    last = for_public(PrisonerContact.objects.filter(person=person)).aggregate(
        earliest=Max("date"), latest=Max("latest_day")
    )
    return presenters.silence_notice(last["earliest"], last["latest"], timezone.localdate())


@cached_page("person")
def person_detail(request, slug):
    person = for_public(
        Person.objects.published()
        .select_related("region__jurisdiction")
        .prefetch_related("names__also_given_by")
        .filter(slug=slug)
    ).first()
    if person is None:
        kept = _kept_for_merged(slug)
        if kept is not None:
            return redirect("public:person-detail", slug=kept.slug, permanent=True)
        return not_found(request)
    language = _language()
    cases = list(
        for_public(
            person.cases.select_related("jurisdiction", "release__wave")
            .prefetch_related(
                Prefetch(
                    "charges", queryset=Charge.objects.select_related("article").order_by("charged_on", "id")
                ),
                Prefetch(
                    "events",
                    queryset=CaseEvent.objects.filter(is_public=True).select_related("charge__article"),
                    to_attr="public_events",
                ),
                Prefetch(
                    "stays", queryset=FacilityStay.objects.select_related("facility", "facility__region")
                ),
                Prefetch(
                    "assessments",
                    queryset=RiskAssessment.objects.order_by("-created_at", "-id")[:1],
                    to_attr="latest_assessments",
                ),
                # Hearings to come that staff made public (issue 19, point 3); never the internal note.
                Prefetch(
                    "hearings",
                    queryset=Hearing.objects.filter(is_public=True, starts_at__gte=_today_start())
                    .defer("internal_note")
                    .order_by("starts_at", "id"),
                    to_attr="upcoming_hearings",
                ),
            )
            .order_by("-detention_date", "-id")
        )
    )
    reclassifications = list(
        for_public(
            Reclassification.objects.filter(to_charge__case__in=cases)
            .select_related("from_charge__article", "to_charge__article")
            .order_by("date", "id")
        )
    )
    # Which source supports which fact: the claims a page may show (none superseded), their sources
    # joined (through the public role, a confidential source's row reads as no row: its id stays).
    claims = list(for_public(Claim.objects.shown().filter(person=person)))
    case_views = []
    source_ids = set()
    for case in cases:
        case_reclassifications = [r for r in reclassifications if r.to_charge.case_id == case.pk]
        charges = list(case.charges.all())
        source_ids |= {c.source_id for c in charges if c.source_id}
        source_ids |= {r.source_id for r in case_reclassifications if r.source_id}
        stay = case.current_stay
        assessment = case.latest_assessments[0] if case.latest_assessments else None
        case_views.append(
            {
                "case": case,
                "timeline": presenters.timeline(case.public_events, case_reclassifications),
                "all_charges": charges,  # the lines are made once the footnotes are numbered
                "sentence": presenters.sentence_text(case),
                "stay": stay,
                "facility_name": stay.facility.name(language) if stay else "",
                "risk": presenters.risk_notice(case, assessment),
                "release": presenters.release_view(case),
            }
        )
    source_ids |= {c.source_id for c in claims if c.source is not None and not c.source.confidential}
    name_source_ids = presenters.name_source_ids(person)
    source_ids |= name_source_ids  # a confidential one is not among the sources the page lists
    sources = list(
        for_public(
            Source.objects.filter(confidential=False)
            .filter(
                Q(pk__in=source_ids)
                | Q(
                    Exists(
                        CaseEvent.sources.through.objects.filter(
                            source_id=OuterRef("pk"),
                            caseevent__is_public=True,
                            caseevent__case__person=person,
                        )
                    )
                )
            )
            .order_by("-published_on", "title")
        )
    )
    numbers = {source.pk: number for number, source in enumerate(sources, start=1)}
    # A source the page does not list (confidential) is "a confidential source", one entry.
    confidential = (
        any(c.source_id and (c.source is None or c.source.confidential) for c in claims)
        or any(
            charge.source_id not in numbers
            for view in case_views
            for charge in view["all_charges"]
            if charge.source_id and charge.state in presenters.CURRENT_CHARGE_STATES
        )
        or bool(name_source_ids - numbers.keys())
    )
    confidential_number = len(numbers) + 1 if confidential else None
    shown = presenters.shown_values(person, cases, claims)
    by_fact = presenters.fact_sources(claims, shown, numbers, confidential_number, language)
    for view in case_views:
        view["facts"] = {name: refs for (key, name), refs in by_fact.items() if key == view["case"].pk}
        view["timeline"] = presenters.with_release_sources(view["timeline"], view["case"], view["facts"])
        view["timeline"] = presenters.with_stay_sources(view["timeline"], view["case"], by_fact)
        if view["stay"] is not None:
            view["stay_since"] = by_fact.get((("stay", view["stay"].pk), "start_date"))
        view["charges"] = presenters.current_charges(
            view.pop("all_charges"),
            view["case"].jurisdiction.code,
            language,
            sources=lambda charge: presenters.charge_sources(charge, by_fact, numbers, confidential_number),
            dates=lambda charge: presenters.charge_dates(charge, by_fact),
        )
    name = presenters.display_name(person, language)
    return render(
        request,
        "public/person_detail.html",
        {
            "person": person,
            "occupation": presenters.shown_text(person, "occupation", language),
            "biography": presenters.shown_text(person, "biography", language),
            "silence": _silence_notice(person, cases),
            "particular_risks": list(
                for_public(
                    ParticularRisk.objects.filter(person=person, is_public=True).order_by("date", "pk")
                )
            ),
            "name": name,
            "other_names": presenters.other_names(person, name, numbers, confidential_number),
            "name_sources": presenters.name_sources(person, name, numbers, confidential_number),
            "letter_name": presenters.display_name(person, "ru"),
            "age": presenters.age_on(person.birth_date, person.birth_date_precision, timezone.localdate()),
            "region": presenters.region_name(person.region, language),
            "cases": case_views,
            "sources": sources,
            "person_facts": {name: refs for (key, name), refs in by_fact.items() if key is None},
            "confidential_number": confidential_number,
        },
    )


def _people_rows(people, language):
    return [
        {"slug": p.slug, "name": presenters.display_name(p, language)}
        for p in people.prefetch_related("names").order_by("slug")
    ]


def article_detail(request, ref):
    parsed = presenters.parse_article_ref(ref)
    if parsed is None:
        return not_found(request)
    code, number, part = parsed
    article = for_public(
        Article.objects.select_related("jurisdiction").filter(
            jurisdiction__code=code, number=number, part=part
        )
    ).first()
    if article is None:
        return not_found(request)
    language = _language()

    def build():
        charged = for_public(Person.objects.published()).filter(
            Exists(
                Charge.objects.filter(
                    case__person_id=OuterRef("pk"),
                    article=article,
                    state__in=presenters.CURRENT_CHARGE_STATES,
                )
            )
        )
        reclassified_into = for_public(
            Reclassification.objects.filter(
                to_charge__article=article, to_charge__case__person__publication_state=PUBLISHED
            )
        ).count()
        return {
            "people": _people_rows(charged, language),
            "reclassified_into": reclassified_into,
        }

    data = cached("article", article.pk, build=build)
    return render(
        request,
        "public/article_detail.html",
        {
            "article": article,
            "notation": presenters.article_notation(article),
            "title": article_title(article, language),
            **data,
        },
    )


def facility_detail(request, slug):
    facility = for_public(Facility.objects.select_related("region").filter(slug=slug)).first()
    if facility is None:
        return not_found(request)
    language = _language()

    def build():
        held = for_public(Person.objects.published()).filter(
            Exists(
                FacilityStay.objects.filter(case__person_id=OuterRef("pk"), facility=facility, end_date=None)
            )
        )
        return {"people": _people_rows(held, language)}

    data = cached("facility", facility.pk, build=build)
    return render(
        request,
        "public/facility_detail.html",
        {"facility": facility, "name": facility.name(language), **data},
    )


def _released_in(waves):
    """Published people whose release in one of `waves` is public (its timeline entry is)."""
    public_release = Release.objects.shown_publicly().filter(case__person_id=OuterRef("pk"), wave__in=waves)
    return for_public(Person.objects.published()).filter(Exists(public_release))


def wave_detail(request, public_id):
    """A release wave (issue 18): its day, the deal as reported, and its published people."""
    wave = for_public(ReleaseWave.objects.filter(public_id=public_id, is_public=True)).first()
    if wave is None:
        return not_found(request)
    language = _language()
    data = cached(
        "wave",
        wave.pk,
        build=lambda: {
            "people": _people_rows(_released_in([wave.pk]), language),
            "sources": list(
                for_public(wave.sources.filter(confidential=False).order_by("-published_on", "title"))
            ),
        },
    )
    return render(
        request,
        "public/wave_detail.html",
        {"wave": wave, "destination": countries.country_name(wave.destination_country, language), **data},
    )


def statistics(request):
    language = _language()
    today = timezone.localdate()
    return render(
        request,
        "public/statistics.html",
        {
            "charts": cached("statistics", build=lambda: _charts(language)),
            # Today is part of the key: the current month is counted to today.
            "over_time": cached("statistics-series", today, build=lambda: _series_charts(language, today)),
            "waves": cached("statistics-waves", build=_wave_rows),
            "particular_risks": cached("statistics-particular", today, build=lambda: _particular_rows(today)),
        },
    )


def _particular_rows(today) -> list[dict]:
    """People held at particular risk (cases.statistics.particular): counted over everyone held,
    small counts that could single out someone unpublished shown as "fewer than 5"."""
    labels = {**dict(choices.ParticularRiskKind.choices), OVER_60: _("aged 60 or more")}
    return [
        {"label": labels[row.kind], "count": row.count, "suppressed": row.suppressed, "kind": row.kind}
        for row in particular_risk_counts(today)
    ]


def _series_charts(language: str, today) -> list[charts.TimeChart]:
    """The statistics over time (issue 18, point 6) of the published registry, as the public may
    see them: a release's day only from its public entry (cases.statistics.history)."""
    published = Case.objects.filter(person__in=Person.objects.published())  # merged records left out too
    data = registry_series(published, internal_entries=False, read=for_public, today=today)
    months = [partial_dates.describe(point, choices.DatePrecision.MONTH, language) for point in data.points]
    points = data.points
    level_names = {**dict(choices.RiskLevel.choices), UNDER_REVIEW: _("under review")}
    how_names = dict(choices.ReleaseKind.choices)
    hows = [how for how, counts in data.releases_by_how.items() if any(counts.counts)]
    levels = [level for level in reversed(LEVEL_RANKING) if any(data.levels[level])]
    held = data.held
    to_date = _("The current month is counted to today.")
    return [
        charts.TimeChart(
            slug="held-over-time",
            title=_("People held, month by month"),
            description=_(
                "People in custody at the end of each month since 2020, counted once however many "
                "cases they have. The shaded band above the line holds the people who may also have "
                "been in custody then but whose dates are known too roughly to say."
            ),
            notes=[to_date, _not_placed_note(max(held.not_placed, default=0))],
            panels=[
                charts.line_panel(
                    points, held.held, maybe=held.not_placed, summary=_summary(months, held.held)
                )
            ],
            table=charts.series_table(
                months,
                [_("People held"), _("May have been held, dates too rough to say")],
                [held.held, held.not_placed],
            ),
        ),
        charts.TimeChart(
            slug="recognitions",
            title=_("Recognitions as political prisoners, by month"),
            description=_("People recognised as political prisoners in each month."),
            notes=[to_date, _month_not_known_note(data.recognitions.not_placed)],
            panels=[
                charts.column_panel(
                    points, data.recognitions.counts, summary=_summary(months, data.recognitions.counts)
                )
            ],
            table=charts.series_table(months, [_("People recognised")], [data.recognitions.counts]),
        ),
        charts.TimeChart(
            slug="releases",
            title=_("Releases from custody, by month"),
            description=_(
                "People who left custody in each month, whatever the way: served their sentence, "
                "pardoned, expelled, or died in custody."
            ),
            notes=[to_date, _month_not_known_note(data.releases.not_placed)],
            panels=[
                charts.column_panel(
                    points, data.releases.counts, summary=_summary(months, data.releases.counts)
                )
            ],
            table=charts.series_table(months, [_("People released")], [data.releases.counts]),
        ),
        charts.TimeChart(
            slug="releases-by-how",
            title=_("Releases by how they happened"),
            description=_("The releases of each month by the way out of custody; each way on its own scale."),
            notes=[_("Only the releases placed in a month; the chart above counts the others apart.")],
            panels=[
                charts.column_panel(
                    points,
                    data.releases_by_how[how].counts,
                    label=str(how_names[how]),
                    height=charts.SMALL_PANEL_HEIGHT,
                    summary=_summary(months, data.releases_by_how[how].counts),
                )
                for how in hows
            ],
            table=charts.series_table(
                months,
                [str(how_names[how]) for how in hows],
                [data.releases_by_how[how].counts for how in hows],
            ),
        ),
        charts.TimeChart(
            slug="risk-over-time",
            title=_("People at each risk level, month by month"),
            description=_(
                "The level of risk of the death penalty the registry's assessments gave each person "
                "at the end of each month (the highest of their cases); each level on its own scale. "
                "The registry keeps every assessment since it began assessing cases."
            ),
            notes=[to_date],
            panels=[
                charts.line_panel(
                    points,
                    data.levels[level],
                    label=str(level_names[level]),
                    height=charts.SMALL_PANEL_HEIGHT,
                    summary=_summary(months, data.levels[level]),
                )
                for level in levels
            ],
            table=charts.series_table(
                months,
                [str(level_names[level]) for level in levels],
                [data.levels[level] for level in levels],
            ),
        ),
    ]


def _summary(months: list[str], counts: list[int]) -> str:
    """The plot in words for a screen reader: the latest month and the highest, as shown."""
    if not counts:
        return ""
    peak = max(range(len(counts)), key=lambda i: (counts[i], i))
    return _("%(month)s: %(count)s; highest %(peak)s in %(peak_month)s.") % {
        "month": months[-1],
        "count": presenters.shown_count(counts[-1]),
        "peak": presenters.shown_count(counts[peak]),
        "peak_month": months[peak],
    }


def _not_placed_note(most: int) -> str:
    if not most:
        return _("Every person could be placed in every month.")
    return _("People who could not be placed, in the month with the most: %(count)s.") % {
        "count": presenters.shown_count(most)
    }


def _month_not_known_note(count: int) -> str:
    if not count:
        return _("Every date is known to the month.")
    return _("People counted in no month, their date known only to the year or not at all: %(count)s.") % {
        "count": presenters.shown_count(count)
    }


def _wave_rows() -> list[dict]:
    """The public release waves, newest first, each with how many published people it released
    (a plain count: the wave's page names them all)."""
    waves = for_public(ReleaseWave.objects.filter(is_public=True).order_by("-date", "-id"))
    return [{"wave": wave, "people": _released_in([wave.pk]).count()} for wave in waves]


def _charts(language: str) -> list[charts.Chart]:
    cases = for_public(Case.objects.published())
    held = cases.filter(status__in=choices.HELD_STATUSES)
    by_year = (
        cases.filter(detention_date__isnull=False)
        .annotate(year=ExtractYear("detention_date"))
        .values_list("year")
        .annotate(n=Count("person", distinct=True))
        .order_by("year")
    )
    by_article = (
        for_public(Charge.objects.filter(case__in=held, state__in=presenters.CURRENT_CHARGE_STATES))
        .values_list("article__number")
        .annotate(n=Count("case__person", distinct=True))
        .order_by("-n", "article__number")[:20]
    )
    by_region = (
        held.values_list("person__region__name_en", "person__region__name_be", "person__region__name_ru")
        .annotate(n=Count("person", distinct=True))
        .order_by("-n", "person__region__name_en")
    )
    by_month = (
        for_public(Reclassification.objects.filter(to_charge__case__person__publication_state=PUBLISHED))
        .annotate(month=TruncMonth("date"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    levels = dict(cases.filter(risk_stale=False).values_list("risk_level").annotate(n=Count("id")).order_by())
    under_review = cases.filter(risk_stale=True).count()
    level_rows = [(label, levels.get(value, 0)) for value, label in choices.RiskLevel.choices]
    level_rows.append((_("under review"), under_review))
    return [
        charts.bar_chart(
            slug="by-year",
            title=_("People detained, by year of detention"),
            description=_("How many people now in the registry were detained in each year."),
            label_heading=_("Year"),
            rows=[(str(year), n) for year, n in by_year],
        ),
        charts.bar_chart(
            slug="by-article",
            title=_("People held now, by article"),
            description=_(
                "Current charges and convictions of people held now; "
                "one person can count under several articles."
            ),
            label_heading=_("Article"),
            rows=[(_("art. %(number)s") % {"number": number}, n) for number, n in by_article],
        ),
        charts.bar_chart(
            slug="by-region",
            title=_("People held now, by region"),
            description=_("The region each person is from."),
            label_heading=_("Region"),
            rows=[
                ({"be": be, "ru": ru}.get(language) or en or _("unknown"), n) for en, be, ru, n in by_region
            ],
        ),
        charts.bar_chart(
            slug="reclassifications",
            title=_("Reclassifications of charges, by month"),
            description=_("How many charges were replaced by a charge under another article each month."),
            label_heading=_("Month"),
            rows=[(month.strftime("%Y-%m"), n) for month, n in by_month],
        ),
        charts.bar_chart(
            slug="risk",
            title=_("Cases by risk of the death penalty"),
            description=_("The current assessment of each case; a case changed recently is under review."),
            label_heading=_("Risk level"),
            rows=[(str(label), n) for label, n in level_rows],
        ),
    ]
