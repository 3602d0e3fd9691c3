from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The project itself: no models, only the system checks of its own rules and the staff-language
    names of what third-party admin apps leave unmarked (registry.third_party_wording)."""

    name = "registry"
    verbose_name = "Registry project"

    def ready(self):
        from registry import (
            checks,  # noqa: F401  (registers the checks)
            third_party_wording,
        )

        # The names the third-party admin apps never mark for translation, in the staff's language.
        third_party_wording.name_unmarked_wording()
