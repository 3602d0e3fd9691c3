"""Re-encrypt every confidential value with the newest key, so older keys can be removed."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.protection import crypto
from cases.protection.fields import EncryptedField


def encrypted_columns():
    """(model, field names) for every model with encrypted fields, history tables included."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if names:
            yield model, names


def rotate_all(batch_size: int = 500) -> dict[str, int]:
    """Rewrite each stored value with the first key; returns rows rewritten per table.

    Reads the stored text as it is in the database (not through the field, which would decrypt)
    and writes it back with a plain UPDATE, row by row inside one transaction per table: an
    interrupted run leaves every row readable with the keys configured, old or new.
    """
    from django.db import connection

    # Table and column names below come from the models' own metadata, never from input.
    counts = {}
    for model, names in encrypted_columns():
        table = model._meta.db_table
        pk = model._meta.pk.column
        quoted = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
        rewritten = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {connection.ops.quote_name(pk)}, {quoted} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            for row in rows:
                key, values = row[0], row[1:]
                new = [crypto.rotate(v) if v else v for v in values]
                if new != list(values):
                    sets = ", ".join(
                        f"{connection.ops.quote_name(model._meta.get_field(n).column)} = %s" for n in names
                    )
                    cursor.execute(
                        f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name(pk)} = %s",  # noqa: S608
                        [*new, key],
                    )
                    rewritten += 1
        counts[table] = rewritten
    return counts


class Command(BaseCommand):
    help = (
        "Re-encrypt every confidential value (history included) with the first key of "
        "FIELD_ENCRYPTION_KEYS. Run it after putting a new key first; then remove the old key."
    )

    def handle(self, *args, **options):
        try:
            counts = rotate_all()
        except crypto.UnreadableValue as error:
            raise CommandError(f"{error}. That table was left as it was; keep the old key listed.") from error
        for table, rewritten in counts.items():
            self.stdout.write(f"{table}: {rewritten} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every confidential value now uses the first key."))
