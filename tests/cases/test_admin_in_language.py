"""Staff work in their language (issue 20, point 5): a crawl of the staff admin over the demo
registry, as a staff member who chose Belarusian or Russian, fails on English wording left: the
index, every list, every add and change screen, the import, review and status screens.

What staff wrote (names, notes, sources) is data and stays as written: form values, the rows of a
list and the titles of the objects are not wording, and the crawl reads only the page's own words
(headings, labels, help texts, buttons, filters, column titles, messages). Data is told from
wording by the page's structure (the rows of Django's lists, history and tabular inlines; read-only
values; inline titles), by the marks the registry's own templates put on it (`translate="no"`, or
`lang` for text in another language), and by the titles of the objects the page was rendered with
(`str()` of each model instance in the template context, and of a list's related-object filter
choices), which Django's breadcrumbs and headings print unmarked. Every other cell of a table is
read: the registry's own screens say their wording in tables too."""

import re

import pytest
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedFieldListFilter
from django.db import models, transaction
from django.test.utils import ContextList
from django.utils.text import Truncator

from cases import services
from cases.demo.builder import build_demo
from cases.models import Jurisdiction
from cases.transfer.law_loader import load_law
from tests.factories import UserFactory
from tests.page_text import PageText
from tests.page_text import crawl as crawl_pages

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 600
# A Latin word of three letters or more is English wording on a be or ru staff page once the data
# (rows, values, object titles) and the codes below are set aside.
LATIN_WORD = re.compile(r"\b[A-Za-z][a-z'’]{2,}\b")
URL = re.compile(r"\b\w+://\S+")  # an address shown as it is (a source's link): data
ALLOWED = {
    # Words Django's own be and ru translations keep in Latin: key names ("Control", "Command" on
    # a "Mac") and "Single Sign-On" (misspelt "Sing" in Django's be catalogue).
    "Control",
    "Command",
    "Mac",
    "Single",
    "Sign",
    "Sing",
    # Names of things that are the same in every language.
    "segno",
    "qrcode",
    "Django",
    "CSV",
    "JSON",
    "XLSX",
    "ICS",
    "RSS",
    "API",
    "URL",
    "HTTPS",
    "HMAC",
    "SHA",
    "UTC",
    "Celery",
    "Redis",
    "PostgreSQL",
    "SQLite",
    "Playwright",
    "Wikidata",
    "Thunderbird",
    "Outlook",
    "Viasna",
    "http",
    "https",
    "www",
    "org",
    "com",
}
# Links the crawl does not follow: they act (log out, delete) or are not pages of this registry.
OBJECT_SCREEN = re.compile(r"^(/admin/\w+/\w+/)[^/]+/change/")
NOT_FOLLOWED = ("logout", "delete", "password", "/admin/r/", "/jsi18n/", "/download", "format=")


class _Wording(PageText):
    """The words the page says itself: not data cells, values, or text marked as another
    language or as data (`translate="no"`)."""

    SKIP = PageText.SKIP | {"textarea", "option", "select"}
    # Tables whose body rows are data: a list's rows, an object's history, a tabular inline's
    # forms (their values and read-only contents). Their column titles (thead) are wording.
    DATA_TABLES = {"result_list", "change-history"}
    DATA_CLASSES = {
        "readonly",  # a read-only field's value
        "field-__str__",
        "inline_label",  # the title of an inline's object ("#1" or its str)
    }

    def __init__(self, language):
        super().__init__(language)
        self.tables: list[bool] = []  # for each open table: are its body rows data?

    def attribute_texts(self, tag, attrs):
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            return [attrs["value"]]
        return []

    def opened(self, tag, attrs, classes):
        if tag == "table":
            in_tabular_inline = any("tabular" in open_classes for _, _, open_classes in self.stack)
            self.tables.append(attrs.get("id") in self.DATA_TABLES or in_tabular_inline)

    def hides(self, tag, attrs, classes):
        # The title of an object in breadcrumbs and headings is data too: Django marks none of
        # it, so the crawl takes the titles out of the texts (`_data_titles`).
        return (
            super().hides(tag, attrs, classes)
            or bool(self.DATA_CLASSES & set(classes))
            or (tag == "tbody" and bool(self.tables) and self.tables[-1])
        )

    def handle_endtag(self, tag):
        if tag == "table" and self.tables:
            self.tables.pop()
        super().handle_endtag(tag)


@pytest.fixture(scope="module")
def demo_registry(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        if not Jurisdiction.objects.exists():
            load_law()
        build_demo(people=30)
        yield
        transaction.set_rollback(True)


def _data_titles(response) -> list[str]:
    """The titles of the objects the page was rendered with, longest first: `str()` of every
    model instance in the template context (the object of a change, history or review screen, the
    user), the related objects a list's filters offer and the stored values a filter on a free-text
    field offers (a court as staff wrote it). Django prints them unmarked, its breadcrumbs and
    headings (truncated to 18 words) inside its translated wording."""
    titles = set()
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]  # the client gives a single template's context as it is
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, models.Model):
                titles.add(str(value))
        changelist = context.get("cl")
        for spec in getattr(changelist, "filter_specs", []):
            if isinstance(spec, RelatedFieldListFilter):  # the related objects, by their titles
                titles.update(str(title) for _, title in spec.lookup_choices)
            elif isinstance(spec, AllValuesFieldListFilter):  # a free-text field's stored values
                titles.update(str(value) for value in spec.lookup_choices if value is not None)
    titles |= {Truncator(title).words(18) for title in titles}
    return sorted((title for title in titles if title.strip()), key=len, reverse=True)


def _without(text: str, titles: list[str]) -> str:
    """`text` without the titles in it, each taken out whole (never a part of a longer word)."""
    for title in titles:
        if title in text:
            text = re.sub(rf"(?<!\w){re.escape(title)}(?!\w)", " ", text)
    return text


def crawl(client, language) -> tuple[int, dict[str, list[str]]]:
    problems, models_seen = {}, set()

    def follows(path, href):
        if not path.startswith("/admin/") or any(n in href for n in NOT_FOLLOWED):
            return False
        # One change screen per model (and every list, unfiltered): enough to see every label.
        one_object = OBJECT_SCREEN.match(path)
        if one_object:
            if one_object.group(1) in models_seen:
                return False
            models_seen.add(one_object.group(1))
        return True

    def read(url, response, parser):
        titles = _data_titles(response)
        texts = [URL.sub("", _without(text, titles)) for text in parser.texts]
        left = [word for text in texts for word in LATIN_WORD.findall(text) if word not in ALLOWED]
        if left:
            problems[url] = sorted(set(left))

    seen = crawl_pages(
        client, "/admin/", parser_for=lambda: _Wording(language), follows=follows, read=read, limit=PAGE_LIMIT
    )
    return seen, problems


@pytest.mark.parametrize("language", ["be", "ru"])
def test_no_english_wording_is_left_on_any_staff_page(client, demo_registry, language):
    member = UserFactory(is_staff=True, is_superuser=True)
    services.set_staff_language(user=member, language=language)
    client.force_login(member)

    seen, problems = crawl(client, language)

    assert seen > 40, "the crawl reached too few pages to say anything"
    report = "\n".join(f"{url}: {words}" for url, words in sorted(problems.items()))
    words = {w for ws in problems.values() for w in ws}
    assert not problems, (
        f"English left on {len(problems)} of {seen} {language} staff pages, {len(words)} words:\n{report}"
    )


def _english(html: str, titles=()) -> list[str]:
    parser = _Wording("be")
    parser.feed(html)
    texts = [_without(text, list(titles)) for text in parser.texts]
    return sorted({word for text in texts for word in LATIN_WORD.findall(text) if word not in ALLOWED})


def test_the_crawl_reads_a_screens_tables_and_leaves_out_only_data():
    """The check must still fail on English: a cell, a heading, a button or an `alt` of the
    registry's own screens is read; a list's rows, a tabular inline's rows, a history's rows and
    text marked `translate="no"` or with another `lang` are data."""
    page = """<h1>Стан</h1>
    <table><thead><tr><th>Check</th></tr></thead><tr><th>База</th><td>answered in 3 ms</td></tr></table>
    <table id="result_list"><thead><tr><th>Name</th></tr></thead>
      <tbody><tr><th><a href="/x/">Homel Court</a></th><td>Minsk</td></tr></tbody></table>
    <table id="change-history"><tbody><tr><td>editor</td></tr></tbody></table>
    <div class="tabular inline-related"><fieldset><table><thead><tr><th>Room</th></tr></thead>
      <tbody><tr><td class="original"><p>Supreme Court</p></td></tr></tbody></table></fieldset></div>
    <p>Левы запіс: <span translate="no">Aliaksandr Vymyslau</span>, <span lang="en">as written</span></p>
    <div class="readonly">Synthetic engineer</div>
    <input type="submit" value="Save"><img src="x.svg" alt="failing"><button>Merge into left</button>"""

    assert _english(page) == ["Check", "Merge", "Name", "Room", "Save", "answered", "failing", "into", "left"]


def test_an_object_title_is_taken_out_whole_and_only_whole():
    assert _english("<h1>Change history: Homel Court</h1>", titles=["Homel Court"]) == ["Change", "history"]
    assert _english("<p>Courtroom</p>", titles=["Court"]) == ["Courtroom"]
