"""Caching of the public pages that change rarely, keyed by the registry's data version
(cases.caching: moved on commit by every change of the data; the cache is an optimisation only,
pages are built uncached when it does not answer)."""

from functools import cached_property

from django.core.paginator import Paginator
from django.utils.translation import get_language

from cases.caching import TIMEOUT, bump_version, cached_value, data_version

__all__ = ["TIMEOUT", "CountedPerVersion", "bump_version", "cached", "data_version"]


def cached(name: str, *parts, build):
    """The value `build()` returns, cached per page, arguments, language and data version."""
    return cached_value(f"public:{name}:{get_language() or 'en'}", *parts, build=build)


class CountedPerVersion(Paginator):
    """A paginator whose count is cached per data version under `key` (what the rows depend on:
    the list's filters). Every reader of a filtered list paid for counting all its rows again
    (18-44 ms at 100,000 people, issue 21); the count changes only with the data, and the version
    moves on every commit that changes it, a withdrawal included."""

    def __init__(self, object_list, per_page, *, key: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key

    @cached_property
    def count(self):
        return cached_value("public:list-count", self.key, build=lambda: Paginator.count.func(self))

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
