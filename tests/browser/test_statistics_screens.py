"""The statistics over time (issue 18, point 6) at a laptop and a phone window: screenshots for a
person to look at (test-artifacts/screenshots/statistics-over-time-*.png), no sideways scrolling,
every chart drawn inside its box and its table beside it (laptop) or under it (phone), and no
serious accessibility violation."""

import datetime
import json
import random
import zoneinfo

import pytest

from cases import choices, partial_dates, services
from cases.models import Case, RiskAssessment
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import PersonFactory, jurisdiction

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

D = datetime.date
LAPTOP = {"width": 1366, "height": 768}
MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
HOWS = [choices.ReleaseKind.PARDON, choices.ReleaseKind.SENTENCE_SERVED, choices.ReleaseKind.AMNESTY]
LEVELS = [
    choices.RiskLevel.NONE,
    choices.RiskLevel.WATCH,
    choices.RiskLevel.ELEVATED,
    choices.RiskLevel.CRITICAL,
]


@pytest.fixture
def history(law):
    """Sixty published people detained since 2020 (a few known only to the year), most recognised,
    half released in one of three ways, each case assessed a few times since 2023."""
    rng = random.Random(18)
    for _ in range(60):
        person = PersonFactory()
        detained = D(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1700))
        day, precision = partial_dates.normalised(detained, rng.choice(["day"] * 9 + ["year"]))
        recognised = detained + datetime.timedelta(days=rng.randint(20, 120))
        case = services.create_case(
            person=person,
            jurisdiction=jurisdiction(),
            detention_date=day,
            detention_date_precision=precision,
            status=rng.choice(["detained", "convicted"]),
            recognised_on=recognised if rng.random() < 0.8 else None,
        )
        if rng.random() < 0.5:
            released = detained + datetime.timedelta(days=rng.randint(200, 1400))
            if released < D(2026, 1, 1):
                services.record_release(case=case, how=rng.choice(HOWS), date=released)
        moments = sorted(
            datetime.datetime.combine(
                D(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 1000)), datetime.time(12), MINSK
            )
            for _ in range(rng.randint(1, 3))
        )
        for moment in moments:
            row = RiskAssessment.objects.create(
                case=case,
                level=rng.choice(LEVELS),
                rules_version="test",
                law_checksum="test",
                generation=1,
                assessed_on=moment.date(),
            )
            RiskAssessment.objects.filter(pk=row.pk).update(created_at=moment)
        Case.objects.filter(pk=case.pk).update(risk_stale=False)
        services.publish_person(person=person)


@pytest.mark.parametrize(("size", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_statistics_over_time_fit_the_window_with_their_tables(
    live_server, history, new_page, screenshots, size, viewport
):
    page = new_page(viewport=viewport)
    page.goto(live_server.url + "/statistics/")
    page.locator("#over-time").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"statistics-over-time-{size}.png", full_page=True)
    for slug in ("held-over-time", "releases", "releases-by-how", "risk-over-time"):
        section = page.locator(f"section:has(> #chart-{slug})")
        section.screenshot(path=screenshots / f"statistics-{slug}-{size}.png")

    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1
    held = page.locator("section:has(> #chart-held-over-time)")
    plot = held.locator("svg.series").bounding_box()
    table = held.locator(".series-table").bounding_box()
    if size == "laptop":
        assert table["x"] >= plot["x"] + plot["width"] - 1  # beside the chart
    else:
        assert table["y"] >= plot["y"] + plot["height"] - 1  # under the chart
        assert plot["width"] >= 330  # the chart takes the phone's width, its text readable
    assert held.locator("path.line").count() == 1 and held.locator("path.band").count() == 1
    assert page.locator("section:has(> #chart-releases) rect.column").count() > 0
    assert page.locator("section:has(> #chart-risk-over-time) figure.series-panel").count() >= 3


def test_statistics_over_time_have_no_serious_accessibility_violations(live_server, history, new_page):
    page = new_page(viewport=LAPTOP)
    page.goto(live_server.url + "/statistics/")

    found = blocking_violations(page)

    assert not found, json.dumps(found, ensure_ascii=False, indent=2)
