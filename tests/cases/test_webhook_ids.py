"""Webhooks are delivered at least once: every delivery carries a stable id a partner de-duplicates by."""

import json
import uuid

import pytest
from django.utils import timezone

from cases.models import WebhookDelivery, WebhookSubscription
from cases.risk import alerts
from tests.cases.test_webhooks import Receiver, _published_case_reclassified_into_terrorism

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def test_webhook_delivery_id_is_the_same_on_every_retry_in_header_and_signed_body(law):
    with Receiver([503, 200]) as receiver:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        _published_case_reclassified_into_terrorism()
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

        alerts.deliver_webhook(delivery_id=delivery.pk)

    (first_headers, first_body), (retry_headers, retry_body) = receiver.requests
    first_id = first_headers[alerts.DELIVERY_HEADER]
    assert uuid.UUID(first_id).version == 4
    assert retry_headers[alerts.DELIVERY_HEADER] == first_id
    assert json.loads(first_body)["delivery_id"] == first_id == json.loads(retry_body)["delivery_id"]
    assert first_id != str(delivery.pk)


def test_webhook_delivery_ids_differ_between_two_deliveries(law):
    with Receiver([200, 200]) as first, Receiver([200]) as second:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=first.url)
        WebhookSubscription.objects.create(organisation="Other partner", url=second.url)
        _published_case_reclassified_into_terrorism()

    ids = {first.requests[0][0][alerts.DELIVERY_HEADER], second.requests[0][0][alerts.DELIVERY_HEADER]}
    assert len(ids) == 2
    assert ids == {str(d.payload["delivery_id"]) for d in WebhookDelivery.objects.all()}


def test_webhook_signature_covers_the_delivery_id(law):
    with Receiver([200]) as receiver:
        subscription = WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        _published_case_reclassified_into_terrorism()

    headers, body = receiver.requests[0]
    delivery_id = headers[alerts.DELIVERY_HEADER]
    replayed_as_new = body.replace(delivery_id.encode(), str(uuid.uuid4()).encode())
    signed = {"secret": subscription.secret, "timestamp": headers[alerts.TIMESTAMP_HEADER]}
    assert alerts.verify_signature(**signed, body=body, signature=headers[alerts.SIGNATURE_HEADER])
    assert replayed_as_new != body
    signature = headers[alerts.SIGNATURE_HEADER]
    assert not alerts.verify_signature(**signed, body=replayed_as_new, signature=signature)


def test_webhook_delivery_queued_before_ids_existed_gets_one_that_then_stays(law):
    with Receiver([503, 503, 200]) as receiver:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        _published_case_reclassified_into_terrorism()
        delivery = WebhookDelivery.objects.get()
        legacy = {key: value for key, value in delivery.payload.items() if key != "delivery_id"}
        WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=legacy, next_attempt_at=timezone.now())

        alerts.deliver_webhook(delivery_id=delivery.pk)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        alerts.deliver_webhook(delivery_id=delivery.pk)

    ids = [headers[alerts.DELIVERY_HEADER] for headers, _ in receiver.requests[1:]]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert json.loads(receiver.requests[2][1])["delivery_id"] == ids[0]
