"""The cast of API callers: anonymous, one key per scope, one staff member per group."""

import datetime

import pytest
from rest_framework.test import APIClient

from cases import services
from cases.models import Organisation, PartnerAPIKey, Source
from cases.protection.permissions import EDITOR, PUBLISHER, SOURCES, VIEWER
from tests.factories import CaseFactory, FacilityFactory, UserFactory, article

D = datetime.date
Scope = PartnerAPIKey.Scope

KEY_CALLERS = {
    "key:read:public": [Scope.READ_PUBLIC],
    "key:read:restricted": [Scope.READ_RESTRICTED],
    "key:write:submissions": [Scope.WRITE_SUBMISSIONS],
    "key:webhooks": [Scope.WEBHOOKS],
}
STAFF_CALLERS = {"staff:viewer": VIEWER, "staff:editor": EDITOR, "staff:publisher": PUBLISHER}
CALLERS = ["anonymous", *KEY_CALLERS, *STAFF_CALLERS]


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Synthetic Advocacy Group")


@pytest.fixture
def api_client_for(law, organisation):
    def make(caller: str) -> APIClient:
        client = APIClient()
        if caller in KEY_CALLERS:
            _, raw = PartnerAPIKey.objects.create_key(
                name=caller, organisation=organisation, scopes=KEY_CALLERS[caller]
            )
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        elif caller in STAFF_CALLERS:
            client.force_login(UserFactory(groups=[STAFF_CALLERS[caller]]))
        elif caller == "staff:sources":  # a small group on top of a role, never alone
            client.force_login(UserFactory(groups=[VIEWER, SOURCES]))
        return client

    return make


def make_published_case(*, charges=("342.1",), name_suffix="", confidential_text="", publish=True):
    """A case with charges, a stay, events and sources, through the services (on commit done)."""
    case = CaseFactory()
    if name_suffix:
        services.add_person_name(
            person=case.person, text=f"Synthetic {name_suffix}", script="latin", kind="other_latin"
        )
    public = services.save_detail(
        instance=Source(
            kind="publication",
            title="Synthetic public report",
            url="https://example.org/r",
            confidential=False,
        )
    )
    for notation in charges:
        services.add_charge(
            case=case,
            article=article(notation),
            offence_date=D(2022, 2, 20),
            charged_on=D(2022, 3, 2),
            source=public,
        )
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2022, 3, 2))
    if confidential_text:
        secret = services.save_detail(
            instance=Source(
                kind="relative",
                title=f"Confidential source {confidential_text}",
                url=f"https://example.org/{confidential_text}",
                confidential=True,
                contact=f"contact {confidential_text}",
            )
        )
        services.record_event(
            case=case,
            kind="other",
            date=D(2022, 4, 1),
            text=f"internal {confidential_text}",
            is_public=False,
            sources=[secret],
        )
        services.record_event(
            case=case,
            kind="trial",
            date=D(2022, 5, 1),
            text="Trial began (public).",
            is_public=True,
            sources=[public, secret],
        )
        services.update_person(person=case.person, internal_notes=f"notes {confidential_text}")
    if publish:
        services.publish_person(person=case.person)
    return case
