"""Read charges the way lists write them, and write them back in one canonical form.

Belarusian and Russian lists write a charge part first ("ч. 1 ст. 342 УК", "частка 1 артыкула
342 КК") or article first ("ст. 130 ч. 3", "арт. 342 ч. 1"), put several in one cell, and write an
attempt or a preparation as the inchoate article (Art. 14 or 13 in Belarus) in front of the offence
("ч. 1 ст. 14, ч. 3 ст. 289") or after it ("ст. 289 ч. 3 ст. 14", "ст. 289 ч. 3 (через ст. 14)").
`parse_charges` turns such a cell into `ParsedCharge` values and `format_charge` writes one back;
what `format_charge` writes always parses back to the same charge. Everything here is a pure
function of strings; docs/notation.md has the table of the forms read.

The one rule above all: a parse never silently stores a different part. Where the text allows
more than one reading (a part standing between two articles with nothing to say whose it is, a
number that may be an article suffix or a part, a stage article whose charge is unclear), the
charge carries the most likely reading, the reason in `uncertain` and the other readings in
`alternatives`, so that the importer sends it to review with the cell quoted.

What the parser does not do
---------------------------
It does not know the law. "ст. 999" is read as article 999: checking every charge against the
`Article` table of the case's jurisdiction is the caller's job, and so is choosing between a
charge's readings when only one of them exists in the law data. It treats art. 13 and 14 as
stages only because they are the default `preparation_article` and `attempt_article`; another
code passes its own numbers.

How it reads
------------
1. The text is cut into tokens: keywords (ч, чч, ч.ч., часть, частка, ст, ст.ст., статья,
   артыкул, п., пункт, part, art., article, in any case and inflection, with or without dots and
   spaces), numbers ("342", "361-1", "361¹", "342.1"), parts written as words ("третья",
   "трэцяя", "третьей", "1-я", "три"), separators (";" and line breaks end a clause; ",", "и",
   "і", "and" and a dash before a word only separate), code names ("УК РБ", "КК", "УК РФ",
   "КоАП"), stage words ("покушение", "замах", "через", "с применением", "праз").
2. Tokens become atoms: an article (one number: "ст.ст. 342, 368" gives two), a group of parts
   ("ч.ч. 1, 2", "части первая и вторая", "п. 1 ч. 2": a point is kept in the source text only,
   the registry stores parts), a separator, a code, a stage word, or something unreadable.
3. Each run of articles and parts is read in every way it can be: a part goes with the article
   right after it (part first) or right before it (article first). A reading that puts a part
   after a comma onto the article before it ("ст. 14, ч. 3 ст. 289": the comma says the part
   starts the next charge), joins two part groups ("ч. 1, ч. 2 ст. 293") or gives the part just
   before a trailing stage article to that article ("ст. 289 ч. 3 ст. 14") is taken only when no
   other reading exists. Among what remains, the reading is chosen that gives parts to offences
   rather than to the inchoate article and follows the cell's own habit (its first part with an
   article on one side only, else its first keyword); when another reading gives some article
   another part, that charge is uncertain.
4. An inchoate article (or a stage word) is the stage of the charge next to it: the one after it
   when it is joined by nothing, a comma, "и" or a dash (a list writes the stage first), the one
   before it when it follows with nothing between or with "через", "по", "с применением", or when
   only the side before has no separator. A stage article after a charge and a comma, between two
   charges with nothing on either side (or with a comma on both sides in a cell that writes the
   article first), a stage given to a list ("ст. 14, ст.ст. 293, 342") or written as a bare number
   ("14, 289 ч. 3") still gives the stage, but the charge is uncertain. A stage that reaches no
   charge (alone, cut off by ";" or junk, or after a charge that has one) is a problem.
5. A code name next to a charge belongs to it. A charge under another code (КоАП, КаАП, УПК, the
   administrative code spelt out) or under another country's criminal code (`country`, "BY" by
   default: "УК РФ" in a Belarusian list) is never a criminal charge: its fragment is in
   `ParseResult.other_code` and also in `problems`, so a caller that does not know the new field
   still sends it to review.

Article numbers: "361-1" (any dash, nothing between the digits) and "361¹" are article 361-1.
Without a part, "ст. 361-1" may also be part 1 of art. 361 (some lists write "289-3" for part 3
of art. 289), so it is uncertain with that alternative; with a part ("ч. 1 ст. 361-1") it is not.
A bare "289-3" with no keyword is read as part 3 of art. 289, uncertain, with art. 289-3 as the
alternative. "ст. 342.1" is the Russian code's way of writing 342-1 but also the registry's own
"article.part": it is read as art. 342-1, uncertain. A lettered point (the Russian code's
"п. «а»") is a problem; the part after it is still read.

Everything unreadable is a problem: the fragment is returned verbatim in `ParseResult.problems`,
never dropped, and whatever is readable around it is still read. Charges keep the order and the
repetitions of the text; nothing is merged or deduplicated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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
    uncertain: str = ""  # why this reading is not certain; "" when it is
    alternatives: tuple[tuple[str, str, str], ...] = ()  # other (article, part, stage) the text allows


@dataclass(frozen=True)
class ParseResult:
    """The charges read from one text, and the fragments that could not be read."""

    charges: tuple[ParsedCharge, ...]
    problems: tuple[str, ...]  # verbatim fragments, in the order they were met
    other_code: tuple[str, ...] = ()  # fragments citing another code (КоАП, УК РФ); also in problems

    @property
    def uncertain(self) -> tuple[ParsedCharge, ...]:
        """The charges whose reading is not certain: each goes to review with its cell."""
        return tuple(charge for charge in self.charges if charge.uncertain)


# --- Word lists ----------------------------------------------------------------------------------

# Parts written as words. Lists write "часть третья", "третья часть", "ч. третья", "частка
# трэцяя" and, in a sentence, any case ("по части третьей"), so every gender and case is listed.
# Ordinals are built from a stem and the adjective endings of both languages (a few extra forms
# that no grammar has are harmless: a word is a part only next to a part keyword).
_ORDINAL_STEMS = {
    "1": ("перв", "перш"),
    "2": ("втор",),
    "4": ("четверт", "четвёрт", "чацверт", "чацвёрт"),
    "5": ("пят",),
    "6": ("шест", "шост"),
    "7": ("седьм", "сём"),
    "8": ("восьм",),
    "9": ("девят", "дзявят", "дзевят"),
    "10": ("десят", "дзясят", "дзесят"),
}
_ORDINAL_ENDINGS = (
    # ru
    "ый", "ой", "ая", "ое", "ые", "ого", "ому", "ым", "ом", "ую", "ых", "ыми",
    # be
    "ы", "ае", "ыя", "ага", "аму", "ай", "ымі",
)  # fmt: skip
_IRREGULAR_PART_WORDS = {
    "2": "другі другая другое другія другога другому другім другой другую другіх другімі",
    "3": "третий третья третье третьи третьего третьему третьим третьем третью третьей третьих третьими "
    "трэці трэцяя трэцяе трэція трэцяга трэцяму трэцім трэцяй трэцюю трэціх трэцімі",
}
_CARDINAL_PART_WORDS = {
    "1": "один одна одну одной адзін адна адну one first",
    "2": "два две двух дзве two second",
    "3": "три трёх трех тры three third",
    "4": "четыре четырёх четырех чатыры four fourth",
    "5": "пять пяць five fifth",
    "6": "шесть шэсць six sixth",
    "7": "семь сем seven seventh",
    "8": "восемь восем eight eighth",
    "9": "девять дзевяць nine ninth",
    "10": "десять дзесяць ten tenth",
}


def _part_words() -> dict[str, str]:
    words = {}
    for number, stems in _ORDINAL_STEMS.items():
        for stem in stems:
            words.update((stem + ending, number) for ending in _ORDINAL_ENDINGS)
    for table in (_IRREGULAR_PART_WORDS, _CARDINAL_PART_WORDS):
        for number, listed in table.items():
            words.update((word, number) for word in listed.split())
    return words


PART_WORDS = _part_words()  # "третья" -> "3"

# Words that put a stage article after its charge: "ст. 289 ч. 3 (через ст. 14)".
_VIA = r"(?:[сcз]\s+)?(?:применением|прымяненнем|учетом|учётом|улікам)|через|праз|via"
# Words that name the stage themselves: "покушение на ч. 3 ст. 289", "ч. 3 ст. 289 (замах)".
_STAGE_WORDS = {
    ATTEMPT: r"покушени(?:ем|е|я|ю|и)|замах(?:ам|у|а)?|attempt(?:ed)?",
    PREPARATION: r"приготовлени(?:ем|е|я|ю|и)|падрыхтоўк(?:ай|а|і|у)|падрыхтоўцы|preparation",
}
# Codes other than a criminal code: a charge under one of them is never a criminal charge.
# (КоАП/КаАП administrative, ПИКоАП/ПВКоАП its procedure, УПК/КПК criminal procedure, УИК/КВК
# penal enforcement.)
_OTHER_CODES = (
    r"ко[аa]п|ка[аa]п|пико[аa]п|пвко[аa]п|упк|кпк|уик|квк|"
    r"административн[^\W\d_]*|адміністрацыйн[^\W\d_]*|administrative"
)
# The country of a criminal code named with a charge ("УК РБ", "УК РФ", "... Республики Беларусь").
_COUNTRIES = {
    "BY": r"рб|rb|беларус(?:ь|и|і)|belarus",
    "RU": r"рф|rf|российской|расійскай|росси[ия]|расіі|russia(?:n)?|федерации|федэрацыі|federation",
}

# --- Reading -------------------------------------------------------------------------------------

# Characters that lists use for a hyphen or a space; each becomes one ASCII character, so that
# offsets in the cleaned text are offsets in the original and fragments can be cut verbatim.
_CLEAN = str.maketrans(
    {
        **dict.fromkeys("\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u200a\u200b\u202f\u2060\u3000\ufeff", " "),
    }
)
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")

# A keyword ends with a dot or before something that is not a letter ("ч1", "ч. 1", "ч.1").
_END = r"(?:\.|(?![^\W\d_]))"
_WORD_END = r"(?![^\W\d_])"
_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<hard>[;/\r\n])",
            r"(?P<soft>,|&|(?:и|і|i|and)(?![^\W\d_])|-(?=\s*[^\W\d_]))",
            rf"(?P<via>(?:{_VIA}){_WORD_END})",
            rf"(?P<attempt>(?:{_STAGE_WORDS[ATTEMPT]}){_WORD_END})",
            rf"(?P<preparation>(?:{_STAGE_WORDS[PREPARATION]}){_WORD_END})",
            rf"(?P<other_code>(?:{_OTHER_CODES}){_END})",
            rf"(?P<BY>(?:{_COUNTRIES['BY']}){_END})",
            rf"(?P<RU>(?:{_COUNTRIES['RU']}){_END})",
            rf"(?P<criminal_code>(?:[уy][кk]|[кk][кk]|cc){_END})",
            rf"(?P<part>(?:ч\.\s*ч|чч|част(?:ями|ях|ям|ью|ей|ь|и)|частк(?:амі|ай|ах|ам|і|а|у)|частцы|parts?|ч){_END})",
            r"(?P<article>(?:[сc][тt]\.\s*[сc][тt]|[сc][тt][сc][тt]|стат(?:ьями|ьях|ьям|ьёй|ьей|ью|ье|ьи|ья|ей)"
            r"|[сc][тt]|[аa][рp][тt]\.\s*[аa][рp][тt]|арт(?:ыкуламі|ыкулам|ыкулаў|ыкуле|ыкула|ыкулы|ыкул)"
            rf"|[аa][рp][тt]|articles?|arts?){_END})",
            rf"(?P<point>(?:п\.\s*п|пп|пункт(?:ами|ах|ам|ом|ов|у|а|е|ы)?|пункц[еі]|points?|items?|п){_END})",
            r"(?P<filler>(?:of|the|to|по|па|на|к|да|об|аб|уголовного|уголовный|крымінальнага|крымінальны"
            r"|кодекса|кодекс|кодэкса|кодэкс|criminal|code|республики|республика|рэспублікі|рэспубліка"
            rf"|republic|правонарушениях|правапарушэннях){_END}|\.)",
            r"(?P<paren>\(\s*[0-9]+\s*\))",
            r"(?P<open>\()",
            r"(?P<close>\))",
            r"(?P<ordinal>[0-9]{1,2}-?(?:ая|яя|ья|ой|ей|ий|ый|ую|юю|ае|ай|ым|ом|га|му|я|й|ю|е|і|ы))"
            + _WORD_END,
            rf"(?P<word>[^\W\d_]+){_WORD_END}",
            rf"(?P<number>[0-9]+(?:[{_SUPERSCRIPTS}]+)?(?:[-.][0-9]+)*)",
            r"(?P<space>[^\S\r\n]+)",
            r"(?P<other>\S)",
        ]
    ),
    re.IGNORECASE,
)
_CODE_KINDS = ("other_code", "BY", "RU", "criminal_code")
_ARTICLE_NUMBER_RE = re.compile(rf"([0-9]+)(?:([-.])([0-9]+)|([{_SUPERSCRIPTS}]+))?")
_PART_NUMBER_RE = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int  # for a significant token: the end of the filler words and dots that follow it


def _tokens(text: str) -> list[_Token]:
    """The significant tokens of `text`; filler words extend the end of the token before them."""
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(text.translate(_CLEAN)):
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "word":
            kind = "part_word" if match.group().lower() in PART_WORDS else "other"
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


@dataclass(frozen=True)
class _Number:
    """An article number as written: "361-1" with `doubt` "-" may also be art. 361 part 1."""

    article: str  # "361-1"
    doubt: str = ""  # "-" or "." when the suffix may be a part; "" when the number is plain or "361¹"
    split: tuple[str, str] = ("", "")  # the other reading: (article, part)


def _article_number(token: _Token | None) -> _Number | None:
    if token is None or token.kind != "number":
        return None
    match = _ARTICLE_NUMBER_RE.fullmatch(token.text)
    if match is None:
        return None
    base, mark, suffix, superscript = match.groups()
    base = _without_zeros(base)
    if superscript:
        return _Number(f"{base}-{_without_zeros(superscript.translate(_FROM_SUPERSCRIPT))}")
    if suffix is None:
        return _Number(base)
    suffix = _without_zeros(suffix)
    return _Number(f"{base}-{suffix}", mark, (base, suffix))


def _part_value(token: _Token | None, *, listed: bool = False) -> str | None:
    """The part a token gives: "3" for "3", "третья", "3-я"; in a list after a comma, only a short
    number (a part, not the next charge's article)."""
    if token is None:
        return None
    if token.kind == "number" and _PART_NUMBER_RE.fullmatch(token.text):
        value = _without_zeros(token.text)
        return None if listed and len(value) > 2 else value
    if token.kind == "part_word":
        return PART_WORDS[token.text.lower()]
    if token.kind == "ordinal":
        return _without_zeros(re.match(r"[0-9]+", token.text).group())
    return None


# Atoms: what the tokens form before the order of parts and articles is decided.
ARTICLE, PARTS, SEP, CODE, STAGE, VIA, NUMBER, JUNK, OPEN, CLOSE, HARD = (
    "article", "parts", "sep", "code", "stage", "via", "number", "junk", "open", "close", "hard"
)  # fmt: skip


@dataclass
class _Atom:
    kind: str
    start: int
    end: int
    text: str = ""  # SEP: the separator; CODE: "other_code", "criminal_code" or a country; STAGE: the stage
    number: _Number | None = None  # ARTICLE, NUMBER
    parts: tuple[str, ...] = ()  # PARTS
    bare: bool = False  # ARTICLE: no keyword, so it must take the part after it ("342 ч. 1")
    paren: bool = False  # PARTS: "(1)", which can only belong to the article before it
    group: int = -1  # ARTICLE: the keyword list it belongs to ("ст.ст. 342, 368")


class _AtomReader:
    """Turns tokens into atoms; each method takes a token index and returns the next one."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.atoms: list[_Atom] = []
        self.groups = 0

    def kind(self, index: int) -> str | None:
        return self.tokens[index].kind if index < len(self.tokens) else None

    def at(self, index: int) -> _Token | None:
        return self.tokens[index] if index < len(self.tokens) else None

    def add(self, kind: str, first: int, last: int, **values) -> None:
        self.atoms.append(_Atom(kind, self.tokens[first].start, self.tokens[last].end, **values))

    def values(self, index: int, *, words_only: bool = False) -> tuple[list[str], int] | None:
        """ "1", "1, 2", "первая и вторая": part values from `index`, and the index after them.

        A number followed by a part keyword of its own (or "(1)") is the next charge's article
        ("ст. 130 ч. 3, 342 ч. 1"), so it ends the list."""
        first = _part_value(self.at(index))
        if first is None or (words_only and self.kind(index) == "number"):
            return None
        values, index = [first], index + 1
        while self.kind(index) == "soft" and self.tokens[index].text != "-":
            value = _part_value(self.at(index + 1), listed=True)
            if value is None:
                break
            # A number or word followed by its own part keyword starts the next charge, except in
            # "первая и вторая части", where the keyword after the words is theirs.
            if self.kind(index + 1) == "number":
                if words_only or self.kind(index + 2) in ("part", "paren"):
                    break
            elif self.kind(index + 2) == "part" and not words_only:
                break
            values.append(value)
            index += 2
        return values, index

    def parts(self, index: int) -> int | None:
        """A part group: "ч. 3", "ч.ч. 1, 2", "п. 1 ч. 2", "ч. 2 п. 1", "третья часть", "части 1 и 2"."""
        start = index
        if self.kind(index) == "point":
            points = self.values(index + 1)
            if points is None or self.kind(points[1]) != "part":
                return None
            index = points[1]
        if self.kind(index) == "part":
            found = self.values(index + 1)
            if found is None:
                return None
            values, index = found
        else:
            found = self.values(index, words_only=True)  # "третья часть": a word before the keyword
            if found is None or self.kind(found[1]) != "part" or _part_value(self.at(found[1] + 1)):
                return None
            values, index = found[0], found[1] + 1
        if self.kind(index) == "point" and (points := self.values(index + 1)):
            index = points[1]
        self.add(PARTS, start, index - 1, parts=tuple(values))
        return index

    def article_list(self, index: int) -> int | None:
        """ "ст. 342", "ст.ст. 342, 368 и 369": one atom per number (`index` is at the keyword)."""
        number = _article_number(self.at(index + 1))
        if number is None:
            return None
        group, self.groups = self.groups, self.groups + 1
        self.add(ARTICLE, index, index + 1, number=number, group=group)
        index += 2
        # After a part ("ч. 1 ст. 342, 368") a bare number is not read as another article.
        after_part = len(self.atoms) > 1 and self.atoms[-2].kind == PARTS and not self.atoms[-2].paren
        while not after_part:
            if self.kind(index) == "paren":
                self.paren(index)
                index += 1
            if self.kind(index) == "part" and (end := self.parts(index)) is not None:
                index = end
            listed = self.kind(index) == "soft" and self.tokens[index].text != "-"
            number = _article_number(self.at(index + 1)) if listed else None
            if number is None or self.kind(index + 2) in ("part", "paren", "article", "point"):
                break
            self.add(SEP, index, index, text=self.tokens[index].text.lower())
            self.add(ARTICLE, index + 1, index + 1, number=number, group=group)
            index += 2
        return index

    def paren(self, index: int) -> None:
        value = _without_zeros(self.tokens[index].text.strip("() \t"))
        self.add(PARTS, index, index, parts=(value,), paren=True)

    def read(self) -> list[_Atom]:
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            kind = token.kind
            if kind in ("part", "point", "part_word", "ordinal") and (end := self.parts(index)) is not None:
                index = end
                continue
            if kind == "article" and (end := self.article_list(index)) is not None:
                index = end
                continue
            if kind == "number" and (number := _article_number(token)) is not None:
                bare = self.kind(index + 1) in ("part", "paren")
                self.add(ARTICLE if bare else NUMBER, index, index, number=number, bare=bare)
            elif kind == "paren":
                self.paren(index)
            elif kind == "hard":
                self.add(HARD, index, index)
            elif kind == "soft":
                self.add(SEP, index, index, text=token.text.lower())
            elif kind in _CODE_KINDS:
                self.add(CODE, index, index, text=kind)
            elif kind in (ATTEMPT, PREPARATION):
                self.add(STAGE, index, index, text=kind)
            elif kind in ("via", "open", "close"):
                self.add(kind, index, index)
            else:
                self.add(JUNK, index, index)
            index += 1
        return self.atoms


# --- The order of parts and articles -------------------------------------------------------------

_JUNK_COST = 100  # a part or a bare number that no article takes: only when nothing else reads
_MAX_READINGS = 8  # readings kept per position; more than this many equal readings is noise


def _readings(seg: list[_Atom], gaps: list[str], *, style: str, inchoate: dict[str, str]) -> list[tuple]:
    """Every way the run `seg` of articles and parts can be read, as (strong, weak, units), where a
    unit is (article index, part indexes) or ("junk", index): the readings of least strong cost,
    best first by weak cost. `gaps[k]` is the separator text between seg[k - 1] and seg[k]."""
    count = len(seg)

    def is_inchoate(index: int) -> bool:
        return seg[index].number.article in inchoate

    # From the end to the start, so that a long cell needs no deep recursion; the units of a
    # reading are a linked list (unit, rest) so that extending one does not copy it.
    found: list[tuple] = [()] * count + [((0, 0, None),)]

    def read_from(k: int) -> tuple:
        options = []

        def then(strong: int, weak: int, unit: tuple, following: int) -> None:
            options.extend((strong + s, weak + w, (unit, units)) for s, w, units in found[following])

        atom = seg[k]
        if atom.kind == ARTICLE:
            if not atom.bare:
                then(0, 0, (k, ()), k + 1)
            parts, strong, j = [], 0, k + 1
            while j < count and seg[j].kind == PARTS:
                if not parts:
                    # "Article 342, part 1" reads, but "ст. 14, ч. 3 ст. 289" gives ч. 3 to art. 289.
                    if gaps[j] == "," and not seg[j].paren:
                        strong += 1
                    elif gaps[j]:
                        break
                elif gaps[j] in ("", "-") or seg[j].paren:
                    break
                else:
                    strong += 1  # "ст. 342 ч. 1, ч. 2": two part groups joined
                parts.append(j)
                # A part on art. 14 is not stored: the offence next to it is likelier to own it.
                weak = (style == PARTS) + 2 * is_inchoate(k)
                then(strong, weak, (k, tuple(parts)), j + 1)
                j += 1
            if atom.bare:
                then(_JUNK_COST, 0, ("junk", k), k + 1)
            return _least(options)
        parts, strong, j = [], 0, k
        while j < count and seg[j].kind == PARTS and not seg[j].paren:
            if parts:
                if gaps[j] in ("", "-"):
                    break
                strong += 1  # "ч. 1, ч. 2 ст. 293"
            parts.append(j)
            j += 1
            if j < count and seg[j].kind == ARTICLE and not gaps[j] and not seg[j].bare:
                cost = strong
                # "ст. 289 ч. 3 ст. 14": a stage article after the offence is article-first
                # writing, so the part before it is the offence's; unless an offence follows the
                # stage article at once, which it may lead ("ч. 3 ст. 14 ст. 289").
                trailing = not (j + 1 < count and seg[j + 1].kind == ARTICLE and not gaps[j + 1])
                if is_inchoate(j) and k > 0 and seg[k - 1].kind == ARTICLE and not is_inchoate(k - 1):
                    cost += not gaps[k] and trailing
                weak = (style == ARTICLE) + 2 * is_inchoate(j)
                then(cost, weak, (j, tuple(parts)), j + 1)
        then(_JUNK_COST, 0, ("junk", k), k + 1)
        return _least(options)

    for k in reversed(range(count)):
        found[k] = read_from(k)
    return [(strong, weak, _unlinked(units)) for strong, weak, units in found[0]]


def _unlinked(units: tuple | None) -> tuple:
    out = []
    while units is not None:
        out.append(units[0])
        units = units[1]
    return tuple(out)


def _least(options: list[tuple]) -> tuple:
    least = min(option[0] for option in options)
    return tuple(sorted((o for o in options if o[0] == least), key=lambda o: o[1])[:_MAX_READINGS])


def _describe(article: str, part: str) -> str:
    return f"part {part} of art. {article}" if part else f"art. {article} without a part"


_BARRIER = "|"  # a separator that no stage crosses: where a charge under another code was
_USED = "used"  # the kind of a stage word or "через" once it has given its stage


@dataclass
class _Unit:
    """One written charge after the order is decided: an article with its parts, or a stage."""

    article: str
    parts: tuple[str, ...]
    start: int
    end: int
    group: int = -1  # the keyword list it came from ("ст.ст. 293, 342"), -1 for none
    codes: set[str] = field(default_factory=set)
    uncertain: list[str] = field(default_factory=list)
    alternatives: list[tuple[str, str, str | None]] = field(default_factory=list)  # None: same stage
    stage: str | None = None  # an offence's stage, once a stage article or word has given it one
    stage_span: tuple[int, int] | None = None
    bare: bool = False  # a stage written as a bare number ("14, 289 ч. 3")
    used: bool = False  # a stage unit that found its charge


@dataclass
class _Parse:
    """The reading of one text, clause by clause (a clause ends at ";", "/" or a line break)."""

    text: str
    inchoate: dict[str, str]
    country: str
    style: str
    style_seen: bool  # the cell shows its habit (see _style), not just a guess from its first keyword
    charges: list[tuple[int, ParsedCharge]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    other_code: list[str] = field(default_factory=list)

    def problem(self, start: int, end: int) -> None:
        self.problems.append((start, self.text[start:end].strip()))

    def clause(self, atoms: list[_Atom]) -> None:
        elements = self.units(self.unbracket(atoms))
        elements = self.attach_codes(elements)
        elements = self.bare_numbers(elements)
        self.bind_stages(elements)
        self.emit(elements)

    def unbracket(self, atoms: list[_Atom]) -> list[_Atom]:
        """ "(через ст. 14)", "(покушение)": brackets around readable words are transparent;
        any other bracketed text ("(2 эпизода)") is one unreadable fragment."""
        out, index = [], 0
        while index < len(atoms):
            atom = atoms[index]
            if atom.kind == OPEN:
                close = next(
                    (j for j in range(index + 1, len(atoms)) if _is_atom(atoms[j], OPEN, CLOSE)), None
                )
                inner = atoms[index + 1 : close] if close is not None and atoms[close].kind == CLOSE else []
                if inner and all(a.kind in (VIA, STAGE, ARTICLE, PARTS, CODE, SEP) for a in inner):
                    inner[0].start, inner[-1].end = atom.start, atoms[close].end
                    out += inner
                    index = close + 1
                    continue
                if inner:  # an aside is one problem, commas and all, and goes to review whole
                    out.append(_Atom(JUNK, atom.start, atoms[close].end))
                    index = close + 1
                    continue
            out.append(replace(atom, kind=JUNK) if atom.kind in (OPEN, CLOSE) else atom)
            index += 1
        return out

    def units(self, atoms: list[_Atom]) -> list:
        """The clause with each run of articles and parts replaced by its units, in text order."""
        elements: list = []
        index = 0
        while index < len(atoms):
            if atoms[index].kind not in (ARTICLE, PARTS):
                elements.append(atoms[index])
                index += 1
                continue
            run = [index]
            end = index + 1
            while end < len(atoms) and atoms[end].kind in (ARTICLE, PARTS, SEP):
                if atoms[end].kind != SEP:
                    run.append(end)
                end += 1
            while atoms[end - 1].kind == SEP:
                end -= 1
            elements += self.read_run(atoms, run, end)
            index = end
        return elements

    def read_run(self, atoms: list[_Atom], run: list[int], end: int) -> list:
        seg = [atoms[i] for i in run]
        gaps = [""] + [
            " ".join(atoms[i].text for i in range(a + 1, b)) for a, b in zip(run, run[1:], strict=False)
        ]
        readings = _readings(seg, gaps, style=self.style, inchoate=self.inchoate)
        primary = readings[0][2]
        out: list = []
        covered: set[int] = set()
        for unit in primary:
            if unit[0] == "junk":
                out.append((run[unit[1]], replace(seg[unit[1]], kind=JUNK)))
                covered.add(run[unit[1]])
                continue
            members = sorted([unit[0], *unit[1]])
            first, last = run[members[0]], run[members[-1]]
            covered.update(range(first, last + 1))
            article = seg[unit[0]]
            parts = tuple(value for j in unit[1] for value in seg[j].parts)
            built = _Unit(
                article.number.article, parts, atoms[first].start, atoms[last].end, group=article.group
            )
            number = article.number
            if number.doubt and not parts:
                built.uncertain.append(
                    f"'{number.article.replace('-', number.doubt)}' may be art. {number.article} "
                    f"or part {number.split[1]} of art. {number.split[0]}"
                )
                built.alternatives.append((*number.split, None))
            elif number.doubt == ".":
                built.uncertain.append(f"a dot inside the article number: read as art. {number.article}")
            others = {
                tuple(sorted(u[1])) for _, _, units in readings[1:] for u in units if u[0] == unit[0]
            } - {tuple(sorted(unit[1]))}
            for other in sorted(others):
                other_parts = tuple(value for j in other for value in seg[j].parts) or ("",)
                for part in other_parts:
                    built.alternatives.append((built.article, part, None))
                described = " or ".join(_describe(built.article, p) for p in other_parts)
                built.uncertain.append(f"the order of parts and articles also reads as {described}")
            out.append((first, built))
        out += [(i, atoms[i]) for i in range(run[0], end) if i not in covered]
        return [element for _, element in sorted(out, key=lambda pair: pair[0])]

    def attach_codes(self, elements: list) -> list:
        """A code name belongs to the charge right before it, else right after it, else to the
        nearest charge before it; a charge under another code is taken out of the clause."""
        for index, element in enumerate(elements):
            if not (isinstance(element, _Atom) and element.kind == CODE):
                continue
            unit = None
            for step, skip in ((-1, (CODE,)), (1, (CODE,)), (-1, (CODE, SEP))):
                j = index + step
                while 0 <= j < len(elements) and (elements[j] is None or _is_atom(elements[j], *skip)):
                    j += step
                if 0 <= j < len(elements) and isinstance(elements[j], _Unit):
                    unit = elements[j]
                    break
            if unit is None:
                if element.text == "other_code":
                    elements[index] = replace(element, kind=JUNK)
                continue
            unit.codes.add(element.text)
            unit.start, unit.end = min(unit.start, element.start), max(unit.end, element.end)
            elements[index] = None
        out = []
        for element in elements:
            if element is None:
                continue
            if isinstance(element, _Unit):
                countries = element.codes & set(_COUNTRIES)
                foreign = self.country and countries and countries != {self.country}
                if "other_code" in element.codes or foreign:
                    fragment = self.text[element.start : element.end].strip()
                    self.other_code.append(fragment)
                    self.problems.append((element.start, fragment))
                    out.append(_Atom(SEP, element.start, element.end, text=_BARRIER))
                    continue
            out.append(element)
        return out

    def bare_numbers(self, elements: list) -> list:
        """ "14, 289 ч. 3": a bare inchoate number may be a stage; "289-3" may be a charge. A bare
        number is read only between separators: next to junk it is junk."""
        out = list(elements)
        for index, element in enumerate(elements):
            if not (isinstance(element, _Atom) and element.kind == NUMBER):
                continue
            neighbours = (elements[index - 1] if index else None, elements[index + 1 : index + 2] or [None])
            before, after = neighbours[0], neighbours[1][0]
            if not all(e is None or (isinstance(e, _Atom) and e.kind == SEP) for e in (before, after)):
                continue
            number = element.number
            if number.article in self.inchoate:
                out[index] = _Unit(number.article, (), element.start, element.end, bare=True)
            elif number.doubt == "-" and number.split[0] not in self.inchoate:  # not "12.03", a date
                article, part = number.split
                unit = _Unit(article, (part,), element.start, element.end)
                written = self.text[element.start : element.end].strip()
                unit.uncertain.append(
                    f"'{written}' may be part {part} of art. {article} or art. {number.article}"
                )
                unit.alternatives.append((number.article, "", None))
                out[index] = unit
        return out

    def is_stage(self, element) -> bool:
        return (isinstance(element, _Unit) and element.article in self.inchoate) or (
            isinstance(element, _Atom) and element.kind == STAGE
        )

    def is_offence(self, element) -> bool:
        return isinstance(element, _Unit) and element.article not in self.inchoate

    def neighbour(self, elements: list, index: int, step: int) -> tuple[_Unit | None, bool, _Atom | None]:
        """The charge without a stage next to elements[index] in the direction `step`, whether a
        separator stands between, and the "через" word between, if any."""
        j, crossed, via = index + step, False, None
        while 0 <= j < len(elements) and isinstance(elements[j], _Atom) and elements[j].kind in (SEP, VIA):
            if elements[j].text == _BARRIER:
                return None, crossed, via
            if elements[j].kind == VIA:
                via = elements[j]
            else:
                crossed = True
            j += step
        if 0 <= j < len(elements) and self.is_offence(elements[j]) and elements[j].stage is None:
            return elements[j], crossed, via
        return None, crossed, via

    def bind_stages(self, elements: list) -> None:
        """Give each inchoate article or stage word to the charge it belongs to (see the module
        docstring, point 4); what finds none is left unused and becomes a problem."""
        for index, element in enumerate(elements):
            if not self.is_stage(element):
                continue
            stage = element.text if isinstance(element, _Atom) else self.inchoate[element.article]
            following, gap_after, _ = self.neighbour(elements, index, 1)
            preceding, gap_before, via = self.neighbour(elements, index, -1)
            doubt = ""
            if via is not None and preceding is not None:
                target = preceding
            elif following is not None and preceding is not None:
                # A list writes the stage first; a separator on one side only says which side.
                target = preceding if gap_after and not gap_before else following
                if gap_before == gap_after and (
                    not gap_before or (self.style_seen and self.style == ARTICLE)
                ):
                    # Nothing on either side, or a cell that writes the article first, where a
                    # stage article after the charge ("ст. 289 ч. 3, ст. 14") is as usual.
                    doubt = "the stage article stands between two charges with nothing to say whose it is"
            elif following is not None:
                target = following
            elif preceding is not None:
                target = preceding
                if gap_before:
                    doubt = "the stage article follows the charge after a separator"
            else:
                continue
            if isinstance(element, _Unit) and element.bare:
                doubt = f"the stage is read from a bare number {element.article} without 'ст.'"
            if via is not None and target is preceding:
                via.kind = _USED
            self.give_stage(elements, target, stage, element, doubt)
            if isinstance(element, _Unit):
                element.used = True
            else:
                element.kind = _USED

    def give_stage(self, elements: list, target: _Unit, stage: str, source, doubt: str) -> None:
        # The units of one keyword list ("ст. 14, ст.ст. 293, 342") share the stage.
        members = [target]
        if target.group >= 0:
            members = [e for e in elements if self.is_offence(e) and e.group == target.group]
            if len(members) > 1 and not doubt:
                doubt = "the stage article may cover only the first article of the list"
        for member in members:
            member.stage = stage
            start = min(member.start, source.start)
            member.stage_span = (start, max(member.end, source.end))
            if doubt:
                member.uncertain.append(doubt)
                for part in member.parts or ("",):
                    member.alternatives.append((member.article, part, COMPLETED))

    def emit(self, elements: list) -> None:
        groups: dict[int, tuple[int, int]] = {}
        sizes: dict[int, int] = {}
        for element in elements:
            if isinstance(element, _Unit) and element.group >= 0:
                sizes[element.group] = sizes.get(element.group, 0) + 1
                start, end = groups.get(element.group, (element.start, element.end))
                groups[element.group] = (min(start, element.start), max(end, element.end))
        junk: tuple[int, int] | None = None

        def flush() -> None:
            nonlocal junk
            if junk is not None:
                self.problem(*junk)
                junk = None

        for element in elements:
            if isinstance(element, _Atom):
                if element.kind in (SEP, _USED):
                    flush()
                    continue
                junk = (junk[0] if junk else element.start, element.end)
                continue
            if element.article in self.inchoate and not element.bare:
                flush()
                if not element.used:
                    self.problem(element.start, element.end)
                continue
            if element.bare and not element.used:
                junk = (junk[0] if junk else element.start, element.end)
                continue
            if element.bare:
                continue
            flush()
            start, end = element.start, element.end
            if sizes.get(element.group, 0) > 1:
                start, end = groups[element.group]
            if element.stage_span:
                start, end = min(start, element.stage_span[0]), max(end, element.stage_span[1])
            source = self.text[start:end].strip()
            stage = element.stage or COMPLETED
            reasons = "; ".join(dict.fromkeys(element.uncertain))
            for part in element.parts or ("",):
                alternatives = tuple(
                    dict.fromkeys(
                        (article, other, other_stage or stage)
                        for article, other, other_stage in element.alternatives
                        if (article, other, other_stage or stage) != (element.article, part, stage)
                    )
                )
                charge = ParsedCharge(element.article, part, stage, source, reasons, alternatives)
                self.charges.append((element.start, charge))
        flush()


def _is_atom(element, *kinds: str) -> bool:
    return isinstance(element, _Atom) and element.kind in kinds


def _style(atoms: list[_Atom]) -> tuple[str, bool]:
    """The cell's habit, ARTICLE or PARTS first, and whether the cell shows it: the first part with
    an article on one side only shows it ("ч. 3 ст. 289", "ст. 289 ч. 3,"); failing that, the first
    keyword is the guess."""
    for index, atom in enumerate(atoms):
        if atom.kind != PARTS or atom.paren:
            continue
        before = index > 0 and atoms[index - 1].kind == ARTICLE
        after = index + 1 < len(atoms) and atoms[index + 1].kind == ARTICLE
        if before != after:
            return (ARTICLE if before else PARTS), True
    return next((a.kind for a in atoms if a.kind in (ARTICLE, PARTS) and not a.paren), ARTICLE), False


def parse_charges(
    text: str, *, attempt_article: str = "14", preparation_article: str = "13", country: str = "BY"
) -> ParseResult:
    """Read every charge in `text` (one spreadsheet cell, say) and every fragment it cannot read.

    `attempt_article` and `preparation_article` are the jurisdiction's inchoate articles; an empty
    string means the code has none. `country` is the jurisdiction's ISO code: a charge that names
    another country's criminal code ("УК РФ") is another code's, like "КоАП"; "" accepts any. The
    articles are not checked against the law: the caller matches each charge to an `Article`,
    marks an unknown one for review, and sends every charge with `uncertain` set to review.
    """
    inchoate = {attempt_article: ATTEMPT, preparation_article: PREPARATION}
    inchoate.pop("", None)
    atoms = _AtomReader(_tokens(text)).read()
    style, seen = _style(atoms)
    parse = _Parse(text, inchoate, country, style, seen)
    clause: list[_Atom] = []
    for atom in [*atoms, _Atom(HARD, len(text), len(text))]:
        if atom.kind == HARD:
            parse.clause(clause)
            clause = []
        else:
            clause.append(atom)
    return ParseResult(
        charges=tuple(charge for _, charge in parse.charges),
        problems=tuple(problem for _, problem in sorted(parse.problems, key=lambda p: p[0])),
        other_code=tuple(parse.other_code),
    )


# --- Writing -------------------------------------------------------------------------------------

_FORMS = {
    # language: (with a part, without a part)
    "ru": ("ч. {part} ст. {article}", "ст. {article}"),
    "be": ("ч. {part} арт. {article}", "арт. {article}"),
    "en": ("part {part} of article {article}", "article {article}"),
}
LANGUAGES = tuple(_FORMS)


def _canonical_article(article: str) -> bool:
    number = _article_number(_Token("number", article, 0, 0))
    return number is not None and number.article == article and number.doubt != "."


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
    if charge.part and _part_value(_Token("number", charge.part, 0, 0)) != charge.part:
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
