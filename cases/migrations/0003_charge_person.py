import django.db.models.deletion
from django.db import migrations, models

# On PostgreSQL the copy of the case's person on each charge is tied to the case by a composite
# foreign key: a charge can only name its own case's person, and a case moved to another person
# (a merge) carries its charges along by ON UPDATE CASCADE. SQLite relies on Charge.save().
PG_FORWARD = [
    "ALTER TABLE cases_case ADD CONSTRAINT case_id_person_unique UNIQUE (id, person_id)",
    "ALTER TABLE cases_charge ADD CONSTRAINT charge_person_is_case_person "
    "FOREIGN KEY (case_id, person_id) REFERENCES cases_case (id, person_id) "
    "ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
]
PG_BACKWARD = [
    "ALTER TABLE cases_charge DROP CONSTRAINT charge_person_is_case_person",
    "ALTER TABLE cases_case DROP CONSTRAINT case_id_person_unique",
]


def copy_person_from_case(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign key row by row now, so the NOT NULL change below may follow.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Charge = apps.get_model("cases", "Charge")
    Case = apps.get_model("cases", "Case")
    Charge.objects.update(
        person_id=models.Subquery(Case.objects.filter(pk=models.OuterRef("case_id")).values("person_id")[:1])
    )


def tie_to_case(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def untie_from_case(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_staff_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="charge",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.person",
            ),
        ),
        migrations.RunPython(copy_person_from_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="charge",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.person",
            ),
        ),
        migrations.RunPython(tie_to_case, untie_from_case),
        migrations.AddField(
            model_name="historicalcharge",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="cases.person",
            ),
        ),
        migrations.AddIndex(
            model_name="charge",
            index=models.Index(
                condition=models.Q(("state__in", ["active", "convicted"])),
                fields=["article", "person"],
                name="charge_current_article_person",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["-updated_at", "-id"], name="person_updated_desc"),
        ),
    ]
