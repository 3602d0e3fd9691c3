"""System checks of the project's own rules (run by `manage.py check` and by the test client)."""

from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver

from registry import url_classes


def iter_routes(patterns, prefix: str = "", namespace: str = ""):
    """Every route of a URLconf as (joined pattern, namespaced name, view), depth first."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).removeprefix("^")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield route, name, pattern.callback


@register(Tags.urls, Tags.security)
def check_every_route_is_classified(app_configs=None, **kwargs):
    """registry.E001: a route that is not declared public, staff or API in registry.url_classes.
    registry.E002: a staff or public view exempt from CSRF without a declared reason."""
    errors = []
    for route, name, view in iter_routes(get_resolver().url_patterns):
        url_class = url_classes.classify(route, name)
        label = f"/{route}" + (f" (name {name!r})" if name else "")
        if url_class is None:
            errors.append(
                Error(
                    f"The route {label} is not classified as public, staff or API.",
                    hint="Declare it in registry/url_classes.py (URL_NAMES or ROUTE_PREFIXES).",
                    obj=view,
                    id="registry.E001",
                )
            )
        elif (
            url_class != url_classes.API
            and getattr(view, "csrf_exempt", False)
            and name not in url_classes.CSRF_EXEMPT_NAMES
        ):
            errors.append(
                Error(
                    f"The {url_class} route {label} is exempt from CSRF protection.",
                    hint="Remove csrf_exempt, or declare the reason in url_classes.CSRF_EXEMPT_NAMES.",
                    obj=view,
                    id="registry.E002",
                )
            )
    return errors
