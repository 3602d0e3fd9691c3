"""Dates known in part are shown as what is known, never as a made-up day (issue 16.3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.risk.assessment import assess_case
from public.presenters import format_partial_date
from tests.api.conftest import make_published_case
from tests.factories import article, in_language

D = datetime.date


def _page(client, case, language="en"):
    url = reverse("public:person-detail", kwargs={"slug": case.person.slug})
    return client.get(in_language(url, language)).content.decode()


@pytest.mark.parametrize(
    ("language", "value", "precision", "shown"),
    [
        ("en", D(2021, 1, 1), "year", "2021"),
        ("en", D(2021, 5, 1), "month", "May 2021"),
        ("ru", D(2021, 5, 1), "month", "май 2021"),
        ("be", D(2021, 5, 1), "month", "травень 2021"),
        ("en", None, "unknown", ""),
    ],
)
def test_partial_date_is_written_as_far_as_it_is_known(language, value, precision, shown):
    with translation.override(language):
        assert format_partial_date(value, precision) == shown


def test_detention_known_to_the_year_shows_the_year_and_a_release_range(client, law):
    case = make_published_case()
    services.update_case(
        case=case,
        detention_date=D(2021, 1, 1),
        detention_date_precision="year",
        status="convicted",
        verdict_date=D(2022, 6, 1),
        sentence_kind="deprivation_of_liberty",
        sentence_years=3,
    )

    html = _page(client, case)

    assert '<time datetime="2021">2021</time>' in html
    assert "January 1, 2021" not in html and "1 January 2021" not in html
    assert "between Dec. 31, 2023 and Dec. 30, 2024" in html
    assert "known only in part" in html


def test_event_known_to_the_month_shows_the_month_in_the_timeline(client, law):
    case = make_published_case()
    services.record_event(
        case=case, kind="released", date=D(2024, 5, 1), date_precision="month", is_public=True
    )

    html = _page(client, case)

    assert '<time datetime="2024-05">May 2024</time>' in html


def test_charge_known_to_the_year_bounds_the_act_by_the_detention_for_the_risk(law):
    """An attempt (289 part 3) with no offence date: a detention in 2021, before attempts became
    capital on 29 May 2022, rules the act out; a detention known only as "2022" does not."""
    early = make_published_case(charges=())
    services.update_case(case=early, detention_date=D(2021, 1, 1), detention_date_precision="year")
    services.add_charge(case=early, article=article("289.3"), stage="attempt")
    late = make_published_case(charges=())
    services.update_case(case=late, detention_date=D(2022, 1, 1), detention_date_precision="year")
    services.add_charge(case=late, article=article("289.3"), stage="attempt")

    assess_case(case_id=early.pk)
    assess_case(case_id=late.pk)
    early.refresh_from_db()
    late.refresh_from_db()

    assert early.risk_level == "watch"
    assert late.risk_level == "elevated"


def test_people_list_and_its_csv_show_a_detention_known_to_the_month_as_the_month(client, law):
    case = make_published_case()
    services.update_case(case=case, detention_date=D(2021, 5, 1), detention_date_precision="month")

    html = client.get(in_language(reverse("public:person-list"), "en")).content.decode()
    csv_text = client.get("/data/people.csv").getvalue().decode("utf-8-sig")

    assert '<time datetime="2021-05">May 2021</time>' in html
    assert ",2021-05," in csv_text and "2021-05-01" not in csv_text
