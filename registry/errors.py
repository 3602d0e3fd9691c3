"""Error pages: JSON under /api/ (so API clients always get what the schema says), HTML elsewhere."""

import sys

from django.http import JsonResponse
from django.views import defaults

from public.views import not_found as public_not_found
from registry.outage import is_database_outage, unavailable_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    if request.path.startswith("/admin/"):
        return defaults.page_not_found(request, exception)
    return public_not_found(request)


def server_error(request):
    # Called while the exception is handled: a database outage met outside a view (a
    # middleware) is a 503 too.
    error = sys.exc_info()[1]
    if is_database_outage(error):
        return unavailable_response(request, error)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
