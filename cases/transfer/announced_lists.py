"""Reading an announced list as staff bring it: pasted lines, or a table (CSV or XLSX, or pasted
with ";" or tabs) whose headings say which column holds the name, the birth date and the day of
inclusion. The words and headings are data (cases/data/announced_lists.yaml); reading a line is
cases.identity.announced's. Plain functions: no database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from cases.identity import announced
from cases.identity.names import word_keys
from cases.transfer.importing.dates import DateProblem, parse_partial_date
from cases.transfer.importing.reader import UnreadableFile, read_table

LAYOUT_FILE = Path(__file__).resolve().parent.parent / "data" / "announced_lists.yaml"
DELIMITERS = (";", "\t", ",")


@dataclass(frozen=True)
class Layout:
    detail_words: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # what the column holds -> its headings, lower case


@dataclass
class ReadList:
    entries: list[announced.AnnouncedName] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "row 7: birth date: ...", for the person


@cache
def layout(path: Path = LAYOUT_FILE) -> Layout:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Layout(
        detail_words=tuple(word.lower() for word in data.get("detail_words") or ()),
        columns={
            what: tuple(_heading(h) for h in headings)
            for what, headings in (data.get("columns") or {}).items()
        },
    )


def read_list(*, text: str = "", data: bytes | None = None, today: datetime.date | None = None) -> ReadList:
    """The entries of a list given as pasted `text` or as a file's bytes (`data`). A table is
    recognised by a heading row naming a name column; anything else is read line by line.

    Raises UnreadableFile for a file that is neither a CSV nor an XLSX table, or a table without a
    name column."""
    found = layout()
    if data is not None:
        table = read_table(data)
        return _from_table(
            table.headers, ((row.number, [c.value for c in row.cells]) for row in table.rows), found, today
        )
    first = next((line for line in text.splitlines() if line.strip()), "")
    if any(_columns_of(_split(first, d), found) for d in DELIMITERS if d in first):
        table = read_table(text.encode("utf-8"))
        return _from_table(
            table.headers, ((row.number, [c.value for c in row.cells]) for row in table.rows), found, today
        )
    names = announced.read_announced_list(text, detail_words=found.detail_words)
    return ReadList(entries=names)


def _heading(text) -> str:
    return " ".join(str(text or "").lower().split()).rstrip(":").strip()


def _split(line: str, delimiter: str) -> list[str]:
    return [cell.strip().strip('"') for cell in line.split(delimiter)]


def _columns_of(headers, found: Layout) -> dict[str, int]:
    """Which column holds what, by heading; empty without a name (or surname) column."""
    columns = {}
    for index, heading in enumerate(headers):
        for what, headings in found.columns.items():
            if _heading(heading) in headings and what not in columns:
                columns[what] = index
                break
    return columns if ("name" in columns or "surname" in columns) else {}


def _from_table(headers, rows, found: Layout, today) -> ReadList:
    columns = _columns_of(headers, found)
    if not columns:
        wanted = ", ".join(found.columns.get("name", ())[:4])
        raise UnreadableFile(f"No column of names: name one column with a heading such as {wanted}.")
    out = ReadList()
    for number, values in rows:

        def cell(what, values=values):
            return _text(values, columns.get(what))

        name = cell("name") or " ".join(
            p for p in (cell("surname"), cell("given_name"), cell("patronymic")) if p
        )
        if not word_keys(name):
            continue
        line = "; ".join(f"{headers[i]}: {_text(values, i)}" for i in range(len(headers)) if _text(values, i))
        entry = announced.read_announced_line(name, number, found.detail_words) or announced.AnnouncedName(
            line=number, text=name, name=name
        )
        entry = replace(entry, text=line)
        birth = _date(values, columns.get("birth_date"), number, "birth date", today, out.problems)
        if birth[0] is not None:
            entry = replace(entry, birth_date=birth[0], birth_precision=birth[1], birth_year=birth[0].year)
        listed = _date(values, columns.get("listed_on"), number, "day of inclusion", today, out.problems)
        if listed[0] is not None:
            entry = replace(entry, listed_on=listed[0], listed_precision=listed[1])
        out.entries.append(entry)
    return out


def _text(values, index) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return " ".join(str(values[index]).split())


def _date(values, index, number, what, today, problems) -> tuple[datetime.date | None, str]:
    if index is None or index >= len(values) or values[index] in (None, ""):
        return None, "unknown"
    value = values[index]
    if isinstance(value, str):
        value = value.strip()
        # "12.03.1984 г.р." and "12.03.1984, г. Минск": the date is the first word.
        value = value.replace(",", " ").split()[0] if value else value
    try:
        return parse_partial_date(value, today=today)
    except DateProblem as problem:
        problems.append(f"row {number}: {what}: {problem}")
        return None, "unknown"
