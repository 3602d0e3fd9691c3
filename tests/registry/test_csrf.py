"""Cross-site request forgery: a write that rides on a staff member's cookies is refused without
the CSRF token; API keys are sent in a header no other site can make a browser send, so key
writes need no token."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from cases.models import Organisation, PartnerAPIKey, Person, Submission
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _verified(client, user):
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_browser():
    """A superuser's browser after the two-step login, which checks CSRF as a real one does."""
    return _verified(Client(enforce_csrf_checks=True), UserFactory(is_superuser=True))


def test_an_admin_change_without_the_csrf_token_is_refused(law, staff_browser):
    person = PersonFactory()
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = staff_browser.post(url, {"biography": "forged", "_save": "Save"})

    assert response.status_code == 403
    assert b"CSRF" in response.content
    person.refresh_from_db()
    assert person.biography != "forged"


def test_an_admin_delete_without_the_csrf_token_is_refused(law, staff_browser):
    person = PersonFactory()

    response = staff_browser.post(reverse("admin:cases_person_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_admin_change_with_the_csrf_token_gets_past_the_check(law, staff_browser):
    url = reverse("admin:cases_person_changelist")
    staff_browser.get(url)
    token = staff_browser.cookies["csrftoken"].value

    response = staff_browser.post(url, {"action": "", "index": 0}, headers={"X-CSRFToken": token})

    assert response.status_code != 403


def test_the_login_form_without_the_csrf_token_is_refused(law):
    browser = Client(enforce_csrf_checks=True)
    user = UserFactory()

    response = browser.post(
        reverse("two_factor:login"),
        {"login_view-current_step": "auth", "auth-username": user.username, "auth-password": "x"},
    )

    assert response.status_code == 403


def test_an_api_write_on_a_staff_session_without_the_csrf_token_is_refused(law):
    api = APIClient(enforce_csrf_checks=True)
    _verified(api, UserFactory(is_superuser=True))

    for url in (reverse("api:submission-list"), reverse("api:webhook-list"), reverse("api:person-list")):
        response = api.post(url, {"text": "forged"}, format="json")

        assert response.status_code == 403, url
        assert "CSRF" in response.json()["detail"], url
    assert not Submission.objects.exists()


def test_an_api_key_write_needs_no_csrf_token_because_no_browser_sends_the_key_by_itself(law):
    organisation = Organisation.objects.create(name="Synthetic Advocacy Group")
    _, raw = PartnerAPIKey.objects.create_key(
        name="submitter", organisation=organisation, scopes=[PartnerAPIKey.Scope.WRITE_SUBMISSIONS]
    )
    api = APIClient(enforce_csrf_checks=True)

    refused = api.post(reverse("api:submission-list"), {}, format="json")
    response = api.post(
        reverse("api:submission-list"), {}, format="json", headers={"Authorization": f"Api-Key {raw}"}
    )

    assert refused.status_code in (401, 403)
    # Not a CSRF refusal: the payload is checked (400 for an empty report), so the key was enough.
    assert response.status_code == 400, response.content
    assert "CSRF" not in response.content.decode()
