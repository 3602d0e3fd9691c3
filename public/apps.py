from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public read-only pages: a view app over `cases`, with no models of its own."""

    name = "public"
    verbose_name = "Public pages"
