"""The public pages show an article's title, a facility's and a region's name in the page's
language, and say when a Belarusian title is the registry's own translation."""

import pytest
from django.urls import reverse

from tests.api.conftest import make_published_case
from tests.factories import article, in_language

pytestmark = pytest.mark.django_db

BE_NOTE = "(пераклад рэестра)"
RU_NOTE = "(перевод реестра)"


def _get(client, url, language):
    response = client.get(in_language(url, language))
    assert response.status_code == 200
    return response.content.decode()


def test_person_page_in_belarusian_shows_the_belarusian_title_noted_as_the_registrys_translation(client, law):
    case = make_published_case(charges=("289.1",))

    html = _get(client, reverse("public:person-detail", args=[case.person.slug]), "be")

    assert '<span lang="be">Акт тэрарызму</span> <span class="muted">(пераклад рэестра)</span>' in html
    assert "Акт терроризма" not in html


def test_person_page_in_russian_shows_the_russian_title_without_a_translation_note(client, law):
    case = make_published_case(charges=("289.1",))

    html = _get(client, reverse("public:person-detail", args=[case.person.slug]), "ru")

    assert '<span lang="ru">Акт терроризма</span>' in html
    assert "Акт тэрарызму" not in html and RU_NOTE not in html and BE_NOTE not in html


def test_article_page_in_belarusian_shows_the_belarusian_title_and_the_note(client, law):
    part = article("361-1.1")

    html = _get(client, reverse("public:article-detail", args=["by-361-1.1"]), "be")

    assert f'<span lang="be">{part.title_be}</span></h1>' in html
    assert f'<p class="muted">{BE_NOTE}</p>' in html


def test_article_page_in_english_shows_the_english_title_without_a_note(client, law):
    part = article("361-1.1")

    html = _get(client, reverse("public:article-detail", args=["by-361-1.1"]), "en")

    assert f'<span lang="en">{part.title_en}</span></h1>' in html
    assert "translated by the registry" not in html


def test_facility_page_in_belarusian_falls_back_to_the_facilitys_russian_name(client, law):
    case = make_published_case()
    facility = case.stays.get().facility
    assert facility.name_be == "" and facility.name_ru

    html = _get(client, reverse("public:facility-detail", args=[facility.slug]), "be")

    assert facility.name_ru in html and facility.name_en not in html


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Brest Region"), ("be", "Брэсцкая вобласць"), ("ru", "Брестская область")]
)
def test_person_list_names_the_regions_in_the_page_language(client, law, language, name):
    html = _get(client, reverse("public:person-list"), language)

    assert f'<option value="brest">{name}</option>' in html
