"""One search key for every spelling of a person's name (the domain notes: NAMES.md).

A name reaches the registry as Belarusian Cyrillic, Russian Cyrillic, the passport's Latin form,
the Belarusian national Latin form (or Łacinka) and whatever the press wrote. `name_key` reduces
each of them to one skeleton so that the forms of one name meet, `similarity` scores two names
for duplicate detection, and `query_matches` is the prefix search used by lists and imports.
Everything here is a pure function of strings.

How the skeleton is built, and why
----------------------------------
1. Both Cyrillic alphabets are first spelled in Latin, so that a name and its transliteration
   go through the same rules from then on (Cyrillic "тс" and Latin "ts" meet by construction).
2. Case, diacritics, apostrophes and soft signs go: they mark softness, stress or a system's
   taste, never a different name. Hyphens, other punctuation and digits separate words, so
   "Vymyslau-Prydumany" is found by either half.
3. Letters that the systems write differently become one consonant class:
   - г/g/h/gh -> g: Belarusian г is pronounced and written h (Hrodna, Ihar), Russian г is g.
   - х/ч/kh/ch/č -> č: "ch" is х in the national system (Chviedar) but ч in the passport and
     the press (Charnetski); only one class for both lets every system meet. A bare "h" stays
     with г, because Belarusian г -> h is far more common than ISO 9's х -> h.
   - ж/ž/zh -> ž, ш/š/sh -> š, щ/ŝ/shch -> šč (the Belarusian spelling of щ is шч).
   - ц/c/ts/ć -> t, and дз/dz/dź -> d: Belarusian writes ц and дз where Russian has a soft т
     and д (Кацярына/Катерина, Дзмітрый/Дмитрий, Канстанцін/Константин).
   - ў/ŭ/w/в/v -> v, and so is u after a, e or o (the passport writes -оў as -ou: Ivanou) and at
     the start of a word before a consonant (Уладзімір/Владимир): Belarusian ў stands where
     Russian has в.
   - x -> ks (Alexander), q -> k.
4. Vowels are dropped inside a word: akanne (о -> а), я/е/і/ы/и and the many spellings of
   я, ю, е, й (ja, ia, ya, je, ie, ye, j, i, y) disagree only in vowels, and vowels added or
   lost between systems (Aleksandr/Alexander, Dzmitry/Dmitriy) must not matter. Two vowels keep
   a trace, because they carry what the consonants cannot:
   - a word that starts with a vowel keeps "a" (Алег, Аляксандр, Яўген: a, o, e, ja, je, ye all
     alternate between be and ru), or "i" when it starts with a lone i or y before a consonant,
     so Ігар/Igor ("igr") stays apart from Ягор/Yegor ("agr");
   - a word that ends in a or o keeps a final "a": it is the feminine ending (Аляксандра,
     Іванова, Вольга) and -ка/-ко or -на/-но (Бандарэнка/Бондаренко, Гродна/Гродно), while
     -ый/-ий/-i/-y/-ij, -ей and -ай end in a consonant or i and simply vanish.
5. Doubled letters are collapsed (Наталля/Наталья, Ганна/Gana), and s after t or z after d is
   dropped once the vowels are gone, so a key read back as Latin gives the same key ("ts" and
   "dz" would otherwise be read as ц and дз again).
6. A few Belarusian given names differ from their Russian forms beyond any letter rule (Мікалай/
   Николай, Ганна/Анна, Вольга/Ольга, Кацярына/Екатерина, Хведар/Фёдор ...). Their keys are
   replaced by the Russian form's key, so the two forms are equal, not merely similar. Only
   names that NAMES.md treats as spellings are listed; nicknames (Алесь, Саша) are aliases.

What it costs: a skeleton is coarse, so different names can share a key (Аліна/Алена,
Карл/Кірыл, Ганна/Гена), and s after t is lost (Тэст -> "t"). Forms that no rule brings
together (the press's Victor for Віктар, Andrew, Polish Włodzimierz, ISO 9's h for х, a
missing patronymic) only come close, which is why duplicates are found by `similarity`, not
by equal keys. Keys find candidates; birth date, region and staff confirm them. No key alone
may merge two people.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from difflib import SequenceMatcher

# Extra words (a patronymic present in one form only) cost this much each in `similarity`.
EXTRA_WORD_FACTOR = 0.9
# A masculine and a feminine form of one stem (Аляксандр/Аляксандра) are different people.
ENDING_MISMATCH_FACTOR = 0.7

_APOSTROPHES = "'`´ʹʺʻʼʽ‘’′″"

# Upper-case ASCII letters serve as placeholders between the steps: the input is case-folded
# first, so they cannot come from it, and no Latin digraph rule can misread them.
# V = v (from ў), X = the х/ч class, S = ш, Z = ж, I and A = the kept vowels.
_TO_LATIN = str.maketrans(
    {
        **dict.fromkeys(string.punctuation + string.digits, " "),
        **dict.fromkeys(_APOSTROPHES),
        "ъ": None,
        "ь": None,
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "ё": "jo",
        "є": "je",
        "ж": "Z",
        "з": "z",
        "и": "i",
        "і": "i",
        "ї": "ji",
        "й": "j",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ў": "V",
        "ф": "f",
        "х": "X",
        "ц": "c",
        "ч": "X",
        "ш": "S",
        "щ": "SX",
        "ы": "y",
        "э": "e",
        "ю": "ju",
        "я": "ja",
        "č": "X",
        "š": "S",
        "ž": "Z",
        "ŭ": "V",
        "ŝ": "SX",
        "ć": "c",
        "ś": "s",
        "ź": "z",
        "ń": "n",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "t",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
    }
)
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

_DIGRAPHS = {
    "shch": "SX",
    "dzh": "dZ",
    "zh": "Z",
    "sh": "S",
    "kh": "X",
    "ch": "X",
    "cz": "X",
    "gh": "g",
    "ph": "f",
    "ts": "c",
    "dz": "d",
    "x": "ks",
}
# Longest first, so that "shch" is not read as "sh" + "ch" and "dzh" not as "dz" + "h".
_DIGRAPH = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))


def _spell_digraph(match: re.Match) -> str:
    return _DIGRAPHS[match.group()]


_SEPARATORS = re.compile(r"[\W\d_]+")
# From here on every word is wrapped in spaces, so a space marks where a word starts or ends.
_INITIAL_U_AS_V = re.compile(r" u(?=[^\W\d_aeiouyj])")
_LONE_INITIAL_I = re.compile(r" [iy](?![aeiouyj])")
_INITIAL_VOWELS = re.compile(r" [aeiouyj]+")
_TO_CLASSES = str.maketrans(
    {
        **dict.fromkeys("aeiouyj"),
        "A": "a",
        "I": "i",
        "c": "t",
        "h": "g",
        "w": "v",
        "q": "k",
        "V": "v",
        "X": "č",
        "S": "š",
        "Z": "ž",
    }
)
_AFFRICATE = re.compile(r"ts+|dz+")
_DOUBLE = re.compile(r"(.)\1+")


def _first_letter(match: re.Match) -> str:
    return match.group()[0]


# Belarusian form: Russian form, for given names that no letter rule can bring together.
_GIVEN_NAME_FORMS = {
    "Мікалай": "Николай",
    "Мікіта": "Никита",
    "Ганна": "Анна",
    "Вольга": "Ольга",
    "Кацярына": "Екатерина",
    "Хведар": "Фёдор",
    "Рыгор": "Григорий",
    "Надзея": "Надежда",
    "Язэп": "Иосиф",
    "Пятро": "Пётр",
    "Кірыла": "Кирилл",
}


def _skeleton_words(text: str) -> list[str]:
    """The skeleton of each word, before given-name forms are unified."""
    if not text.isascii():
        # NFKC would turn an acute accent used as an apostrophe into a space and a mark.
        text = unicodedata.normalize("NFKC", text.replace("´", ""))
    text = text.casefold().translate(_TO_LATIN)
    if not text.isascii():
        # Other accented letters lose their marks; a letter found under one (ǣ) is mapped too.
        text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text)).translate(_TO_LATIN)
    if not text.replace(" ", "").isalpha():
        text = _SEPARATORS.sub(" ", text)
    text = _DIGRAPH.sub(_spell_digraph, f" {text} ")
    text = text.replace("au", "av").replace("eu", "ev").replace("ou", "ov")
    text = _INITIAL_U_AS_V.sub(" v", text)
    text = _LONE_INITIAL_I.sub(" I", text)
    text = _INITIAL_VOWELS.sub(" A", text)
    # The rest of a final vowel run goes with the other vowels; only its last letter matters.
    text = text.replace("a ", "A ").replace("o ", "A ").translate(_TO_CLASSES)
    if "ts" in text or "dz" in text:
        text = _AFFRICATE.sub(_first_letter, text)
    return _DOUBLE.sub(_first_letter, text).split()


def _single_skeleton(name: str) -> str:
    (skeleton,) = _skeleton_words(name)
    return skeleton


_CANONICAL = {_single_skeleton(be): _single_skeleton(ru) for be, ru in _GIVEN_NAME_FORMS.items()}


def word_keys(text: str) -> list[str]:
    """The key of each word of `text`, in order; no keys for a text without letters."""
    return [_CANONICAL.get(word, word) for word in _skeleton_words(text)]


def name_key(text: str) -> str:
    """The normalised key of a whole name: its word keys separated by single spaces.

    Every spelling of one name in Belarusian or Russian Cyrillic and in the Latin systems gives
    the same key (see the module docstring for the rules and their limits).
    """
    return " ".join(word_keys(text))


def _has_final_a(key: str) -> bool:
    return len(key) > 1 and key.endswith("a")


def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    a_final, b_final = _has_final_a(a), _has_final_a(b)
    ratio = SequenceMatcher(None, a[:-1] if a_final else a, b[:-1] if b_final else b).ratio()
    return ratio if a_final == b_final else ratio * ENDING_MISMATCH_FACTOR


def similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1, whatever the script, system and word order.

    Each word of the shorter name is paired with its most similar word of the longer one
    (difflib's ratio of the keys, times ENDING_MISMATCH_FACTOR when only one of them has the
    final "a"); the score is the geometric mean of the pairs, so one clearly different word (a
    surname, a given name) pulls the score down however well the others agree. Each word left
    unpaired, such as a patronymic missing from one form, multiplies it by EXTRA_WORD_FACTOR.
    Spellings of one person score 0.85 or more; people who share one word and differ in the
    other score about 0.45 to 0.7; a name without letters scores 0.
    """
    keys_a, keys_b = word_keys(a), word_keys(b)
    if not keys_a or not keys_b:
        return 0.0
    shorter, longer = sorted((keys_a, keys_b), key=len)
    candidates = sorted(
        (
            (_word_similarity(word, other), i, j)
            for i, word in enumerate(shorter)
            for j, other in enumerate(longer)
        ),
        reverse=True,
    )
    paired_short, paired_long, scores = set(), set(), []
    for score, i, j in candidates:
        if i not in paired_short and j not in paired_long:
            paired_short.add(i)
            paired_long.add(j)
            scores.append(score)
    mean = math.prod(scores) ** (1 / len(scores))
    return mean * EXTRA_WORD_FACTOR ** (len(longer) - len(shorter))


def _key_variants(text: str) -> list[tuple[str, str]]:
    return [(word, _CANONICAL.get(word, word)) for word in _skeleton_words(text)]


def _is_prefix(query: str, word: str) -> bool:
    if word.startswith(query):
        return True
    # A typed prefix can end in a vowel that is not the word's ending ("Ala" for Аляксандр):
    # its final "a" may stand for an inner vowel, which the word's key no longer has.
    return _has_final_a(query) and len(word) >= len(query) and word.startswith(query[:-1])


def query_matches(query: str, name_text: str) -> bool:
    """Whether every word of `query` begins some word of `name_text`, comparing keys.

    So "Aliaksandr", "Alexander" and "vymys" all find "Аляксандр Вымыслаў". A query without
    letters matches nothing. Both the word's own key and its unified given-name key are tried,
    so "Mika" finds Мікалай and "Nikolai" finds it too.
    """
    query_words = _key_variants(query)
    if not query_words:
        return False
    name_words = _key_variants(name_text)
    return all(
        any(_is_prefix(q_own, n_own) or _is_prefix(q_unified, n_unified) for n_own, n_unified in name_words)
        for q_own, q_unified in query_words
    )
