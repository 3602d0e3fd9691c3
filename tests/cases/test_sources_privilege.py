"""Least privilege: only the Sources group sees confidential sources and contacts, on every surface.

The attack: an insider with an ordinary staff role (viewer, editor, even publisher) tries to learn
who reported a detention, or how to reach a prisoner's family, through any admin page.
"""

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, Charge, Source
from cases.protection.permissions import EDITOR, PUBLISHER, SOURCES, VIEWER
from tests.factories import ChargeFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [VIEWER, EDITOR, PUBLISHER]
WHO = "CANARYinformant"
CONTACT = "CANARYphone +375 29 111"
FAMILY = "CANARYmother +375 33 222"


@pytest.fixture
def secret_source(law):
    """A case whose charge and event name a confidential source, and a person with family contacts."""
    charge = ChargeFactory()
    source = services.save_detail(
        instance=Source(kind="witness", title=f"Told by {WHO}", confidential=True, contact=CONTACT)
    )
    Charge.objects.filter(pk=charge.pk).update(source=source)
    event = services.save_detail(
        instance=CaseEvent(case=charge.case, kind="other", date=charge.case.detention_date, text="note")
    )
    event.sources.add(source)
    services.update_person(person=charge.case.person, contacts=FAMILY)
    return source, charge


def _login(client, *groups):
    client.force_login(UserFactory(groups=list(groups)))
    return client


def _pages(source, charge):
    person = charge.case.person
    return {
        "source list": reverse("admin:cases_source_changelist"),
        "source search": reverse("admin:cases_source_changelist") + "?q=Told",
        "source change": reverse("admin:cases_source_change", args=[source.pk]),
        "source history": reverse("admin:cases_source_history", args=[source.pk]),
        "case change": reverse("admin:cases_case_change", args=[charge.case_id]),
        "charge change": reverse("admin:cases_charge_change", args=[charge.pk]),
        "person change": reverse("admin:cases_person_change", args=[person.pk]),
        "person history": reverse("admin:cases_person_history", args=[person.pk]),
        "source history version": reverse(
            "admin:cases_source_simple_history", args=[source.pk, source.history.first().history_id]
        ),
        "person history version": reverse(
            "admin:cases_person_simple_history", args=[person.pk, person.history.first().history_id]
        ),
        "autocomplete": reverse("admin:autocomplete")
        + "?app_label=cases&model_name=charge&field_name=source&term=Told",
    }


@pytest.mark.parametrize("role", ROLES)
def test_staff_outside_the_sources_group_never_see_a_confidential_source_or_contact(
    client, secret_source, role
):
    source, charge = secret_source
    client = _login(client, role)
    for name, url in _pages(source, charge).items():
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code in (200, 302, 403, 404), name
        assert WHO not in body, f"{role} sees who the source is on {name}"
        assert "CANARYphone" not in body, f"{role} sees the source's contact on {name}"
        assert "CANARYmother" not in body, f"{role} sees the family's contact on {name}"


def test_charge_keeps_its_confidential_source_under_a_masked_label_for_an_editor(client, secret_source):
    """Masking must not break editing: the case page still loads and names the source only by code."""
    source, charge = secret_source
    body = _login(client, EDITOR).get(reverse("admin:cases_case_change", args=[charge.case_id])).content
    assert f"Confidential source {str(source.public_id)[:8]}".encode() in body


def test_sources_group_member_sees_the_source_and_every_contact(client, secret_source):
    source, charge = secret_source
    client = _login(client, VIEWER, SOURCES)
    pages = _pages(source, charge)
    assert WHO in client.get(pages["source list"]).content.decode()
    assert CONTACT in client.get(pages["source change"]).content.decode()
    assert FAMILY in client.get(pages["person change"]).content.decode()
    # A read-only case page names sources by a code for everyone; the Sources group looks it up.
    assert (
        f"Confidential source {str(source.public_id)[:8]}"
        in client.get(pages["case change"]).content.decode()
    )
