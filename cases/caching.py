"""The registry's data version, and caching keyed by it: whatever is derived from the data (the
public pages, the API's statistics over time) is cached under the version, and any save or delete
of a `cases` model moves the version on, so nothing has to know what a change touches: old
entries are simply never read again and expire on their own. (The receivers are connected in
cases/apps.py; the public pages' `cached` is public.cache's.)

Two rules keep the cache from ever showing or keeping what it should not:
- the version moves when the change commits, not when the row is saved: a page built in between
  read the old data and is stored under the old version, never under the new one (a withdrawn
  person would otherwise stay on a cached page for an hour);
- the cache is an optimisation only: when it does not answer (Redis down), pages are built
  uncached and saves go through; an edit must never fail because of the cache.
"""

import logging
import time
import uuid
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction

VERSION_KEY = "public:data-version"
TIMEOUT = 60 * 60
log = logging.getLogger("registry.cache")


def data_version() -> str | None:
    """The current data version, or None when the cache does not answer (then nothing is cached)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            cache.add(VERSION_KEY, version, timeout=None)
            version = cache.get(VERSION_KEY, version)
        return version
    except Exception as error:  # any backend's connection error
        log.warning("cache: no answer (%s); values are built uncached", type(error).__name__)
        return None


def bump_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as error:
        # The old version stays readable for at most TIMEOUT; say so loudly.
        log.error("cache: the data version could not be moved (%s)", type(error).__name__)


def bump_version_on_bulk_change(sender, **kwargs) -> None:
    """Signal receiver: rows were written in bulk, without save signals (cases.signals)."""
    bump_version()


def data_changed(sender, **kwargs) -> None:
    """Signal receiver: a row of the registry's data changed, so every cached page is old."""
    if sender._meta.app_label != "cases":
        return
    connection = transaction.get_connection()
    # One move per transaction is enough, however many rows it saves (an import saves thousands).
    if any(item[1] is bump_version for item in connection.run_on_commit):
        return
    transaction.on_commit(bump_version, robust=True)


def cached_value(namespace: str, *parts, build, timeout: int = TIMEOUT, keep=None):
    """The value `build()` returns, cached under `namespace`, `parts` and the data version; built
    uncached when the cache does not answer. `parts` must say everything the value depends on
    besides the data (who may see what, the day, the language). `keep(value)` false: the value is
    returned but not stored."""
    version = data_version()
    if version is None:
        return build()
    key = ":".join([namespace, version, *map(str, parts)])
    try:
        value = cache.get(key)
    except Exception:
        return build()
    if value is None:
        value = _build_once(key, build, timeout, keep)
    return value


# A value missed by many readers at once (every page right after a change moves the version) is
# built by one of them; the others wait for it up to BUILD_WAIT_SECONDS, polling, then build it
# themselves: a builder that died or is slow delays readers, it never fails them.
BUILD_WAIT_SECONDS = 3.0
BUILD_POLL_SECONDS = 0.01
BUILD_LOCK_SECONDS = 30


def _build_once(key: str, build, timeout: int, keep):
    lock = f"{key}:building"
    try:
        builder = cache.add(lock, 1, timeout=BUILD_LOCK_SECONDS)
    except Exception:
        builder = True
    if not builder:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(BUILD_POLL_SECONDS)
            try:
                # The mark first: a builder stores its value before it removes the mark.
                waiting = cache.get(lock) is not None
                value = cache.get(key)
            except Exception:
                break
            if value is not None:
                return value
            if not waiting:  # built but not kept, or the builder failed: no use waiting longer
                break
    try:
        value = build()
        if keep is None or keep(value):
            try:
                cache.set(key, value, timeout)
            except Exception:
                log.warning("cache: a value could not be stored")
        return value
    finally:
        if builder:
            try:
                cache.delete(lock)
            except Exception:
                log.warning("cache: a build mark could not be removed; it expires on its own")


class CountedPerVersion(Paginator):
    """A paginator whose count is cached per data version under `key`, which must say everything
    the rows depend on besides the data (the list, its filters, who may see what). Every reader of
    a filtered list paid for counting all its rows again (18-44 ms at 100,000 people, 70 ms at
    1,000,000, issue 21); the count changes only with the data, and the version moves on every
    commit that changes it, a withdrawal included."""

    def __init__(self, object_list, per_page, *, key: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key

    @cached_property
    def count(self):
        return cached_value("list-count", self.key, build=lambda: Paginator.count.func(self))

    def page(self, number):
        """A deep page's ids are read first, then its rows: to step over 50,000 rows PostgreSQL
        reads only the list's index (page 1,000 at 100,000 people: 20 ms of SQL when every row
        stepped over was fetched whole)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_PAGE_ROWS:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        place = {pk: n for n, pk in enumerate(ids)}
        rows = sorted(self.object_list.filter(pk__in=ids), key=lambda row: place[row.pk])
        return self._get_page(rows, number, self)


# From this row on a page's ids are read apart (CountedPerVersion.page); before it, one query.
DEEP_PAGE_ROWS = 500
