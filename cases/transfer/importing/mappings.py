"""Import profiles: a list's layout and its own words, as data.

A profile (cases.models.ImportProfile, edited by Publishers in the admin; the shipped ones are
YAML files in cases/data/import_profiles/ and only starting points) is a JSON object:

    id_scheme       whose row ids the list's `external_id` column holds (a slug), required
    recognised_by   who recognised the people of this list, written on their cases
    columns         {header: field}: which column feeds which field (FIELDS below), or "-" for a
                    column read and deliberately not stored (its cells are kept with the run).
                    Several columns may feed `sentence` or `articles` (a sentence split over a
                    term column and a kind-and-regime column): their cells are read together,
                    in the file's order
    required        fields whose column must be in the file (default: name)
    essential       fields whose unreadable value refuses the row (default: name, external_id,
                    url); an unreadable value elsewhere is a warning, and its cell is kept
    date_order      how the list writes a date in figures: "DMY" (03.11.1986, the default) or
                    "MDY" (11/03/1986)
    vocabulary      the list's own words, by field: {"status": {"current prisoner": "held"}, ...}
                    (VOCABULARIES below says what each may map to); looked up before the
                    registry's own words, without regard to case, ё/е and spaces

The fields (the keys the importer understands):

    external_id     the list's own row id, stored as ExternalIdentifier(scheme=id_scheme)
    url             the person's page on the list (a link), ExternalIdentifier(scheme="url")
    name            the primary name; its script (be/ru Cyrillic, Latin) is read from its letters
    sex             м/ж, муж/жен, male/female, m/f ...
    birth_date      a partial date, kept with its precision
    status          the case status, in Russian, Belarusian or English (cells.STATUS_WORDS)
    detention_date  the case's detention date, kept with its precision
    articles        the charges, in list notation (cases.transfer.notation)
    verdict_date    the verdict date, kept with its precision
    verdict_final_on  the day the verdict became final (entered into force), kept with its precision
    sentence        the sentence as words: "3 года колонии общего режима", "штраф"
    court, judge, prosecutor
    facility        the place of detention as lists write it (name, postcode, address)
    recognised_on   the date the person was recognised as a political prisoner
    recognised      whether the list says the person is recognised (vocabulary "recognition")
    recognition_statement  a link to the statement that recognised the person
    release_date    a 'released' event
    release_how     how the person left custody (cells.RELEASE_HOW_WORDS: отбыл срок, помилован,
                    УДО, амнистия, депортирован, ...; vocabulary "release_how"): completes the
                    case's release when the registry does not know how
    died_on         a 'died' event

Everything here is plain data and pure functions; `get_mapping` alone reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cases import choices
from cases.models import ImportProfile

IGNORED = "-"
URL_SCHEME = "url"
PROFILES_DIR = Path(__file__).resolve().parents[2] / "data" / "import_profiles"

FIELDS = (
    "external_id",
    "url",
    "name",
    "sex",
    "birth_date",
    "status",
    "detention_date",
    "articles",
    "verdict_date",
    "verdict_final_on",
    "sentence",
    "court",
    "judge",
    "prosecutor",
    "facility",
    "recognised_on",
    "recognised",
    "recognition_statement",
    "release_date",
    "release_how",
    "died_on",
)
# Fields several columns may feed, read together in the file's order.
JOINED_FIELDS = ("sentence", "articles")
LINK_FIELDS = ("url", "recognition_statement")
DEFAULT_ESSENTIAL = ("name", "external_id", "url")
# "held" is not a case status: it says the person is held, and the row's verdict says whether as
# detained or convicted (lists that say "current political prisoner" do not say which).
HELD = "held"
YES, NO = "yes", "no"
VOCABULARIES = {
    "status": (*choices.CaseStatus.values, HELD),
    "sex": tuple(choices.Sex.values),
    "sentence_kind": tuple(choices.SentenceKind.values),
    "regime": tuple(choices.Regime.values),
    "recognition": (YES, NO),
    "release_how": tuple(choices.ReleaseKind.values),
}
CONFIG_KEYS = {
    "id_scheme",
    "recognised_by",
    "columns",
    "required",
    "essential",
    "vocabulary",
    "description",
    "date_order",
}
DATE_ORDERS = ("DMY", "MDY")

# The facts a list's row claims (cases.claims.facts): written as claims from the list's source, so
# that a second list saying otherwise makes a conflict for review instead of overwriting.
PERSON_FACTS = ("person.sex", "person.birth_date")
CASE_FACTS = (
    "case.status",
    "case.detention_date",
    "case.verdict_date",
    "case.verdict_final_on",
    "case.sentence",
)
FACILITY_FACT = "case.facility"  # from the `facility` column: where the person is held now
RELEASE_FACT = "case.released_on"  # from the `release_date` column: the day of the case's release


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the key and what is wrong."""


def fold_word(text: str) -> str:
    """Case-, ё- and space-insensitive form of a list's word (the same folding as cells.fold)."""
    return " ".join(str(text).casefold().replace("ё", "е").split()).strip(" .,;")


@dataclass(frozen=True)
class Mapping:
    """A spreadsheet layout: header -> field, the list's words, and where row identifiers come from."""

    code: str
    label: str
    columns: dict[str, str]
    id_scheme: str
    recognised_by: str = ""
    required: tuple[str, ...] = ("name",)
    essential: tuple[str, ...] = DEFAULT_ESSENTIAL
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    description: str = ""
    date_order: str = "DMY"
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _words: dict[str, dict[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        problems = check_profile(
            {
                "id_scheme": self.id_scheme,
                "columns": self.columns,
                "required": list(self.required),
                "essential": list(self.essential),
                "vocabulary": self.vocabulary,
                "date_order": self.date_order,
            }
        )
        if problems:
            raise ProfileError(f"profile {self.code}: " + "; ".join(problems))
        object.__setattr__(self, "_lookup", {normalise_header(k): v for k, v in self.columns.items()})
        words = {
            kind: {fold_word(w): code for w, code in table.items()} for kind, table in self.vocabulary.items()
        }
        object.__setattr__(self, "_words", words)

    def field_for(self, header: str) -> str | None:
        """The field a header feeds, IGNORED, or None for a column this layout does not have."""
        return self._lookup.get(normalise_header(header))

    def word(self, vocabulary: str, text: str) -> str | None:
        """What the list's own word means in `vocabulary`, or None when the profile does not say."""
        return self._words.get(vocabulary, {}).get(fold_word(text))

    def words(self, vocabulary: str) -> dict[str, str]:
        return self._words.get(vocabulary, {})

    def as_config(self) -> dict:
        return {
            "id_scheme": self.id_scheme,
            "recognised_by": self.recognised_by,
            "description": self.description,
            "columns": dict(self.columns),
            "required": list(self.required),
            "essential": list(self.essential),
            "vocabulary": {kind: dict(table) for kind, table in self.vocabulary.items()},
            "date_order": self.date_order,
        }

    @classmethod
    def from_config(cls, *, code: str, label: str, config: dict) -> Mapping:
        """A mapping from a profile's JSON; ProfileError names every problem at once."""
        if not isinstance(config, dict):
            raise ProfileError("the profile must be a JSON object")
        problems = check_profile(config)
        if problems:
            raise ProfileError("; ".join(problems))
        return cls(
            code=code,
            label=label,
            columns=dict(config["columns"]),
            id_scheme=config["id_scheme"],
            recognised_by=config.get("recognised_by", ""),
            required=tuple(config.get("required", ("name",))),
            essential=tuple(config.get("essential", DEFAULT_ESSENTIAL)),
            vocabulary={kind: dict(table) for kind, table in config.get("vocabulary", {}).items()},
            description=config.get("description", ""),
            date_order=config.get("date_order", "DMY"),
        )


def check_profile(config: dict) -> list[str]:
    """Every problem of a profile's JSON, as sentences a Publisher can act on ([] when usable)."""
    problems = []
    unknown_keys = set(config) - CONFIG_KEYS
    if unknown_keys:
        problems.append(f"unknown keys {sorted(unknown_keys)} (the keys are {sorted(CONFIG_KEYS)})")
    scheme = config.get("id_scheme")
    if not isinstance(scheme, str) or not scheme or not all(c.isalnum() or c in "-_" for c in scheme):
        problems.append("id_scheme must be a short name of letters, digits, - and _ (e.g. my-list)")
    columns = config.get("columns")
    if not isinstance(columns, dict) or not columns:
        problems.append('columns must map each header to a field, e.g. {"ФИО": "name"}')
        columns = {}
    fed: dict[str, list[str]] = {}
    seen_headers: dict[str, str] = {}
    for header, target in columns.items():
        if not isinstance(header, str) or not header.strip():
            problems.append("a column without a header")
            continue
        normal = normalise_header(header)
        if normal in seen_headers:
            problems.append(f"the column {header!r} is listed twice (as {seen_headers[normal]!r})")
        seen_headers[normal] = header
        if target != IGNORED and target not in FIELDS:
            problems.append(
                f"the column {header!r} feeds {target!r}, which is not a field: use one of {FIELDS} or '-'"
            )
            continue
        fed.setdefault(target, []).append(header)
    for target, headers in fed.items():
        if target not in (IGNORED, *JOINED_FIELDS) and len(headers) > 1:
            problems.append(
                f"{len(headers)} columns feed {target} ({', '.join(headers)}); only {JOINED_FIELDS} may"
            )
    for key in ("required", "essential"):
        values = config.get(key, [])
        if not isinstance(values, list | tuple) or not all(v in FIELDS for v in values):
            problems.append(f"{key} must be a list of fields")
    for target in config.get("required", []) if isinstance(config.get("required", []), list | tuple) else []:
        if target in FIELDS and target not in fed:
            problems.append(f"{target} is required but no column feeds it")
    vocabulary = config.get("vocabulary", {})
    if not isinstance(vocabulary, dict):
        problems.append("vocabulary must be an object of word tables")
        vocabulary = {}
    for kind, table in vocabulary.items():
        if kind not in VOCABULARIES:
            problems.append(f"vocabulary {kind!r} is unknown: use {sorted(VOCABULARIES)}")
            continue
        if not isinstance(table, dict):
            problems.append(f"vocabulary {kind} must map the list's words to codes")
            continue
        for word, code in table.items():
            if code not in VOCABULARIES[kind]:
                problems.append(
                    f"vocabulary {kind}: {word!r} maps to {code!r}; use one of {VOCABULARIES[kind]}"
                )
    if config.get("date_order", "DMY") not in DATE_ORDERS:
        problems.append(f"date_order must be one of {DATE_ORDERS} (day-month-year or month-day-year)")
    if "id_scheme" in config and scheme == URL_SCHEME:
        problems.append(f"id_scheme cannot be {URL_SCHEME!r}: that scheme holds the people's page links")
    return problems


def normalise_header(header: str) -> str:
    return " ".join(str(header).split()).casefold()


def shipped_profiles(directory: Path = PROFILES_DIR) -> dict[str, Mapping]:
    """The profiles shipped with the registry (cases/data/import_profiles/*.yaml), by code."""
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = path.stem
        out[code] = Mapping.from_config(code=code, label=data.pop("label", code), config=data)
    return out


MAPPINGS = shipped_profiles()


def install_shipped_profiles(directory: Path = PROFILES_DIR) -> list[str]:
    """Give every shipped profile a row in the admin, where Publishers copy and adapt it; a shipped
    profile already there is left as staff keep it. Returns the codes it added."""
    added = []
    for code, mapping in shipped_profiles(directory).items():
        _, created = ImportProfile.objects.get_or_create(
            code=code,
            defaults={
                "label": mapping.label,
                "description": mapping.description,
                "config": mapping.as_config(),
                "is_shipped": True,
            },
        )
        if created:
            added.append(code)
    return added


def get_mapping(code: str) -> Mapping:
    """The profile `code`: as staff last saved it in the admin, else as shipped."""
    profile = ImportProfile.objects.filter(code=code).first()
    if profile is not None:
        return Mapping.from_config(code=profile.code, label=profile.label, config=profile.config)
    try:
        return MAPPINGS[code]
    except KeyError:
        codes = sorted(set(MAPPINGS) | set(ImportProfile.objects.values_list("code", flat=True)))
        raise ValueError(f"Unknown import profile {code!r}; choose one of: {', '.join(codes)}.") from None
