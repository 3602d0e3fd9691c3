"""Shared test set-up: the law data, the cast of users, and services that may be missing.

A test that needs PostgreSQL, Redis or Chromium is marked (`postgres`, `redis`, `chromium`) and
skips with the reason on a machine without it. With REQUIRE_SERVICES=1 (as .ci/run sets) a
missing service fails the test instead: CI never passes by skipping.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def chromium_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")


def _long(item) -> bool:
    return item.get_closest_marker("slow") is not None or item.get_closest_marker("one_database") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The long tests (`slow`, `one_database`: a minute each, some of it waiting on a worker or a
    broker) run first, each keeping its place among the others. Under pytest-xdist a long test
    handed out last keeps one worker busy for a minute while the other has nothing left to do."""
    items.sort(key=lambda item: not _long(item))


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing(
            f"this test needs PostgreSQL: set DATABASE_URL=postgres://... (this run uses {connection.vendor})"
        )
    if item.get_closest_marker("redis") and not redis_available():
        _missing(f"this test needs Redis at {REDIS_URL}, which does not answer")
    if item.get_closest_marker("chromium") and not chromium_available():
        _missing("this test needs Debian's chromium (apt-get install chromium) and the playwright package")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real law data once into the test database."""
    from cases.transfer.law_loader import load_law

    with django_db_blocker.unblock():
        load_law()


@pytest.fixture
def law(db):
    """The law data and staff groups, restored when a transactional test flushed them."""
    from django.contrib.auth.models import Group

    from cases.models import Jurisdiction
    from cases.protection.permissions import sync_groups
    from cases.transfer.law_loader import load_law

    if not Jurisdiction.objects.exists():
        load_law()
    if not Group.objects.exists():
        sync_groups()
    return Jurisdiction.objects.get(code="BY")


_password_only_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    """Client.force_login, and the session also passed the OTP step: every admin page needs it
    (registry.admin_site). The user gets a confirmed TOTP device if they have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password_only_force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="default", confirmed=True
    )
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts and ends with an empty cache. What is cached per data version (counts,
    pages) is left behind by a test whose rows were rolled back, where the version did not move
    (it moves on commit); the next test, with rows of the same ids, would read it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def each_test_starts_in_the_default_language():
    """A request leaves its language active on the thread (Django's LocaleMiddleware and ours both
    activate, neither resets: the next request activates its own). Under xdist the next test on
    that worker would then read refusals in Russian; each test starts, and ends, in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` gives a session verified by a second factor, as after the real
    two-step login; `unverified_login` gives one that stopped after the password."""
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture
def unverified_login():
    """Log a client in with a password-only session, which the staff area must not accept."""

    def login(client, user):
        _password_only_force_login(client, user)
        return client

    return login
