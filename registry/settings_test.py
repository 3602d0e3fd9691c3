"""Settings for the test suite: the normal settings with REGISTRY_ENV=test."""

import os

os.environ.setdefault("REGISTRY_ENV", "test")

from registry.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; test users only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CHANGE_FEED_SETTLE_SECONDS = 0
# Most tests change data inside a transaction that never commits, so the data version never
# moves: whole answers are cached only in the tests of the page cache (tests/registry/test_page_cache.py),
# which commit.
ANONYMOUS_PAGE_CACHE = False
# API throttling is on only in the tests that ask for it (tests/api/test_hardening.py sets the
# rates with the `settings` fixture): a suite of many requests from one address must not see 429s.
API_THROTTLE_ANON = API_THROTTLE_KEY = API_THROTTLE_SUBMISSIONS = API_THROTTLE_WEBHOOKS = None

# Each test process builds its download files in a directory of its own, never in the checkout's var/.
if not os.environ.get("DOWNLOADS_ROOT"):
    import tempfile

    DOWNLOADS_ROOT = Path(tempfile.mkdtemp(prefix="registry-downloads-"))  # noqa: F405
    STORAGES["downloads"]["OPTIONS"]["location"] = DOWNLOADS_ROOT  # noqa: F405
