"""Partner webhooks: signed, retried with backoff on failure, and every attempt logged."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from cases import background, services
from cases.models import RiskAlert, WebhookDelivery, WebhookSubscription
from cases.risk import alerts
from cases.tasks import task_retry_due_webhooks
from tests.factories import CaseFactory, article

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    """The test receivers listen on 127.0.0.1, which deliveries refuse unless an operator allows
    private addresses (tests/cases/test_webhook_ssrf.py shows the refusal)."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


class Receiver:
    """A partner's endpoint on 127.0.0.1 that answers with the queued status codes."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _published_case_reclassified_into_terrorism():
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("342.1"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    services.publish_person(person=case.person)
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    return case


def test_webhook_post_is_signed_so_the_receiver_can_verify_it(law):
    with Receiver([200]) as receiver:
        subscription = WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        case = _published_case_reclassified_into_terrorism()

    headers, body = receiver.requests[0]
    assert alerts.verify_signature(
        secret=subscription.secret,
        timestamp=headers[alerts.TIMESTAMP_HEADER],
        body=body,
        signature=headers[alerts.SIGNATURE_HEADER],
    )
    assert not alerts.verify_signature(
        secret="wrong secret",
        timestamp=headers[alerts.TIMESTAMP_HEADER],
        body=body,
        signature=headers[alerts.SIGNATURE_HEADER],
    )
    assert not alerts.verify_signature(
        secret=subscription.secret,
        timestamp=headers[alerts.TIMESTAMP_HEADER],
        body=body.replace(b"critical", b"none"),
        signature=headers[alerts.SIGNATURE_HEADER],
    )
    payload = json.loads(body)
    assert payload["case"] == str(case.public_id)
    assert (payload["old_level"], payload["new_level"]) == ("none", "critical")
    assert payload["reasons"][0]["article"] == "art. 289 part 3"
    assert "charge_id" not in payload["reasons"][0]  # no database ids leave the registry


def test_signature_older_than_five_minutes_is_refused(law):
    body = b'{"a": 1}'
    signature = alerts.sign("s", "1000", body)
    assert alerts.verify_signature(secret="s", timestamp="1000", body=body, signature=signature, now=1100)
    assert not alerts.verify_signature(secret="s", timestamp="1000", body=body, signature=signature, now=1301)


def test_failing_receiver_is_retried_with_backoff_and_every_attempt_logged(law):
    with Receiver([500, 503, 200]) as receiver:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        _published_case_reclassified_into_terrorism()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        first_wait = delivery.next_attempt_at - delivery.last_attempt_at
        assert alerts.deliver_webhook(delivery_id=delivery.pk) == "pending"  # not due yet: no attempt
        assert len(receiver.requests) == 1

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert alerts.deliver_webhook(delivery_id=delivery.pk) == "pending"
        delivery.refresh_from_db()
        second_wait = delivery.next_attempt_at - delivery.last_attempt_at
        assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, 503, "HTTP 503")

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert task_retry_due_webhooks() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None and len(receiver.requests) == 3
    assert second_wait > first_wait  # backoff grows


def test_unreachable_receiver_fails_after_the_last_attempt(law):
    WebhookSubscription.objects.create(organisation="Gone partner", url="http://127.0.0.1:1/hook")
    _published_case_reclassified_into_terrorism()
    delivery = WebhookDelivery.objects.get()
    for _ in range(alerts.MAX_ATTEMPTS - 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        alerts.deliver_webhook(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", alerts.MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in delivery.last_error or "Connection refused" in delivery.last_error
    assert delivery.next_attempt_at is None


def test_backoff_doubles_and_is_capped():
    assert [alerts.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert alerts.backoff(30).total_seconds() == alerts.BACKOFF_CAP_SECONDS


def test_draft_cases_send_no_webhook(law):
    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("342.1"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    assert RiskAlert.objects.filter(case=case, new_level="critical").exists()
    assert not WebhookDelivery.objects.exists()


def test_inactive_subscription_gets_nothing(law):
    WebhookSubscription.objects.create(
        organisation="Paused partner", url="http://127.0.0.1:1/hook", active=False
    )
    _published_case_reclassified_into_terrorism()
    assert not WebhookDelivery.objects.exists()


def test_retry_about_a_person_withdrawn_meanwhile_is_cancelled_not_sent(law):
    """A family asked to withdraw the person after the first attempt failed: partners hear nothing."""
    with Receiver([500]) as receiver:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        case = _published_case_reclassified_into_terrorism()
        services.withdraw_person(person=case.person)
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

        assert alerts.deliver_webhook(delivery_id=delivery.pk) == "cancelled"

    delivery.refresh_from_db()
    assert len(receiver.requests) == 1  # only the attempt made while the person was published
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("cancelled", 1, None)
    assert delivery.last_error == "Not sent: the person is no longer published."
    assert alerts.due_deliveries() == []


def test_delivery_whose_message_was_lost_is_not_sent_once_the_person_is_withdrawn(law, monkeypatch):
    """The broker was down when the alert was raised; the periodic retry runs after the withdrawal."""
    queue = background.send

    def broker_down_for_webhooks(name, **kwargs):
        if name == "deliver_webhook":
            raise ConnectionError("broker down")
        return queue(name, **kwargs)

    monkeypatch.setattr(background, "send", broker_down_for_webhooks)
    with Receiver([]) as receiver:
        WebhookSubscription.objects.create(organisation="Synthetic partner", url=receiver.url)
        case = _published_case_reclassified_into_terrorism()
        services.withdraw_person(person=case.person)

        assert task_retry_due_webhooks() == 1

    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []
    assert (delivery.state, delivery.attempts) == ("cancelled", 0)


def test_retry_to_a_subscription_switched_off_meanwhile_is_cancelled_not_sent(law):
    with Receiver([500]) as receiver:
        subscription = WebhookSubscription.objects.create(organisation="Paused partner", url=receiver.url)
        _published_case_reclassified_into_terrorism()
        WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False)
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

        assert alerts.deliver_webhook(delivery_id=delivery.pk) == "cancelled"

    delivery.refresh_from_db()
    assert len(receiver.requests) == 1
    assert delivery.last_error == "Not sent: the subscription is no longer active."
