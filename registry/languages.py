"""The language of every answer that is not a public page.

Public pages carry their language in the address (`public.languages`); Django's LocaleMiddleware
then gives every other address the default language. This middleware, after it, chooses:

- the API: `?lang=` if given, else the caller's Accept-Language, else the default; the answer
  says which in Content-Language and varies on Accept-Language;
- the staff area: the staff member's own choice (their staff settings), else their browser's;
- `/en/…`: the default language has no prefix, so such an address moves there for good.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

from cases.models.staff import language_of

API_PREFIX = "/api/"
STAFF_PREFIX = "/admin/"


def supported_language(code: str | None) -> str | None:
    """A code of settings.LANGUAGES for `code` ("be", "ru-RU", "BE"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def accept_language(header: str) -> str | None:
    """The first language of an Accept-Language header the registry speaks, in the header's order
    of preference."""
    for code, _quality in translation.trans_real.parse_accept_lang_header(header or ""):
        if code == "*":
            break
        found = supported_language(code)
        if found:
            return found
    return None


def api_language(request) -> str:
    return (
        supported_language(request.GET.get("lang"))
        or accept_language(request.headers.get("Accept-Language", ""))
        or settings.LANGUAGE_CODE
    )


def staff_language(request) -> str:
    """The signed-in staff member's chosen language (their staff settings), else what their
    browser asks for."""
    chosen = language_of(getattr(request, "user", None))
    return (
        supported_language(chosen)
        or accept_language(request.headers.get("Accept-Language", ""))
        or settings.LANGUAGE_CODE
    )


class LanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        default_prefix = f"/{settings.LANGUAGE_CODE}/"
        if path.startswith(default_prefix):
            query = request.META.get("QUERY_STRING", "")
            target = path[len(default_prefix) - 1 :]
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
        if path.startswith(API_PREFIX):
            language, vary = api_language(request), True
        elif path.startswith(STAFF_PREFIX):
            language, vary = staff_language(request), False
        else:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if vary:
            patch_vary_headers(response, ("Accept-Language",))
        return response
