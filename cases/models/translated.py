"""Free text written in one language, with translations into the others (issue 20, point 3).

A model with translatable text declares `TRANSLATABLE_FIELDS`, has a `content_language` and a
`translations` field (made by the functions below) and takes `TranslatedContent` for the rules
and the reading: cases.content_languages holds both, as pure functions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, content_languages
from cases.wording import catalogue


def default_content_language() -> str:
    """The language staff write new records in (settings.CONTENT_LANGUAGE, "en" unless set)."""
    return settings.CONTENT_LANGUAGE


def content_language_field() -> models.CharField:
    return models.CharField(
        _("language of the original"),
        max_length=2,
        choices=choices.ContentLanguage.choices,
        default=default_content_language,
        help_text=_("The language the text fields are written in; the translations are the other languages"),
    )


def translations_field(help_text) -> models.JSONField:
    """`help_text` is the caller's whole sentence, marked for translation: 'The text in the other
    languages: {"be": {"field": "…"}, "ru": {…}}'."""
    return models.JSONField(_("translations"), default=dict, blank=True, help_text=help_text)


class TranslatedContent:
    """For a model whose `TRANSLATABLE_FIELDS` may be read in several languages."""

    TRANSLATABLE_FIELDS: tuple[str, ...] = ()

    def clean(self):
        super().clean()
        self.check_translations()

    def check_translations(self) -> None:
        """Store the translations as cases.content_languages cleans them, or refuse them with the
        reason (a ValidationError on `translations`); needs no query."""
        try:
            self.translations = content_languages.clean_translations(
                self.translations, fields=self.translatable_limits(), original_language=self.content_language
            )
        except content_languages.TranslationsRefused as error:
            raise ValidationError({"translations": refusal_text(error)}) from error

    @classmethod
    def translatable_limits(cls) -> dict[str, int | None]:
        """Each translatable field and its longest text, as the original's."""
        return {name: cls._meta.get_field(name).max_length for name in cls.TRANSLATABLE_FIELDS}

    def localized(self, field: str, language: str) -> content_languages.LocalizedText:
        """`field` as a reader of `language` is shown it (cases.content_languages.localized)."""
        if field not in self.TRANSLATABLE_FIELDS:
            raise ValueError(f"{type(self).__name__}.{field} is not translatable")
        return content_languages.localized(
            getattr(self, field), self.content_language, self.translations, field, language
        )


def refusal_text(error: content_languages.TranslationsRefused) -> str:
    """Why translations were refused, in the active language (the staff member's, or the API
    reader's). Its parameters are plain words and numbers, so the template is simply filled:
    cases.wording.render, which renders richer messages, itself imports these models."""
    template = gettext(catalogue.TEMPLATES[error.message["code"]])
    params = error.message["params"]
    return template % params if params else template
