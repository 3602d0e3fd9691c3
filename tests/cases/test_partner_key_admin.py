"""The one admin for partner API keys: scopes ticked, expiry, organisation, the person it went to;
a key issued there works in the API, and the library's own key screen is not offered."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Organisation, PartnerAPIKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Scope = PartnerAPIKey.Scope


@pytest.fixture
def administrator(client, law):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Synthetic Advocacy Group")


def _issue_key(client, organisation, **fields):
    """Post the add form as a browser does: one `scopes` value per ticked box."""
    data = {
        "name": "mirror",
        "organisation": organisation.pk,
        "issued_to": "",
        "scopes": [Scope.READ_PUBLIC],
        "expiry_date_0": "",
        "expiry_date_1": "",
        **fields,
    }
    return client.post(reverse("admin:cases_partnerapikey_add"), data)


def _shown_key(response) -> str:
    return response.content.decode().split('<code class="new-api-key">', 1)[1].split("</code>", 1)[0]


def test_key_add_form_offers_each_scope_as_a_checkbox(administrator):
    content = administrator.get(reverse("admin:cases_partnerapikey_add")).content.decode()

    boxes = re.findall(r'<input type="checkbox" name="scopes" value="([^"]+)"', content)
    assert boxes == [
        Scope.READ_PUBLIC,
        Scope.READ_RESTRICTED,
        Scope.WRITE_SUBMISSIONS,
        Scope.WEBHOOKS,
        Scope.READ_CONTACTS,
        Scope.WRITE_CONTACTS,
    ]
    assert "<textarea" not in content
    for field in ("name", "organisation", "issued_to", "expiry_date_0"):
        assert f'name="{field}"' in content


def test_key_add_form_saves_the_ticked_scopes(administrator, organisation):
    response = _issue_key(administrator, organisation, scopes=[Scope.READ_PUBLIC, Scope.WEBHOOKS])

    assert "Enter a valid JSON" not in response.content.decode()
    key = PartnerAPIKey.objects.get(name="mirror")
    assert key.scopes == [Scope.READ_PUBLIC, Scope.WEBHOOKS]


def test_key_add_form_refuses_a_key_without_any_scope(administrator, organisation):
    response = _issue_key(administrator, organisation, scopes=[])

    assert response.status_code == 200
    assert "Tick at least one scope" in response.content.decode()
    assert not PartnerAPIKey.objects.exists()


def test_key_add_form_records_the_person_it_was_issued_to_and_the_expiry(administrator, organisation):
    partner_developer = UserFactory(username="synthetic.developer", is_staff=False)

    _issue_key(
        administrator,
        organisation,
        issued_to=partner_developer.pk,
        expiry_date_0="2027-06-30",
        expiry_date_1="12:00:00",
    )

    key = PartnerAPIKey.objects.get(name="mirror")
    assert key.issued_to == partner_developer and key.organisation == organisation
    assert timezone.localtime(key.expiry_date).date() == datetime.date(2027, 6, 30)


def test_key_add_form_suggests_an_expiry_one_year_ahead(administrator):
    content = administrator.get(reverse("admin:cases_partnerapikey_add")).content.decode()

    next_year = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    assert f'name="expiry_date_0" value="{next_year}"' in content


def test_key_change_form_shows_the_scopes_it_grants_ticked(administrator, organisation):
    key, _ = PartnerAPIKey.objects.create_key(
        name="mirror", organisation=organisation, scopes=[Scope.READ_RESTRICTED, Scope.WEBHOOKS]
    )

    content = administrator.get(reverse("admin:cases_partnerapikey_change", args=[key.pk])).content.decode()

    ticked = re.findall(r'<input type="checkbox" name="scopes" value="([^"]+)"[^>]*checked', content)
    assert ticked == [Scope.READ_RESTRICTED, Scope.WEBHOOKS]


def test_key_issued_in_the_admin_is_accepted_by_the_api(administrator, organisation, client):
    response = _issue_key(administrator, organisation, scopes=[Scope.READ_PUBLIC])
    raw_key = _shown_key(response)
    administrator.logout()

    answer = client.get(reverse("api:statistics"), HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    assert answer.status_code == 200
    assert "people" in answer.json()
    assert PartnerAPIKey.objects.get(name="mirror").last_used_at is not None


def test_admin_index_lists_one_api_keys_entry_the_partner_keys(administrator):
    content = administrator.get(reverse("admin:index")).content.decode()

    entries = re.findall(r"<a [^>]*>([^<]*API keys)</a>", content, flags=re.IGNORECASE)
    assert entries == ["Partner API keys"]
    assert "rest_framework_api_key" not in content


def test_key_change_form_revokes_a_key_and_the_api_refuses_it(administrator, organisation, client):
    key, raw_key = PartnerAPIKey.objects.create_key(
        name="mirror", organisation=organisation, scopes=[Scope.READ_PUBLIC, Scope.WEBHOOKS]
    )

    response = administrator.post(
        reverse("admin:cases_partnerapikey_change", args=[key.pk]),
        {
            "name": "mirror",
            "organisation": organisation.pk,
            "issued_to": "",
            "scopes": [Scope.READ_PUBLIC, Scope.WEBHOOKS],
            "expiry_date_0": "",
            "expiry_date_1": "",
            "revoked": "on",
        },
    )
    administrator.logout()
    answer = client.get(reverse("api:statistics"), HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked and key.scopes == [Scope.READ_PUBLIC, Scope.WEBHOOKS]
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]


def test_revoked_key_change_form_shows_its_scopes_without_boxes_to_tick(administrator, organisation):
    key, _ = PartnerAPIKey.objects.create_key(
        name="mirror", organisation=organisation, scopes=[Scope.WRITE_SUBMISSIONS], revoked=True
    )

    response = administrator.get(reverse("admin:cases_partnerapikey_change", args=[key.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="scopes"' not in content and "write:submissions" in content


def test_key_list_names_organisation_holder_and_scopes(administrator, organisation):
    holder = UserFactory(username="synthetic.holder", is_staff=False)
    PartnerAPIKey.objects.create_key(
        name="mirror", organisation=organisation, issued_to=holder, scopes=[Scope.READ_PUBLIC, Scope.WEBHOOKS]
    )

    content = administrator.get(reverse("admin:cases_partnerapikey_changelist")).content.decode()

    assert "Synthetic Advocacy Group" in content and "synthetic.holder" in content
    assert "read:public, webhooks" in content


def test_key_list_costs_the_same_queries_for_one_key_and_for_many(administrator, organisation):
    def issue(count):
        for n in range(count):
            holder = UserFactory(is_staff=False)
            PartnerAPIKey.objects.create_key(
                name=f"key {n}", organisation=organisation, issued_to=holder, scopes=[Scope.READ_PUBLIC]
            )

    url = reverse("admin:cases_partnerapikey_changelist")
    issue(1)
    with CaptureQueriesContext(connection) as one:
        administrator.get(url)
    issue(6)
    with CaptureQueriesContext(connection) as many:
        content = administrator.get(url).content.decode()

    assert content.count("read:public") >= 7
    assert len(many) == len(one)
