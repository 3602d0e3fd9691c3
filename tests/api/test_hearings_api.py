"""The API's hearings (issue 19, point 3): public hearings of published people, for every reader
with a read scope; never an internal note, never a hearing staff kept internal."""

import datetime
import json

import pytest
from django.urls import reverse

from cases import services
from tests.api.conftest import make_published_case

CANARY = "CANARY-api-hearing-3c9d"


def _hearing(case, **fields):
    fields = {
        "court": "Brest Regional Court",
        "day": datetime.date(2027, 1, 12),
        "time": datetime.time(11, 0),
        "room": "7",
        "openness": "open",
        "note": "Public note",
        "internal_note": CANARY,
        "is_public": True,
        **fields,
    }
    return services.schedule_hearing(case=case, **fields)


@pytest.mark.parametrize("caller", ["anonymous", "key:read:public", "key:read:restricted", "staff:viewer"])
def test_hearings_list_shows_public_hearings_of_published_people_only(api_client_for, law, caller):
    case = make_published_case()
    hearing = _hearing(case)
    _hearing(case, court="Internal Court", is_public=False)
    _hearing(make_published_case(publish=False), court="Draft Court")

    body = api_client_for(caller).get(reverse("api:hearing-list")).json()

    assert [row["id"] for row in body["results"]] == [str(hearing.public_id)]
    row = body["results"][0]
    assert row["person"] == case.person.slug and row["case"] == str(case.public_id)
    assert (row["date"], row["court"], row["room"], row["openness"], row["state"]) == (
        "2027-01-12",
        "Brest Regional Court",
        "7",
        "open",
        "scheduled",
    )
    assert row["starts_at"].startswith("2027-01-12T11:00:00")
    assert CANARY not in json.dumps(body)


def test_hearing_with_the_day_only_has_no_start_time(api_client_for, law):
    _hearing(make_published_case(), time=None)

    (row,) = api_client_for("anonymous").get(reverse("api:hearing-list")).json()["results"]

    assert row["date"] == "2027-01-12" and row["starts_at"] is None


def test_hearings_export_carries_no_internal_note(api_client_for, law):
    _hearing(make_published_case())

    response = api_client_for("key:read:restricted").get(reverse("api:hearing-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode()

    assert "Brest Regional Court" in text and CANARY not in text


def test_hearing_of_a_withdrawn_person_is_not_found(api_client_for, law):
    case = make_published_case()
    hearing = _hearing(case)
    services.withdraw_person(person=case.person)

    response = api_client_for("key:read:public").get(reverse("api:hearing-detail", args=[hearing.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 6])
def test_hearings_list_queries_do_not_grow_with_rows(
    api_client_for, law, django_assert_max_num_queries, rows
):
    case = make_published_case()
    for n in range(rows):
        _hearing(case, day=datetime.date(2027, 1, n + 1))
    client = api_client_for("anonymous")

    with django_assert_max_num_queries(4):
        body = client.get(reverse("api:hearing-list")).json()

    assert body["count"] == rows


def test_hearings_list_filters_by_day_and_openness(api_client_for, law):
    case = make_published_case()
    _hearing(case, court="January Court", day=datetime.date(2027, 1, 12))
    _hearing(case, court="Day-only Court", day=datetime.date(2027, 1, 20), time=None)
    _hearing(case, court="Closed Court", day=datetime.date(2027, 2, 3), openness="closed")
    client = api_client_for("key:read:public")

    def courts(**params):
        body = client.get(reverse("api:hearing-list"), params).json()
        return [row["court"] for row in body["results"]]

    assert courts(on_or_after="2027-01-20") == ["Day-only Court", "Closed Court"]
    assert courts(on_or_before="2027-01-20") == ["January Court", "Day-only Court"]
    assert courts(openness="closed") == ["Closed Court"]
    assert courts(case=str(case.public_id), state="scheduled") == [
        "January Court",
        "Day-only Court",
        "Closed Court",
    ]
