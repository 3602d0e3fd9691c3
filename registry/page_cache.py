"""Whole answers kept for readers without credentials, per data version (issue 21).

Anyone on the internet asking for the public list, a person's page, the API's people list or
the change feed gets the same answer for the same address, language and day until the data
changes; the data version (cases.caching) moves on the commit of every change. So the answer is
built once per version and then read from the cache: at 100,000 people the public list paid
25-60 ms of queries and Python for every reader, a person page 13 ms.

What keeps it safe:
- only answers that depend on nothing but the address, the language, the day and the public
  data: the views that use it say what else they read (the API only for callers without a key
  or staff session; public pages show the same to everyone);
- the key holds the data version read *before* the answer is built (cases.caching): a
  withdrawal that commits meanwhile moves the version, so no reader after it gets that answer;
- `settings.ANONYMOUS_PAGE_CACHE` is on only where every process shares the version (Redis
  through CACHE_URL, or the single process of development);
- on a miss, one process builds and the others wait for it (cases.caching._build_once): after
  a change, a page many readers want is not built by each of them at once.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from cases.caching import cached_value

# How long a kept answer lives at most. The version moves on every commit, so this bounds only
# the failure where moving it did not reach the cache (cases.caching.bump_version logs an
# error): a withdrawn person's page could otherwise be served for the cache's whole hour.
KEPT_SECONDS = 300


def enabled() -> bool:
    return settings.ANONYMOUS_PAGE_CACHE


def address_key(request) -> list[str]:
    """What an answer to this request depends on besides the data: the full address (the host
    and scheme are in its links), the language and the local day (ages, hearings to come)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # Any text a reader typed into the address, as a fixed-length key.
    digest = hashlib.sha256(address.encode()).hexdigest()
    return [get_language() or "", timezone.localdate().isoformat(), digest]


def cached_page(name: str):
    """A public view's answers to GET and HEAD kept whole (status, headers the view set, body);
    streamed answers are passed through."""

    def decorate(view):
        @wraps(view)
        def answer(request, *args, **kwargs):
            if not enabled() or request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            fresh = {}

            def build():
                response = view(request, *args, **kwargs)
                fresh["response"] = response
                if response.streaming:
                    return None
                if hasattr(response, "render"):
                    response.render()
                return (response.status_code, list(response.items()), response.content)

            kept = cached_value(
                f"page:{name}", *address_key(request), build=build, keep=bool, timeout=KEPT_SECONDS
            )
            if "response" in fresh:
                return fresh["response"]
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            return response

        return answer

    return decorate


def cached_data(request, name: str, *, build):
    """An API answer's data (before rendering: the caller's Accept still picks JSON or HTML)."""
    return cached_value(f"api:{name}", *address_key(request), build=build, timeout=KEPT_SECONDS)
