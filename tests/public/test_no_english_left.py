"""Every public page in Belarusian and Russian says everything in that language (issue 20, point
6): a crawl of the demo registry from the home page fails on any English sentence left, outside
what is marked as another language (a text written in English and shown with `lang="en"` and a note)
and the allow-list below (names and codes)."""

import re

import pytest
from django.db import transaction

from cases.demo.builder import build_demo
from cases.models import Jurisdiction, PersonName
from cases.transfer.law_loader import load_law
from tests.page_text import PageText, crawl

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 400
# Three Latin words in a row is an English sentence (or its remains); fewer is a name, a code or
# an abbreviation, which the allow-list does not need to know.
ENGLISH = re.compile(r"\b[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+){2,}")
# Latin text that is not English: what stays the same in every language.
ALLOWED = [
    re.compile(r"^[A-Z]{2,}(?: [A-Z]{2,})*$"),  # codes: ICS, RSS
    re.compile(r"https?://\S+"),
]


@pytest.fixture(scope="module")
def demo_registry(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        if not Jurisdiction.objects.exists():
            load_law()
        build_demo(people=30)
        latin_names = set(PersonName.objects.filter(script="latin").values_list("text", flat=True))
        yield latin_names
        transaction.set_rollback(True)


def _english_left(texts, names) -> list[str]:
    found = []
    for text in texts:
        for name in names:
            text = text.replace(name, "")
        for allowed in ALLOWED:
            text = allowed.sub("", text)
        found += [m.group(0) for m in ENGLISH.finditer(text)]
    return found


@pytest.mark.parametrize("language", ["be", "ru"])
def test_no_english_sentence_is_left_on_any_public_page(client, demo_registry, language):
    prefix = f"/{language}/"
    problems = {}

    def read(url, _response, parser):
        left = _english_left(parser.texts, demo_registry)
        if left:
            problems[url] = sorted(set(left))

    seen = crawl(
        client,
        prefix,
        parser_for=lambda: PageText(language),
        follows=lambda path, _href: path.startswith(prefix),
        read=read,
        limit=PAGE_LIMIT,
    )

    assert seen > 30, "the crawl reached too few pages to say anything"
    report = "\n".join(f"{url}: {words}" for url, words in sorted(problems.items()))
    assert not problems, f"English left on {len(problems)} of {seen} {language} pages:\n{report}"
