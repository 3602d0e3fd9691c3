"""The public calendar (issue 19, point 3) at a laptop and a phone window: a screenshot for a
person to look at (test-artifacts/screenshots/calendar-*.png), no sideways scrolling, nothing
blocked by the Content Security Policy, and no serious accessibility violation."""

import datetime
import json

import pytest
from django.utils import timezone

from cases import choices, services
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import CaseFactory, PersonFactory

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
COURTS = ["Minsk City Court", "Homel Regional Court", "Supreme Court of the Republic of Belarus"]


@pytest.fixture
def calendar(law):
    """Five published people: hearings in the coming weeks (one by day only, one postponed) and
    birthdays."""
    today = timezone.localdate()
    for n in range(5):
        day = today + datetime.timedelta(days=2 + n * 4)
        born = datetime.date(1985 + n, day.month, min(day.day, 28))
        case = CaseFactory(person=PersonFactory(birth_date=born))
        hearing = services.schedule_hearing(
            case=case,
            court=COURTS[n % 3],
            day=day,
            time=None if n == 2 else datetime.time(10 + n, 30),
            room="" if n == 2 else str(100 + n),
            openness=[choices.HearingOpenness.OPEN, choices.HearingOpenness.CLOSED][n % 2],
            note="Supporters may come; arrive early for the queue." if n % 2 == 0 else "",
            is_public=True,
        )
        if n == 3:
            services.cancel_hearing(hearing=hearing, postponed=True)
        services.publish_person(person=case.person)


@pytest.mark.parametrize(("size", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_calendar_fits_the_window_without_blocked_styles(
    live_server, calendar, new_page, screenshots, size, viewport
):
    page = new_page(viewport=viewport)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server.url + "/calendar/")
    page.screenshot(path=screenshots / f"calendar-{size}.png", full_page=True)

    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1
    assert page.locator(".calendar-day").count() >= 5
    assert page.locator(".calendar-hearing").count() == 5
    assert page.locator(".calendar-called-off").count() == 1
    assert blocked == []


def test_calendar_has_no_serious_accessibility_violations(live_server, calendar, new_page):
    page = new_page(viewport=LAPTOP)
    page.goto(live_server.url + "/calendar/")

    found = blocking_violations(page)

    assert not found, json.dumps(found, ensure_ascii=False, indent=2)
