from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cases.protection.permissions import sync_groups


def _sync_staff_groups(sender, apps=None, **kwargs):
    sync_groups(apps, strict=False)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        # The tasks declare themselves to cases.background, the port through which services and
        # the risk engine queue work; loading them here makes that true in every process.
        from cases import tasks  # noqa: F401

        # The groups get exactly the permissions declared in cases.protection.permissions after
        # every `migrate`, so a change of the declaration reaches a running registry on its next
        # deploy without a data migration of its own.
        post_migrate.connect(_sync_staff_groups, sender=self, dispatch_uid="cases.sync_staff_groups")

        # Every committed change of the data moves the data version that caches are keyed by
        # (cases.caching): the public pages and the API's statistics.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cases import caching
        from cases.signals import bulk_data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(caching.data_changed, dispatch_uid=f"data-version-{signal!r}")
        bulk_data_changed.connect(caching.bump_version_on_bulk_change, dispatch_uid="data-version-bulk")
