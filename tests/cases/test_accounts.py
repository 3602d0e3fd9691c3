"""Staff accounts: the two-step login, lockout, no account enumeration, and ending access.

Each test names the attack it stops. Logins here go through the real pages (two_factor's login
wizard), except where a test needs a session that stopped after the password
(`unverified_login`) or one that passed both steps (`client.force_login`, see tests/conftest.py).
"""

import logging
import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Organisation, PartnerAPIKey, Person
from cases.protection.accounts import client_ip_address, end_access, enrolment_link_path
from cases.protection.permissions import EDITOR, PUBLISHER
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/account/login/"
FAILURE_LIMIT = 5


# Helpers ---------------------------------------------------------------------------------------


def totp_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def post_password(client, username, password=PASSWORD, *, address="198.51.100.7", **headers):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def post_token(client, code, *, step="token"):
    return client.post(LOGIN, {"login_view-current_step": step, f"{step}-otp_token": code})


def comparable(response, *usernames) -> str:
    """A page with what legitimately differs between two requests blanked: CSRF tokens and the
    username the visitor typed, which the form echoes back."""
    content = response.content.decode()
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', content)
    for username in usernames:
        content = content.replace(username, "USERNAME")
    return content


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(law):
    """An Editor with an authenticator and recovery codes, as after enrolment."""
    user = UserFactory(groups=[EDITOR])
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup")
    backup.token_set.create(token="recover1")
    return user


@pytest.fixture
def draft_person(law):
    """A draft person whose name must not reach anyone who has not passed both steps."""
    return PersonFactory(names=[("Схаваны Чалавек", "be_cyrl", "official_be", True)])


# Brute force: lockout by username and by address ------------------------------------------------


def test_login_locks_out_a_username_tried_from_rotating_addresses(staff):
    client = Client()
    for n in range(FAILURE_LIMIT):
        post_password(client, staff.username, "wrong password", address=f"203.0.113.{n + 1}")

    response = post_password(client, staff.username, PASSWORD, address="192.0.2.200")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert 'name="token-otp_token"' not in response.content.decode()
    assert not is_signed_in(client)


def test_login_locks_out_an_address_that_tries_many_usernames(staff):
    client = Client()
    for n in range(FAILURE_LIMIT):
        post_password(client, f"guess{n}", "wrong password", address="203.0.113.9")

    locked = post_password(client, staff.username, PASSWORD, address="203.0.113.9")
    elsewhere = post_password(Client(), staff.username, PASSWORD, address="192.0.2.10")

    assert locked.status_code == 429 and 'name="token-otp_token"' not in locked.content.decode()
    assert elsewhere.status_code == 200 and 'name="token-otp_token"' in elsewhere.content.decode()


def test_login_ignores_forwarded_for_without_a_trusted_proxy(staff):
    client = Client()
    for n in range(FAILURE_LIMIT):
        post_password(
            client, f"guess{n}", "wrong password", address="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )

    response = post_password(
        client, staff.username, PASSWORD, address="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )

    assert response.status_code == 429


def test_login_behind_a_trusted_proxy_locks_out_the_forwarded_client_address(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    client = Client()
    for n in range(FAILURE_LIMIT):
        # The attacker forges the left-hand entry; the proxy appends the address it saw.
        post_password(
            client,
            f"guess{n}",
            "wrong password",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
        )

    attacker = post_password(
        client, staff.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9"
    )
    colleague = post_password(
        Client(), staff.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )

    assert attacker.status_code == 429
    assert colleague.status_code == 200 and 'name="token-otp_token"' in colleague.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.50"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "10.9.9.9, 192.0.2.1", "192.0.2.1"),
        (2, "10.9.9.9, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
        (2, "192.0.2.1", "203.0.113.50"),
        (1, "", "203.0.113.50"),
    ],
)
def test_client_address_trusts_only_the_entries_the_proxies_wrote(
    rf, settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip_address(request) == expected


# Admin access without a verified second factor ------------------------------------------------

ADMIN_PAGES = [
    "admin:index",
    "admin:cases_person_changelist",
    "admin:auth_user_changelist",
    "admin:cases_partnerapikey_changelist",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_send_a_password_only_session_to_the_login(staff, draft_person, unverified_login, page):
    client = unverified_login(Client(), staff)

    response = client.get(reverse(page), follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    content = response.content.decode()
    assert 'name="auth-password"' in content
    assert "Схаваны Чалавек" not in content


def test_admin_person_page_is_not_shown_to_a_password_only_session(staff, draft_person, unverified_login):
    client = unverified_login(Client(), staff)

    response = client.get(reverse("admin:cases_person_change", args=[draft_person.pk]))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "Схаваны" not in response.content.decode()


def test_admin_post_from_a_password_only_session_changes_nothing(law, draft_person, unverified_login):
    publisher = UserFactory(groups=[PUBLISHER])
    TOTPDevice.objects.create(user=publisher, name="default", confirmed=True)
    client = unverified_login(Client(), publisher)

    response = client.post(
        reverse("admin:cases_person_changelist"),
        {"action": "publish_selected", "_selected_action": [draft_person.pk]},
    )

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    draft_person.refresh_from_db()
    assert draft_person.publication_state == Person._meta.get_field("publication_state").default


def test_password_alone_leads_to_the_code_step_not_the_admin(staff):
    client = Client()

    response = post_password(client, staff.username)

    assert 'name="token-otp_token"' in response.content.decode()
    assert not is_signed_in(client)
    assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")


def test_two_step_login_with_an_authenticator_code_opens_the_admin(staff):
    client = Client()
    post_password(client, staff.username)

    response = post_token(client, totp_code(staff.totpdevice_set.get()))

    assert response.status_code == 302
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200 and "Cases, people and law data" in index.content.decode()


def test_two_step_login_refuses_a_wrong_code(staff):
    client = Client()
    post_password(client, staff.username)
    right = int(totp_code(staff.totpdevice_set.get()))

    response = post_token(client, f"{(right + 1) % 1_000_000:06d}")

    assert 'name="token-otp_token"' in response.content.decode()
    assert not is_signed_in(client)


def test_recovery_code_opens_the_admin_once(staff):
    first = Client()
    post_password(first, staff.username)
    first.post(LOGIN, {"wizard_goto_step": "backup"})
    post_token(first, "recover1", step="backup")
    second = Client()
    post_password(second, staff.username)
    second.post(LOGIN, {"wizard_goto_step": "backup"})

    reused = post_token(second, "recover1", step="backup")

    assert first.get(reverse("admin:index")).status_code == 200
    assert 'name="backup-otp_token"' in reused.content.decode()
    assert not is_signed_in(second)


def test_staff_without_an_authenticator_is_enrolled_before_the_admin_opens(law):
    newcomer = UserFactory(groups=[EDITOR])
    client = Client()
    client.get(enrolment_link_path(newcomer))  # an administrator's link (manage.py enrolment_link)

    after_password = client.post(
        f"{LOGIN}?next=/admin/",
        {"login_view-current_step": "auth", "auth-username": newcomer.username, "auth-password": PASSWORD},
        follow=True,
    )
    assert after_password.redirect_chain[-1][0] == reverse("two_factor:setup")
    assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")

    client.post(reverse("two_factor:setup"), {"setup_view-current_step": "welcome"})
    secret = b32decode(client.session["django_two_factor-qr_secret_key"])
    code = f"{totp(secret):06d}"
    done = client.post(
        reverse("two_factor:setup"),
        {"setup_view-current_step": "generator", "generator-token": code},
        follow=True,
    )
    assert "Create recovery codes" in done.content.decode()

    created = client.post(reverse("two_factor:backup_tokens")).content.decode()
    codes = list(StaticDevice.objects.get(user=newcomer).token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(code in created for code in codes)
    shown_again = client.get(reverse("two_factor:backup_tokens")).content.decode()
    assert "10 unused recovery codes" in shown_again and not any(code in shown_again for code in codes)
    assert client.get(reverse("admin:index")).status_code == 200


# Username enumeration -------------------------------------------------------------------------


def test_login_answers_alike_for_an_unknown_and_a_known_username(staff):
    known = post_password(Client(), staff.username, "wrong password", address="192.0.2.1")
    unknown = post_password(Client(), "nobody-here", "wrong password", address="192.0.2.2")

    assert known.status_code == unknown.status_code == 200
    assert comparable(known, staff.username) == comparable(unknown, "nobody-here")
    assert "Please enter a correct username and password" in known.content.decode()


def test_login_answers_a_disabled_account_as_an_unknown_one(staff):
    staff.is_active = False
    staff.save()

    disabled = post_password(Client(), staff.username, PASSWORD, address="192.0.2.1")
    unknown = post_password(Client(), "nobody-here", PASSWORD, address="192.0.2.2")

    assert comparable(disabled, staff.username) == comparable(unknown, "nobody-here")


def test_lockout_answers_alike_for_an_unknown_and_a_known_username(staff):
    responses = {}
    for n, username in enumerate([staff.username, "nobody-here"]):
        client = Client()
        for attempt in range(FAILURE_LIMIT):
            post_password(client, username, "wrong password", address=f"192.0.{n}.{attempt + 1}")
        responses[username] = post_password(client, username, "wrong password", address=f"198.51.{n}.1")

    known, unknown = responses[staff.username], responses["nobody-here"]
    assert known.status_code == unknown.status_code == 429
    assert comparable(known, staff.username) == comparable(unknown, "nobody-here")
    assert staff.username not in known.content.decode()


def test_password_reset_answers_alike_and_mails_only_a_known_address(staff):
    url = reverse("admin_password_reset")

    known = Client().post(url, {"email": staff.email}, follow=True)
    unknown = Client().post(url, {"email": "nobody@registry.test"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert comparable(known) == comparable(unknown)
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert "/admin/reset/" in mail.outbox[0].body


def test_password_reset_form_has_the_admin_look_and_the_login_links_to_it(db):
    form = Client().get(reverse("admin_password_reset")).content.decode()
    login = Client().get(LOGIN).content.decode()

    assert "Political-prisoner case registry" in form and 'name="email"' in form
    assert reverse("admin_password_reset") in login


# Sessions and keys end when access ends ----------------------------------------------------------


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Synthetic Advocacy Group")


def issue_key(organisation, user, name="partner laptop") -> str:
    _, raw = PartnerAPIKey.objects.create_key(
        name=name, organisation=organisation, issued_to=user, scopes=[PartnerAPIKey.Scope.READ_PUBLIC]
    )
    return raw


def api_get(raw_key):
    return Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Api-Key {raw_key}")


def test_disabling_an_account_signs_out_its_sessions_and_revokes_its_keys(staff, organisation):
    laptop = Client()
    laptop.force_login(staff)
    raw = issue_key(organisation, staff)
    assert laptop.get(reverse("admin:index")).status_code == 200
    assert api_get(raw).status_code == 200

    staff.is_active = False
    staff.save()

    response = laptop.get(reverse("admin:index"))
    assert response.wsgi_request.user.is_anonymous and response.status_code == 302
    assert not Session.objects.filter(session_key=laptop.session.session_key).exists()
    refused = api_get(raw)
    assert refused.status_code == 401 and "API key" in refused.content.decode()
    assert PartnerAPIKey.objects.get(issued_to=staff).revoked


def test_end_access_signs_out_an_active_account_and_spares_everyone_else(staff, organisation):
    colleague = UserFactory(groups=[EDITOR])
    laptop, colleague_laptop = Client(), Client()
    laptop.force_login(staff)
    colleague_laptop.force_login(colleague)
    raw = issue_key(organisation, staff)
    colleague_raw = issue_key(organisation, colleague, name="colleague laptop")
    unassigned_raw = issue_key(organisation, None, name="office server")

    ended = end_access(user=staff, by=None)

    assert (ended.sessions, ended.api_keys) == (1, 1)
    assert laptop.get(reverse("admin:index")).wsgi_request.user.is_anonymous
    assert api_get(raw).status_code in (401, 403)
    assert colleague_laptop.get(reverse("admin:index")).status_code == 200
    assert api_get(colleague_raw).status_code == 200
    assert api_get(unassigned_raw).status_code == 200
    assert staff.totpdevice_set.exists(), "devices are kept: re-enabling must not need a new enrolment"


def test_end_access_admin_action_ends_sessions_and_keys_and_is_audited(staff, organisation, caplog):
    administrator = get_user_model().objects.create_superuser("chief", "chief@registry.test", PASSWORD)
    admin_client = Client()
    admin_client.force_login(administrator)
    laptop = Client()
    laptop.force_login(staff)
    raw = issue_key(organisation, staff)

    with caplog.at_level(logging.INFO, logger="registry.audit"):
        response = admin_client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "end_access_action", "_selected_action": [staff.pk]},
            follow=True,
        )

    assert "Ended 1 session(s) and revoked 1 API key(s) of 1 user(s)." in response.content.decode()
    assert laptop.get(reverse("admin:index")).wsgi_request.user.is_anonymous
    assert api_get(raw).status_code in (401, 403)
    [line] = [r.getMessage() for r in caplog.records if r.name == "registry.audit"]
    assert f"user={staff.pk} by={administrator.pk}" in line
    assert raw not in line and raw.split(".")[1] not in line


def test_end_access_action_is_refused_without_the_change_user_permission(staff, organisation):
    reader = UserFactory()
    reader.user_permissions.add(_perm("view_user"))
    reader_client = Client()
    reader_client.force_login(reader)
    laptop = Client()
    laptop.force_login(staff)

    listing = reader_client.get(reverse("admin:auth_user_changelist")).content.decode()
    reader_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "end_access_action", "_selected_action": [staff.pk]},
    )

    assert staff.username in listing and "end_access_action" not in listing
    assert laptop.get(reverse("admin:index")).status_code == 200


def test_unticking_active_in_the_user_admin_ends_access(staff, organisation, caplog):
    administrator = get_user_model().objects.create_superuser("chief", "chief@registry.test", PASSWORD)
    admin_client = Client()
    admin_client.force_login(administrator)
    laptop = Client()
    laptop.force_login(staff)
    raw = issue_key(organisation, staff)
    data = {
        "username": staff.username,
        "email": staff.email,
        "is_staff": "on",
        "groups": [group.pk for group in staff.groups.all()],
        "date_joined_0": staff.date_joined.date().isoformat(),
        "date_joined_1": "12:00:00",
    }

    with caplog.at_level(logging.INFO, logger="registry.audit"):
        response = admin_client.post(reverse("admin:auth_user_change", args=[staff.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert not staff.is_active
    assert laptop.get(reverse("admin:index")).wsgi_request.user.is_anonymous
    assert api_get(raw).status_code in (401, 403)
    assert any(
        f"by={administrator.pk}" in r.getMessage() for r in caplog.records if r.name == "registry.audit"
    )


def _perm(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="auth", codename=codename)
