"""Settings for the test suite: the normal settings with REGISTRY_ENV=test."""

import os

os.environ.setdefault("REGISTRY_ENV", "test")

from registry.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; test users only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CHANGE_FEED_SETTLE_SECONDS = 0
