"""The pages at a phone-sized and a desktop-sized window: full-page screenshots for a person to
look at (test-artifacts/screenshots/), and no sideways scrolling of the page at either size."""

from urllib.parse import urlsplit

import pytest

from cases import choices, services
from cases.models import Case
from cases.services import NameSpec
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import jurisdiction

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "list": "/people/",
    "person": "/people/{slug}/",
    "statistics": "/statistics/",
}


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_pages_are_screenshotted_and_fit_the_window(
    live_server, registry, new_page, screenshots, size, viewport
):
    page = new_page(viewport=viewport)
    too_wide = {}
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path.format(slug=registry.slug))
        assert response.ok, f"{name}: {response.status}"
        # The page shows its own content, not an error page that happens to answer 200.
        assert page.locator("main h1").inner_text().strip()

        page.screenshot(path=screenshots / f"{name}-{size}.png", full_page=True)

        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width + 1:
            too_wide[name] = (scroll_width, inner_width)

    assert not too_wide, f"pages scroll sideways at {size} size (scrollWidth, innerWidth): {too_wide}"


LAPTOP = {"width": 1366, "height": 768}


def _published_at_level(latin: str, level: str, *, stale: bool = False) -> None:
    """A published person whose case is assessed at `level` (set directly: the layout is under test)."""
    person = services.create_person(
        names=[
            NameSpec(
                f"Бел {latin}", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, is_primary=True
            ),
            NameSpec(latin, choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
        ]
    )
    case = services.create_case(person=person, jurisdiction=jurisdiction(), status="detained")
    services.publish_person(person=person)
    Case.objects.filter(pk=case.pk).update(risk_level=level, risk_stale=stale)


def test_home_counter_leads_to_the_list_that_names_each_level_at_a_laptop_window(
    live_server, registry, new_page, screenshots
):
    _published_at_level("Elevatus Primus", "elevated")
    _published_at_level("Criticus Secundus", "critical")
    _published_at_level("Damnatus Tertius", "sentenced_to_death")
    _published_at_level("Revisus Quartus", "critical", stale=True)
    page = new_page(viewport=LAPTOP)

    page.goto(live_server.url + "/people/")
    page.screenshot(path=screenshots / "list-laptop.png", full_page=True)
    page.goto(live_server.url + "/")
    page.screenshot(path=screenshots / "home-laptop.png")
    page.locator('a[data-count="at-risk"]').click()
    page.wait_for_url("**/people/?risk_level=at_risk")
    page.screenshot(path=screenshots / "list-at-risk-laptop.png")

    table = page.locator("table.people")
    assert table.get_by_text("Critical risk", exact=True).first.is_visible()
    assert table.get_by_text("Sentenced to death", exact=True).is_visible()
    assert table.get_by_text("Elevated risk", exact=True).is_visible()
    assert table.get_by_text("Under review", exact=True).count() == 0  # not a risk established now
    assert page.locator("main p.result-count").inner_text().startswith("4 people found")
    risk_header = page.get_by_role("columnheader", name="Risk of the death penalty")
    box = risk_header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= LAPTOP["width"], "the level column is on screen"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= LAPTOP["width"] + 1

    # Russian has the longest labels: they must fit as well. The switcher keeps the list's filter.
    filtered = urlsplit(page.url)
    page.locator('nav.language-switcher a[hreflang="ru"]').click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/ru" + filtered.path and urlsplit(page.url).query == filtered.query
    page.screenshot(path=screenshots / "list-at-risk-laptop-ru.png")
    assert page.locator("table.people").get_by_text("Приговорён к смертной казни", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"] + 1
