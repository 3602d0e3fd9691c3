"""Request rates of the API: anonymous callers per client address, each key on its own count,
and each key's use of a scope's endpoints on a count of its own.

A caller past its rate gets 429 with `Retry-After` (DRF's `Throttled`). The rates are settings
(`API_THROTTLE_ANON`, `API_THROTTLE_KEY`, `API_THROTTLE_SUBMISSIONS`, `API_THROTTLE_WEBHOOKS`,
`API_THROTTLE_CONTACTS`, from
the environment; None is off) read at each request, so a test switches throttling on with
`settings` and every other test runs without it. The partner guide served at /api/docs/
(api/templates/api/partner_guide.md) states the configured rates.

- Anonymous callers (no key, no verified staff session) count per client address: the address
  the login lockout counts (`cases.protection.accounts.client_ip_address`, TRUSTED_PROXY_COUNT),
  so a client behind the proxy cannot start a fresh count by forging X-Forwarded-For.
- Each API key counts on its own, by its prefix, at the key rate; so does each verified staff
  session, by person.
- A view that serves one scope names it (`throttle_scope`, DRF's attribute): each key's requests
  to it also count against that scope's rate, on a count per key and scope. Reporting detentions
  and managing webhooks are rarer than reads; a runaway loop or a stolen key fills the moderation
  queue, or churns subscriptions, only up to that rate, while the key still reads.

Counts live in the default cache: Redis in production (CACHE_URL), shared by every gunicorn
worker; a process's own memory without it. The address is kept there only as a keyed hash, for
one rate period. A cache that does not answer lets the request through, logged, as the page cache
does: throttling must not take the API down.
"""

import logging

from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework.throttling import SimpleRateThrottle

from api.access import access_for
from cases.models import PartnerAPIKey
from cases.protection.accounts import client_ip_address

log = logging.getLogger("registry.api")

# The setting that holds the rate of each scope whose endpoints have one of their own.
SCOPE_RATE_SETTINGS = {
    PartnerAPIKey.Scope.WRITE_SUBMISSIONS: "API_THROTTLE_SUBMISSIONS",
    PartnerAPIKey.Scope.WEBHOOKS: "API_THROTTLE_WEBHOOKS",
    PartnerAPIKey.Scope.WRITE_CONTACTS: "API_THROTTLE_CONTACTS",
}


class _SettingsRateThrottle(SimpleRateThrottle):
    """A throttle whose rate is the setting named by `rate_setting`, read per request."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # any cache backend's connection error
            log.warning("throttle: the cache did not answer (%s); request let through", type(error).__name__)
            return True


class AnonymousRateThrottle(_SettingsRateThrottle):
    """Callers without a key or a verified staff session, per client address."""

    scope = "anon"
    rate_setting = "API_THROTTLE_ANON"

    def get_cache_key(self, request, view):
        if not access_for(request).is_anonymous:
            return None
        address = client_ip_address(request) or "unknown"
        ident = salted_hmac("api.throttles.address", address).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PartnerRateThrottle(_SettingsRateThrottle):
    """Each API key (by prefix) and each verified staff session (by person) on its own count."""

    scope = "key"
    rate_setting = "API_THROTTLE_KEY"

    def get_cache_key(self, request, view):
        access = access_for(request)
        if access.is_anonymous:
            return None
        return self.cache_format % {"scope": self.scope, "ident": access.label}


class ScopeRateThrottle(_SettingsRateThrottle):
    """Each API key's requests to the views of one scope (their `throttle_scope`), at its rate."""

    def __init__(self):
        # The rate depends on the view, known only in allow_request (as DRF's ScopedRateThrottle).
        pass

    def allow_request(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if scope is None:
            return True
        self.scope, self.rate_setting = scope, SCOPE_RATE_SETTINGS[scope]
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        access = access_for(request)
        if access.is_anonymous:
            return None
        return self.cache_format % {"scope": self.scope, "ident": access.label}
