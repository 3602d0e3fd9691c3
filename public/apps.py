from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public read-only pages: a view app over `cases`, with no models of its own."""

    name = "public"
    verbose_name = "Public pages"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cases.signals import bulk_data_changed
        from public import cache

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(cache.data_changed, dispatch_uid=f"public-cache-{signal!r}")
        bulk_data_changed.connect(cache.bump_version_on_bulk_change, dispatch_uid="public-cache-bulk")
