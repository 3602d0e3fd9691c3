"""A staff member's own settings: the language they work in (issue 20, point 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class StaffSettings(models.Model):
    """One row per staff member who chose something; without one, the defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_settings",
    )
    # The admin, the import and review screens and the alert e-mails in this language; empty: the
    # browser's (Accept-Language), and English for e-mails.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("staff settings")
        verbose_name_plural = _("staff settings")

    def __str__(self):
        language = self.language or gettext("browser")
        return f"{self.user}: {language}"


def language_of(user) -> str:
    """The language a staff member chose; "" when they chose none (or for an anonymous user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return StaffSettings.objects.filter(user=user).values_list("language", flat=True).first() or ""


def languages_of(users) -> dict[int, str]:
    """The chosen language of each of `users` (ids), "" for those who chose none, in one query."""
    ids = list(users)
    chosen = dict(StaffSettings.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen.get(pk, "") for pk in ids}
