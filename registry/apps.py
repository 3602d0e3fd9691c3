from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The project itself: no models, only the system checks of its own rules."""

    name = "registry"
    verbose_name = "Registry project"

    def ready(self):
        from registry import checks  # noqa: F401  (registers the checks)
