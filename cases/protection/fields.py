"""Model fields of the registry."""

import json

from django import forms
from django.db import models

from cases.protection import crypto


class EncryptedField:
    """Marks a field whose column holds cases.protection.crypto's stored form (rotate_field_keys
    re-encrypts every such column)."""


class EncryptedTextField(EncryptedField, models.TextField):
    """Text stored encrypted (cases.protection.crypto) and read back as plain text.

    Only "is it empty" can be asked of it in a query: ciphertext differs on every save, so
    equality, ordering and search on the content are impossible by design. The empty string is
    stored as is, which keeps constraints such as "a contact only on a confidential source"
    enforceable by the database.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("exact", "isnull"):
            return None  # "contains", "icontains"... on ciphertext would silently find nothing
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedField, models.Field):
    """A JSON document stored as one encrypted text column and read back decoded.

    None is SQL NULL (a JSON null is not stored). Only "is it null" can be asked of it in a
    query: nothing inside the document can be looked up, by design.
    """

    description = "JSON encrypted at rest"
    empty_strings_allowed = False

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(crypto.decrypt(value))  # JSON written before encryption reads as it is

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(json.dumps(value, ensure_ascii=False))

    def to_python(self, value):
        return value  # already the document (forms and deserialisers decode JSON themselves)

    def value_to_string(self, obj):
        return self.value_from_object(obj)  # the document, for serialisers, as JSONField does

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None  # payload__contact would compare ciphertext: refused, not silently empty

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
