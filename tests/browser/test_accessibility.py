"""axe-core, injected into the rendered pages, finds no serious or critical violation."""

import json

import pytest

from tests.browser.axe import blocking_violations

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "list": "/people/",
    "list with results of a search": "/people/?q=Aliaksandr&region=grodno",
    "person": "/people/{slug}/",
    "article": "/articles/by-289.3/",
    "facility": "/facilities/{facility_slug}/",
    "statistics": "/statistics/",
}


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_pages_have_no_serious_or_critical_accessibility_violations(
    live_server, registry, new_page, language
):
    page = new_page()
    prefix = "" if language == "en" else f"/{language}"
    found = {}
    for name, path in PAGES.items():
        response = page.goto(
            live_server.url + prefix + path.format(slug=registry.slug, facility_slug=registry.facility_slug)
        )
        assert response.ok, f"{name}: {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        violations = blocking_violations(page)
        if violations:
            found[name] = violations

    assert not found, f"axe-core violations ({language}):\n{json.dumps(found, ensure_ascii=False, indent=2)}"
