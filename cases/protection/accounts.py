"""Staff accounts: ending a person's access at once, the enrolment links that let a new member
set up their second factor, and the client address used by the lockout and the API's throttle.

`end_access` is the one way to cut a person off: the admin action calls it, and so does
disabling the account (the signal below), so both paths behave the same.
"""

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user
from simple_history.models import HistoricalRecords

from cases.models import CalendarFeedToken, PartnerAPIKey

audit = logging.getLogger("registry.audit")
log = logging.getLogger("registry.accounts")


@dataclass(frozen=True)
class AccessEnded:
    sessions: int
    api_keys: int


def end_access(*, user, by) -> AccessEnded:
    """End every session of `user` and revoke every API key issued to them, and their calendar
    feed address.

    Side effects: deletes the user's rows of the session table (their next request is anonymous),
    sets `revoked` on each unrevoked PartnerAPIKey whose `issued_to` is the user, revokes their
    secret address of the staff calendar feed (CalendarFeedToken), and writes one
    line to the "registry.audit" log (ids and counts, never a key or a session key). `by` is the
    user who asked, or None when not known. The user's OTP devices and recovery codes are kept:
    they are useless without the password, and an account that is enabled again should not need
    a new enrolment; an administrator who suspects the phone is lost deletes the devices in the
    admin (OTP > TOTP devices, static devices).
    """
    with transaction.atomic():
        session_keys = _session_keys_of(user)
        Session.objects.filter(session_key__in=session_keys).delete()
        keys = list(PartnerAPIKey.objects.select_for_update().filter(issued_to=user, revoked=False))
        PartnerAPIKey.objects.filter(pk__in=[k.pk for k in keys]).update(revoked=True)
        CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.info(
        "access ended: user=%s by=%s sessions_ended=%d api_keys_revoked=%s",
        user.pk,
        by.pk if by is not None else "unknown",
        len(session_keys),
        ",".join(k.prefix for k in keys) or "none",
    )
    return AccessEnded(sessions=len(session_keys), api_keys=len(keys))


# Enrolling a second factor ---------------------------------------------------------------------

ENROLMENT_SALT = "cases.protection.accounts.enrolment"


def has_authenticator(user) -> bool:
    """Whether the person has a confirmed second factor (an authenticator or recovery codes)."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def enrolment_token(user) -> str:
    """A signed, expiring token that lets `user`, and nobody else, set up their authenticator.

    A password alone does not let anyone bind an authenticator to an account: the setup wizard
    also wants this token, which an administrator hands over apart from the password
    (`manage.py enrolment_link`). It expires after ENROLMENT_LINK_HOURS, and works once: it is
    bound to the account's password and confirmed devices, so it stops working when the person
    has enrolled, or when their password is changed or reset.
    """
    return signing.dumps({"user": user.pk, "state": _enrolment_state(user)}, salt=ENROLMENT_SALT)


def enrolment_link_path(user) -> str:
    """The link's path, the token in its query string (kept out of access logs)."""
    return f"{reverse('two_factor:enrol')}?{urlencode({'token': enrolment_token(user)})}"


def user_for_enrolment_token(token: str):
    """The active staff member the token was issued to, or None if it is forged, expired or used."""
    try:
        data = signing.loads(token, salt=ENROLMENT_SALT, max_age=settings.ENROLMENT_LINK_HOURS * 3600)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True, is_staff=True).first()
    if user is None or not constant_time_compare(str(data.get("state")), _enrolment_state(user)):
        return None
    return user


def _enrolment_state(user) -> str:
    """A digest of what must not change between issuing a link and using it (the token itself is
    signed, not encrypted, so it carries only this digest)."""
    devices = sorted(device.persistent_id for device in devices_for_user(user, confirmed=True))
    return salted_hmac(ENROLMENT_SALT, f"{user.password}|{','.join(devices)}").hexdigest()[:32]


def _session_keys_of(user) -> list[str]:
    """Keys of the live sessions that belong to `user`.

    The session table does not index its rows by user, so every live session is decoded: a few
    hundred rows for a staff of dozens, run only when access is ended.
    """
    wanted = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == wanted:
            keys.append(session.session_key)
    return keys


def client_ip_address(request) -> str | None:
    """The client's address, as the lockout (settings.AXES_CLIENT_IP_CALLABLE) and the API's
    throttle count it.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR and X-Forwarded-For is ignored,
    since any client can send that header. With N trusted proxies, each of which appends the
    address it received from, the client is the N-th entry from the right; the entries further
    left were written by the client and are never believed.

    A header that cannot have come through the N proxies (fewer than N entries, or an entry where
    the client should be that is not an IP address) means the setting does not match the proxies
    or the request went around them: REMOTE_ADDR is used, and a warning (without any address) says
    so. Never an exception: the lockout stores the address, and PostgreSQL refuses a non-address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = _ip_or_none(request.META.get("REMOTE_ADDR"))
    if count == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        log.warning(
            "X-Forwarded-For has %d entries, fewer than TRUSTED_PROXY_COUNT=%d: using the connecting "
            "address (is the setting right, or did the request go around the proxy?)",
            len(forwarded),
            count,
        )
        return remote
    client = _ip_or_none(forwarded[-count])
    if client is None:
        log.warning(
            "X-Forwarded-For entry %d from the right is not an IP address (TRUSTED_PROXY_COUNT=%d): "
            "using the connecting address",
            count,
            count,
        )
        return remote
    return client


def _ip_or_none(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


# Disabling an account ends its access ----------------------------------------------------------


@receiver(pre_save, sender=get_user_model(), dispatch_uid="cases.protection.accounts.remember_was_active")
def _remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    # A login saves last_login alone: no need to look at the row.
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = False
        return
    instance._was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(
    post_save, sender=get_user_model(), dispatch_uid="cases.protection.accounts.end_access_when_disabled"
)
def _end_access_when_disabled(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    if getattr(instance, "_was_active", False) and not instance.is_active:
        end_access(user=instance, by=_acting_user())


def _acting_user():
    """The signed-in user of the request being served, if any (simple_history keeps it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
