"""The pages at a phone-sized and a desktop-sized window: full-page screenshots for a person to
look at (test-artifacts/screenshots/), and no sideways scrolling of the page at either size."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE

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
