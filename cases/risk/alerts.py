"""Telling people when a case's risk level changes, or when there is news of a person under a death
sentence: the staff triage queue, e-mail to a staff group, and signed webhooks to partner
organisations, each delivery logged and retried.

Retries are driven by the database, not by the broker: a delivery stays 'pending' with its
next attempt time until it succeeds, runs out of attempts, is refused (an address that is not
public) or is cancelled (the person was withdrawn meanwhile), and a periodic task picks up what
is due. A broker restart therefore loses no alert.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import background, partial_dates
from cases.choices import CONTACT_ALERT_KINDS, AlertKind, PublicationState, RiskLevel
from cases.models import Person, RiskAlert, WebhookDelivery, WebhookSubscription
from cases.models.staff import languages_of
from cases.protection import webhook_urls
from cases.wording.render import Renderer

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Registry-Signature"
TIMESTAMP_HEADER = "X-Registry-Timestamp"
# Delivery is at least once (a slow answer or a killed worker sends again): the partner drops a
# delivery id it has already processed. The same id is in the signed body as `delivery_id`.
DELIVERY_HEADER = "X-Registry-Delivery"
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10


# Raising ---------------------------------------------------------------------------------------


def raise_alert(*, case, assessment, old_level: str) -> RiskAlert:
    """Open an alert for a change of level; queue its e-mail and webhooks after commit.

    Called inside the assessment's transaction, once per stored change of level (not per save).
    Partners only hear about published cases: a draft may not be public yet for a reason.
    """
    alert = RiskAlert.objects.create(
        case=case, assessment=assessment, old_level=old_level, new_level=assessment.level
    )
    return _send_out(alert, to_partners=case.person.publication_state == PublicationState.PUBLISHED)


def raise_death_row_alert(*, case, event) -> RiskAlert:
    """Open an urgent alert for news of a person under a death sentence (an appeal decided, a
    clemency petition refused, a visit refused, a lawyer told the sentence was carried out...);
    queue its e-mail and, for a published person and a public entry, its webhooks after commit.

    Called inside the transaction that records the entry. An internal entry (a family's word in
    confidence) reaches staff only.
    """
    alert = RiskAlert.objects.create(case=case, kind=AlertKind.DEATH_ROW, event=event)
    published = case.person.publication_state == PublicationState.PUBLISHED
    return _send_out(alert, to_partners=published and event.is_public)


def raise_contact_alert(
    *, case, kind: str, channel: str, silent_days: int, silent_since, contact=None
) -> RiskAlert:
    """Open an alert that a silence passed its threshold (kind `silence`) or that contact came
    back after one (`contact_resumed`); queue its e-mail and, where partners may hear of it, its
    webhooks after commit.

    Partners hear of it only for a published person whose silence staff chose to publish
    (Person.silence_public): the days without contact may be what a family told in confidence.
    Called inside the transaction of the daily check or of the recorded contact.
    """
    alert = RiskAlert.objects.create(
        case=case,
        kind=kind,
        channel=channel,
        silent_days=silent_days,
        silent_since=silent_since,
        contact=contact,
    )
    return _send_out(alert, to_partners=_silence_told_to_partners(case.person))


def _silence_told_to_partners(person) -> bool:
    return person.publication_state == PublicationState.PUBLISHED and person.silence_public


def _send_out(alert: RiskAlert, *, to_partners: bool) -> RiskAlert:
    """A delivery per active subscription (when partners may hear of it), then, after commit, the
    e-mail and the deliveries queued; a broker that is down leaves them to the periodic tasks."""
    deliveries = []
    if to_partners:
        payloads: dict[str, dict] = {}  # one per language the subscribers read
        deliveries = [
            WebhookDelivery.objects.create(
                subscription=s,
                alert=alert,
                case=alert.case,
                payload={
                    **payloads.setdefault(s.language, webhook_payload(alert, s.language)),
                    "delivery_id": new_delivery_id(),
                },
                next_attempt_at=timezone.now(),
            )
            for s in WebhookSubscription.objects.filter(active=True)
        ]

    def enqueue():
        for send in [lambda: background.send("send_alert_email", alert_id=alert.pk)] + [
            (lambda d=d: background.send("deliver_webhook", delivery_id=d.pk)) for d in deliveries
        ]:
            try:
                send()
            except Exception as exc:  # broker down: the periodic tasks pick these up
                logger.warning("could not queue alert work for alert %s: %s", alert.pk, type(exc).__name__)

    transaction.on_commit(enqueue)
    return alert


def webhook_payload(alert: RiskAlert, language: str = "en") -> dict:
    """What a partner receives: public identifiers and public reasons, no database ids; the
    human-readable texts in the subscription's language."""
    renderer = Renderer(language)
    if alert.kind in CONTACT_ALERT_KINDS:
        # The days and the last day only: never how the word came, what it said nor who told us.
        return {
            "event": "contact_silence" if alert.kind == AlertKind.SILENCE else "contact_resumed",
            "case": str(alert.case.public_id),
            "person": alert.case.person.slug,
            "channel": alert.channel or "any",
            "days_at_least": alert.silent_days,
            "last_contact_on_or_before": alert.silent_since.isoformat(),
        }
    if alert.kind == AlertKind.DEATH_ROW:
        event = alert.event
        return {
            "event": "death_row_event",
            "case": str(alert.case.public_id),
            "person": alert.case.person.slug,
            "kind": event.kind,
            "date": partial_dates.iso(event.date, event.date_precision),
            "date_precision": event.date_precision,
            "text": event.text,
            "message": event.message or None,
        }
    return {
        "event": "risk_level_changed",
        "case": str(alert.case.public_id),
        "person": alert.case.person.slug,
        "old_level": alert.old_level,
        "new_level": alert.new_level,
        "assessed_on": alert.assessment.assessed_on.isoformat(),
        # Each reason as a message (`code`, `params`: docs/languages.md) and in the subscription's
        # language (`language` says which: English for a reason stored before messages).
        "reasons": renderer.reasons_for_readers(alert.assessment.reasons),
    }


def tell_partners_of_correction(*, case, charge_public_id, event: str, on) -> list[WebhookDelivery]:
    """Queue a webhook to every active subscriber that a charge of a published case was corrected
    ("charge_corrected": fetch it again) or withdrawn ("charge_withdrawn": it never happened,
    delete it). The payload names the case, the person and the charge by their public ids; the
    reason staff gave stays in the registry (it may name a source).

    Called inside the correction's transaction; the deliveries go out after commit and are retried
    like any other. Nothing is queued for an unpublished person.
    """
    if event not in ("charge_corrected", "charge_withdrawn"):
        raise ValueError(f"unknown correction event {event!r}")
    if not Person.objects.published().filter(cases=case.pk).exists():
        return []
    payload = {
        "event": event,
        "case": str(case.public_id),
        "person": case.person.slug,
        "charge": str(charge_public_id),
        "on": on.isoformat(),
    }
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=s,
            case=case,
            payload={**payload, "delivery_id": new_delivery_id()},
            next_attempt_at=timezone.now(),
        )
        for s in WebhookSubscription.objects.filter(active=True)
    ]

    def enqueue():
        for delivery in deliveries:
            try:
                background.send("deliver_webhook", delivery_id=delivery.pk)
            except Exception as exc:  # broker down: the periodic task picks these up
                logger.warning("could not queue webhook %s: %s", delivery.pk, type(exc).__name__)

    transaction.on_commit(enqueue)
    return deliveries


def new_delivery_id() -> str:
    """A random UUID naming one delivery (one alert to one subscriber), kept in its stored payload
    so every retry sends the same one; random, so it reveals no database id and no count."""
    return str(uuid.uuid4())


# Triage ----------------------------------------------------------------------------------------


# E-mail ----------------------------------------------------------------------------------------


def send_alert_email(*, alert_id: int) -> int:
    """E-mail the members of the alert group once, each in the language they chose (their staff
    settings; English for those who chose none); returns how many addresses were sent to.

    The mail names the case by its number and admin link, not the person: mail travels through
    servers the registry does not control.
    """
    with transaction.atomic():
        alert = (
            RiskAlert.objects.select_for_update(of=("self",))
            .select_related("case", "assessment", "event")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.emailed_at is not None:
            return 0
        members = dict(
            get_user_model()
            .objects.filter(groups__name=settings.RISK_ALERT_GROUP, is_active=True)
            .exclude(email="")
            .values_list("pk", "email")
            .distinct()
        )
        by_language: dict[str, set[str]] = {}
        for pk, language in languages_of(members).items():
            by_language.setdefault(language or "en", set()).add(members[pk])
        for language, addresses in sorted(by_language.items()):
            with translation.override(language):
                subject, body = _alert_mail(alert)
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=sorted(addresses),
            )
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at"])
        return sum(len(addresses) for addresses in by_language.values())


def _alert_mail(alert: RiskAlert) -> tuple[str, str]:
    """The subject and body of an alert's e-mail, in the active language."""
    case_ref = alert.case.case_number or str(alert.case.public_id)
    if alert.kind == AlertKind.DEATH_ROW:
        return _death_row_mail(alert, case_ref)
    if alert.kind in CONTACT_ALERT_KINDS:
        return _contact_mail(alert, case_ref)
    old, new = RiskLevel(alert.old_level).label, RiskLevel(alert.new_level).label
    said = Renderer().render_all(alert.assessment.reasons)
    reasons = "\n".join(f"- {text}" for text in said) or "- " + _("(no remaining reasons)")
    link = settings.SITE_URL.rstrip("/") + reverse("admin:cases_case_change", args=[alert.case_id])
    words = {"case": case_ref, "old": old, "new": new, "reasons": reasons, "link": link}
    if alert.is_rise:
        subject = _("[registry] Risk rose: case %(case)s is now %(new)s") % words
        body = _(
            "The risk of the death penalty in case %(case)s rose from %(old)s to %(new)s.\n\n"
            "Reasons:\n%(reasons)s\n\nTriage it in the staff area: %(link)s\n"
        )
    else:
        subject = _("[registry] Risk fell: case %(case)s is now %(new)s") % words
        body = _(
            "The risk of the death penalty in case %(case)s fell from %(old)s to %(new)s.\n\n"
            "Reasons:\n%(reasons)s\n\nTriage it in the staff area: %(link)s\n"
        )
    return subject, body % words


def _death_row_mail(alert: RiskAlert, case_ref: str) -> tuple[str, str]:
    """The news by its kind and day; what the entry says stays in the staff area (it may be a
    family's word in confidence, and mail travels through servers the registry does not control)."""
    event = alert.event
    link = settings.SITE_URL.rstrip("/") + reverse("admin:cases_riskalert_change", args=[alert.pk])
    words = {
        "case": case_ref,
        "kind": event.get_kind_display(),
        "day": partial_dates.describe(event.date, event.date_precision, translation.get_language()),
        "link": link,
    }
    subject = _("[registry] URGENT death row: %(kind)s in case %(case)s") % words
    body = _(
        "News of a person under a death sentence, case %(case)s: %(kind)s (%(day)s).\n\n"
        "Read it and act on it in the staff area: %(link)s\n"
    )
    return subject, body % words


def _contact_mail(alert: RiskAlert, case_ref: str) -> tuple[str, str]:
    """The channel and the days; who told us and what was said stay in the staff area."""
    link = settings.SITE_URL.rstrip("/") + reverse("admin:cases_riskalert_change", args=[alert.pk])
    channel = alert.get_channel_display() if alert.channel else _("any contact")
    words = {"case": case_ref, "channel": channel, "days": alert.silent_days, "link": link}
    if alert.kind == AlertKind.SILENCE:
        words["since"] = partial_dates.describe(alert.silent_since, "day", translation.get_language())
        subject = _("[registry] Silence: no %(channel)s for at least %(days)s days, case %(case)s") % words
        body = _(
            "In case %(case)s, no %(channel)s for at least %(days)s days (the last one on or before "
            "%(since)s).\n\nFind out why and act on it in the staff area: %(link)s\n"
        )
    else:
        subject = _("[registry] Contact resumed in case %(case)s") % words
        body = _(
            "In case %(case)s: contact resumed (%(channel)s) after at least %(days)s days.\n\n"
            "Read it in the staff area: %(link)s\n"
        )
    return subject, body % words


# Webhooks --------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a receiver recomputes: HMAC-SHA256 over '<timestamp>.<body>'."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    max_age_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """What a partner runs on receipt (also documented in docs/webhooks.md)."""
    now = time.time() if now is None else now
    try:
        fresh = abs(now - int(timestamp)) <= max_age_seconds
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS))


def deliver_webhook(*, delivery_id: int) -> str:
    """Make one attempt if the delivery is due; record the outcome. Returns the new state.

    Each attempt first asks again whether it may be sent: a person withdrawn (or a subscription
    switched off) since the alert was raised cancels it. The URL's host is then resolved and
    checked (cases.protection.webhook_urls): an address that is not public fails the delivery at
    once, with no retry. Redirects are not followed: a 3xx answer is a failed attempt.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription", "alert")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
            return delivery.state if delivery else "missing"
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            return delivery.state
        reason = _reason_not_to_send(delivery)
        if reason:
            delivery.state, delivery.next_attempt_at, delivery.last_error = (
                WebhookDelivery.State.CANCELLED,
                None,
                reason,
            )
            delivery.save()
            return delivery.state
        if not delivery.payload.get("delivery_id"):  # queued before deliveries had ids
            delivery.payload = {**delivery.payload, "delivery_id": new_delivery_id()}
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        try:
            target = webhook_urls.resolve_webhook_target(delivery.subscription.url)
        except webhook_urls.UnsafeWebhookURL as refusal:
            delivery.state, delivery.next_attempt_at, delivery.last_status_code = (
                WebhookDelivery.State.FAILED,
                None,
                None,
            )
            delivery.last_error = f"Refused, not sent: {refusal.detail}"[:300]
            delivery.save()
            return delivery.state
        status, delivery.last_error = _post(target, delivery)
        delivery.last_status_code = status
        if status is not None and 200 <= status < 300:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.State.DELIVERED,
                timezone.now(),
                None,
            )
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save()
        return delivery.state


def _reason_not_to_send(delivery: WebhookDelivery) -> str:
    """Why this delivery must not go out now ('' if it may): partners hear only about published people."""
    case_id = delivery.case_id or delivery.alert.case_id  # deliveries queued before `case` existed
    if not Person.objects.published().filter(cases=case_id).exists():
        return "Not sent: the person is no longer published."
    kind = delivery.alert.kind if delivery.alert_id else ""
    if kind in CONTACT_ALERT_KINDS and not Person.objects.filter(cases=case_id, silence_public=True).exists():
        return "Not sent: the person's silence is no longer published."
    if not delivery.subscription.active:
        return "Not sent: the subscription is no longer active."
    return ""


def _post(target: webhook_urls.WebhookTarget, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed payload to the checked address; returns (status code, error for the log).

    The log never holds the URL (partners put tokens in paths) nor the secret.
    """
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "registry-webhooks/1",
        TIMESTAMP_HEADER: timestamp,
        DELIVERY_HEADER: delivery.payload["delivery_id"],
        SIGNATURE_HEADER: sign(delivery.subscription.secret, timestamp, body),
    }
    connection = webhook_urls.open_connection(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        status = connection.getresponse().status
    except OSError as exc:  # refused, timed out, TLS certificate not valid for the host name
        return None, f"{type(exc).__name__}: {exc}"[:300]
    except (http.client.HTTPException, ValueError) as exc:  # its message may quote the URL's token
        return None, type(exc).__name__
    finally:
        connection.close()
    if 200 <= status < 300:
        return status, ""
    if 300 <= status < 400:
        return status, f"HTTP {status}: redirects are not followed; register the final URL"
    return status, f"HTTP {status}"


def due_deliveries() -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:500]
    )
