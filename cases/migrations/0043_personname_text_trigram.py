from django.db import migrations

# The staff search finds a word anywhere in a name as Django's admin writes it,
# UPPER("text"::text) LIKE UPPER('%word%') (cases.admin.mixins.search_by_person). A trigram GIN
# index on that expression serves it; without it every search read all the names (0.5 to 2 s at
# 300,000 names; issue 21). pg_trgm is created by 0005. SQLite has no such index and scans.
FORWARD = [
    "CREATE INDEX IF NOT EXISTS personname_text_upper_trgm "
    "ON cases_personname USING gin (UPPER(text::text) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS personname_text_upper_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0042_published_files")]

    operations = [migrations.RunPython(forward, backward)]
