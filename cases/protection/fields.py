"""Model fields of the registry."""

from django.db import models

from cases.protection import crypto


class EncryptedTextField(models.TextField):
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
