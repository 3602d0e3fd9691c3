"""What one cell means: a name's script, a sex, a case status, a sentence. Pure functions.

Each reader returns the value or raises CellProblem with a reason for the report. The words are
the ones Russian, Belarusian and English lists use; what is not listed is a problem in that
column, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases import choices
from cases.transfer.formulas import FORMULA_STARTS
from cases.transfer.importing.outcomes import said


class CellProblem(ValueError):
    """The cell cannot be read; the message is the reason shown in the report."""


# Cells that lists use for "nothing here".
PLACEHOLDERS = {"-", "—", "–", "--", "n/a", "нет данных", "няма звестак"}
# A text cell starting with one of these is what a spreadsheet runs as a formula (CSV/formula
# injection): refused, never stored, so no export of ours can carry it to someone's Excel.


def fold(text: str) -> str:
    """Case-, ё- and space-insensitive form of a word for vocabulary look-ups."""
    return " ".join(text.casefold().replace("ё", "е").split()).strip(" .,;")


def check_not_formula(text: str) -> str:
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        raise CellProblem(said("cell.formula_sign"))
    return text.strip()


# Yes and no, for columns that say whether something holds ("recognised": да / так / yes).
YES_WORDS = {"да", "так", "yes", "y", "true", "1", "+", "признан", "признана", "прызнаны", "прызнаная"}
NO_WORDS = {"нет", "не", "no", "n", "false", "0", "не признан", "не прызнаны"}


def read_yes_no(text: str) -> bool:
    word = fold(text)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellProblem(said("cell.not_yes_no", text=text[:20]))


_LINK = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


def read_link(text: str) -> str:
    """A web address (http or https), the first one when a cell holds text around it."""
    match = _LINK.search(text)
    if not match:
        raise CellProblem(said("cell.not_a_link"))
    return match.group(0).rstrip(".,;)")


# Names ----------------------------------------------------------------------------------------

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_BELARUSIAN = re.compile(r"[іІўЎ]|[\u0400-\u04ff]['’ʼ][\u0400-\u04ff]")


def name_script(text: str) -> tuple[str, str]:
    """(Script, NameKind) of a name by its letters: і, ў or an apostrophe between Cyrillic letters
    make it Belarusian, other Cyrillic Russian, Latin letters a Latin transliteration."""
    cyrillic, latin = bool(_CYRILLIC.search(text)), bool(_LATIN.search(text))
    if cyrillic and latin:
        raise CellProblem(said("cell.mixed_scripts"))
    if cyrillic:
        if _BELARUSIAN.search(text):
            return choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE
        return choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU
    if latin:
        return choices.Script.LATIN, choices.NameKind.OTHER_LATIN
    raise CellProblem(said("cell.no_letters"))


# Sex ------------------------------------------------------------------------------------------

_SEX_WORDS = {
    choices.Sex.MALE: "м муж мужской мужчина мужчына мужчынскі m male man",
    choices.Sex.FEMALE: "ж жен женский женщина жанчына жаночы f female woman",
}
SEX_WORDS = {word: sex for sex, words in _SEX_WORDS.items() for word in words.split()}


def read_sex(text: str) -> str:
    try:
        return SEX_WORDS[fold(text)]
    except KeyError:
        raise CellProblem(said("cell.unknown_sex", text=text[:20])) from None


# Case status ----------------------------------------------------------------------------------

S = choices.CaseStatus
_STATUS_WORDS = {
    S.DETAINED: [
        "задержан", "задержана", "под стражей", "содержится под стражей", "в сизо", "арестован",
        "арестована", "затрыманы", "затрыманая", "пад вартай", "pre-trial", "in pre-trial detention",
    ],
    S.HOUSE_ARREST: ["домашний арест", "под домашним арестом", "хатні арышт", "пад хатнім арыштам"],
    S.ON_TRIAL: ["суд", "на суде", "идет суд", "ідзе суд", "судзяць", "on trial"],
    S.CONVICTED: [
        "осужден", "осуждена", "отбывает наказание", "асуджаны", "асуджаная", "адбывае пакаранне",
        "serving sentence", "sentenced",
    ],
    S.RELEASED: [
        "освобожден", "освобождена", "на свободе", "вышел на свободу", "вышла на свободу", "вызвалены",
        "вызваленая", "на волі", "free",
    ],
    S.PARDONED: ["помилован", "помилована", "памілаваны", "памілаваная"],
    S.DEPORTED: ["депортирован", "депортирована", "выслан", "выслана", "высланы", "высланая", "expelled"],
    S.DIED_IN_CUSTODY: ["умер", "умерла", "погиб", "погибла", "памёр", "памерла", "загінуў", "died"],
    S.SENTENCED_IN_ABSENTIA: ["заочно", "осужден заочно", "осуждена заочно", "завочна", "асуджаны завочна"],
    S.WANTED: ["в розыске", "розыск", "у вышуку", "wanted, not detained"],
}  # fmt: skip


def _word_table(words: dict, vocabulary) -> dict:
    """A list's words for a choice, folded, then the registry's own code, its spaced form and its
    label for every choice of `vocabulary` (a list's word wins over a code that reads the same)."""
    table = {fold(word): choice for choice, written in words.items() for word in written}
    for choice in vocabulary:
        for word in (choice.value, choice.value.replace("_", " "), str(choice.label)):
            table.setdefault(fold(word), choice)
    return table


STATUS_WORDS = _word_table(_STATUS_WORDS, S)
# "In prison" says held, not whether a verdict was given: the row's verdict decides (read_status).
IMPRISONED_WORDS = {
    fold(w) for w in ("в заключении", "у зняволенні", "за кратами", "imprisoned", "in prison")
}


def read_status(text: str, *, has_verdict: bool) -> str:
    word = fold(text)
    if word in IMPRISONED_WORDS:
        return S.CONVICTED if has_verdict else S.DETAINED
    try:
        return STATUS_WORDS[word]
    except KeyError:
        raise CellProblem(said("cell.unknown_status", text=text[:40])) from None


# How a person left custody (issue 18) -----------------------------------------------------------

H = choices.ReleaseKind
_RELEASE_HOW_WORDS = {
    H.SENTENCE_SERVED: [
        "отбыл срок", "отбыла срок", "по отбытии срока", "по окончании срока", "полностью отбыл",
        "адбыў тэрмін", "адбыла тэрмін", "па заканчэнні тэрміну", "sentence served", "served the sentence",
    ],
    H.PARDON: [
        "помилован", "помилована", "помилование", "памілаваны", "памілаваная", "памілаванне", "pardoned",
    ],
    H.AMNESTY: ["амнистия", "по амнистии", "амністыя", "па амністыі", "amnesty"],
    H.PAROLE: [
        "удо", "условно-досрочно", "условно-досрочное освобождение", "ууда", "умоўна-датэрмінова",
        "parole", "released on parole",
    ],
    H.EXCHANGE: ["обмен", "по обмену", "абмен", "exchange", "prisoner exchange", "deal"],
    H.DEPORTATION: [
        "депортирован", "депортирована", "выслан", "выслана", "выдворен", "выдворена", "высланы",
        "высланая", "дэпартаваны", "дэпартаваная", "deported", "expelled",
    ],
    H.ACQUITTAL: ["оправдан", "оправдана", "апраўданы", "апраўданая", "acquitted"],
    H.CHARGES_DROPPED: [
        "дело прекращено", "уголовное дело прекращено", "справа спынена", "charges dropped",
    ],
    H.SENTENCE_CHANGED: [
        "замена наказания", "наказание заменено", "замена на домашнюю химию", "химия", "хімія",
        "sentence changed",
    ],
    H.DEATH_IN_CUSTODY: ["умер в заключении", "погиб в заключении", "памёр у зняволенні", "died in custody"],
}  # fmt: skip
RELEASE_HOW_WORDS = _word_table(_RELEASE_HOW_WORDS, H)


def read_release_how(text: str) -> str:
    """How a person left custody, as a ReleaseKind, from a list's words ("помилован", "УДО",
    "отбыл срок"); a profile's vocabulary adds a list's own words."""
    try:
        return RELEASE_HOW_WORDS[fold(text)]
    except KeyError:
        raise CellProblem(said("cell.unknown_release_how", text=text[:40])) from None


# Sentences ------------------------------------------------------------------------------------

K = choices.SentenceKind
R = choices.Regime


@dataclass(frozen=True)
class Sentence:
    kind: str
    years: int | None = None
    months: int | None = None
    regime: str = ""


_YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:год|лет|гад|г\.|years?\b|yrs?\b|y\b)")
_MONTHS = re.compile(r"(\d+)\s*(?:мес|месяц|месяцаў|month|m\b)")
# (kind, words), checked in this order: the first kind whose word appears wins.
_KIND_WORDS = (
    (K.DEATH, ("смертн", "расстрел", "смяротн", "расстрэл", "death")),
    (K.LIFE, ("пожизнен", "пажыццёв", "life")),
    (K.RESTRICTION_OF_FREEDOM, ("ограничени", "огр. св", "огр.св", "химия", "абмежаванн", "хімія",
                                "restriction")),
    (K.CORRECTIONAL_LABOUR, ("исправительн", "выпраўленч", "correctional labour", "correctional work")),
    (K.DEPRIVATION_OF_LIBERTY, ("лишени", "колони", "калоні", "тюрьм", "тюремн", "турм", "позбаўленн",
                                "prison", "colony")),
    (K.ARREST, ("арест", "арышт", "arrest")),
    (K.FINE, ("штраф", "fine")),
)  # fmt: skip
_REGIME_WORDS = (
    (R.OPEN_TYPE, ("открытого типа", "адкрытага тыпу", "open-type", "open type")),
    (R.HOME, ("без направления", "без накіравання", "домашн", "хатн", "at home")),
    (R.SETTLEMENT, ("поселени", "пасяленн", "settlement")),
    (R.GENERAL, ("общего", "общий", "агульнага", "general")),
    (R.REINFORCED, ("усиленного", "усиленный", "узмоцненага", "reinforced")),
    (R.STRICT, ("строгого", "строгий", "строгага", "strict")),
    (R.SPECIAL, ("особого", "особый", "асаблівага", "special")),
    (R.PRISON, ("тюрьм", "тюремн", "турм", "prison")),
)


def read_sentence(
    text: str, *, kind_words: dict[str, str] | None = None, regime_words: dict[str, str] | None = None
) -> Sentence:
    """A sentence from words such as "3 года колонии общего режима", "2 г. 6 мес.", "5 лет", "штраф",
    "2 года ограничения свободы с направлением в ИУОТ" (restriction of freedom, open type).

    `kind_words` and `regime_words` are an import profile's own words (folded word -> code), looked
    for before the registry's: a list that writes "химия" or "ИК-общ." says so in its profile."""
    low = text.casefold().replace("ё", "е")
    kind_table = tuple((code, (word,)) for word, code in (kind_words or {}).items()) + _KIND_WORDS
    regime_table = tuple((code, (word,)) for word, code in (regime_words or {}).items()) + _REGIME_WORDS
    # "домашний арест" is a pre-trial measure, not the arrest sentence.
    if "домашн" in low and ("арест" in low or "арышт" in low) and not _YEARS.search(low):
        raise CellProblem(said("cell.house_arrest"))
    years = months = None
    if match := _YEARS.search(low):
        whole, _, fraction = match.group(1).replace(",", ".").partition(".")
        years = int(whole)
        if fraction:
            months = round(float(f"0.{fraction}") * 12)
    if match := _MONTHS.search(low):
        months = (months or 0) + int(match.group(1))
    if months is not None and months >= 12:
        years, months = (years or 0) + months // 12, months % 12 or None
    kind = next((k for k, words in kind_table if any(w in low for w in words)), None)
    if kind in (K.DEATH, K.LIFE):
        return Sentence(kind)
    if kind == K.FINE and (years or months):
        kind = K.DEPRIVATION_OF_LIBERTY  # "3 года колонии и штраф": the fine is added to the term
    if kind is None and (years or months):
        kind = K.DEPRIVATION_OF_LIBERTY  # "5 лет": a bare term on these lists is imprisonment
    if kind is None:
        raise CellProblem(said("cell.unreadable_sentence"))
    if kind == K.FINE:
        return Sentence(kind)
    if not (years or months):
        raise CellProblem(said("cell.no_term"))
    regime = next((r for r, words in regime_table if any(w in low for w in words)), "")
    if kind == K.DEPRIVATION_OF_LIBERTY and regime in (R.OPEN_TYPE, R.HOME):
        regime = ""
    if kind == K.RESTRICTION_OF_FREEDOM and regime not in (R.OPEN_TYPE, R.HOME):
        regime = ""
    if kind in (K.ARREST, K.CORRECTIONAL_LABOUR):
        regime = ""
    return Sentence(kind, years or None, months or None, regime)
