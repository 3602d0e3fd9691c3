"""Lower-severity findings of issue #13 on the staff side: how a second factor is enrolled, the
client address behind a misconfigured proxy, a new API key in a cookie, query strings in logs.

Each test names the attack or the failure it stops.
"""

import logging
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Organisation, PartnerAPIKey
from cases.protection.accounts import client_ip_address, enrolment_link_path
from cases.protection.permissions import EDITOR, PUBLISHER
from registry.log_filters import RedactAddresses
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/account/login/"
SETUP = "/admin/account/two_factor/setup/"
VISITOR = "203.0.113.77"


def post_password(client, username, password=PASSWORD, *, address="198.51.100.7", **headers):
    return client.post(
        f"{LOGIN}?next=/admin/",
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR=address,
        follow=True,
        **headers,
    )


def try_to_bind_an_authenticator(client):
    """What an attacker with only the password does after logging in: run the setup wizard."""
    client.post(SETUP, {"setup_view-current_step": "welcome"})
    secret = client.session.get("django_two_factor-qr_secret_key")
    if secret is None:
        return None
    code = f"{totp(b32decode(secret)):06d}"
    return client.post(SETUP, {"setup_view-current_step": "generator", "generator-token": code}, follow=True)


# d. Enrolling a second factor needs a link from an administrator -------------------------------


def test_password_only_login_cannot_bind_an_authenticator_without_an_enrolment_link(law):
    newcomer = UserFactory(groups=[EDITOR])
    client = Client()

    post_password(client, newcomer.username)
    try_to_bind_an_authenticator(client)
    page = client.get(SETUP)

    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert page.status_code == 403
    assert "enrolment link" in page.content.decode()
    assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")


def test_enrolment_link_with_the_password_binds_an_authenticator_and_opens_the_admin(law):
    newcomer = UserFactory(groups=[EDITOR])
    client = Client()

    opened = client.get(enrolment_link_path(newcomer), follow=True)
    post_password(client, newcomer.username)
    done = try_to_bind_an_authenticator(client)

    assert opened.redirect_chain[-1][0].startswith(LOGIN)
    assert done is not None and "Create recovery codes" in done.content.decode()
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolment_link_works_once(law):
    newcomer = UserFactory(groups=[EDITOR])
    link = enrolment_link_path(newcomer)
    first = Client()
    first.get(link)
    post_password(first, newcomer.username)
    try_to_bind_an_authenticator(first)

    second = Client()
    reopened = second.get(link)

    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    assert reopened.status_code == 400
    assert "not valid" in reopened.content.decode()


def test_enrolment_link_of_another_account_does_not_enrol_this_one(law):
    newcomer, attacker_target = UserFactory(groups=[EDITOR]), UserFactory(groups=[EDITOR])
    client = Client()

    client.get(enrolment_link_path(newcomer))
    post_password(client, attacker_target.username)
    try_to_bind_an_authenticator(client)

    assert not TOTPDevice.objects.filter(user__in=[newcomer, attacker_target]).exists()


def test_enrolment_link_expires(law, settings):
    newcomer = UserFactory(groups=[EDITOR])
    link = enrolment_link_path(newcomer)
    settings.ENROLMENT_LINK_HOURS = 0

    response = Client().get(link)

    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_enrolment_link_ends_when_the_password_is_reset(law):
    newcomer = UserFactory(groups=[EDITOR])
    link = enrolment_link_path(newcomer)
    newcomer.set_password("another long passphrase")
    newcomer.save()

    assert Client().get(link).status_code == 400


def test_setup_page_sends_an_enrolled_member_to_the_staff_area(client, law):
    member = UserFactory(groups=[EDITOR])
    client.force_login(member)

    response = client.post(SETUP, {"setup_view-current_step": "welcome"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert TOTPDevice.objects.filter(user=member).count() == 1


def test_enrolment_token_travels_in_the_query_string_and_no_log_line_keeps_it(law, caplog):
    newcomer = UserFactory(groups=[EDITOR])
    link = enrolment_link_path(newcomer)
    token = parse_qs(urlsplit(link).query)["token"][0]
    newcomer.set_password("another long passphrase")  # the link is now void: a 400, logged
    newcomer.save()

    with caplog.at_level(logging.INFO):
        refused = Client().get(link)

    assert urlsplit(link).path == "/admin/account/enrol/"
    assert refused.status_code == 400
    assert "Bad Request: /admin/account/enrol/" in caplog.text and token not in caplog.text


def test_enrolment_link_command_prints_a_link_and_refuses_an_enrolled_account(law, capsys):
    newcomer = UserFactory(groups=[EDITOR])
    enrolled = UserFactory(groups=[EDITOR])
    TOTPDevice.objects.create(user=enrolled, name="default", confirmed=True)

    call_command("enrolment_link", newcomer.username)
    printed = capsys.readouterr().out

    assert "/admin/account/enrol/" in printed and "expires" in printed
    with pytest.raises(Exception, match="already has an authenticator"):
        call_command("enrolment_link", enrolled.username)


def test_demo_admin_still_logs_in_with_its_password_and_a_recovery_code(law, settings, capsys):
    settings.REGISTRY_ENV = "development"
    call_command("demo_admin")
    printed = capsys.readouterr().out
    password = next(line.split(": ", 1)[1] for line in printed.splitlines() if "password:" in line)
    code = StaticDevice.objects.get(user__username="admin").token_set.first().token
    client = Client()

    client.post(
        LOGIN, {"login_view-current_step": "auth", "auth-username": "admin", "auth-password": password}
    )
    client.post(LOGIN, {"wizard_goto_step": "backup"})
    client.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": code})

    assert client.get(reverse("admin:index")).status_code == 200


# e. X-Forwarded-For that does not match TRUSTED_PROXY_COUNT ----------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (3, "192.0.2.1, 10.0.0.2"),  # fewer entries than proxies
        (1, "not-an-address"),
        (1, "192.0.2.1:5555"),
        (1, "192.0.2.1, <script>"),
        (2, ",,,"),
        (1, " "),
        (1, "999.1.1.1"),
    ],
)
def test_client_address_falls_back_to_the_connecting_address_and_warns_without_addresses(
    rf, settings, caplog, proxies, forwarded_for
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_FOR=forwarded_for)

    with caplog.at_level(logging.WARNING, logger="registry.accounts"):
        address = client_ip_address(request)

    assert address == VISITOR
    [record] = [r for r in caplog.records if r.name == "registry.accounts"]
    assert "TRUSTED_PROXY_COUNT" in record.getMessage()
    assert VISITOR not in record.getMessage() and "192.0.2.1" not in record.getMessage()


def test_client_address_behind_a_proxy_is_still_the_entry_the_proxy_wrote(rf, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 2001:db8::7, 10.0.0.2")

    with caplog.at_level(logging.WARNING, logger="registry.accounts"):
        address = client_ip_address(request)

    assert address == "2001:db8::7" and not caplog.records


@pytest.mark.parametrize("forwarded_for", ["not-an-address", "192.0.2.1:5555", "", "a, b, c"])
def test_failed_login_behind_a_misconfigured_proxy_is_counted_not_a_server_error(
    law, settings, forwarded_for
):
    settings.TRUSTED_PROXY_COUNT = 1
    staff = UserFactory(groups=[EDITOR])

    response = post_password(
        Client(), staff.username, "wrong password", address=VISITOR, HTTP_X_FORWARDED_FOR=forwarded_for
    )

    assert response.status_code == 200 and "Please enter a correct" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [VISITOR]


# h. A new API key is never put in a cookie ----------------------------------------------------


def _messages_in_cookie(response) -> list[str]:
    """The Django messages a response puts in the `messages` cookie (signed and compressed)."""
    cookie = response.cookies.get("messages")
    if cookie is None or not cookie.value:
        return []
    return [str(message) for message in CookieStorage(HttpRequest())._decode(cookie.value) or []]


def test_new_api_key_is_shown_once_on_the_page_and_never_in_a_cookie(client, law):
    client.force_login(UserFactory(is_superuser=True))
    organisation = Organisation.objects.create(name="Synthetic Advocacy Group")

    response = client.post(
        reverse("admin:cases_partnerapikey_add"),
        {"name": "mirror", "organisation": organisation.pk, "scopes": ["read:public"], "expiry_date": ""},
    )

    key = PartnerAPIKey.objects.get(name="mirror")
    assert not any(key.prefix in message for message in _messages_in_cookie(response))
    assert all(key.prefix not in str(cookie) for cookie in response.cookies.values())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    shown = response.content.decode().split('<code class="new-api-key">', 1)[1].split("</code>", 1)[0]
    assert shown.startswith(key.prefix + ".") and PartnerAPIKey.objects.is_valid(shown)
    assert shown not in client.get(reverse("admin:cases_partnerapikey_changelist")).content.decode()


def test_publishers_cannot_create_organisations_or_api_keys(client, law):
    """docs/api.md: an administrator creates keys; no staff group, Publishers included, may."""
    client.force_login(UserFactory(groups=[PUBLISHER]))
    organisation = Organisation.objects.create(name="Synthetic Advocacy Group")

    key_page = client.get(reverse("admin:cases_partnerapikey_add"))
    key_post = client.post(
        reverse("admin:cases_partnerapikey_add"),
        {"name": "mirror", "organisation": organisation.pk, "scopes": ["read:public"]},
    )
    organisation_page = client.get(reverse("admin:cases_organisation_add"))

    assert (key_page.status_code, key_post.status_code, organisation_page.status_code) == (403, 403, 403)
    assert not PartnerAPIKey.objects.exists()


# i. Logs keep no query-string values ----------------------------------------------------------


def test_development_server_request_line_keeps_parameter_names_not_values():
    record = logging.makeLogRecord(
        {
            "name": "django.server",
            "levelno": logging.WARNING,
            "msg": '"%s" %s %s',
            "args": ("GET /api/v1/people/?q=Тэставы+Явар&page_size=x HTTP/1.1", "400", "52"),
        }
    )

    RedactAddresses().filter(record)

    assert record.getMessage() == '"GET /api/v1/people/?q=&page_size= HTTP/1.1" 400 52'
