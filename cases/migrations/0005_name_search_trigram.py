from django.db import migrations

# Name search matches a word prefix anywhere in the folded key (cases.filtersets.name_search_q:
# LIKE 'key%' OR LIKE '% key%'). A B-tree cannot serve the second form; a trigram GIN index
# serves both. pg_trgm is a trusted extension since PostgreSQL 13: the database owner may
# create it without being a superuser. SQLite has no such index and scans, which is fine at
# the sizes it is meant for.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS personname_search_key_trgm "
    "ON cases_personname USING gin (search_key gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS personname_search_key_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_import_identity")]

    operations = [migrations.RunPython(forward, backward)]
