"""Filters of the staff screens' own templates (templates/admin/cases/): what they show in the
staff member's language (docs/languages.md, "The staff area")."""

from django import template
from django.utils.html import format_html

from cases.models.law import ShownTitle, article_title

register = template.Library()


@register.filter
def shown_title(article) -> ShownTitle | None:
    """An article's title in the active language, with the language it is in and its note
    (`cases.models.article_title`): the template marks it `lang` when it is in another one."""
    return article_title(article) if article is not None else None


@register.filter
def as_data(value):
    """`value` marked as data, not wording (`translate="no"`): a name, a title or an entry as
    staff or a source wrote it, inside a translated sentence. Machine translation leaves it
    alone, and so does the crawl for English left (tests/cases/test_admin_in_language.py)."""
    if value is None or value == "":
        return ""
    return format_html('<span translate="no">{}</span>', value)
