"""Countries by their ISO 3166-1 alpha-2 code, named in the reader's language.

The list and its English, Belarusian and Russian names come from pycountry, which packages the
iso-codes project's ISO 3166 data and its translations (the same data Debian ships): no country
list or translation is kept by hand here.
"""

import functools
import gettext

import pycountry
from django.utils import translation


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _english(country) -> str:
    # "Bolivia, Plurinational State of" reads badly on a page; the common name, where ISO gives one.
    return getattr(country, "common_name", None) or country.name


def choices() -> list[tuple[str, str]]:
    """(code, name) of every country in the active language, in that language's alphabetical
    order: the model field's choices. A callable, so that a new iso-codes release does not make a
    migration, and so that Django asks for them anew for each form and label: a Belarusian or
    Russian member of staff picks "Літва" or "Литва" where an English one picks "Lithuania"."""
    language = _language(None)
    named = ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries)
    return sorted(named, key=lambda pair: _sort_key(pair[1]))


# Letters that Unicode places outside the Belarusian and Russian alphabetical order: each sorts as
# the letter it follows in the alphabet plus a mark ("ё" after "е", "і" after "з", "ў" after "у").
_ALPHABET_ORDER = str.maketrans({"ё": "е\uffff", "і": "з\uffff", "ў": "у\uffff"})


def _sort_key(name: str) -> str:
    return name.casefold().translate(_ALPHABET_ORDER)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None if code else False


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in `language` (the active language by default); the code itself for a
    code ISO does not know, so a page never hides what was recorded."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    language = _language(language)
    if language == "en":
        return _english(country)
    return _catalogue(language).gettext(country.name)


def find_country(text: str) -> str | None:
    """The code of a country a list names by its code, or its name in English, Belarusian or
    Russian ("Литва", "Lithuania", "LT"); None when nothing matches exactly."""
    key = " ".join(text.split()).casefold()
    return _names().get(key)


@functools.cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        spellings = {country.alpha_2, country.alpha_3, country.name, _english(country)}
        spellings |= {getattr(country, "official_name", "") or ""}
        for language in ("be", "ru"):
            spellings.add(_catalogue(language).gettext(country.name))
        for spelling in spellings:
            if spelling:
                names.setdefault(spelling.casefold(), country.alpha_2)
    return names
