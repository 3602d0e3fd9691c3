"""The public calendar (issue 19, point 3) at a laptop and a phone window: a screenshot for a
person to look at (test-artifacts/screenshots/calendar-*.png), no sideways scrolling, nothing
blocked by the Content Security Policy, and no serious accessibility violation."""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.protection.permissions import VIEWER
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import CaseFactory, PersonFactory, UserFactory

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


def _log_in(page, live_server, user):
    """Give the browser a session that passed both steps of the login (tests/conftest.py)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_staff_calendar_and_address_pages_look_finished(live_server, calendar, new_page, screenshots):
    page = new_page(viewport=LAPTOP)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    _log_in(page, live_server, UserFactory(groups=[VIEWER]))

    page.goto(live_server.url + reverse("admin:cases_hearing_calendar"))
    page.screenshot(path=screenshots / "calendar-staff.png", full_page=True)
    calendar_violations = blocking_violations(page)
    page.goto(live_server.url + reverse("admin:cases_hearing_calendar_address"))
    page.get_by_role("button", name="Make my address").click()
    page.screenshot(path=screenshots / "calendar-staff-address.png", full_page=True)
    address = page.get_by_label("Your calendar address").input_value()

    assert page.url.endswith(reverse("admin:cases_hearing_calendar_address"))
    assert "/admin/cases/hearing/calendar/feed.ics?token=" in address
    assert not calendar_violations, json.dumps(calendar_violations, ensure_ascii=False, indent=2)
    assert blocked == []
