"""Reading an officially announced list of names (a release wave, a designation list) and
classifying each name against the registry's people. Pure functions: the caller gives the
candidates (cases.services.waves).

An announced list is written as the authorities write it: numbered, surname first, with a
patronymic, sometimes the year of birth ("1. Иванов Иван Иванович, 1980 г.р."), in Russian or
Belarusian Cyrillic, or transliterated in any system by a foreign ministry or a newspaper. The
name is compared across scripts with cases.identity.names.similarity.
"""

import re
from dataclasses import dataclass, field

from cases.identity.names import similarity, word_keys

# A spelling of the same person scores 0.85 or more (names.similarity); a patronymic the
# registry does not hold costs one EXTRA_WORD_FACTOR (0.9), so a full match with a patronymic
# scores 0.9. Below POSSIBLE a candidate is not shown at all.
MATCH = 0.85
POSSIBLE = 0.7

MATCHED, AMBIGUOUS, UNKNOWN = "matched", "ambiguous", "unknown"

_NUMBERING = re.compile(r"^\s*(?:№\s*)?\d+\s*[.)\-–:]?\s+")
# A year of birth at the end: "1980", "(1980)", ", 1980 г.р.", "12.03.1975 г.р.", "b. 1980".
_BIRTH_YEAR = re.compile(
    r"[,;(\s]*(?:b\.\s*|born\s+)?(?:(?:\d{1,2}\.){2})?((?:19|20)\d{2})"
    r"\s*(?:г\.?\s*р\.?|года рождения|гады нараджэння)?\s*\)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AnnouncedName:
    """One line of an announced list: its number in the paste (1-based), the name, and the year
    of birth if the line gives one."""

    line: int
    text: str
    name: str
    birth_year: int | None = None


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str  # the registry's spelling that scored best
    score: float
    birth_years: tuple[int, int] | None = None  # the range the registry's birth date allows


@dataclass
class NameMatch:
    announced: AnnouncedName
    outcome: str  # MATCHED, AMBIGUOUS or UNKNOWN
    candidates: list[Candidate] = field(default_factory=list)  # best first

    @property
    def person_id(self) -> int | None:
        return self.candidates[0].person_id if self.outcome == MATCHED else None


def read_announced_list(text: str) -> list[AnnouncedName]:
    """The names of a pasted list, one per line (or separated by semicolons), without their
    numbering and with the year of birth taken apart; blank lines and lines without letters
    are skipped."""
    out = []
    parts = [part for line in text.splitlines() for part in line.split(";")]
    for number, raw in enumerate(parts, start=1):
        line = raw.strip()
        if not word_keys(line):
            continue
        name = _NUMBERING.sub("", line)
        year = None
        found = _BIRTH_YEAR.search(name)
        if found:
            year = int(found.group(1))
            name = name[: found.start()]
        name = " ".join(name.strip(" ,;.-–").split())
        if word_keys(name):
            out.append(AnnouncedName(line=number, text=line, name=name, birth_year=year))
    return out


def classify(announced: AnnouncedName, candidates: list[Candidate]) -> NameMatch:
    """Matched: exactly one person scores MATCH or more and is not ruled out by the year of birth
    (when the list and the registry both give it, they must agree: a namesake born in another year
    is not the one). Ambiguous: several remain, or only weaker candidates (POSSIBLE or more), or
    the only strong one was born in another year: a person chooses. Unknown: nobody comes close."""
    shown = sorted((c for c in candidates if c.score >= POSSIBLE), key=lambda c: (-c.score, c.person_id))
    strong = [c for c in shown if c.score >= MATCH and _year_agrees(announced, c)]
    if len(strong) == 1:
        return NameMatch(announced, MATCHED, [strong[0]] + [c for c in shown if c is not strong[0]])
    if shown:
        return NameMatch(announced, AMBIGUOUS, shown)
    return NameMatch(announced, UNKNOWN, [])


def _year_agrees(announced: AnnouncedName, candidate: Candidate) -> bool:
    if announced.birth_year is None or candidate.birth_years is None:
        return True
    first, last = candidate.birth_years
    return first <= announced.birth_year <= last


def best_by_person(name: str, spellings: list[tuple[int, str, tuple[int, int] | None]]) -> list[Candidate]:
    """Each person's best-scoring spelling against `name`: (person id, spelling, birth years)."""
    best: dict[int, Candidate] = {}
    for person_id, spelling, years in spellings:
        score = similarity(name, spelling)
        if person_id not in best or score > best[person_id].score:
            best[person_id] = Candidate(person_id, spelling, round(score, 3), years)
    return list(best.values())
