"""axe-core finds no serious or critical violation on the staff journeys' pages and the API docs.

The staff journeys: log in (password, then the authenticator's code), find a person, open them and
their case, reclassify, correct or end a charge, triage an alert, import a spreadsheet. A
Publisher walks them: the role that may do all of it. Each page is screenshotted for a look at
its layout (test-artifacts/screenshots/a11y-*.png).
"""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cases.choices import ChargeState
from cases.models import Charge, Person, RiskAlert
from cases.protection.permissions import PUBLISHER
from tests.browser.axe import blocking_violations
from tests.browser.conftest import ALIAKSANDR
from tests.factories import UserFactory

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _log_in(page, live_server, user):
    """Give the browser a session that passed both steps of the login (tests/conftest.py)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _check(page, name, screenshots, found, *, full_page=True):
    page.screenshot(path=screenshots / f"a11y-{name.replace(' ', '-')}.png", full_page=full_page)
    violations = blocking_violations(page)
    if violations:
        found[name] = violations


def _staff_pages(registry) -> dict[str, str]:
    person = Person.objects.get(slug=registry.slug)
    case = person.cases.get()
    charge = Charge.objects.get(case=case, state=ChargeState.ACTIVE)
    alert = RiskAlert.objects.filter(case=case, state=RiskAlert.State.OPEN).latest("created_at")
    return {
        "index": reverse("admin:index"),
        "people list": reverse("admin:cases_person_changelist") + "?q=Aliaksandr",
        "person": reverse("admin:cases_person_change", args=[person.pk]),
        "case": reverse("admin:cases_case_change", args=[case.pk]),
        "reclassify a charge": reverse("admin:cases_charge_reclassify", args=[charge.pk]),
        "correct a charge": reverse("admin:cases_charge_correct", args=[charge.pk]),
        "a charge's own page": reverse("admin:cases_charge_change", args=[charge.pk]),
        "end a charge": reverse("admin:cases_charge_end", args=[charge.pk]),
        "alert triage": reverse("admin:cases_riskalert_changelist"),
        "alert": reverse("admin:cases_riskalert_change", args=[alert.pk]),
        "import": reverse("admin:cases_importrun_import"),
    }


def test_staff_login_pages_have_no_serious_or_critical_accessibility_violations(
    live_server, law, page, screenshots
):
    user = UserFactory(groups=[PUBLISHER])
    user.totpdevice_set.create(name="default", confirmed=True)
    found = {}

    page.goto(f"{live_server.url}/admin/account/login/")
    _check(page, "login", screenshots, found)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Token")).to_be_visible()
    _check(page, "login code", screenshots, found)

    assert not found, f"axe-core violations:\n{json.dumps(found, ensure_ascii=False, indent=2)}"


def test_staff_journey_pages_have_no_serious_or_critical_accessibility_violations(
    live_server, registry, page, screenshots
):
    _log_in(page, live_server, UserFactory(groups=[PUBLISHER]))
    found = {}

    for name, path in _staff_pages(registry).items():
        response = page.goto(live_server.url + path)
        assert response.ok, f"{name}: {response.status}"
        expect(page.locator("#content h1, #content h2").first).to_be_visible()
        _check(page, name, screenshots, found)
        if name == "person":
            # Each input of a tabular inline is named by its column and its row.
            expect(page.get_by_role("textbox", name="Text, person name 1")).to_have_value(ALIAKSANDR[0])
            expect(page.get_by_role("textbox", name="Text, person name 2")).to_have_value(ALIAKSANDR[1])
        if name == "case":
            # A row added in the browser, with its autocomplete box (select2), is named as well.
            inline = page.locator(".inline-group", has=page.locator("select.admin-autocomplete")).first
            rows = inline.locator("tr.form-row:not(.empty-form)")
            count = rows.count()
            inline.locator(".add-row a").click()
            expect(rows).to_have_count(count + 1)
            _check(page, "case with a charge row added", screenshots, found)

    assert not found, f"axe-core violations:\n{json.dumps(found, ensure_ascii=False, indent=2)}"


def test_api_docs_have_no_serious_or_critical_accessibility_violations(live_server, page, screenshots):
    page.goto(f"{live_server.url}/api/docs/")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    found = {}
    operations.first.scroll_into_view_if_needed()
    _check(page, "api docs", screenshots, found, full_page=False)

    operations.first.locator(".opblock-summary-control").click()  # one operation open, as a reader would
    expect(page.locator(".opblock-body").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/api/docs/#/.+"))  # its address, to share, as before
    _check(page, "api docs with an operation open", screenshots, found, full_page=False)

    assert not found, f"axe-core violations:\n{json.dumps(found, ensure_ascii=False, indent=2)}"
