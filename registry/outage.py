"""The answer while the database does not: 503 with Retry-After, never a 500.

A stopped or unreachable database raises the driver's OperationalError or InterfaceError out of
any view. The middleware turns that into a short page in the reader's language (public pages,
the staff area) or the API's JSON, both with Retry-After, and `registry.errors.server_error`
does the same for an outage met outside a view. Nothing here reads the database: the page is a
template with its texts inside, chosen by the request's language alone.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def unavailable_response(request, error: BaseException):
    """503 for a request the database could not serve; logs the error's type only (the
    driver's message names hosts and users)."""
    logger.warning("database unavailable (%s): answered 503 to %s", type(error).__name__, request.path)
    retry_after = str(settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The registry is temporarily unavailable. Try again later."}, status=503
        )
    else:
        # The page's own language is in its address (/be/, /ru/); other paths go by the browser.
        language = translation.get_language_from_path(
            request.path_info
        ) or translation.get_language_from_request(request)
        html = render_to_string("public/unavailable.html", {"language": language})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
        response["Content-Language"] = language
    response["Retry-After"] = retry_after
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets an unreachable database answers 503 with Retry-After (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return unavailable_response(request, exception)
        return None
