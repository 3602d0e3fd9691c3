"""The language of a public page lives in its address: `/be/…`, `/ru/…`, and the default language
(English) without a prefix, so a shared link opens in the language it was shared in and search
engines see every language (docs/languages.md).

Every public page has the same path in every language, only the prefix differs, so moving a page
to another language is string work on its path: no URL resolving, which depends on the language
active at the time (Django's `translate_url` cannot move a page out of a prefix that is not the
active one).
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods


def language_codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def split_language(path: str) -> tuple[str | None, str]:
    """The language prefix of a path (None without one) and the path without it."""
    for code in language_codes():
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return code, path[len(prefix) - 1 :]
    return None, path


def path_in_language(path: str, language: str) -> str:
    """The same page in another language: the default language has no prefix."""
    _, bare = split_language(path)
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"


def alternates(path: str) -> list[dict]:
    """The page in every language, for the switcher and the `hreflang` links."""
    return [
        {"code": code, "name": name, "path": path_in_language(path, code)}
        for code, name in settings.LANGUAGES
    ]


def language_context(request) -> dict:
    """Template context: the current page in every language (a public page's path only)."""
    if request is None:
        return {}
    return {
        "language_alternates": alternates(request.path),
        "default_language_path": path_in_language(request.path, settings.LANGUAGE_CODE),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def choose_language(request):
    """The language switcher of earlier versions posted here (`language`, `next`); links made then
    still work: they go to `next` in the chosen language. The page's address now carries the
    language, so no cookie is set."""
    data = request.POST if request.method == "POST" else request.GET
    language = data.get("language", "")
    next_url = data.get("next", "") or "/"
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    if not safe or not next_url.startswith("/"):
        next_url = "/"
    if language not in language_codes():
        language = settings.LANGUAGE_CODE
    path, _, query = next_url.partition("?")
    target = path_in_language(path, language)
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
