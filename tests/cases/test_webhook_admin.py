"""Staff register a partner's webhook in the admin and give the partner the secret the form shows:
that secret must verify every delivery (issue #15: the form showed one secret and saved another)."""

import html
import re

import pytest
from django.urls import reverse

from cases.models import WebhookSubscription
from cases.risk import alerts
from tests.cases.test_webhooks import Receiver, _published_case_reclassified_into_terrorism

pytestmark = pytest.mark.django_db(transaction=True)

ADD_URL = reverse("admin:cases_webhooksubscription_add")


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def shown_secret(page: str) -> str:
    """The secret as a staff member reads it on the form: the secret input's value, or the text of
    a read-only secret field."""
    tag = re.search(r"<input[^>]*\bname=\"secret\"[^>]*>", page)
    if tag:
        return html.unescape(re.search(r"\bvalue=\"([^\"]*)\"", tag.group(0)).group(1))
    readonly = re.search(r"field-secret.*?<div class=\"readonly\">(.*?)</div>", page, re.S)
    assert readonly, "the add form shows no secret at all"
    return html.unescape(readonly.group(1).strip())


def form_fields(page: str) -> dict:
    """What the browser posts back: every named input with its value (hidden ones included)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r"\bname=\"([^\"]*)\"", tag)
        value = re.search(r"\bvalue=\"([^\"]*)\"", tag)
        if name and 'type="checkbox"' not in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def test_a_delivery_verifies_with_the_secret_the_add_form_showed(admin_client, law):
    page = admin_client.get(ADD_URL).content.decode()
    secret = shown_secret(page)
    assert len(secret) >= 32
    with Receiver([200]) as receiver:
        data = form_fields(page) | {"organisation": "Synthetic partner", "url": receiver.url, "active": "on"}
        response = admin_client.post(ADD_URL, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        _published_case_reclassified_into_terrorism()

    headers, body = receiver.requests[0]
    assert alerts.verify_signature(
        secret=secret,
        timestamp=headers[alerts.TIMESTAMP_HEADER],
        body=body,
        signature=headers[alerts.SIGNATURE_HEADER],
    ), "the partner cannot verify the delivery with the secret staff were shown"


def test_a_secret_pasted_by_staff_is_saved_as_typed_and_a_short_one_is_refused(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    base = form_fields(page) | {
        "organisation": "Synthetic partner",
        "url": "https://partner.example.org/hook",
    }

    refused = admin_client.post(ADD_URL, base | {"secret": "too-short"})
    assert refused.status_code == 200
    assert "Ensure this value has at least 32 characters" in refused.content.decode()
    assert not WebhookSubscription.objects.exists()

    agreed = "agreed-with-the-partner-by-phone-0123456789"
    assert admin_client.post(ADD_URL, base | {"secret": f"  {agreed} "}).status_code == 302
    assert WebhookSubscription.objects.get().secret == agreed


def test_the_change_form_shows_the_saved_secret_and_editing_it_rotates_it(admin_client):
    subscription = WebhookSubscription.objects.create(
        organisation="Synthetic partner", url="https://p.example.org/"
    )
    url = reverse("admin:cases_webhooksubscription_change", args=[subscription.pk])
    page = admin_client.get(url).content.decode()
    assert shown_secret(page) == subscription.secret

    rotated = "rotated-secret-for-the-synthetic-partner-000"
    response = admin_client.post(url, form_fields(page) | {"secret": rotated, "active": "on"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret == rotated
    assert rotated not in str(list(subscription.history.values()))  # history never keeps a secret
