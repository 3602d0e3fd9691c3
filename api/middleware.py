"""No cache keeps an API answer meant for one caller.

Every answer under /api/ to a caller who sent credentials (an API key, even a refused one, or a
signed-in session) is marked `Cache-Control: no-store, private` (Django's
`add_never_cache_headers`): confidential fields, drafts and partner data must not be kept by a
browser, a proxy or a CDN. Every API answer also varies on `Authorization` and `Cookie`, so a
shared cache never hands one caller's answer to another. Anonymous answers carry only public data
and keep whatever caching they have.

A middleware rather than a base view, so that every API route is covered (viewsets, the change
feed, streamed exports, the schema) without each view remembering it. It runs after the view, when
DRF has authenticated the request and left the key on it (`request.auth`).
"""

from django.utils.cache import add_never_cache_headers, patch_vary_headers

from registry import url_classes


def sent_credentials(request) -> bool:
    """Whether the request came with a key (accepted or not) or a signed-in session."""
    if request.META.get("HTTP_AUTHORIZATION") or getattr(request, "auth", None) is not None:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PrivateAnswersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if url_classes.classify_path(request.path_info) != url_classes.API:
            return response
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if sent_credentials(request):
            add_never_cache_headers(response)
        return response
