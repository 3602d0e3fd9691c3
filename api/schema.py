"""OpenAPI: every operation also documents the errors it can answer with."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


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


def tighten_ordering_parameters(result, generator, request, public):
    """`ordering=` (empty) is refused with a 400, so say in the schema that it needs an item."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("name") == "ordering" and parameter["schema"].get("type") == "array":
                    parameter["schema"]["minItems"] = 1
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
