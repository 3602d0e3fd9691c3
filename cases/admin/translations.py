"""Every language of a free-text field on one screen (issue 20, point 3).

A record with translatable text (cases.models.translated) is edited with its original, the
language the original is written in, and one box per language for each field: "biography in
Belarusian", "biography in Russian"... The boxes are the form's own fields; the form gathers them
into the record's `translations`, which the admin saves through the services like any other field.
A reader without the right to change the record sees the translations as text.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, content_languages
from cases.models import refusal_text

TRANSLATIONS_DISPLAY = "translations_display"


def box(field: str, language: str) -> str:
    """The form field that holds the translation of `field` into `language`: "biography_in_be"."""
    return f"{field}_in_{language}"


def boxes(model) -> list[str]:
    return [
        box(field, language)
        for field in model.TRANSLATABLE_FIELDS
        for language in content_languages.LANGUAGES
    ]


def language_label(language: str) -> str:
    return str(choices.ContentLanguage(language).label)


class TranslationsFormMixin:
    """Reads a record's translations into the boxes and gathers them back (`cleaned_data` and the
    instance's `translations`), refusing a box in the original's own language by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = self.instance.translations if self.instance is not None else {}
        for field in self._meta.model.TRANSLATABLE_FIELDS:
            for language in content_languages.LANGUAGES:
                name = box(field, language)
                if name in self.fields:
                    self.initial.setdefault(name, content_languages.translation(saved, field, language))

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        if not any(name in self.fields for name in boxes(model)):
            return cleaned  # a form without the boxes (a reader's) changes no translation
        original = cleaned.get("content_language") or self.instance.content_language
        given = {}
        for field in model.TRANSLATABLE_FIELDS:
            for language in content_languages.LANGUAGES:
                text = cleaned.get(box(field, language)) or ""
                if text and language == original:
                    verbose = model._meta.get_field(field).verbose_name
                    self.add_error(
                        box(field, language),
                        gettext(
                            "The original is written in %(language)s: write the %(field)s itself here, "
                            "or change the language of the original."
                        )
                        % {"language": language_label(language), "field": verbose},
                    )
                elif text:
                    given.setdefault(language, {})[field] = text
        try:
            translations = content_languages.clean_translations(
                given, fields=model.translatable_limits(), original_language=original
            )
        except content_languages.TranslationsRefused as error:
            self.add_error(None, refusal_text(error))
            translations = {}
        # The model's own check (TranslatedContent.clean) sees what will be saved; an invalid form
        # saves nothing, so an empty value there only keeps that check from repeating the error.
        self.instance.translations = translations if not self.errors else {}
        cleaned["translations"] = translations
        return cleaned

    def translations_changed(self) -> bool:
        """Whether a box, or the language of the original, was changed."""
        return any(name in self.changed_data for name in [*boxes(self._meta.model), "content_language"])


def with_translation_boxes(
    model, base: type[forms.ModelForm] = forms.ModelForm, *, rows: int = 3, cols: int = 40
):
    """`base` with a box for each translatable field of `model` in each language."""
    fields = {}
    for field in model.TRANSLATABLE_FIELDS:
        original = model._meta.get_field(field)
        for language in content_languages.LANGUAGES:
            attrs = {"lang": language}
            widget = (
                forms.Textarea(attrs={**attrs, "rows": rows, "cols": cols})
                if original.max_length is None
                else forms.TextInput(attrs={**attrs, "size": cols})
            )
            fields[box(field, language)] = forms.CharField(
                # Lazy: the form class is made once, its labels are read in each staff member's language.
                label=capfirst(
                    format_lazy(
                        _("{field} in {language}"),
                        field=original.verbose_name,
                        language=choices.ContentLanguage(language).label,
                    )
                ),
                required=False,
                max_length=original.max_length,
                widget=widget,
            )
    return type(f"{model.__name__}TranslationsForm", (TranslationsFormMixin, base), fields)


class TranslationsAdminMixin:
    """An admin (or inline) whose form has the translation boxes (`with_translation_boxes`). A
    reader without the right to change the record sees one read-only list of the translations in
    place of the boxes."""

    def get_fields(self, request, obj=None):
        return self._without_boxes(request, obj, list(super().get_fields(request, obj)))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": self._without_boxes(request, obj, list(options["fields"]))})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), TRANSLATIONS_DISPLAY]

    def _without_boxes(self, request, obj, fields: list) -> list:
        """`fields` (names, or lines of names) with the boxes left out and the read-only list of the
        translations where the first box was, for a reader who may not change the record."""
        if self.has_change_permission(request, obj):
            return fields
        names, shown, result = set(boxes(self.model)), False, []
        for line in fields:
            items = list(line) if isinstance(line, list | tuple) else [line]
            kept = [name for name in items if name not in names]
            if len(kept) < len(items) and not shown:
                kept.append(TRANSLATIONS_DISPLAY)
                shown = True
            if kept:
                result.append(type(line)(kept) if isinstance(line, list | tuple) else kept[0])
        return result

    @admin.display(description=_("translations"))
    def translations_display(self, obj):
        if obj is None or not obj.translations:
            return "—"
        rows = [
            (
                capfirst(
                    gettext("{field} in {language}").format(
                        field=obj._meta.get_field(field).verbose_name, language=language_label(language)
                    )
                ),
                language,
                text,
            )
            for language, texts in obj.translations.items()
            for field, text in texts.items()
        ]
        return format_html_join("", '<p><strong>{}</strong>: <span lang="{}">{}</span></p>', rows)
