from django.db import migrations


def sync(apps, schema_editor):
    from cases.permissions import sync_groups

    sync_groups(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_risk_alerts_webhooks")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
