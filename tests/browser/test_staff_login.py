"""Staff log in through the real pages: password, then a code from the authenticator, computed
here from the device's secret as the phone app would."""

import json
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cases.protection.accounts import enrolment_link_path
from cases.protection.permissions import EDITOR
from tests.factories import UserFactory

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _code(secret: bytes) -> str:
    return f"{totp(secret):06d}"


def _log_in_with_password(page, live_server, user):
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/account/login/?next=/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _serious_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [
        {"rule": v["id"], "targets": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_staff_member_logs_in_with_password_and_authenticator_code(live_server, law, page, screenshots):
    user = UserFactory(groups=[EDITOR])
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    page.goto(f"{live_server.url}/admin/account/login/")
    assert not _serious_violations(page), json.dumps(_serious_violations(page))

    _log_in_with_password(page, live_server, user)
    expect(page.get_by_text("Enter the six-digit code")).to_be_visible()
    page.screenshot(path=screenshots / "staff-login-code.png")
    page.get_by_label("Token").fill(_code(device.bin_key))
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("#content")).to_contain_text("Cases, people and law data")


def test_new_staff_member_enrols_an_authenticator_and_gets_recovery_codes(
    live_server, law, page, screenshots
):
    user = UserFactory(groups=[EDITOR])
    page.goto(f"{live_server.url}{enrolment_link_path(user)}")  # an administrator's link

    _log_in_with_password(page, live_server, user)
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("img.qr-code")).to_be_visible()
    page.screenshot(path=screenshots / "staff-setup-authenticator.png")
    assert not _serious_violations(page), json.dumps(_serious_violations(page))
    secret = b32decode(page.locator(".secret").inner_text().strip())
    page.get_by_label("Token").fill(_code(secret))
    page.get_by_role("button", name="Next").click()
    expect(page.locator("h1")).to_have_text("Two-factor authentication is on")
    page.get_by_role("button", name="Create recovery codes").click()

    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot(path=screenshots / "staff-recovery-codes.png")
    page.get_by_role("link", name="To the staff area").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
