from django import template

from public.presenters import format_date

register = template.Library()


@register.filter
def day(value):
    """A date as readers of the page's language write it ('1 сакавіка 2022', 'March 1, 2022')."""
    return format_date(value)
