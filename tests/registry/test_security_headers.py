"""Browser-side defences on every class of route, production transport settings, and logs that
never name a visitor's address."""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from public import middleware
from registry.log_filters import REDACTED, redact_addresses

ROOT = Path(__file__).resolve().parents[2]


def _assert_common_headers(response, where, opener="same-origin"):
    """Framing refused (clickjacking), no MIME sniffing, no referrer to other sites, own window group."""
    assert response["X-Frame-Options"] == "DENY", where
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"], where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == opener, where
    assert (
        "object-src 'none'" in response["Content-Security-Policy"]
        or "default-src 'none'" in response["Content-Security-Policy"]
    ), where


@pytest.mark.django_db
def test_a_public_page_forbids_scripts_framing_and_sniffing(client):
    response = client.get(reverse("public:person-list"))

    _assert_common_headers(response, "person list")
    assert response["Content-Security-Policy"] == middleware.CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_public_not_found_page_has_the_public_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    _assert_common_headers(response, "404")
    assert response["Content-Security-Policy"] == middleware.CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_the_staff_login_allows_only_its_own_scripts_and_styles(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain, "the admin index sends an anonymous visitor to the login"
    _assert_common_headers(response, "staff login")
    policy = response["Content-Security-Policy"]
    assert policy == middleware.STAFF_POLICY
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_admin_pages_load_no_inline_script_that_the_staff_policy_would_block(client):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    user = UserFactory(is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    for url in (
        reverse("admin:index"),
        reverse("admin:cases_person_add"),
        reverse("admin:cases_person_changelist"),
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        _assert_common_headers(response, url)
        # Every <script> has a src (the policy allows only 'self' files), and no on*= handlers.
        assert "<script>" not in body and '<script type="text/javascript">' not in body, url
        assert " onclick=" not in body and " onload=" not in body, url


@pytest.mark.django_db
def test_an_api_answer_runs_and_loads_nothing(client):
    response = client.get(reverse("api:person-list"))

    assert response["Content-Type"] == "application/json"
    _assert_common_headers(response, "api")
    assert response["Content-Security-Policy"] == middleware.API_POLICY
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.django_db
def test_an_api_not_found_answer_has_the_api_headers(client):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Security-Policy"] == middleware.API_POLICY


@pytest.mark.django_db
def test_the_api_documentation_runs_only_scripts_of_this_site(client):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    # drf-spectacular opens the docs' window group (unsafe-none) for OAuth2 pop-ups; we use none.
    _assert_common_headers(response, "api docs", opener="unsafe-none")
    policy = response["Content-Security-Policy"]
    assert policy == middleware.API_DOCS_POLICY
    assert "default-src 'self'" in policy and "http" not in policy


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_https_answers_carry_hsts_with_the_production_values(client):
    response = client.get(reverse("public:home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def _production(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"REGISTRY_ENV", "DEBUG", "SECURE_SSL_REDIRECT"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "REGISTRY_ENV": "production",
        "SECRET_KEY": "x" * 50 + "-a-throwaway-key-for-this-test-only",
        "ALLOWED_HOSTS": "registry.example.org",
        "FIELD_ENCRYPTION_KEYS": "hmYJz8b1o5MSJ3n6nqHqWcbNk3I4cW9b2hGq2y8JkVQ=",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_turn_on_https_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.DEBUG)"
    )
    result = _production(["-c", code])

    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True", "True", "False"], (
        result.stderr
    )


def test_production_settings_pass_djangos_deploy_security_checks():
    result = _production(["manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Logs -------------------------------------------------------------------------------------------

VISITOR = "203.0.113.7"
PROXY_CHAIN = "198.51.100.23, 2001:db8::1"


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def django_log():
    """What the configured console handler writes for the `django` loggers, and the records as
    the handlers after it see them."""
    loggers = [logging.getLogger("django"), logging.getLogger("django.server")]
    console = next(h for h in loggers[0].handlers if isinstance(h, logging.StreamHandler))
    assert console in loggers[1].handlers
    stream = io.StringIO()
    previous = console.setStream(stream)
    records = _Records()
    for logger in loggers:
        logger.addHandler(records)
    yield stream, records.records
    for logger in loggers:
        logger.removeHandler(records)
    console.setStream(previous)


@pytest.mark.django_db
def test_a_request_log_line_names_no_client_address(client, django_log):
    stream, records = django_log

    client.get(
        f"/people/p-nobody-from-{VISITOR}/",
        REMOTE_ADDR=VISITOR,
        HTTP_X_FORWARDED_FOR=PROXY_CHAIN,
        HTTP_X_REAL_IP=VISITOR,
    )

    written = stream.getvalue()
    assert "Not Found: /people/p-nobody-from-" in written
    for address in (VISITOR, "198.51.100.23", "2001:db8::1"):
        assert address not in written
    record = next(r for r in records if r.name == "django.request")
    assert "REMOTE_ADDR" not in record.request.META
    assert "HTTP_X_FORWARDED_FOR" not in record.request.META
    assert "HTTP_X_REAL_IP" not in record.request.META
    assert record.request.path.startswith("/people/")


def test_a_development_server_request_line_names_no_client_address(django_log):
    stream, records = django_log

    class ClientSocket:
        def __repr__(self):
            return f"<socket raddr=('{VISITOR}', 53122)>"

    logging.getLogger("django.server").warning(
        '"%s" %s %s',
        f"GET /?from={VISITOR} HTTP/1.1",
        "404",
        "179",
        extra={"request": ClientSocket(), "server_time": "25/Nov/2026 10:00:00", "status_code": 404},
    )

    written = stream.getvalue()
    assert '"GET /?from=' in written and " 404 179" in written
    assert VISITOR not in written
    assert records[-1].request is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 203.0.113.7 at 12:30:05", f"from {REDACTED} at 12:30:05"),
        ("chain 198.51.100.23, 2001:db8::1", f"chain {REDACTED}, {REDACTED}"),
        ("::1 and ::ffff:10.0.0.1.", f"{REDACTED} and {REDACTED}."),
        ("fe80::1%eth0 said 2001:db8::1.", f"{REDACTED} said {REDACTED}."),
        ("art. 289.1 and 361-1.2, version 5.2.1", "art. 289.1 and 361-1.2, version 5.2.1"),
        ("on 2026-11-25T10:00:00+03:00", "on 2026-11-25T10:00:00+03:00"),
    ],
)
def test_redact_addresses_removes_ip_addresses_and_nothing_else(text, expected):
    assert redact_addresses(text) == expected
