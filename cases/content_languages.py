"""Free text in several languages (issue 20, point 3), as pure functions: plain data in, plain data out.

A record's free text (a person's biography and occupation, a timeline entry's description) is
written in one language, the record's `content_language` (the original), and may carry
translations into the others: `{"be": {"biography": "…"}, "ru": {"biography": "…"}}`. A page
shows the reader's language; else the original, saying which language it is in; else, when the
original is empty, the first translation there is (English, Belarusian, Russian).

Imports no Django and no model; the words a reader sees (the "(in Russian)" note) are the view
apps'. May import: cases.choices (the languages).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cases import choices
from cases.wording import catalogue

LANGUAGES: tuple[str, ...] = tuple(choices.ContentLanguage.values)


class TranslationsRefused(ValueError):
    """Translations that cannot be stored; `message` (cases.wording) says why in words staff
    understand, in their language when shown; str() is its English."""

    def __init__(self, code: str, **params):
        self.message = catalogue.message(code, **params)
        super().__init__(catalogue.english(self.message))


@dataclass(frozen=True)
class LocalizedText:
    """The text a reader is shown: `language` is the one it is written in ("" when there is no
    text); `is_original_fallback` is true when that is not the reader's language."""

    text: str
    language: str
    is_original_fallback: bool


def translation(translations: Mapping | None, field: str, language: str) -> str:
    """The translation of `field` into `language`, or ""."""
    return ((translations or {}).get(language) or {}).get(field) or ""


def localized(
    original: str, original_language: str, translations: Mapping | None, field: str, language: str
) -> LocalizedText:
    """`field` as a reader of `language` is shown it: their language, else the original, else the
    first translation there is (an original left empty while a translation was written)."""
    original = original or ""
    wanted = original if language == original_language else translation(translations, field, language)
    if wanted.strip():
        return LocalizedText(wanted, language, False)
    if original.strip():
        return LocalizedText(original, original_language, True)
    for other in LANGUAGES:
        text = translation(translations, field, other)
        if other != language and text.strip():
            return LocalizedText(text, other, True)
    return LocalizedText("", "", False)


def clean_translations(
    translations, *, fields: Mapping[str, int | None], original_language: str
) -> dict[str, dict[str, str]]:
    """The translations as they are stored, or TranslationsRefused saying what is wrong.

    `fields` maps each translatable field to its longest text (None: no limit). A language or a
    field the record does not have is refused, as is a text in the original's own language (it
    would never be shown); empty texts and languages are dropped, the rest kept in the order of
    LANGUAGES and of `fields`.
    """
    if translations in (None, ""):
        return {}
    if not isinstance(translations, Mapping):
        raise TranslationsRefused("translations.not_mapping")
    unknown = [str(language) for language in translations if language not in LANGUAGES]
    if unknown:
        raise TranslationsRefused(
            "translations.unknown_language", languages=", ".join(sorted(unknown)), known=", ".join(LANGUAGES)
        )
    cleaned: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        texts = translations.get(language)
        if texts in (None, ""):
            continue
        if not isinstance(texts, Mapping):
            raise TranslationsRefused("translations.language_not_mapping", language=language)
        strange = [str(name) for name in texts if name not in fields]
        if strange:
            raise TranslationsRefused(
                "translations.unknown_field",
                fields=", ".join(sorted(strange)),
                language=language,
                known=", ".join(fields),
            )
        kept = {}
        for name, limit in fields.items():
            text = texts.get(name)
            if text is None:
                continue
            if not isinstance(text, str):
                raise TranslationsRefused("translations.not_text", language=language, field=name)
            if not text.strip():
                continue
            if limit is not None and len(text) > limit:
                raise TranslationsRefused(
                    "translations.too_long", language=language, field=name, length=len(text), limit=limit
                )
            kept[name] = text
        if kept and language == original_language:
            raise TranslationsRefused("translations.original_language", language=language)
        if kept:
            cleaned[language] = kept
    return cleaned


ONLY_BELARUSIAN = set("ЎўІі'’")
ONLY_RUSSIAN = set("ИиЩщЪъ")


def guess_language(text: str) -> str:
    """The language a text with no recorded language is most likely in, by its letters: no
    Cyrillic letter is English; Cyrillic is Belarusian when it has more of the letters only
    Belarusian writes (ў, і, the apostrophe) than of those only Russian writes (и, щ, ъ), else
    Russian. For marking a text shown as it was written (its `lang`), never for deciding a fact."""
    if not any("\u0400" <= letter <= "\u04ff" for letter in text):
        return "en"
    belarusian = sum(letter in ONLY_BELARUSIAN for letter in text)
    russian = sum(letter in ONLY_RUSSIAN for letter in text)
    return "be" if belarusian > russian else "ru"
