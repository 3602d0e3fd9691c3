"""The API answers in the language asked for: `?lang=` first, else Accept-Language, else English."""

import pytest

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
BAD_ORDERING = {"ordering": "no-such-order"}


def test_lang_parameter_chooses_the_language_of_the_answer(api_client_for):
    response = api_client_for("anonymous").get(PEOPLE, {**BAD_ORDERING, "lang": "ru"})

    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    assert "Выберите корректный вариант" in response.json()["ordering"][0]


def test_accept_language_chooses_the_language_without_the_parameter(api_client_for):
    response = api_client_for("anonymous").get(PEOPLE, BAD_ORDERING, HTTP_ACCEPT_LANGUAGE="fr;q=1, ru;q=0.8")

    assert response["Content-Language"] == "ru"
    assert "Выберите корректный вариант" in response.json()["ordering"][0]
    assert "Accept-Language" in response["Vary"]  # caches keep one answer per language


def test_lang_parameter_wins_over_the_header(api_client_for):
    response = api_client_for("anonymous").get(
        PEOPLE, {**BAD_ORDERING, "lang": "be"}, HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response["Content-Language"] == "be"
    assert "Абярыце дазволенае" in response.json()["ordering"][0]


@pytest.mark.parametrize("asked", ["xx", "", "de"])
def test_a_language_the_registry_does_not_speak_answers_in_english(api_client_for, asked):
    response = api_client_for("anonymous").get(
        PEOPLE, {**BAD_ORDERING, "lang": asked}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response["Content-Language"] == "en"
    assert "Select a valid choice" in response.json()["ordering"][0]
