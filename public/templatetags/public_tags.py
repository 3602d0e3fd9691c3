from django import template

from public.presenters import format_date

register = template.Library()


@register.filter
def day(value):
    """A date as readers of the page's language write it ('1 сакавіка 2022', 'March 1, 2022')."""
    return format_date(value)


@register.filter
def web_url(value):
    """The address if it is an http(s) link, else "": a `javascript:` or `data:` address that
    reached the database some other way than the validated forms is never made a link."""
    value = str(value or "")
    return value if value.lower().startswith(("https://", "http://")) else ""
