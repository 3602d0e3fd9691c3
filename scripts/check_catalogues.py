"""Fail when a string of today's source is untranslated or fuzzy in a shipped catalogue.

Runs `manage.py makemessages` the way the catalogues are written (MAKEMESSAGES below) on a
temporary copy of the project, so the repository's files are never touched, then reads each
resulting .po of locale/<language>/LC_MESSAGES/ (django, and djangojs once there are JavaScript
strings): it prints, per language and domain, how many messages are untranslated and fuzzy with
their msgids, and `msgfmt --check` must accept the file. Exit status 1 when anything is missing.

makemessages writes into the project's own locale/ (LOCALE_PATHS and the current directory), so
the copy is the whole source tree, not only locale/. No database is needed: REGISTRY_ENV=test.

Usage: .venv/bin/python scripts/check_catalogues.py   (or `make check-catalogues`)
"""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ["django", "djangojs"]
# The options the catalogues in locale/ are written with: file names without line numbers (a
# moved line changes no catalogue), no obsolete entries (git keeps old translations).
MAKEMESSAGES = ["makemessages", "--add-location", "file", "--no-obsolete"]
# Not source: makemessages skips dot-directories itself; the rest is bulk it need not copy.
NOT_COPIED = shutil.ignore_patterns(".*", "__pycache__", "var", "staticfiles", "test-artifacts", "*.mo")


def languages(root: Path) -> list[str]:
    """Every language with a catalogue in locale/ (English is the source language)."""
    return sorted(path.parent.parent.name for path in (root / "locale").glob("*/LC_MESSAGES/django.po"))


def run_makemessages(copy: Path, langs: list[str]) -> None:
    env = {**os.environ, "REGISTRY_ENV": "test"}
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", *MAKEMESSAGES, "--domain", domain]
        command += [option for lang in langs for option in ("--locale", lang)]
        subprocess.run(command, cwd=copy, env=env, check=True, stdout=subprocess.DEVNULL)


def missing_messages(po: Path) -> tuple[list[str], list[str]]:
    """The msgids of a .po that have an empty msgstr, and those flagged fuzzy (header and
    obsolete entries aside)."""
    untranslated, fuzzy = [], []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        current = None
        is_fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,"):
                is_fuzzy = is_fuzzy or "fuzzy" in (flag.strip() for flag in line[2:].split(","))
            elif line.startswith(("msgid", "msgstr")):
                current, _, value = line.partition(" ")
                fields[current] = [value]
            elif line.startswith('"') and current:
                fields[current].append(line)
        text = {key: "".join(ast.literal_eval(part) for part in parts) for key, parts in fields.items()}
        if not text.get("msgid"):
            continue  # the header, or obsolete entries only
        if is_fuzzy:
            fuzzy.append(text["msgid"])
        elif not all(value for key, value in text.items() if key.startswith("msgstr")):
            untranslated.append(text["msgid"])
    return untranslated, fuzzy


def check(root: Path) -> int:
    langs = languages(root)
    if not langs:
        print(f"no catalogues found under {root / 'locale'}")
        return 1
    failed = False
    with tempfile.TemporaryDirectory(prefix="check-catalogues-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(root, copy, ignore=NOT_COPIED)
        run_makemessages(copy, langs)
        for lang in langs:
            for domain in DOMAINS:
                po = copy / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
                if not po.exists():
                    continue  # no strings in this domain
                untranslated, fuzzy = missing_messages(po)
                print(f"{lang}/{domain}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy")
                for label, msgids in (("untranslated", untranslated), ("fuzzy", fuzzy)):
                    for msgid in msgids:
                        print(f"  {label}: {msgid!r}")
                compiled = subprocess.run(
                    ["msgfmt", "--check", "-o", os.devnull, str(po)], capture_output=True, text=True
                )
                if compiled.returncode:
                    print(f"  msgfmt --check refuses it:\n{compiled.stderr}")
                failed = failed or bool(untranslated or fuzzy or compiled.returncode)
    if failed:
        options = " ".join(MAKEMESSAGES[1:])
        print(
            "\nThe catalogues are incomplete. Run "
            f"`REGISTRY_ENV=test manage.py makemessages {options} -l be -l ru`, translate every "
            "msgid above, drop the fuzzy flags once checked, then compile each catalogue with "
            "`msgfmt --check -o locale/<lang>/LC_MESSAGES/django.mo locale/<lang>/LC_MESSAGES/django.po`."
        )
        return 1
    print("every catalogue is complete")
    return 0


if __name__ == "__main__":
    sys.exit(check(ROOT))
