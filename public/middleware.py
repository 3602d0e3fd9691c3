"""Headers that keep readers safe: a Content-Security-Policy for every class of route.

The class of a path (public, staff, API) comes from `registry.url_classes`, the one place that
says who each route is for. Django's SecurityMiddleware and XFrameOptionsMiddleware add the
other headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options, HSTS).
"""

from registry import url_classes


def _policy(*directives: str) -> str:
    return "; ".join(directives)


# Nothing on the public pages comes from another host and nothing runs as a script, so the
# policy allows only this site's own stylesheet and images (inline SVG charts need no source).
CONTENT_SECURITY_POLICY = _policy(
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

# The admin site (Django 5.2) and the login pages load their scripts and stylesheets from our
# static files and need nothing inline.
STAFF_POLICY = _policy(
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

# API answers are data (JSON, CSV): a browser opening one directly must run and load nothing.
API_POLICY = _policy("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'")

# Swagger UI (drf-spectacular's SpectacularSwaggerView) starts with an inline script and styles
# itself inline; everything it loads is our own (the sidecar's static files, our schema).
API_DOCS_PATH = "/api/docs/"
API_DOCS_POLICY = _policy(
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

POLICIES = {
    url_classes.PUBLIC: CONTENT_SECURITY_POLICY,
    url_classes.STAFF: STAFF_POLICY,
    url_classes.API: API_POLICY,
}

# Interest-based advertising APIs of some browsers are switched off for our pages.
PERMISSIONS_POLICY = "interest-cohort=(), browsing-topics=()"


def policy_for(path: str) -> str:
    if path == API_DOCS_PATH:
        return API_DOCS_POLICY
    return POLICIES[url_classes.classify_path(path)]


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy_for(request.path_info))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
