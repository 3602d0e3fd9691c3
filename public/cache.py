"""Caching of the pages that change rarely, cleared whenever the registry's data changes.

Every cached value is keyed by a "data version" that any save or delete of a `cases` model
moves on, so nothing has to know which pages a change touches: old entries are simply never
read again and expire on their own.
"""

import uuid

from django.core.cache import cache
from django.utils.translation import get_language

VERSION_KEY = "public:data-version"
TIMEOUT = 60 * 60


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def data_changed(sender, **kwargs) -> None:
    """Signal receiver: a row of the registry's data changed, so every cached page is old."""
    if sender._meta.app_label == "cases":
        bump_version()


def cached(name: str, *parts, build):
    """The value `build()` returns, cached per page, arguments, language and data version."""
    key = ":".join(["public", name, get_language() or "en", data_version(), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
