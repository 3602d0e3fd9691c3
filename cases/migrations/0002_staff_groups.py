from django.db import migrations


def create_groups(apps, schema_editor):
    from cases.protection.permissions import sync_groups

    sync_groups(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
