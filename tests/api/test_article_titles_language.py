"""The API gives every title of an article, where the Belarusian one came from, and the title in
the request's language with the registry-translation note."""

import pytest
from django.urls import reverse

from tests.api.conftest import make_published_case

pytestmark = pytest.mark.django_db


def test_article_detail_gives_the_belarusian_title_and_its_source(api_client_for, law):
    body = api_client_for("anonymous").get(reverse("api:article-detail", args=["BY-289.3"])).json()

    assert (body["title_be"], body["title_be_source"]) == ("Акт тэрарызму", "registry_translation")
    assert (body["title_ru"], body["title_en"].startswith("Act of terrorism")) == ("Акт терроризма", True)


@pytest.mark.parametrize(
    ("language", "title", "note"),
    [
        ("be", "Акт тэрарызму", "пераклад рэестра"),
        ("ru", "Акт терроризма", ""),
        ("en", "Act of terrorism (basic)", ""),
    ],
)
def test_article_title_follows_the_request_language_with_the_registry_translation_note(
    api_client_for, law, language, title, note
):
    url = reverse("api:article-detail", args=["BY-289.1"])

    body = api_client_for("anonymous").get(url, HTTP_ACCEPT_LANGUAGE=language).json()

    assert (body["title"], body["title_language"], body["title_note"]) == (title, language, note)


def test_a_charges_article_carries_the_title_in_the_request_language(api_client_for, law):
    case = make_published_case(charges=("293.1",))

    body = (
        api_client_for("anonymous")
        .get(reverse("api:case-detail", args=[case.public_id]), HTTP_ACCEPT_LANGUAGE="be")
        .json()
    )

    (charge,) = body["charges"]
    assert (charge["article"]["title"], charge["article"]["title_note"]) == (
        "Масавыя беспарадкі",
        "пераклад рэестра",
    )
