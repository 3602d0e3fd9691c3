"""Read charges the way lists write them, and write them back in one canonical form.

Belarusian and Russian lists write a charge as "ч. 1 ст. 342 УК", "ст. 130 ч. 3", "арт. 342 ч. 1",
"ч. 1 арт. 342 КК" or "ч1 ст342", put several in one cell ("ч.2 ст.293; ч.1 ст.342") and write an
attempt or a preparation as the inchoate article in front of the offence: "ч. 1 ст. 14, ч. 3
ст. 289" is an attempt on part 3 of art. 289 (the domain notes: GLOSSARY.md). `parse_charges`
turns such a cell into `ParsedCharge` values, `format_charge` writes one back ("ч. 1 ст. 342",
"ст. 14, ч. 3 ст. 289", be "ч. 1 арт. 342", en "part 1 of article 342"), and what `format_charge`
writes always parses back to the same charge. Everything here is a pure function of strings.

What the parser does not do
---------------------------
It does not know the law. "ст. 999" is read as article 999: checking every charge against the
`Article` table of the case's jurisdiction, and marking a charge whose article part is not there
as "needs review" instead of dropping it, is the caller's job (the importer's). It also does not
treat art. 13 and 14 as special unless they are given as `preparation_article` and
`attempt_article`; another code passes its own numbers (`Jurisdiction.preparation_article`,
`Jurisdiction.attempt_article`).

What it reads
-------------
- Part first or article first: "ч. 1 ст. 342", "ст. 342 ч. 1", "342 ч.1" (a bare number is an
  article only at the start of a fragment and only with a part after it), "part 1 of article 342",
  "Art. 342, part 1", "Art. 342(1)" (part 1: the usual English way of citing a part).
- Keywords in any case and any inflection, with or without dots and spaces: ч, чч, ч.ч., часть,
  части, частка; ст, ст.ст., статья, статьи; арт, артыкул; part, art., article; п., пункт, point.
  "с" and "т" of "ст" may be Latin look-alikes ("cт"), as copy-pasted lists often have them.
- Article numbers with a suffix, "361-1", whatever dash joins them (hyphen, non-breaking hyphen,
  en dash, minus...), provided nothing but the dash stands between the digits: in "ст. 361 - 1"
  only art. 361 is read and "- 1" is a problem, because a spaced dash is as likely to be a range
  or an aside.
- Several parts or articles in one charge: "ч.ч. 1, 2 ст. 293" and "ч. 1 и ч. 2 ст. 293" are two
  charges, "ст.ст. 342, 368" two more. A list after the article ("ст. 342 ч. 1, 2") stops before a
  number that is followed by its own part or article keyword, which starts the next charge.
- A point inside a part, "п. 1 ч. 2 ст. 339": the charge is part 2 of art. 339; the point stays
  visible in `source_text` only, because the registry stores article parts, not points. A lettered
  point (the Russian code's "п. «а»") is not read: it is a problem, and the part after it still is.
- The inchoate articles: a charge on `attempt_article` or `preparation_article` (with or without
  a part) is not a charge of its own but the stage of the charge or charges that immediately
  follow it, joined by nothing, a comma or "и"/"і"/"and". When no charge follows that way (the
  end of the cell, a ";" or anything unreadable comes first), it is reported as a problem and the
  next charge stays completed: a guessed stage must not pass unnoticed.
- Charges are separated by ";", ",", "/", line breaks and "и" / "і" (or a Latin "i") / "and".
  Words naming the code ("УК", "КК", "УК РБ", "Уголовного кодекса Республики Беларусь", "of the
  Criminal Code"), "по" and stray dots are ignored.

Everything else is a problem: the unreadable fragment is returned verbatim in
`ParseResult.problems`, never dropped, and whatever is readable around it is still read. In
particular "ст. 342.1" is a problem, not part 1: a dot inside the number is the Russian code's
way of numbering inserted articles (205.1), and Belarusian lists use the hyphen. Charges keep the
order and the repetitions of the text; nothing is merged or deduplicated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The same values as cases.choices.ChargeStage (kept as strings so this module needs no Django).
COMPLETED = "completed"
ATTEMPT = "attempt"
PREPARATION = "preparation"
STAGES = (COMPLETED, ATTEMPT, PREPARATION)


@dataclass(frozen=True)
class ParsedCharge:
    """One charge read from a list: an article part and the stage of the offence."""

    article: str  # "342", "361-1"
    part: str  # "1", or "" when the text gives no part
    stage: str  # "completed" | "attempt" | "preparation"
    source_text: str  # the fragment it came from, verbatim


@dataclass(frozen=True)
class ParseResult:
    """The charges read from one text, and the fragments that could not be read."""

    charges: tuple[ParsedCharge, ...]
    problems: tuple[str, ...]  # verbatim fragments, in the order they were met


# --- Reading -------------------------------------------------------------------------------------

# Characters that lists use for a hyphen or a space; each becomes one ASCII character, so that
# offsets in the cleaned text are offsets in the original and fragments can be cut verbatim.
_CLEAN = str.maketrans(
    {
        **dict.fromkeys("\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u200a\u200b\u202f\u2060\u3000\ufeff", " "),
    }
)

# A keyword ends with a dot or before something that is not a letter ("ч1", "ч. 1", "ч.1").
_END = r"(?:\.|(?![^\W\d_]))"
_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<hard>[;/\r\n])",
            r"(?P<soft>,|&|(?:и|і|i|and)(?![^\W\d_]))",
            rf"(?P<part>(?:ч\.\s*ч|чч|част(?:ями|ях|ям|ью|ей|ь|и)|частк(?:ай|ах|ам|і|а|у)|parts?|ч){_END})",
            r"(?P<article>(?:[сc][тt]\.\s*[сc][тt]|[сc][тt][сc][тt]|стат(?:ьями|ьях|ьям|ьёй|ьей|ью|ье|ьи|ья|ей)"
            r"|[сc][тt]|[аa][рp][тt]\.\s*[аa][рp][тt]|арт(?:ыкуламі|ыкулам|ыкулаў|ыкуле|ыкула|ыкулы|ыкул)"
            rf"|[аa][рp][тt]|articles?|arts?){_END})",
            rf"(?P<point>(?:п\.\s*п|пп|пункт(?:ами|ах|ам|ом|ов|у|а|е|ы)?|пункц[еі]|points?|items?|п){_END})",
            r"(?P<filler>(?:of|the|по|па|уголовного|крымінальнага|кодекса|кодэкса|criminal|code|[уy][кk]"
            rf"|[кk][кk]|cc|рб|rb|республики|рэспублікі|republic|беларусь|belarus){_END}|\.)",
            r"(?P<paren>\(\s*[0-9]+\s*\))",
            r"(?P<number>[0-9]+(?:[-.][0-9]+)*)",
            r"(?P<space>[^\S\r\n]+)",
            r"(?P<other>[^\W\d_]+|\S)",
        ]
    ),
    re.IGNORECASE,
)
_ARTICLE_NUMBER_RE = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_PART_NUMBER_RE = re.compile(r"[0-9]+")

_KEYWORDS = ("article", "part", "paren")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int  # for a significant token: the end of the code words and dots that follow it


def _tokens(text: str) -> list[_Token]:
    """The significant tokens of `text`; ignored words extend the end of the token before them."""
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(text.translate(_CLEAN)):
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "filler":
            if tokens and tokens[-1].kind not in ("hard", "soft"):
                last = tokens[-1]
                tokens[-1] = _Token(last.kind, last.text, last.start, match.end())
            continue
        tokens.append(_Token(kind, match.group(), match.start(), match.end()))
    return tokens


def _without_zeros(digits: str) -> str:
    # Not int(): a cell may hold more digits than int() converts from a string.
    return digits.lstrip("0") or "0"


def _article_number(token: _Token | None) -> str | None:
    """ "361-1" for a number token shaped like an article number, without leading zeros."""
    if token is None or token.kind != "number":
        return None
    match = _ARTICLE_NUMBER_RE.fullmatch(token.text)
    if match is None:
        return None
    return "-".join(_without_zeros(group) for group in match.groups() if group is not None)


def _part_number(token: _Token | None) -> str | None:
    if token is None or token.kind != "number" or not _PART_NUMBER_RE.fullmatch(token.text):
        return None
    return _without_zeros(token.text)


class _Reader:
    """A recursive-descent reader over the tokens of one text; every method takes and returns
    token indexes, and returns None when the tokens at the index do not form what it reads."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens

    def at(self, index: int) -> _Token | None:
        return self.tokens[index] if index < len(self.tokens) else None

    def kind(self, index: int) -> str | None:
        token = self.at(index)
        return token.kind if token else None

    def expression(self, index: int, *, fragment_start: bool) -> tuple[int, list[tuple[str, str]]] | None:
        """One written charge, which may stand for several (article, part) pairs."""
        kind = self.kind(index)
        if kind in ("part", "point"):
            return self.part_first(index)
        if kind == "article":
            return self.article_first(index + 1)
        if kind == "number" and fragment_start:
            return self.bare_article(index)
        return None

    def numbers(self, index: int, keyword: str, *, trailing: bool) -> tuple[list[str], int, bool] | None:
        """ "ч. 1", "ч.ч. 1, 2", "ч. 1 и ч. 2": the numbers after a part or point keyword at `index`,
        the index after them, and whether a bare number that follows belongs to an article.

        After an article (`trailing`), a number followed by a keyword of its own starts the next
        charge instead ("ст. 130 ч. 3, 342 ч. 1", "ст. 130 ч. 3, ч. 1 ст. 342"); when that number
        is bare and an article follows it ("ст. 14, ч.ч. 1, 2 ст. 293"), the whole list belongs
        to that article, which the caller learns from the third value.
        """
        first = _part_number(self.at(index + 1))
        if first is None:
            return None
        values, index = [first], index + 2
        while self.kind(index) == "soft":
            repeated = self.kind(index + 1) == keyword
            candidate = index + 1 + repeated
            value = _part_number(self.at(candidate))
            if value is None:
                break
            if trailing and self.kind(candidate + 1) in _KEYWORDS:
                return values, index, not repeated and self.kind(candidate + 1) == "article"
            values.append(value)
            index = candidate + 1
        return values, index, False

    def part_first(self, index: int) -> tuple[int, list[tuple[str, str]]] | None:
        """ "ч. 1 ст. 342", "п. 1 ч. 2 ст. 339", "ч.ч. 1, 2 ст. 293", "part 1 of article 342"."""
        if self.kind(index) == "point":
            points = self.numbers(index, "point", trailing=False)
            if points is None:
                return None
            index = points[1]
        if self.kind(index) != "part":
            return None
        parts = self.numbers(index, "part", trailing=False)
        if parts is None or self.kind(parts[1]) != "article":
            return None
        article = _article_number(self.at(parts[1] + 1))
        if article is None:
            return None
        return parts[1] + 2, [(article, part) for part in parts[0]]

    def article_first(self, index: int) -> tuple[int, list[tuple[str, str]]] | None:
        """ "ст. 368", "ст. 130 ч. 3", "Art. 342(1)", "ст.ст. 342, 368" (`index` is past the keyword)."""
        pairs: list[tuple[str, str]] = []
        while (article := _article_number(self.at(index))) is not None:
            parts, index = self.parts_after_article(index + 1)
            pairs += [(article, part) for part in parts]
            # "ст.ст. 342, 368" goes on; "ст. 130 ч. 3, 342 ч. 1" is two charges with a fragment each.
            more = self.kind(index) == "soft" and _article_number(self.at(index + 1)) is not None
            if not more or self.kind(index + 2) == "article" or self.bare_article(index + 1):
                break
            index += 1
        return (index, pairs) if pairs else None

    def bare_article(self, index: int) -> tuple[int, list[tuple[str, str]]] | None:
        """ "342 ч.1": a number is read as an article only when a part follows it."""
        article = _article_number(self.at(index))
        if article is None:
            return None
        parts, end = self.parts_after_article(index + 1)
        if parts == [""]:
            return None
        return end, [(article, part) for part in parts]

    def parts_after_article(self, index: int) -> tuple[list[str], int]:
        """The parts written after an article number, [""] when there are none."""
        if self.kind(index) == "paren":
            return [_without_zeros(self.tokens[index].text.strip("() \t"))], index + 1
        start = index + (self.kind(index) == "soft" and self.tokens[index].text == ",")
        if self.kind(start) == "part" and (parts := self.numbers(start, "part", trailing=True)):
            values, end, runs_on = parts
            if self.kind(end) == "point" and (points := self.numbers(end, "point", trailing=True)):
                end = points[1]
            # "ст. 14, ч. 3 ст. 289": a part followed by an article belongs to that article.
            if self.kind(end) != "article" and not runs_on:
                return values, end
        return [""], index


@dataclass
class _Inchoate:
    stage: str
    start: int
    text: str
    used: bool = False


def parse_charges(text: str, *, attempt_article: str = "14", preparation_article: str = "13") -> ParseResult:
    """Read every charge in `text` (one spreadsheet cell, say) and every fragment it cannot read.

    `attempt_article` and `preparation_article` are the jurisdiction's inchoate articles; an empty
    string means the code has none. The articles are not checked against the law: the caller
    matches each charge to an `Article` and marks an unknown one for review.
    """
    inchoate = {attempt_article: ATTEMPT, preparation_article: PREPARATION}
    inchoate.pop("", None)
    tokens = _tokens(text)
    reader = _Reader(tokens)
    charges: list[ParsedCharge] = []
    problems: list[str] = []
    pending: _Inchoate | None = None
    unread: tuple[int, int] | None = None  # (start, end) of the unreadable run being collected
    fragment_start = True

    def drop_pending() -> None:
        nonlocal pending
        if pending is not None and not pending.used:
            problems.append(pending.text)
        pending = None

    def flush_unread() -> None:
        nonlocal unread
        if unread is not None:
            problems.append(text[unread[0] : unread[1]].strip())
            unread = None

    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind in ("hard", "soft"):
            flush_unread()
            if token.kind == "hard":
                drop_pending()
            fragment_start = True
            index += 1
            continue
        parsed = reader.expression(index, fragment_start=fragment_start)
        fragment_start = False
        if parsed is None:
            drop_pending()
            unread = (unread[0] if unread else token.start, token.end)
            index += 1
            continue
        flush_unread()
        end_index, pairs = parsed
        start, end = token.start, tokens[end_index - 1].end
        source = text[start:end].strip()
        for article, part in pairs:
            if article in inchoate:
                if pending is None or pending.used or pending.start != start:
                    drop_pending()
                    pending = _Inchoate(inchoate[article], start, source)
                continue
            if pending is None:
                charges.append(ParsedCharge(article, part, COMPLETED, source))
            else:
                pending.used = True
                charges.append(ParsedCharge(article, part, pending.stage, text[pending.start : end].strip()))
        if pending is not None and pending.used:
            pending = None
        index = end_index
    flush_unread()
    drop_pending()
    return ParseResult(charges=tuple(charges), problems=tuple(problems))


# --- Writing -------------------------------------------------------------------------------------

_FORMS = {
    # language: (with a part, without a part)
    "ru": ("ч. {part} ст. {article}", "ст. {article}"),
    "be": ("ч. {part} арт. {article}", "арт. {article}"),
    "en": ("part {part} of article {article}", "article {article}"),
}
LANGUAGES = tuple(_FORMS)


def _canonical_article(article: str) -> bool:
    return _article_number(_Token("number", article, 0, 0)) == article


def format_charge(
    charge: ParsedCharge,
    *,
    language: str = "ru",
    attempt_article: str = "14",
    preparation_article: str = "13",
) -> str:
    """The canonical notation of `charge`: "ч. 1 ст. 342", "ст. 14, ч. 3 ст. 289" (an attempt),
    "ст. 13, ч. 2 ст. 359" (a preparation), be "ч. 1 арт. 342", en "part 1 of article 342".

    `parse_charges` with the same inchoate articles reads the result back as the same article,
    part and stage. Raises ValueError for what it cannot write that way: an unknown language or
    stage, an article or part that is not a plain number (or "361-1"), leading zeros, and a
    charge on an inchoate article itself, which the parser would take for a stage.
    """
    if language not in _FORMS:
        raise ValueError(f"Unknown language {language!r}; expected one of {', '.join(_FORMS)}.")
    stage_articles = {ATTEMPT: attempt_article, PREPARATION: preparation_article, COMPLETED: None}
    if charge.stage not in stage_articles:
        raise ValueError(f"Unknown stage {charge.stage!r}; expected one of {', '.join(STAGES)}.")
    if not _canonical_article(charge.article):
        raise ValueError(f"{charge.article!r} is not an article number such as '342' or '361-1'.")
    if charge.part and _part_number(_Token("number", charge.part, 0, 0)) != charge.part:
        raise ValueError(f"{charge.part!r} is not a part number such as '1'.")
    if charge.article in (attempt_article, preparation_article):
        raise ValueError(f"Art. {charge.article} is an inchoate article: write the offence with a stage.")
    with_part, without_part = _FORMS[language]
    text = (with_part if charge.part else without_part).format(article=charge.article, part=charge.part)
    inchoate_article = stage_articles[charge.stage]
    if inchoate_article is None:
        return text
    if not _canonical_article(inchoate_article):
        raise ValueError(f"This code has no article for the stage {charge.stage!r}.")
    return f"{without_part.format(article=inchoate_article)}, {text}"
