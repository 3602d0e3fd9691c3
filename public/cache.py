"""Caching of the public pages that change rarely, keyed by the registry's data version
(cases.caching: moved on commit by every change of the data; the cache is an optimisation only,
pages are built uncached when it does not answer)."""

from django.utils.translation import get_language

from cases.caching import TIMEOUT, CountedPerVersion, bump_version, cached_value, data_version

__all__ = ["TIMEOUT", "CountedPerVersion", "bump_version", "cached", "data_version"]


def cached(name: str, *parts, build):
    """The value `build()` returns, cached per page, arguments, language and data version."""
    return cached_value(f"public:{name}:{get_language() or 'en'}", *parts, build=build)
