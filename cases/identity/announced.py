"""Reading an officially announced list of names (a release wave, a designation list) and
classifying each name against the registry's people. Pure functions: the caller gives the
candidates (cases.services.waves).

An announced list is written as the authorities write it: numbered, surname first, with a
patronymic, sometimes the year of birth ("1. Иванов Иван Иванович, 1980 г.р."), in Russian or
Belarusian Cyrillic, or transliterated in any system by a foreign ministry or a newspaper. The
name is compared across scripts with cases.identity.names.similarity.
"""

import datetime
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
# A whole date of birth ("12.03.1975"), else a year marked as one ("1980 г.р.", "b. 1980", "1980 года
# рождения") or standing alone in its own comma-separated part or parentheses ("(1980)", ", 1980").
_BIRTH_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?!\d)")
_MARKED_YEAR = re.compile(
    r"(?:(?:b\.|born|род\.|нар\.)\s*)((?:19|20)\d{2})(?!\d)|(?<!\d)((?:19|20)\d{2})\s*"
    r"(?:г\.?\s*р\.?|года рождения|гады нараджэння|г\.\s*н\.)",
    re.IGNORECASE,
)
_LONE_YEAR = re.compile(r"^\s*\(?\s*((?:19|20)\d{2})\s*\)?\s*\.?$")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
# Words that begin the details official lists write after a name (place of birth, residence,
# registration): a comma-separated part starting with one of them is not part of the name.
DETAIL_WORDS = (
    "уроженец",
    "уроженка",
    "ураджэнец",
    "ураджэнка",
    "место рождения",
    "месца нараджэння",
    "проживающий",
    "проживающая",
    "зарегистрирован",
    "зарэгістраваны",
    "гражданин",
    "гражданка",
    "грамадзянін",
    "грамадзянка",
    "born in",
    "place of birth",
    "resident",
    "citizen",
)


@dataclass(frozen=True)
class AnnouncedName:
    """One line of an announced list: its number in the paste (1-based), the name, and the year
    of birth if the line gives one."""

    line: int
    text: str
    name: str
    birth_year: int | None = None
    # The whole date of birth when the line gives it (the first day of a year otherwise), with its
    # precision (cases.partial_dates): a snapshot of a designation list keeps it.
    birth_date: datetime.date | None = None
    birth_precision: str = "unknown"
    # Other spellings the line gives in parentheses ("Иванов Иван (Ivanov Ivan)"), matched too.
    aliases: tuple[str, ...] = ()
    # The day the person was put on the list, where a designation list's table gives it.
    listed_on: datetime.date | None = None
    listed_precision: str = "unknown"

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


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


def read_announced_list(text: str, detail_words=DETAIL_WORDS) -> list[AnnouncedName]:
    """The names of a pasted list, one per line (or separated by semicolons), without their
    numbering, with the date or year of birth and the spellings in parentheses taken apart and the
    details after the name (place of birth, residence: `detail_words`) left out; blank lines and
    lines without letters are skipped."""
    out = []
    # Numbered as a reader counts them: each non-blank line or semicolon-separated part ("...;" at
    # the end of a published line does not make an empty entry of its own).
    parts = [part.strip() for line in text.splitlines() for part in line.split(";") if part.strip()]
    for number, line in enumerate(parts, start=1):
        if not word_keys(line):
            continue
        entry = read_announced_line(line, number, detail_words)
        if entry is not None:
            out.append(entry)
    return out


def read_announced_line(line: str, number: int, detail_words=DETAIL_WORDS) -> AnnouncedName | None:
    """One line of an official list: "1. АБРАМЧИК Андрей Иванович (Abramchyk Andrei), 12.03.1984 г.р.,
    уроженец г. Минска" gives the name, the other spelling and the date of birth.

    The name is the first comma-separated part, cut at its first figure; the next parts join it
    only while it has a single word ("Ivanov, Ivan") and they hold letters only and are not
    details. A date or year of birth is looked for in the whole line."""
    body = _NUMBERING.sub("", line).strip()
    aliases = tuple(
        " ".join(inner.split())
        for inner in _PARENTHESES.findall(body)
        if word_keys(inner) and not re.search(r"\d", inner)
    )
    without_brackets = _PARENTHESES.sub(" ", body)
    pieces = [piece.strip() for piece in without_brackets.split(",")]
    name = re.split(r"\d", pieces[0], maxsplit=1)[0]
    for piece in pieces[1:]:
        if len(word_keys(name)) > 1 or re.search(r"\d", piece) or _is_detail(piece, detail_words):
            break
        name = f"{name} {piece}"
    name = " ".join(name.strip(" ,;.-–*").split()).strip(" *")
    if not word_keys(name):
        return None
    birth, precision = _birth_of(body, pieces)
    return AnnouncedName(
        line=number,
        text=line,
        name=name,
        birth_year=birth.year if birth else None,
        birth_date=birth,
        birth_precision=precision,
        aliases=aliases,
    )


def _is_detail(piece: str, detail_words) -> bool:
    lowered = piece.lower()
    return any(lowered.startswith(word) for word in detail_words)


def _birth_of(body: str, pieces: list[str]) -> tuple[datetime.date | None, str]:
    found = _BIRTH_DATE.search(body)
    if found:
        day, month, year = (int(g) for g in found.groups())
        try:
            return datetime.date(year, month, day), "day"
        except ValueError:
            pass  # "31.02.1980" is not a date: fall back to its year
        return datetime.date(year, 1, 1), "year"
    found = _MARKED_YEAR.search(body)
    if found:
        return datetime.date(int(found.group(1) or found.group(2)), 1, 1), "year"
    for piece in [*pieces[1:], *_PARENTHESES.findall(body)]:
        found = _LONE_YEAR.match(piece)
        if found:
            return datetime.date(int(found.group(1)), 1, 1), "year"
    found = re.search(r"(?<!\d)((?:19|20)\d{2})\s*\)?\s*$", pieces[0])
    if found:  # "Иванов Иван 1980": a year at the end of a line without commas
        return datetime.date(int(found.group(1)), 1, 1), "year"
    return None, "unknown"


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
