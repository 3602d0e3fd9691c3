"""Error pages: JSON under /api/ (so API clients always get what the schema says), HTML elsewhere."""

from django.http import JsonResponse
from django.views import defaults

from public.views import not_found as public_not_found


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    if request.path.startswith("/admin/"):
        return defaults.page_not_found(request, exception)
    return public_not_found(request)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
