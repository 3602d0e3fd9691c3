from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        # The tasks declare themselves to cases.background, the port through which services and
        # the risk engine queue work; loading them here makes that true in every process.
        from cases import tasks  # noqa: F401
