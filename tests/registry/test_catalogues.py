"""The shipped Belarusian and Russian catalogues (locale/): what would break a page or show the wrong
language at run time.

A translation that names a placeholder its msgid lacks raises KeyError when the page formats it,
and one that drops a placeholder loses the fact it carried. Belarusian has no и, щ or ъ: one of
them in a Belarusian string means Russian text was pasted in. Whether the catalogues are complete
(nothing untranslated, nothing fuzzy) is checked by scripts/check_catalogues.py in CI, which runs
makemessages and is slower.
"""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["be", "ru"]

# %(name)s and its conversion (%(n)d given a string fails too); {name} and {name:spec}. %% is a
# literal percent sign, {{ a literal brace.
PERCENT_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")
BRACE_PLACEHOLDER = re.compile(r"\{\{|\{(\w+)(?:[:!][^{}]*)?\}")

RUSSIAN_ONLY_LETTERS = re.compile(r"[иИщЩъЪ]")
# msgids whose Belarusian msgstr may keep a Russian-only letter: proper names written as their
# bearers write them. Empty for now; add a msgid here with the reason beside it.
BELARUSIAN_ALLOWED_RUSSIAN_LETTERS: set[str] = set()


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None

    @property
    def key(self) -> str:
        """The msgid as a compiled catalogue keys it: a context comes first, joined by EOT."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (no header, no obsolete `#~` entries)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        flags: set[str] = set()
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith(("msgctxt", "msgid", "msgstr")):
                current, _, value = line.partition(" ")
                fields[current] = [value]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if not fields.get("msgid"):
            continue
        text = {key: "".join(ast.literal_eval(part) for part in parts) for key, parts in fields.items()}
        if not text["msgid"]:
            continue  # the header
        msgstrs = [value for key, value in text.items() if key.startswith("msgstr")]
        entries.append(
            Entry(text["msgid"], text.get("msgid_plural", ""), msgstrs, flags, text.get("msgctxt"))
        )
    return entries


def _placeholders(text: str) -> Counter:
    percent = Counter(f"%({name}){kind}" for name, kind in PERCENT_PLACEHOLDER.findall(text) if name)
    brace = Counter(f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text) if name)
    return percent + brace


def _catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def _translated(language: str) -> list[Entry]:
    return [entry for entry in _read_po(_catalogue(language)) if any(entry.msgstrs)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_msgid(language):
    entries = _translated(language)
    assert len(entries) > 100, "the catalogue was not read"

    broken = []
    for entry in entries:
        expected = _placeholders(entry.msgid_plural or entry.msgid)
        for msgstr in entry.msgstrs:
            if msgstr and _placeholders(msgstr) != expected:
                broken.append(f"{entry.msgid!r} -> {msgstr!r}")

    assert broken == []


def test_the_placeholder_check_sees_a_renamed_or_retyped_placeholder():
    assert _placeholders("%(n)d year, {name}") == _placeholders("{name}: %(n)d год")
    assert _placeholders("%(n)d year") != _placeholders("%(count)d год")
    assert _placeholders("%(n)d year") != _placeholders("%(n)s год")
    assert _placeholders("{name}") != _placeholders("{имя}")
    assert _placeholders("100%% of {{braces}}") == Counter()


def test_belarusian_translations_contain_no_russian_only_letters():
    entries = _translated("be")
    assert len(entries) > 100, "the catalogue was not read"

    russian = [
        f"{entry.msgid!r} -> {msgstr!r}"
        for entry in entries
        if entry.msgid not in BELARUSIAN_ALLOWED_RUSSIAN_LETTERS
        for msgstr in entry.msgstrs
        if RUSSIAN_ONLY_LETTERS.search(msgstr)
    ]

    assert russian == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_translations_fill_every_form_the_catalogue_declares(language):
    header = _catalogue(language).read_text(encoding="utf-8")
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))

    entries = _translated(language)

    short = [entry.msgid for entry in entries if entry.msgid_plural and len(entry.msgstrs) != nplurals]
    blank = [entry.msgid for entry in entries if not all(entry.msgstrs)]

    assert short == []
    assert blank == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_every_translation_of_its_po(language):
    po = _catalogue(language)
    with open(po.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    stale = []
    for entry in _translated(language):
        if "fuzzy" in entry.flags:
            continue  # msgfmt leaves fuzzy entries out; the CI check refuses them
        if entry.msgid_plural:
            shipped = [compiled.get((entry.key, index)) for index in range(len(entry.msgstrs))]
        else:
            shipped = [compiled.get(entry.key)]
        if shipped != entry.msgstrs:
            stale.append(entry.msgid)

    assert stale == [], "run msgfmt --check -o django.mo django.po"
