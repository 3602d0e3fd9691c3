from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        # Registers the OpenAPI description of the API-key authentication with drf-spectacular.
        from api import schema  # noqa: F401
        from api.exports import public_facility_records, public_person_writer
        from cases.transfer.exporting import PublicShape, provide_public_shape

        # The whole-registry public export is what the anonymous API answers (cases.transfer.exporting).
        provide_public_shape(
            PublicShape(person_writer=public_person_writer, facility_records=public_facility_records)
        )
