from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from cases.content_languages import guess_language
from public.presenters import format_date, format_date_range, format_partial_date, partial_date_iso

register = template.Library()


@register.filter
def day(value):
    """A date as readers of the page's language write it ('1 сакавіка 2022', 'March 1, 2022')."""
    return format_date(value)


@register.filter
def partial(value, precision):
    """A date as far as it is known: '1 March 2022', 'March 2022' or '2022' (never a made-up day)."""
    return format_partial_date(value, precision or "day")


@register.filter
def partial_iso(value, precision):
    """The machine-readable form of the same: '2022-03-01', '2022-03' or '2022' (valid <time> values)."""
    return partial_date_iso(value, precision or "day")


@register.filter
def date_range(bounds):
    """A computed range of days: one day, a whole month or year, or 'between X and Y'."""
    return format_date_range(bounds)


@register.filter
def web_url(value):
    """The address if it is an http(s) link, else "": a `javascript:` or `data:` address that
    reached the database some other way than the validated forms is never made a link."""
    value = str(value or "")
    return value if value.lower().startswith(("https://", "http://")) else ""


@register.filter
def as_written(text):
    """A text shown as it was written, with no translation (a source's title, a court's name, a
    note staff wrote once): marked with the language it is in when that is not the page's, so a
    reader and a screen reader know (docs/languages.md)."""
    if not text:
        return ""
    language = guess_language(str(text))
    if language == (get_language() or "en"):
        return text
    return format_html('<span lang="{}">{}</span>', language, text)
