"""What a reader of the public pages must never get: confidential data, third-party requests."""

import datetime
import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Reclassification
from tests.api.conftest import make_published_case
from tests.factories import article, in_language

D = datetime.date
CANARY = "CANARY7f3a"
HOST_OF_SITE = "testserver"


@pytest.fixture
def leaky_case(law):
    """A published case whose every confidential field holds the canary."""
    case = make_published_case(charges=("218.2",), confidential_text=CANARY)
    successor = services.reclassify_charge(
        charge=case.charges.get(), to_article=article("289.1"), on=D(2022, 6, 1)
    )
    Reclassification.objects.filter(to_charge=successor).update(note=f"staff note {CANARY}")
    return case


def _public_urls(case):
    charge = case.charges.filter(state="active").select_related("article").get()
    return [
        reverse("public:home"),
        reverse("public:person-list"),
        reverse("public:person-list") + "?q=Testavy",
        reverse("public:person-detail", args=[case.person.slug]),
        reverse("public:article-detail", args=[f"by-{charge.article.number}.{charge.article.part}"]),
        reverse("public:article-detail", args=["by-218.2"]),
        reverse("public:facility-detail", args=[case.stays.get().facility.slug]),
        reverse("public:statistics"),
        reverse("public:feed"),
        reverse("public:sitemap"),
    ]


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_confidential_fields_never_appear_on_any_public_page_feed_or_sitemap(client, leaky_case, language):
    for url in _public_urls(leaky_case):
        response = client.get(in_language(url, language))
        body = response.content.decode()
        assert response.status_code == 200, url
        assert CANARY not in body, url
        assert "Confidential source" not in body, url


def test_person_page_shows_public_sources_and_public_events(client, leaky_case):
    body = client.get(reverse("public:person-detail", args=[leaky_case.person.slug])).content.decode()

    assert "Synthetic public report" in body
    assert "Trial began (public)." in body


def test_every_public_page_sends_a_strict_content_security_policy(client, leaky_case):
    for url in [*_public_urls(leaky_case), reverse("public:person-detail", args=["p-nobody"])]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy, url
        assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
        assert "base-uri 'none'" in policy and "form-action 'self'" in policy, url


EMBEDS = [
    # `hreflang` alternates are absolute (search engines ask for it) but name this host only.
    re.compile(
        r"<link\b(?![^>]*\brel=\"alternate\"[^>]*\bhref=\"http://testserver/)"
        r"[^>]*\bhref=\"(https?:)?//",
        re.I,
    ),
    re.compile(r"<script\b", re.I),
    re.compile(r"<img\b[^>]*\bsrc=\"(https?:)?//", re.I),
    re.compile(r"<iframe\b", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*['\"]?(https?:)?//", re.I),
]


def test_no_public_page_loads_anything_from_another_host(client, leaky_case):
    html_urls = [u for u in _public_urls(leaky_case) if not u.endswith((".atom", ".xml"))]
    for url in html_urls:
        html = client.get(url).content.decode()
        for pattern in EMBEDS:
            assert not pattern.search(html), (url, pattern.pattern)


def test_the_stylesheet_loads_nothing_from_elsewhere():
    from django.contrib.staticfiles import finders

    with open(finders.find("public/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "@import" not in css and "url(" not in css


def test_article_titles_and_notation_follow_the_page_language(client, leaky_case):
    url = reverse("public:person-detail", args=[leaky_case.person.slug])

    ru = client.get(in_language(url, "ru")).content.decode()
    be = client.get(in_language(url, "be")).content.decode()

    assert "с ч. 2 ст. 218 на ч. 1 ст. 289" in ru
    assert "з ч. 2 арт. 218 на ч. 1 арт. 289" in be
    charged = article("289.1")
    assert charged.title_ru and charged.title_ru in ru and charged.title_ru not in be
    assert charged.title_be and charged.title_be in be
