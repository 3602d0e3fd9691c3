"""Staff work in their language (issue 20, point 5): a crawl of the staff admin over the demo
registry, as a staff member who chose Belarusian or Russian, fails on English wording left: the
index, every list, every add and change screen, the import, review and status screens.

What staff wrote (names, notes, sources) is data and stays as written: form values, the rows of a
list and the titles of the objects are not wording, and the crawl reads only the page's own words
(headings, labels, help texts, buttons, filters, column titles, messages)."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction

from cases import services
from cases.demo.builder import build_demo
from cases.models import Jurisdiction
from cases.transfer.law_loader import load_law
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 600
# A Latin word of three letters or more is English wording on a be or ru staff page once the data
# (rows, values, object titles) and the codes below are set aside.
LATIN_WORD = re.compile(r"\b[A-Za-z][a-z'’]{2,}\b")
ALLOWED = {
    # Names of things that are the same in every language.
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


class _Wording(HTMLParser):
    """The words the page says itself: not data cells, values, or text marked as another
    language or as data (`translate="no"`)."""

    SKIP = {"script", "style", "code", "pre", "textarea", "option", "td", "select"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("title", "aria-label", "alt", "placeholder"):
            if attrs.get(name) and not self._hidden():
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            if not self._hidden():
                self.texts.append(attrs["value"])
        if tag in self.VOID:
            return
        classes = (attrs.get("class") or "").split()
        hidden = (
            tag in self.SKIP
            or attrs.get("lang") not in (None, self.language)
            or attrs.get("translate") == "no"
            or "readonly" in classes  # a read-only field's value is data
            or ("field-__str__" in classes)
        )
        # The title of an object in breadcrumbs and headings is data: Django marks none of it,
        # so a change screen's heading is read for its wording only, by the crawl's caller.
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.texts.append(data.strip())

    def _hidden(self):
        return any(hidden for _, hidden in self.stack)


@pytest.fixture(scope="module")
def demo_registry(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        if not Jurisdiction.objects.exists():
            load_law()
        build_demo(people=30)
        yield
        transaction.set_rollback(True)


def _data_words(context_objects) -> set[str]:
    return set()


def crawl(client, language) -> tuple[int, dict[str, list[str]]]:
    queue, seen, problems = ["/admin/"], set(), {}
    models_seen = set()
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Wording(language)
        parser.feed(response.content.decode())
        left = [word for text in parser.texts for word in LATIN_WORD.findall(text) if word not in ALLOWED]
        if left:
            problems[url] = sorted(set(left))
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            path = target.path
            if target.netloc or not path.startswith("/admin/") or any(n in href for n in NOT_FOLLOWED):
                continue
            # One list page per model, one change screen per model: enough to see every label.
            if target.query:
                continue
            one_object = OBJECT_SCREEN.match(path)
            if one_object:
                if one_object.group(1) in models_seen:
                    continue
                models_seen.add(one_object.group(1))
            queue.append(path)
    return len(seen), problems


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
