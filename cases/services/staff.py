"""A staff member's own settings (cases.models.staff)."""

from django.conf import settings
from django.db import transaction

from cases.exceptions import RefusedChange
from cases.models import StaffSettings


@transaction.atomic
def set_staff_language(*, user, language: str) -> StaffSettings:
    """The language `user` works in: the admin, the import and review screens, alert e-mails.
    "" goes back to the browser's language. Refuses a language the registry does not speak."""
    if language and language not in dict(settings.LANGUAGES):
        spoken = ", ".join(code for code, _ in settings.LANGUAGES)
        raise RefusedChange({"language": f"The registry speaks {spoken}, not {language!r}."})
    chosen, _ = StaffSettings.objects.get_or_create(user=user)
    chosen.language = language
    chosen.save(update_fields=["language"])
    return chosen
