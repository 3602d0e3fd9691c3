"""Every route the site answers is declared public, staff or API here, on purpose.

A route that is in none of these lists fails the system check `registry.E001` (see
`registry.checks`), so nothing becomes reachable because someone included a URLconf and forgot
who it is for. The class decides the headers a response gets (`public.middleware`) and what a
reviewer expects of the view:

- public: read-only pages for anyone, published data only, a strict Content-Security-Policy;
- staff: behind a staff login (the admin site, sign-in, second factor, password reset), every
  write CSRF-protected;
- API: the REST API and its documentation, answered by DRF with its own authentication
  (API keys, or a staff session with CSRF enforced by DRF).
"""

PUBLIC = "public"
STAFF = "staff"
API = "api"

# Whole subtrees, by the start of the route as Django joins it ("admin/", "api/v1/^people/$").
# Each subtree has one owner that guards all of it: the admin site, the login flow, DRF.
ROUTE_PREFIXES = {
    "admin/": STAFF,
    "account/": STAFF,
    "api/": API,
    "data/": PUBLIC,
}

# Routes at the site's root, one by one: a new public page must be added here by name.
URL_NAMES = {
    "public:home": PUBLIC,
    "public:person-list": PUBLIC,
    "public:person-detail": PUBLIC,
    "public:article-detail": PUBLIC,
    "public:facility-detail": PUBLIC,
    "public:statistics": PUBLIC,
    "public:write-letters": PUBLIC,
    "public:wave-detail": PUBLIC,
    "public:calendar": PUBLIC,
    "public:calendar-ics": PUBLIC,
    "public:feed": PUBLIC,
    "public:sitemap": PUBLIC,
    "public:set-language": PUBLIC,
    # Monitoring's probe (registry.health): anyone may call it, so it is public, and it answers
    # anonymous callers with ok flags only; the numbers need a staff login or the HEALTH_TOKEN.
    # Read-only (GET and HEAD) and CSRF-protected like every public route.
    "health": PUBLIC,
}

# Views that may be exempt from CSRF protection, with the reason. Only the API's are otherwise:
# DRF exempts its views from Django's middleware and enforces CSRF itself for session callers.
CSRF_EXEMPT_NAMES = {
    # Switching the interface language: no per-visitor secret on public pages (public/urls.py).
    "public:set-language",
}


def classify(route: str, name: str | None) -> str | None:
    """The class of a route (its joined pattern and namespaced name), or None if undeclared."""
    if name and name in URL_NAMES:
        return URL_NAMES[name]
    for prefix, url_class in sorted(ROUTE_PREFIXES.items(), key=lambda item: -len(item[0])):
        if route.startswith(prefix):
            return url_class
    return None


def classify_path(path: str) -> str:
    """The class of a request path, for headers: a path under a declared prefix is that prefix's
    class; everything else (the public pages, and any 404) is public."""
    for prefix, url_class in sorted(ROUTE_PREFIXES.items(), key=lambda item: -len(item[0])):
        if path.startswith("/" + prefix):
            return url_class
    return PUBLIC
