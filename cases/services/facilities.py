"""Places of detention named by a list but not yet in the registry: proposed, then confirmed.

A facility proposed from a list's cell keeps the name and the address as the list wrote them and
`needs_review`: staff see the address, the public does not (no page, no API answer, no export)
until a Publisher confirms the name and the address letters will use.
"""

import re

from django.db import transaction
from django.utils.text import slugify

from cases import choices
from cases.models import Facility
from cases.services.base import validated_save

# English names of the kinds a proposed facility's English name starts with.
KIND_NAMES_EN = {
    choices.FacilityKind.TEMPORARY: "Temporary detention facility",
    choices.FacilityKind.PRE_TRIAL: "Pre-trial detention centre",
    choices.FacilityKind.COLONY: "Correctional colony",
    choices.FacilityKind.PRISON: "Prison",
    choices.FacilityKind.OPEN_TYPE: "Open-type correctional institution",
    choices.FacilityKind.MEDICAL: "Medical correctional facility",
}

# A plain transliteration for a name staff will correct when they confirm it; Belarusian г is h.
_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "і": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ў": "w", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_FIELD_LENGTHS = {"name": 200, "short_name": 60, "postcode": 12, "slug": 80}


def transliterate(text: str, *, language: str = "ru") -> str:
    """Cyrillic spelled in Latin letters, keeping the case of each letter's first letter."""
    out = []
    for letter in text:
        lower = letter.lower()
        latin = "h" if language == "be" and lower == "г" else _TO_LATIN.get(lower, letter)
        out.append(latin.capitalize() if letter != lower and latin else latin)
    return "".join(out)


def _english_name(cell, written: str) -> str:
    if cell.language == "en":
        return written
    kind_name = KIND_NAMES_EN.get(cell.kind)
    if kind_name is None:
        return transliterate(written, language=cell.language)
    name = f"{kind_name} No. {cell.number}" if cell.number else kind_name
    place = re.sub(r"\s+", " ", cell.place).strip()
    return f"{name}, {transliterate(place, language=cell.language)}" if place else name


def _unique_slug(name: str) -> str:
    base = slugify(transliterate(name))[: _FIELD_LENGTHS["slug"] - 6].strip("-") or "facility"
    taken = set(Facility.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def propose_facility(*, jurisdiction, cell, by) -> Facility:
    """Create a facility from what a list's cell says, to be confirmed by a Publisher.

    `cell` is a cases.transfer.importing.facilities.FacilityCell (anything with its attributes).
    The name goes, as written, to name_be when the cell is Belarusian and to name_ru otherwise
    (to name_en only when it is English); name_en is built from the kind, number and town, or
    transliterated. The regime, short form, postcode and address are kept as the cell gives them.

    Side effects: one Facility with needs_review=True and its first history record (author `by`).
    """
    written = " ".join((cell.name or cell.short_name or cell.postal_address).split())
    name_limit = _FIELD_LENGTHS["name"]
    name_en = _english_name(cell, written)[:name_limit]
    facility = Facility(
        jurisdiction=jurisdiction,
        slug=_unique_slug(name_en),
        kind=cell.kind or choices.FacilityKind.OTHER,
        regime=cell.regime,
        name_en=name_en,
        name_be=written[:name_limit] if cell.language == "be" else "",
        name_ru=written[:name_limit] if cell.language not in ("be", "en") else "",
        short_name=cell.short_name[: _FIELD_LENGTHS["short_name"]],
        postcode=cell.postcode[: _FIELD_LENGTHS["postcode"]],
        postal_address=cell.postal_address,
        needs_review=True,
    )
    return validated_save(facility, by)


@transaction.atomic
def confirm_facility(*, facility: Facility, by) -> Facility:
    """A Publisher confirms a facility's name and the postal address letters will use.

    Side effects: needs_review becomes False, so the address appears on the public pages, the
    API and the public export; a history record names `by`. Confirming a confirmed facility
    changes nothing.
    """
    if not facility.needs_review:
        return facility
    facility.needs_review = False
    return validated_save(facility, by)
