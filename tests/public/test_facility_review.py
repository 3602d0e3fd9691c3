"""A facility proposed from a list's cell: its address reaches the public only once a Publisher
confirms it (issue 16, point 2). Staff see it as written all along."""

import datetime

import pytest
from django.urls import reverse

from api.exports import public_facility_records
from cases import services
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from tests.api.conftest import api_client_for, make_published_case, organisation  # noqa: F401 (the fixtures)
from tests.factories import FacilityToReviewFactory, UserFactory

STREET = "ул. Придуманная, 7"
POSTCODE = "299999"


@pytest.fixture
def api_as(api_client_for):  # noqa: F811 (the fixture imported above)
    """An API client for a caller of tests/api/conftest.py's cast."""
    return api_client_for


@pytest.fixture
def held_in_unconfirmed(law):
    """A published person held in a facility whose address no Publisher has confirmed."""
    case = make_published_case()
    facility = FacilityToReviewFactory()
    services.transfer_person(case=case, facility=facility, on=datetime.date(2023, 1, 10))
    return case, facility


def _page(client, name, slug):
    response = client.get(reverse(f"public:{name}", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_person_page_hides_an_unconfirmed_address_but_names_the_facility(client, held_in_unconfirmed):
    case, facility = held_in_unconfirmed

    html = _page(client, "person-detail", case.person.slug)

    assert facility.name_en in html
    assert STREET not in html and POSTCODE not in html
    assert "Address for letters" not in html


def test_facility_page_hides_an_unconfirmed_address(client, held_in_unconfirmed):
    _, facility = held_in_unconfirmed

    html = _page(client, "facility-detail", facility.slug)

    assert facility.name_en in html
    assert STREET not in html and POSTCODE not in html


@pytest.mark.parametrize("caller", ["anonymous", "key:read:public", "key:read:restricted"])
def test_api_gives_no_unconfirmed_address_to_the_public_or_partners(api_as, held_in_unconfirmed, caller):
    _, facility = held_in_unconfirmed
    client = api_as(caller)

    detail = client.get(reverse("api:facility-detail", args=[facility.slug])).json()
    listing = client.get(reverse("api:facility-list")).content.decode()
    export = client.get(reverse("api:facility-export", kwargs={"filetype": "csv"}))

    assert (detail["postal_address"], detail["postcode"], detail["address_confirmed"]) == ("", "", False)
    assert detail["short_name"] == facility.short_name
    assert STREET not in listing and POSTCODE not in listing
    assert STREET not in b"".join(export.streaming_content).decode()


def test_public_export_gives_no_unconfirmed_address(held_in_unconfirmed):
    _, facility = held_in_unconfirmed

    record = next(r for r in public_facility_records() if r["id"] == facility.slug)

    assert (record["postal_address"], record["postcode"], record["address_confirmed"]) == ("", "", False)


def test_confirmed_address_appears_on_the_pages_and_in_the_api(client, api_as, held_in_unconfirmed):
    case, facility = held_in_unconfirmed
    services.confirm_facility(facility=facility, by=UserFactory(groups=[PUBLISHER]))

    person_html = _page(client, "person-detail", case.person.slug)
    facility_html = _page(client, "facility-detail", facility.slug)
    body = api_as("anonymous").get(reverse("api:facility-detail", args=[facility.slug])).json()

    assert STREET in person_html and "Address for letters" in person_html
    assert STREET in facility_html
    assert (body["postal_address"], body["postcode"], body["address_confirmed"]) == (
        facility.postal_address,
        POSTCODE,
        True,
    )


@pytest.mark.parametrize("caller", ["staff:viewer", "staff:editor", "staff:publisher"])
def test_staff_see_the_unconfirmed_address_in_the_api(api_as, held_in_unconfirmed, caller):
    _, facility = held_in_unconfirmed

    body = api_as(caller).get(reverse("api:facility-detail", args=[facility.slug])).json()

    assert (body["postal_address"], body["address_confirmed"]) == (facility.postal_address, False)


# The admin --------------------------------------------------------------------------------------


@pytest.fixture
def client_for(client):
    def login(group):
        client.force_login(UserFactory(groups=[group]))
        return client

    return login


def test_staff_see_the_unconfirmed_address_in_the_admin(client_for, held_in_unconfirmed):
    _, facility = held_in_unconfirmed

    html = client_for(VIEWER).get(reverse("admin:cases_facility_change", args=[facility.pk])).content.decode()

    assert STREET in html


def test_facility_list_filters_those_to_review(client_for, held_in_unconfirmed):
    _, facility = held_in_unconfirmed
    confirmed = held_in_unconfirmed[0].stays.first().facility  # make_published_case's first stay
    url = reverse("admin:cases_facility_changelist")

    html = client_for(EDITOR).get(url, {"needs_review__exact": "1"}).content.decode()

    assert facility.name_en in html and confirmed.name_en not in html


@pytest.mark.parametrize(("group", "offered"), [(VIEWER, False), (EDITOR, False), (PUBLISHER, True)])
def test_confirm_action_is_offered_only_to_publishers(client_for, held_in_unconfirmed, group, offered):
    html = client_for(group).get(reverse("admin:cases_facility_changelist")).content.decode()

    assert ('value="confirm_selected"' in html) is offered


@pytest.mark.parametrize(("group", "confirmed"), [(EDITOR, False), (PUBLISHER, True)])
def test_confirm_action_confirms_only_for_a_publisher(client_for, held_in_unconfirmed, group, confirmed):
    _, facility = held_in_unconfirmed

    client_for(group).post(
        reverse("admin:cases_facility_changelist"),
        {"action": "confirm_selected", "_selected_action": [facility.pk]},
    )

    facility.refresh_from_db()
    assert facility.needs_review is not confirmed


@pytest.mark.parametrize(("group", "waits"), [(EDITOR, True), (PUBLISHER, False)])
def test_a_new_address_from_anyone_but_a_publisher_waits_for_one(
    client_for, held_in_unconfirmed, group, waits
):
    case, _ = held_in_unconfirmed
    facility = case.stays.first().facility
    assert facility.needs_review is False
    url = reverse("admin:cases_facility_change", args=[facility.pk])
    data = {
        "jurisdiction": facility.jurisdiction_id,
        "slug": facility.slug,
        "kind": facility.kind,
        "regime": "",
        "name_en": facility.name_en,
        "name_be": "",
        "name_ru": facility.name_ru,
        "region": "",
        "short_name": "",
        "other_names": "[]",
        "postcode": "",
        "postal_address": "ул. Другая, 9, 220000, г. Минск",
    }

    response = client_for(group).post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    facility.refresh_from_db()
    assert (facility.postal_address, facility.needs_review) == ("ул. Другая, 9, 220000, г. Минск", waits)
