from django.apps import AppConfig
from django.db.models.signals import post_migrate

from cases.protection.permissions import sync_groups


def _sync_staff_groups(sender, apps=None, **kwargs):
    sync_groups(apps, strict=False)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        # The tasks declare themselves to cases.background, the port through which services and
        # the risk engine queue work; loading them here makes that true in every process.
        from cases import tasks  # noqa: F401

        # The groups get exactly the permissions declared in cases.protection.permissions after
        # every `migrate`, so a change of the declaration reaches a running registry on its next
        # deploy without a data migration of its own.
        post_migrate.connect(_sync_staff_groups, sender=self, dispatch_uid="cases.sync_staff_groups")
