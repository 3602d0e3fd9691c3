"""schemathesis, in-process, against the live schema: no 5xx, no response that breaks the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from cases.models import Organisation, PartnerAPIKey
from registry.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

# A change-feed cursor is valid only if the feed issued it (an encrypted position, docs/api.md): no
# schema can say which well-formed strings those are, so an unissued one is rightly a 400 there.
# Every other check, the schema's pattern included, still runs on this operation.
ISSUED_INPUTS_ONLY = {("GET", "/api/v1/changes/")}
# The same for a list's keyset cursor (api.pagination): a cursor the list did not give, or one
# given with a page number, is a 400 that says so.
ISSUED_PARAMETERS = {"cursor"}


def _issued_only(case) -> bool:
    return (case.method.upper(), case.path) in ISSUED_INPUTS_ONLY or bool(
        ISSUED_PARAMETERS & set(case.query or {})
    )


@pytest.fixture
def keep_test_connection():
    """Requests here bypass Django's test client, which normally stops each request from closing
    the database connection that holds the test's transaction; do what it does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, law, keep_test_connection):
    issued_only = _issued_only(case)
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if issued_only else None)


@pytest.fixture
def restricted_key(law):
    organisation = Organisation.objects.create(name="Synthetic Fuzzing Group")
    _, raw = PartnerAPIKey.objects.create_key(
        name="fuzzing", organisation=organisation, scopes=[PartnerAPIKey.Scope.READ_RESTRICTED]
    )
    return raw


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_for_a_restricted_key(case, restricted_key, keep_test_connection):
    issued_only = _issued_only(case)
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {restricted_key}"},
        excluded_checks=[positive_data_acceptance] if issued_only else None,
    )
