"""Releases on the public side (issue 18, point 1): the person page says when and how the person
left custody and to which country, in the reader's language, never who of the family stayed
behind; a release whose timeline entry is not public is not shown; released people are not
counted as held. Names are invented."""

import datetime

import pytest
from django.urls import reverse

from cases import choices, services
from tests.api.conftest import make_published_case
from tests.factories import in_language

pytestmark = pytest.mark.django_db
D = datetime.date
FAMILY = "CANARYfamily Mother and sons stayed in Homiel"


@pytest.fixture
def released(law):
    case = make_published_case()
    services.record_release(
        case=case,
        how=choices.ReleaseKind.EXCHANGE,
        date=D(2025, 9, 11),
        destination_country="LT",
        documents_withheld=choices.Answer.YES,
        family_left_behind=FAMILY,
    )
    return case


def _page(client, case, language="en") -> str:
    url = reverse("public:person-detail", kwargs={"slug": case.person.slug})
    return client.get(in_language(url, language)).content.decode()


def _release_row(html: str, label: str) -> str:
    return html[html.index(f"<dt>{label}</dt>") :].split("</dd>", 1)[0]


@pytest.mark.parametrize(
    ("language", "label", "day", "how", "country", "documents"),
    [
        ("en", "Left custody", "Sept. 11, 2025", "exchange or deal with another government", "Lithuania",
         "identity documents withheld"),
        ("be", "Выхад на волю", "11.09.2025", "абмен або дамова з іншым урадам", "Літва",
         "дакументы, якія сведчаць асобу, не вярнулі"),
        ("ru", "Выход на свободу", "11 сентября 2025", "обмен или сделка с другим правительством", "Литва",
         "документы, удостоверяющие личность, не вернули"),
    ],
)  # fmt: skip
def test_person_page_says_when_how_and_where_the_person_left_custody(
    client, released, language, label, day, how, country, documents
):
    html = _page(client, released, language)

    row = _release_row(html, label)
    assert '<time datetime="2025-09-11">' in row and day in row
    assert how in row and country in row and documents in row
    assert "CANARYfamily" not in html


def test_person_page_no_longer_shows_an_expected_release_after_the_release(client, released):
    services.update_case(
        case=released, verdict_date=D(2023, 6, 1), sentence_kind="deprivation_of_liberty", sentence_years=5
    )

    assert "Expected release" not in _page(client, released)


def test_release_whose_entry_is_not_public_is_not_shown(client, law):
    case = make_published_case()
    services.record_release(case=case, how=choices.ReleaseKind.PARDON, date=D(2025, 9, 11), is_public=False)

    html = _page(client, case)

    assert "Left custody" not in html
    assert "<dt>Status</dt><dd>pardoned" in html  # the status is public; how and when are not


def test_api_gives_the_release_without_the_family_left_behind(client, released):
    record = client.get(f"/api/v1/cases/{released.public_id}/").json()

    assert record["release"] == {
        "how": "exchange",
        "date": "2025-09-11",
        "date_precision": "day",
        "destination_country": "LT",
        "documents_withheld": "yes",
    }
    assert "CANARYfamily" not in str(record)


def test_api_gives_no_release_whose_entry_is_not_public_to_the_public(client, law):
    case = make_published_case()
    services.record_release(case=case, how=choices.ReleaseKind.PARDON, date=D(2025, 9, 11), is_public=False)

    assert client.get(f"/api/v1/cases/{case.public_id}/").json()["release"] is None


def _held(client) -> tuple[int, str]:
    home = client.get(reverse("public:home")).content.decode()
    shown = home.split('data-count="held">', 1)[1].split("<", 1)[0]
    return client.get("/api/v1/statistics/").json()["held_now"], shown


def test_released_person_is_no_longer_counted_as_held_and_a_re_arrest_is(client, law):
    case = make_published_case()
    assert case.status in choices.HELD_STATUSES
    assert _held(client) == (1, "1")

    services.record_release(case=case, how=choices.ReleaseKind.PARDON, date=D(2025, 9, 11))
    assert _held(client) == (0, "0")

    services.create_case(
        person=case.person, jurisdiction=case.jurisdiction, detention_date=D(2026, 2, 3), status="detained"
    )
    assert _held(client) == (1, "1")
