"""OpenAPI: every operation also documents the errors it can answer with, and the schema opens
with the partner guide (keys, scopes, rate limits, webhooks) that /api/docs/ shows first."""

from django.conf import settings
from django.template.loader import render_to_string
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from cases.choices import RiskLevel
from cases.risk import alerts


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words")


class FieldErrorsSerializer(serializers.Serializer):
    """A 400 names each bad parameter or field with its messages."""

    field_name = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="One entry per parameter or field that was refused",
    )


class RegistryAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": (FieldErrorsSerializer, "A parameter or field is invalid"),
            "401": (ErrorSerializer, "The API key is unknown, revoked or expired"),
            "403": (ErrorSerializer, "The caller may not do this (e.g. the key lacks the scope)"),
            "404": (ErrorSerializer, "No such record, or not visible to this caller"),
            "429": (ErrorSerializer, "Too many requests: wait the seconds the Retry-After header gives"),
        }
        for code, (serializer, description) in errors.items():
            if code not in responses:
                response = self._get_response_for_code(serializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


# A query string holding NUL is refused with a 400 (PostgreSQL cannot store or compare it):
# the schema says so, so a client (and the fuzzing in tests/api) knows it is not a valid value.
NO_NUL = "^[^\\u0000]*$"


def tighten_ordering_parameters(result, generator, request, public):
    """`ordering=` (empty) is refused with a 400, so say in the schema that it needs an item; and
    text parameters refuse NUL, so say that too."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("name") == "ordering" and schema.get("type") == "array":
                    schema["minItems"] = 1
                if parameter.get("in") != "query":
                    continue
                text = schema if schema.get("type") == "string" else schema.get("items", {})
                if text.get("type") == "string" and "pattern" not in text and "enum" not in text:
                    text["pattern"] = NO_NUL
    return result


class PartnerAPIKeyScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` as the API's security scheme."""

    target_class = "api.authentication.PartnerAPIKeyAuthentication"
    name = "PartnerAPIKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a partner organisation's key; its scopes say what it may do",
        }


_PERIODS = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}
# The guide's rates, each from its setting (api.throttles).
RATE_SETTINGS = {
    "anonymous": "API_THROTTLE_ANON",
    "key": "API_THROTTLE_KEY",
    "submissions": "API_THROTTLE_SUBMISSIONS",
    "webhooks": "API_THROTTLE_WEBHOOKS",
    "contacts": "API_THROTTLE_CONTACTS",
}
AS_CONFIGURED = "as the serving registry is configured"


def describe_rate(rate: str | None) -> str:
    """A throttle rate as the guide states it: "60/min" is "60 requests a minute"; None, no limit."""
    if rate is None:
        return "no limit"
    count, _, period = rate.partition("/")
    return f"{count} requests {_PERIODS[period[0]]}"


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


def _every(seconds: int) -> str:
    if seconds % 60:
        return f"{seconds} seconds"
    return "minute" if seconds == 60 else f"{seconds // 60} minutes"


def describe_for_partners(result, generator, request, public):
    """Put the partner guide (api/templates/api/partner_guide.md) in the schema's description.

    Served (a request), the guide states the rates and the retry sweep as this registry is
    configured, so it cannot drift from the settings. Written to a file (`manage.py spectacular`,
    the reviewed snapshot: no request) it does not depend on the environment it was run in.
    """
    configured = request is not None
    waits = [alerts.backoff(attempt) for attempt in range(1, alerts.MAX_ATTEMPTS)]
    context = {
        "rates": {
            name: describe_rate(getattr(settings, setting)) if configured else AS_CONFIGURED
            for name, setting in RATE_SETTINGS.items()
        },
        "levels": ", ".join(f"`{level}`" for level in RiskLevel.values),
        "webhook": {
            "timestamp_header": alerts.TIMESTAMP_HEADER,
            "signature_header": alerts.SIGNATURE_HEADER,
            "delivery_header": alerts.DELIVERY_HEADER,
            "timeout": alerts.TIMEOUT_SECONDS,
            "attempts": alerts.MAX_ATTEMPTS,
            "backoff": ", ".join(_duration(int(wait.total_seconds())) for wait in waits),
            "last_retry_minutes": round(sum(wait.total_seconds() for wait in waits) / 60),
            "sweep": _every(int(settings.CELERY_BEAT_SCHEDULE["retry-due-webhooks"]["schedule"]))
            if configured
            else None,
        },
    }
    result.setdefault("info", {})["description"] = render_to_string("api/partner_guide.md", context).strip()
    return result
