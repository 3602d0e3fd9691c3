"""The API gives a person's and an event's free text with the language it is written in and its
translations (issue 20, point 3), to every caller who sees the text itself."""

import datetime

import pytest
from django.urls import reverse

from cases import choices, services
from tests.api.conftest import CALLERS, make_published_case


@pytest.fixture
def translated_case(law):
    case = make_published_case()
    services.update_person(
        person=case.person,
        biography="Інжынер з Гродна.",
        content_language="be",
        translations={"en": {"biography": "An engineer from Hrodna."}},
    )
    services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=datetime.date(2023, 1, 1),
        text="Перавезены ў бальніцу.",
        content_language="be",
        translations={"ru": {"text": "Перевезён в больницу."}},
        is_public=True,
    )
    return case


@pytest.mark.parametrize("caller", CALLERS)
def test_every_caller_who_reads_a_person_reads_the_language_of_the_text_and_its_translations(
    api_client_for, translated_case, caller
):
    response = api_client_for(caller).get(reverse("api:person-detail", args=[translated_case.person.slug]))

    if response.status_code == 403:  # a key without a read scope reads no person at all
        return
    body = response.json()
    assert body["biography"] == "Інжынер з Гродна."
    assert (body["content_language"], body["translations"]) == (
        "be",
        {"en": {"biography": "An engineer from Hrodna."}},
    )


def test_an_event_carries_the_language_of_its_text_and_its_translations(api_client_for, translated_case):
    response = api_client_for("anonymous").get(reverse("api:event-list"), {"case": translated_case.public_id})

    event = next(e for e in response.json()["results"] if e["kind"] == choices.EventKind.OTHER)
    assert (event["text"], event["content_language"]) == ("Перавезены ў бальніцу.", "be")
    assert event["translations"] == {"ru": {"text": "Перевезён в больницу."}}
