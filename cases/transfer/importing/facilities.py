"""A list's "prison" cell: which place of detention it names, and its address (issue 16).

Lists write a place of detention in many ways, in Russian or Belarusian, on one line or several:
"ИК-15, 213105, г. Могилев, ул. Крупской, 100", "Исправительная колония №15 (Могилёв)", "ПК-15",
"СИЗО №1 г. Минска", "Турма №8 (Жодзіна)", "Новополоцкая ИК-1", "ЖИК-4". `read_facility_cell`
reads such a cell into a `FacilityCell` (a pure function: it never raises and never guesses a
kind it does not know); `FacilityIndex` finds the registry's facility for it; `resolve_facility`
does both and proposes a new facility to review when none matches.

How a cell is read
------------------
The cell is split into segments at commas, semicolons and line breaks. The postcode is the one
run of exactly `POSTCODE_DIGITS[jurisdiction]` digits. The name is the first segment that names
a kind: an abbreviation (ИК, ПК, ЖИК, СИЗО/СІЗА, ИУОТ, ЛТП, ЛИУ, ИВС, ЦИП; SIZO, IK...) or a
phrase in any inflection (исправительная колония / папраўчая калонія, следственный изолятор /
следчы ізалятар, тюрьма / турма, колония №N, prison...), with "№", "N", "No.", "-", a space or
nothing before the number. Case, ё/е and Latin letters typed inside Cyrillic words ("CИЗО") do
not matter. The town comes from the name ("(Могилёв)", "г. Минска", "Новополоцкая ...") or,
failing that, from the address ("г. Могилев", "пос. Витьба"). What is left, in the order written,
is the address. A cell naming two places of detention ("СИЗО-1, ИК-15", "СИЗО-1 → ИК-15") is
reported in `other_places`, never guessed between.

How a facility is found
-----------------------
In this order: by any of its names (English, Russian, Belarusian, the short form, the other
forms, the slug), compared without regard to case, ё/е, dashes and spaces around "№"; by kind
and number, read from those same names ("ИК-15" meets "Исправительная колония № 15"); by
kind and postcode. When several facilities share a kind and number (Russian lists: an ИК-1 in
many regions), the postcode and then the town choose; when they cannot, nothing is linked and
the warning names the candidates. A facility whose postcode contradicts the cell is not linked,
nor, outside `NUMBERED_NATIONALLY`, one whose town does: the cell is proposed as a facility of
its own, and the warning says which one it was not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from cases import services
from cases.choices import FacilityKind, Regime
from cases.identity.names import word_keys
from cases.models import Facility, Jurisdiction
from cases.transfer.importing.outcomes import said
from cases.wording import catalogue

K = FacilityKind

# Digits of a postcode, by jurisdiction: a run of exactly this many digits is the postcode.
POSTCODE_DIGITS = {"BY": 6, "RU": 6, "KZ": 6, "UA": 5}
DEFAULT_POSTCODE_DIGITS = 6

# Jurisdictions whose colonies, pre-trial centres and prisons are numbered once for the whole
# country (Belarus: one ИК-15, one СИЗО-1): there a town in the cell that differs from the
# facility's is a nickname ("СИЗО-1 (Володарка)") or a spelling, not another place. Elsewhere
# (Russia: an ИК-1 in many regions) it is another place.
NUMBERED_NATIONALLY = {"BY"}

# Cells that say the place is not known: read as an empty cell.
UNKNOWN_WORDS = {"неизвестно", "не известно", "невядома", "не вядома", "не указано", "unknown", "?"}

# (pattern on the folded text, kind, Russian abbreviation of the short form, language). Phrases
# come before the abbreviations, longer phrases before shorter ones.
_W = r"[^\W\d_]*"  # the rest of an inflected word
_KINDS = (
    (rf"исправительн{_W}[\s-]+учреждени{_W}\s+открытого\s+типа", K.OPEN_TYPE, "ИУОТ", "ru"),
    (rf"выпраўч{_W}\s+ўстанов{_W}\s+адкрытага\s+тыпу", K.OPEN_TYPE, "ИУОТ", "be"),
    (rf"лечебн{_W}[\s-]+исправительн{_W}\s+учреждени{_W}", K.MEDICAL, "ЛИУ", "ru"),
    (rf"лечебно[\s-]+трудов{_W}\s+профилактори{_W}", K.OTHER, "ЛТП", "ru"),
    (rf"лячэбна[\s-]+працоўн{_W}\s+прафілакторы{_W}", K.OTHER, "ЛТП", "be"),
    (rf"(?:исправительн{_W}[\s-]+)?колони{_W}[\s-]+поселени{_W}", K.COLONY, "КП", "ru"),
    (rf"(?:папраўч{_W}[\s-]+)?калоні{_W}[\s-]+пасяленн{_W}", K.COLONY, "КП", "be"),
    (rf"(?:женск{_W}\s+)?исправительн{_W}[\s-]+колони{_W}", K.COLONY, "ИК", "ru"),
    (rf"(?:жаноч{_W}\s+)?папраўч{_W}[\s-]+калоні{_W}", K.COLONY, "ИК", "be"),
    (rf"следственн{_W}\s+изолятор{_W}", K.PRE_TRIAL, "СИЗО", "ru"),
    (rf"следч{_W}\s+ізалятар{_W}", K.PRE_TRIAL, "СИЗО", "be"),
    (rf"изолятор{_W}\s+временного\s+содержания", K.TEMPORARY, "ИВС", "ru"),
    (rf"ізалятар{_W}\s+часовага\s+ўтрымання", K.TEMPORARY, "ИВС", "be"),
    (rf"тюрьм{_W}", K.PRISON, "Тюрьма", "ru"),
    (rf"турм{_W}", K.PRISON, "Тюрьма", "be"),
    (r"pre-?trial\s+detention\s+(?:centre|center|facility)", K.PRE_TRIAL, "СИЗО", "en"),
    (r"(?:correctional|penal)\s+colony", K.COLONY, "ИК", "en"),
    (r"open-?type\s+(?:correctional\s+)?(?:institution|facility)", K.OPEN_TYPE, "ИУОТ", "en"),
    (r"temporary\s+detention\s+(?:facility|centre|center)", K.TEMPORARY, "ИВС", "en"),
    (r"prison", K.PRISON, "Тюрьма", "en"),
    # Abbreviations: a whole word, a number may follow without a space (ИК15).
    (r"жик|ик", K.COLONY, "ИК", "ru"),
    (r"пк", K.COLONY, "ИК", "be"),
    (r"кп", K.COLONY, "КП", "ru"),
    (r"сизо", K.PRE_TRIAL, "СИЗО", "ru"),
    (r"сіза", K.PRE_TRIAL, "СИЗО", "be"),
    (r"иуот", K.OPEN_TYPE, "ИУОТ", "ru"),
    (r"вуат", K.OPEN_TYPE, "ИУОТ", "be"),
    (r"лтп", K.OTHER, "ЛТП", "ru"),
    (r"лиу", K.MEDICAL, "ЛИУ", "ru"),
    (r"ивс", K.TEMPORARY, "ИВС", "ru"),
    (r"цип", K.TEMPORARY, "ЦИП", "ru"),
    (r"ічу", K.TEMPORARY, "ИВС", "be"),
    (r"sizo", K.PRE_TRIAL, "СИЗО", "en"),
    (r"ik", K.COLONY, "ИК", "en"),
    (r"iuot", K.OPEN_TYPE, "ИУОТ", "en"),
    (r"ltp", K.OTHER, "ЛТП", "en"),
)
# "колония"/"калонія" alone is a colony only with its number.
_BARE_COLONY = (rf"колони{_W}|калоні{_W}|colony", K.COLONY, "ИК", "")
_NUMBER = r"\s*(?:№|n[o°º]?\.?|#|nr\.?)?\s*-?\s*(\d{1,3})(?!\d)"
_KIND_PATTERNS = [
    (re.compile(rf"(?<!\w)(?:{pattern})(?![^\W\d_])(?:{_NUMBER})?"), kind, short, language)
    for pattern, kind, short, language in _KINDS
] + [
    (
        re.compile(rf"(?<!\w)(?:{_BARE_COLONY[0]})(?![^\W\d_]){_NUMBER}"),
        *_BARE_COLONY[1:],
    )
]
_SHORT_FORMS = {"Тюрьма": "Тюрьма №{}"}
# The regime a name states ("ИК-15 (усиленного режима)"), or that its series implies.
_REGIMES = (
    (r"общ{_W}\s+режим|агульн{_W}\s+рэжым", Regime.GENERAL),
    (r"усиленн{_W}\s+режим|узмоцнен{_W}\s+рэжым", Regime.REINFORCED),
    (r"строг{_W}\s+(?:режим|рэжым)", Regime.STRICT),
    (r"особ{_W}\s+режим|асаблів{_W}\s+рэжым", Regime.SPECIAL),
)
_REGIME_PATTERNS = [(re.compile(pattern.format(_W=_W)), regime) for pattern, regime in _REGIMES]
_SERIES_REGIMES = {"КП": Regime.SETTLEMENT, "Тюрьма": Regime.PRISON, "ИУОТ": Regime.OPEN_TYPE}
# What happens inside a facility, written after its name: part of the name, never an address.
_INSIDE = re.compile(r"(?<!\w)(?:шизо|пкт|епкт|карцер|камер[^\W\d_]*)(?![^\W\d_])")

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_SPACES = re.compile(r"[^\S\n]+")
_SEGMENT_BREAKS = re.compile(r"[,;\n\r]+")
# Latin letters that look like Cyrillic ones, as copy-pasted lists have them inside Cyrillic words.
_LOOKALIKES = str.maketrans("aceopxykmtbhi", "асеорхукмтвні")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_BELARUSIAN = re.compile(r"[іў]")

# Words that start a town in an address or a name: г. Минск, город Минска, пос. Витьба, аг. ...
_TOWN = re.compile(
    r"^(?:г\.\s*п\.|г|гор|город[а-я]*|горад[а-я]*|пос|п|пгт|аг|д|в|вёска|деревня|посёлок|поселок|"
    r"пасёлак|city\s+of|town\s+of)\.?\s+(?=\S)|^г\.(?=\S)",
)
# A segment with one of these is an address, not a town: a street, a house, a region, a district.
_ADDRESS_WORDS = re.compile(
    r"(?<![^\W\d_])(?:ул|вул|улица|вуліца|пр|пр-т|просп|проспект|пер|переулок|завулак|пл|площадь|"
    r"д|дом|корп|обл|область|вобл|вобласць|р-н|район|раён|str|street|ave|region|district|а/я|"
    r"абонентский|box)(?![^\W\d_])",
)
# Words in a name that say something else than the town: the regime, who is held, the kind.
_NOT_TOWN = re.compile(
    r"режим|рэжым|женск|жаноч|мужск|мужчын|учрежд|установ|государствен|дзяржаўн|regime|women|"
    r"colony|prison|женщин|лечебн|поселени|№|\d",
)
# A town's adjective before the kind: Новополоцкая ИК-1, Жодинская тюрьма, Магілёўская турма.
_TOWN_ADJECTIVE = re.compile(r"([^\W\d_]+(?:ск|цк)(?:ая|ий|ое|ае|і|ый))\s*$")


@dataclass(frozen=True)
class FacilityCell:
    """What one cell says about a place of detention; empty strings for what it does not say.

    `name` is the facility's name as written ("ИК №15 г. Могилева"), `kind` a FacilityKind value
    ("" when no kind was recognised), `series` the abbreviation its numbers run in (ИК, КП, СИЗО,
    Тюрьма, ИУОТ, ЛТП...: a colony-settlement КП-3 is not ИК-3), `number` its number without
    leading zeros, `regime` a Regime value the name states or its series implies, `address` the
    rest as written without the postcode, `place` the town as written (any case). `short_name` is
    the usual Russian short form ("ИК-15", "СИЗО-1", "Тюрьма №8"), `postal_address` the postcode
    and the address in the order written, `language` the language of the name ("ru", "be", "en"),
    and `other_places` the names of any further places of detention the cell names.
    """

    name: str = ""
    kind: str = ""
    series: str = ""
    number: str = ""
    regime: str = ""
    postcode: str = ""
    address: str = ""
    place: str = ""
    short_name: str = ""
    postal_address: str = ""
    language: str = ""
    other_places: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.postcode or self.address)

    @property
    def form(self) -> tuple[str, str] | None:
        """(series, number): the key the short forms of one facility share."""
        return (self.series, self.number) if self.series and self.number else None


@dataclass(frozen=True)
class _Kind:
    kind: str
    short: str
    language: str
    number: str
    start: int
    end: int


def _fold(text: str) -> str:
    """Lower case, ё as е, one kind of dash and space, Latin look-alikes inside Cyrillic words."""
    text = _SPACES.sub(" ", text.translate(_DASHES).replace("\u00a0", " ")).casefold().replace("ё", "е")
    return _WORD.sub(_cyrillic_lookalikes, text)


def _cyrillic_lookalikes(match: re.Match) -> str:
    word = match.group()
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return word.translate(_LOOKALIKES)
    return word


def _find_kinds(folded: str) -> list[_Kind]:
    """Every kind named in the text, in order; of overlapping ones the earliest and longest
    ("исправительная колония №15", not "колония №15" inside it)."""
    found = []
    for pattern, kind, short, language in _KIND_PATTERNS:
        for match in pattern.finditer(folded):
            number = match.group(1) or ""
            number = str(int(number)) if number else ""
            found.append(_Kind(kind, short, language, number, match.start(), match.end()))
    found.sort(key=lambda k: (k.start, k.start - k.end))
    kept, end = [], -1
    for kind in found:
        if kind.start >= end:
            kept.append(kind)
            end = kind.end
    return kept


def _another(kind: _Kind, first: _Kind) -> bool:
    """Does `kind` name another place than `first`? Not when it repeats it or adds no number."""
    return kind.short != first.short or kind.number not in ("", first.number)


def _language(text: str) -> str:
    folded = text.casefold()
    if _BELARUSIAN.search(folded) or re.search(r"[\u0400-\u04ff]['’ʼ][\u0400-\u04ff]", folded):
        return "be"
    if _CYRILLIC.search(folded):
        return "ru"
    return "en" if _LATIN.search(folded) else ""


def _cell_language(name: str, kind: _Kind | None) -> str:
    """Belarusian letters decide; else the language of the kind's word; else the letters."""
    by_letters = _language(name)
    if by_letters == "be" or kind is None or not kind.language:
        return by_letters
    return kind.language


def _town(text: str, *, bare: bool) -> str:
    """The town a segment or a part of a name names ("г. Минска", "(Могилёв)"), or "".

    Without a town word ("г.", "пос."), a segment is a town only when `bare`: one or two words,
    no digits, no street or region."""
    text = _SPACES.sub(" ", text).strip(" .,;:()«»\"'-")
    marked = _TOWN.search(_fold(text))
    if marked:
        text = text[marked.end() :]
        # "г. Могилев ул. Крупской 100": the town ends where the street or the house starts.
        end = re.search(r"\d", text)
        street = _ADDRESS_WORDS.search(_fold(text))
        cut = min(m.start() for m in (end, street) if m) if (end or street) else len(text)
        text = text[:cut].strip(" .,;:()«»\"'-")
    elif not bare:
        return ""
    folded = _fold(text)
    if not text or len(text.split()) > 2 or _NOT_TOWN.search(folded) or _ADDRESS_WORDS.search(folded):
        return ""
    if any(len(word) > 1 and word.isupper() for word in text.split()):
        return ""  # an abbreviation (ГУВД, УДИН, ШИЗО), not a town
    return text


def _place_in_name(name: str, kind: _Kind, folded: str) -> str:
    tail = name[kind.end :]
    for inside in re.findall(r"\(([^)]*)\)", tail):
        town = _town(inside, bare=True)
        if town:
            return town
    town = _town(re.sub(r"\([^)]*\)", " ", tail), bare=True)
    if town:
        return town
    adjective = _TOWN_ADJECTIVE.search(folded[: kind.start])
    if adjective and not _NOT_TOWN.search(adjective.group(1)):
        return name[adjective.start(1) : adjective.end(1)]
    return ""


def _addressy(segment: str, postcode: re.Pattern) -> bool:
    """A segment that is part of an address rather than a name: a postcode, a town, a street."""
    folded = _fold(segment)
    return bool(
        postcode.search(segment) or _TOWN.search(folded) or _ADDRESS_WORDS.search(folded) or folded.isdigit()
    )


def _split_tail(segment: str, kind: _Kind, postcode: re.Pattern) -> tuple[str, str]:
    """A name segment that runs on into the address ("ИК-15 213105 г. Могилев ул. Крупской 100"):
    the address starts at the postcode or at a street word after the kind."""
    tail = segment[kind.end :]
    starts = [m.start() for m in (postcode.search(tail), _ADDRESS_WORDS.search(_fold(tail))) if m]
    if not starts:
        return segment, ""
    cut = kind.end + min(starts)
    return segment[:cut].strip(" ,;"), segment[cut:].strip(" ,;")


def read_facility_cell(text, *, postcode_digits: int = DEFAULT_POSTCODE_DIGITS) -> FacilityCell:
    """Read a list's cell naming a place of detention (see the module docstring). Never raises:
    a cell it cannot read gives a FacilityCell without a kind, its first segment as the name."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").strip()
    if _fold(text).strip(" .") in UNKNOWN_WORDS:
        return FacilityCell()
    postcode_pattern = re.compile(rf"(?<!\d)\d{{{postcode_digits}}}(?!\d)")
    segments = [s for s in (_SPACES.sub(" ", p).strip() for p in _SEGMENT_BREAKS.split(text)) if s.strip(".")]
    postcode, name, name_kind, address, others = "", "", None, [], []
    for segment in segments:
        kinds = _find_kinds(_fold(segment))
        if kinds and not name:
            name_kind = kinds[0]
            name, rest = _split_tail(segment, name_kind, postcode_pattern)
            others += [segment[k.start : k.end] for k in kinds[1:] if _another(k, name_kind)]
            if rest:
                address.append(rest)
        elif (kinds and not _another(kinds[0], name_kind)) or (name and _INSIDE.search(_fold(segment))):
            name = f"{name}, {segment}"  # the same place again, its regime or a cell in it: the name
        elif kinds:
            others.append(segment)
        else:
            address.append(segment)
    if not name and address and not _addressy(address[0], postcode_pattern):
        name = address.pop(0)
    postal = ", ".join(address)
    # The postcode: the first run of exactly the jurisdiction's digits in the address.
    for index, segment in enumerate(address):
        found = postcode_pattern.search(segment)
        if found:
            postcode = found.group()
            rest = (segment[: found.start()] + segment[found.end() :]).strip(" ,;")
            address[index : index + 1] = [rest] if rest else []
            break
    place = ""
    if name_kind is not None:
        place = _place_in_name(name, name_kind, _fold(name))
    for segment in address:
        if place:
            break
        place = _town(segment, bare=False)
    if not place and name_kind is not None:
        place = next((t for t in (_town(s, bare=True) for s in address) if t), "")
    short, regime = "", ""
    if name_kind is not None:
        regime = _SERIES_REGIMES.get(name_kind.short, "")
        folded_name = _fold(name)
        regime = next((r for pattern, r in _REGIME_PATTERNS if pattern.search(folded_name)), regime)
        template = _SHORT_FORMS.get(name_kind.short, name_kind.short + "-{}")
        short = template.format(name_kind.number) if name_kind.number else name_kind.short
    return FacilityCell(
        name=name,
        kind=name_kind.kind if name_kind else "",
        series=name_kind.short if name_kind else "",
        number=name_kind.number if name_kind else "",
        regime=regime,
        postcode=postcode,
        address=", ".join(address),
        place=place,
        short_name=short,
        postal_address=postal,
        language=_cell_language(name, name_kind),
        other_places=tuple(others),
    )


# Finding the facility -------------------------------------------------------------------------


def name_key(text: str) -> str:
    """A facility's name for comparison: case, ё/е, quotes, dashes and the spaces around "№"
    and "-" do not matter."""
    folded = _fold(text).replace("«", "").replace("»", "").replace('"', "")
    folded = re.sub(r"\s*([№-])\s*", r"\1", folded)
    return " ".join(folded.split()).strip(" .,;")


def place_key(text: str) -> str:
    """A town's skeleton (cases.identity.names), so Могилёв, Магілёў, Mahiliou and Могилева meet."""
    keys = word_keys(text)
    return keys[0] if keys else ""


def _same_place(a: str, b: str) -> bool:
    """Skeletons that are equal, or one the start of the other (Минска/Минск, Гомельская/Гомель)."""
    a, b = a.removesuffix("a"), b.removesuffix("a")  # the skeleton's final vowel: Жодино, Жодинская
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 3 and long.startswith(short))


CELLS_REMEMBERED = 10_000


@dataclass
class FacilityMatch:
    """What the index found: one facility, or candidates it cannot choose between (`ambiguous`),
    or one that shares the kind and number but not the postcode or town (`unlike`)."""

    facility: Facility | None = None
    ambiguous: list[Facility] = field(default_factory=list)
    unlike: Facility | None = None
    unlike_by: str = ""


class FacilityIndex:
    """The facilities of one jurisdiction, by every form a cell may name them in. One query to
    build; `add` takes a facility proposed during the run, so later rows find it."""

    def __init__(self, jurisdiction: Jurisdiction):
        self.jurisdiction = jurisdiction
        self.postcode_digits = POSTCODE_DIGITS.get(jurisdiction.code, DEFAULT_POSTCODE_DIGITS)
        self.towns_decide = jurisdiction.code not in NUMBERED_NATIONALLY
        self.facilities: dict[int, Facility] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_form: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.forms: dict[int, set[tuple[str, str]]] = defaultdict(set)
        self.places: dict[int, set[str]] = defaultdict(set)
        self.postcodes: dict[int, set[str]] = defaultdict(set)
        self.proposed: set[int] = set()
        self.cells: dict[str, FacilityCell] = {}
        for facility in Facility.objects.filter(jurisdiction=jurisdiction).order_by("pk"):
            self.add(facility)

    def read_cell(self, text: str) -> FacilityCell:
        """`read_facility_cell` with this jurisdiction's postcodes, remembered per cell text: a list
        writes the same few hundred prison cells over and over."""
        cell = self.cells.get(text)
        if cell is None:
            if len(self.cells) >= CELLS_REMEMBERED:
                self.cells.clear()  # a file of all-different cells must not grow memory
            cell = self.cells[text] = read_facility_cell(text, postcode_digits=self.postcode_digits)
        return cell

    def add(self, facility: Facility, *, proposed: bool = False) -> None:
        pk = facility.pk
        self.facilities[pk] = facility
        if proposed:
            self.proposed.add(pk)
        names = [facility.name_en, facility.name_ru, facility.name_be, facility.short_name, facility.slug]
        names += [n for n in (facility.other_names or []) if isinstance(n, str)]
        for name in filter(None, names):
            self.by_name[name_key(name)].add(pk)
            cell = read_facility_cell(name, postcode_digits=self.postcode_digits)
            if cell.form:
                self.forms[pk].add(cell.form)
                self.by_form[cell.form].add(pk)
            if cell.place:
                self.places[pk].add(place_key(cell.place))
        address = read_facility_cell(facility.postal_address, postcode_digits=self.postcode_digits)
        if address.place:
            self.places[pk].add(place_key(address.place))
        for postcode in (facility.postcode, address.postcode):
            if postcode:
                self.postcodes[pk].add(postcode.strip())
        self.places[pk].discard("")

    def remove(self, pk: int) -> None:
        self.facilities.pop(pk, None)
        self.proposed.discard(pk)
        for index in (self.by_name, self.by_form):
            for pks in index.values():
                pks.discard(pk)

    def find(self, cell: FacilityCell, *, text: str = "") -> FacilityMatch:
        """The facility `cell` names (see the module docstring for the order of the look-ups)."""
        named = set()
        without_asides = re.sub(r"\([^)]*\)", " ", cell.name)  # "СИЗО КГБ (Американка)"
        for written in filter(None, (text, cell.name, without_asides)):
            named |= self.by_name.get(name_key(written), set())
        if named:
            return self._choose(sorted(named), cell)
        if cell.form and self.by_form.get(cell.form):
            return self._choose(sorted(self.by_form[cell.form]), cell)
        if cell.kind and cell.postcode:
            same = [
                pk
                for pk, facility in self.facilities.items()
                if facility.kind == cell.kind
                and cell.postcode in self.postcodes[pk]
                and not (cell.number and any(series == cell.series for series, _ in self.forms[pk]))
            ]
            if same:
                return self._choose(same, cell)
        return FacilityMatch()

    def _agreement(self, pk: int, cell: FacilityCell) -> tuple[str, str]:
        """('agrees' | 'differs' | '') for the postcode, then for the town."""
        postcode = ""
        if cell.postcode and self.postcodes[pk]:
            postcode = "agrees" if cell.postcode in self.postcodes[pk] else "differs"
        town = ""
        if cell.place and self.places[pk]:
            key = place_key(cell.place)
            town = "agrees" if any(_same_place(key, p) for p in self.places[pk]) else "differs"
        return postcode, town

    def _choose(self, pks: list[int], cell: FacilityCell) -> FacilityMatch:
        verdicts = {pk: self._agreement(pk, cell) for pk in pks}

        def differs(pk):
            postcode, town = verdicts[pk]
            if postcode:
                return postcode == "differs"
            return town == "differs" and (self.towns_decide or len(pks) > 1)

        def agrees(pk):
            return "agrees" in verdicts[pk] and not differs(pk)

        consistent = [pk for pk in pks if not differs(pk)]
        confirmed = [pk for pk in consistent if agrees(pk)]
        if len(confirmed) == 1:
            return FacilityMatch(facility=self.facilities[confirmed[0]])
        if len(consistent) == 1 and len(pks) == 1:
            return FacilityMatch(facility=self.facilities[consistent[0]])
        if not consistent:
            unlike = self.facilities[pks[0]]
            postcode, _ = verdicts[pks[0]]
            return FacilityMatch(unlike=unlike, unlike_by="postcode" if postcode == "differs" else "town")
        return FacilityMatch(ambiguous=[self.facilities[pk] for pk in consistent])

    def still_there(self, facility: Facility) -> bool:
        """A facility proposed earlier in this run is gone if the row that proposed it was rolled
        back (a savepoint): checked with one query, then forgotten."""
        if facility.pk not in self.proposed:
            return True
        if Facility.objects.filter(pk=facility.pk).exists():
            return True
        self.remove(facility.pk)
        return False


_POSTCODE = {"field": ["Facility", "postcode"]}  # the facility's field, named in the reader's language


def _inside_quotes(text: str) -> str:
    """The facility's name as the cell wrote it, as a warning quotes it (the template quotes it)."""
    return " ".join(text.split())[:80]


def resolve_facility(
    index: FacilityIndex, text: str, *, jurisdiction: Jurisdiction, by
) -> tuple[Facility | None, str | None]:
    """The facility a list's cell names, and a warning for the report, or None.

    Returns (facility, None) when the cell names a known, confirmed facility; (facility, warning)
    when it names one still to be confirmed, or none matched and a facility to review was
    proposed (`cases.services.propose_facility`, added to `index` so later rows link to it);
    (None, warning) when it cannot choose between facilities or names two places; (None, None)
    for an empty or "unknown" cell. Warnings quote the facility's name as written, never the
    rest of the cell.
    """
    if jurisdiction.pk != index.jurisdiction.pk:
        raise ValueError("The index belongs to another jurisdiction.")
    cell = index.read_cell(text)
    if cell.is_empty:
        return None, None
    if cell.other_places:
        return None, said("facility.several", cell=_inside_quotes(cell.name))
    match = index.find(cell, text=text)
    if match.facility is not None and not index.still_there(match.facility):
        match = index.find(cell, text=text)
    if match.facility is not None:
        if match.facility.needs_review:
            return match.facility, said(
                "facility.to_review", cell=_inside_quotes(cell.name), facility=match.facility.name_en
            )
        return match.facility, None
    if match.ambiguous:
        names = ", ".join(f"'{f.name_en}'" for f in match.ambiguous[:5])
        return None, said("facility.ambiguous", cell=_inside_quotes(cell.name), names=names)
    facility = services.propose_facility(jurisdiction=jurisdiction, cell=cell, by=by)
    index.add(facility, proposed=True)
    if match.unlike is not None:
        return facility, said(
            "facility.proposed_not",
            cell=_inside_quotes(cell.name),
            facility=facility.name_en,
            unlike=match.unlike.name_en,
            differs=_POSTCODE if match.unlike_by == "postcode" else catalogue.term("facility.town"),
        )
    return facility, said("facility.proposed", cell=_inside_quotes(cell.name), facility=facility.name_en)
