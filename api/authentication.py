"""Partner API keys: `Authorization: Api-Key <key>`. A bad, revoked or expired key is refused
(401), never quietly treated as anonymous, so a partner notices."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions

from cases.models import PartnerAPIKey

KEYWORD = "Api-Key"
LAST_USED_RESOLUTION_SECONDS = 60


class PartnerAPIKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(KEYWORD + " "):
            return None
        raw = header[len(KEYWORD) + 1 :].strip()
        # Not the library's get_from_key, which looks among unrevoked keys only: a revoked key
        # would be "unknown", and its partner would look for a typo rather than ask for a new key.
        prefix, _, _ = raw.partition(".")
        key = PartnerAPIKey.objects.select_related("organisation").filter(prefix=prefix).first()
        if key is None or not key.is_valid(raw):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if key.revoked or key.has_expired or not key.organisation.active:
            raise exceptions.AuthenticationFailed("This API key is revoked or expired.")
        now = timezone.now()
        # Record use, but not on every request: a partner syncing a mirror makes many.
        if (
            key.last_used_at is None
            or (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            PartnerAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return KEYWORD
