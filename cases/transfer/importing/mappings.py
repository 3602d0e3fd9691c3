"""Column mappings: which spreadsheet column feeds which registry field.

A mapping names every column it accepts. A column a mapping does not name is a problem (the
file is not the layout the user chose, or a column would be silently dropped); a column it maps
to IGNORED is read and deliberately not stored, and docs/import.md says why. Headers are matched
without regard to case or surrounding spaces.

The fields (the keys the importer understands):

    external_id     the list's own row id, stored as ExternalIdentifier(scheme=mapping.id_scheme)
    url             the person's page on the list, ExternalIdentifier(scheme="url")
    name            the primary name; its script (be/ru Cyrillic, Latin) is read from its letters
    sex             м/ж, муж/жен, male/female, m/f ...
    birth_date      a partial date, kept with its precision
    status          the case status, in Russian, Belarusian or English (importer.STATUS_WORDS)
    detention_date  the case's detention date
    articles        the charges, in list notation (cases.transfer.notation)
    verdict_date    the verdict date
    sentence        the sentence as words: "3 года колонии общего режима", "штраф"
    court, judge, prosecutor
    facility        the place of detention: a Facility's name in any language
    recognised_on   the date the person was recognised as a political prisoner
    release_date    a 'released' event
    died_on         a 'died' event
"""

from __future__ import annotations

from dataclasses import dataclass, field

IGNORED = "-"
URL_SCHEME = "url"

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
    "sentence",
    "court",
    "judge",
    "prosecutor",
    "facility",
    "recognised_on",
    "release_date",
    "died_on",
)


@dataclass(frozen=True)
class Mapping:
    """A spreadsheet layout: header -> field, and where the rows' identifiers come from."""

    code: str
    label: str
    columns: dict[str, str]
    id_scheme: str
    recognised_by: str = ""
    required: tuple[str, ...] = ("name",)
    description: str = ""
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        unknown = set(self.columns.values()) - set(FIELDS) - {IGNORED}
        if unknown:
            raise ValueError(f"mapping {self.code} names unknown fields: {sorted(unknown)}")
        object.__setattr__(self, "_lookup", {normalise_header(k): v for k, v in self.columns.items()})

    def field_for(self, header: str) -> str | None:
        """The field a header feeds, IGNORED, or None for a column this layout does not have."""
        return self._lookup.get(normalise_header(header))


def normalise_header(header: str) -> str:
    return " ".join(str(header).split()).casefold()


PRISONERS_LIST = Mapping(
    code="prisoners-list",
    label="Political-prisoner list",
    id_scheme="prisoners-list",
    recognised_by="political-prisoner list",
    description="The published political-prisoner list: id, url, name, status, birthday, gender, "
    "arrested, articles, verdict_date, decision, penalty, judge, prosecutor, prison, declaration, "
    "release_date, died.",
    columns={
        "id": "external_id",
        "url": "url",
        "name": "name",
        "status": "status",
        "birthday": "birth_date",
        "gender": "sex",
        "arrested": "detention_date",
        "articles": "articles",
        "verdict_date": "verdict_date",
        # The list's free-text account of the decision (court, appeal); the registry has no
        # field for it and the verdict date and penalty carry what the rules need.
        "decision": IGNORED,
        "penalty": "sentence",
        "judge": "judge",
        "prosecutor": "prosecutor",
        "court": "court",
        "prison": "facility",
        "declaration": "recognised_on",
        "release_date": "release_date",
        "died": "died_on",
    },
)

REGISTRY = Mapping(
    code="registry",
    label="Registry layout (our own column names)",
    id_scheme="registry-import",
    description="This registry's own field names as headers; external_id is the sender's row id.",
    columns={name: name for name in FIELDS},
)

MAPPINGS = {mapping.code: mapping for mapping in (PRISONERS_LIST, REGISTRY)}


def get_mapping(code: str) -> Mapping:
    try:
        return MAPPINGS[code]
    except KeyError:
        raise ValueError(f"Unknown mapping {code!r}; choose one of: {', '.join(MAPPINGS)}.") from None
