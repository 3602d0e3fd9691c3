"""What one import run must remember across the whole file, kept on disk rather than in memory.

An import reads, matches and writes its file a chunk at a time and lets each chunk go
(importer.py). A few things must still be known across the whole file:

- which row first carried each identifier (a second row with it is refused);
- which rows carry each name key, and which of them created a person (new people of the file who
  share a name are warned about once every row has been read);
- who in the registry carried a name key before the run created anyone, and whom the run created
  (a possible duplicate is someone who was there before);
- every line of the report (problems, warnings, what happened to each row) until the run is over:
  a dry run and a refused run roll the registry's transaction back, so their lines cannot be
  written there while the run goes on.

They live in a private SQLite database (the standard library's sqlite3, "" as its file name): SQLite
keeps a small page cache in memory, writes the rest to a temporary file, and deletes that file when
the store is closed. So memory stays flat in the number of rows, whatever the file; disk use is a
few hundred bytes a row. Nothing here is personal beyond what the report itself holds: identifiers
and name keys stay in the temporary file for the length of the run only.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator

from cases.transfer.importing.outcomes import Issue, RowOutcome, changes_message, message_of

# SQLite's page cache for the store, in KiB: enough for the indexes' hot pages, and the bound on
# the memory the store takes whatever the file.
CACHE_KIB = 8192
BATCH = 500  # values per IN (...) query: under SQLite's variable limit on any build

PROBLEM, WARNING, ROW = "problem", "warning", "row"  # the kinds of ImportRunLine

SCHEMA = """
CREATE TABLE ids (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE names (key TEXT NOT NULL, row INTEGER NOT NULL);
CREATE INDEX names_key ON names (key, row);
CREATE TABLE new_rows (row INTEGER PRIMARY KEY);
CREATE TABLE existing (key TEXT NOT NULL, slug TEXT NOT NULL, PRIMARY KEY (key, slug)) WITHOUT ROWID;
CREATE TABLE created (person_id INTEGER PRIMARY KEY);
CREATE TABLE lines (
    kind TEXT NOT NULL, row INTEGER, col TEXT NOT NULL, action TEXT NOT NULL, text TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX lines_order ON lines (kind, row);
"""


class Scratch:
    """One run's store; close it when the run is over (`with Scratch() as scratch:`)."""

    def __init__(self):
        # Autocommit, no journal, no sync: the store lives as long as the run and nobody else reads
        # it, so a crash loses nothing that matters.
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA temp_store = FILE")
        self.db.executescript(SCHEMA)
        self.counts = {PROBLEM: 0, WARNING: 0, ROW: 0}

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- identifiers

    def earlier_rows(self, keyed: list[tuple[str, int]]) -> list[int | None]:
        """For each (identifier key, row), in order: the row that carried the key first, if it was
        an earlier one (in this call or before), else None. Every key is remembered."""
        known = self._found("SELECT key, row FROM ids WHERE key IN ({})", {key for key, _ in keyed})
        out, new = [], []
        for key, row in keyed:
            first = known.get(key)
            out.append(first)
            if first is None:
                known[key] = row
                new.append((key, row))
        self.db.executemany("INSERT INTO ids (key, row) VALUES (?, ?)", new)
        return out

    # -- names

    def note_names(self, keyed: list[tuple[str, int]]) -> set[str]:
        """Remember the rows of each name key; returns the keys no earlier call carried."""
        keys = {key for key, _ in keyed}
        seen = self._found("SELECT DISTINCT key, 1 FROM names WHERE key IN ({})", keys)
        self.db.executemany("INSERT INTO names (key, row) VALUES (?, ?)", keyed)
        return keys - seen.keys()

    def mark_new(self, rows: Iterable[int]) -> None:
        """These rows create a person (rather than update one)."""
        self.db.executemany("INSERT OR IGNORE INTO new_rows (row) VALUES (?)", ((row,) for row in rows))

    def add_existing(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(name key, slug) of people of the registry who carried a key before the run."""
        self.db.executemany("INSERT OR IGNORE INTO existing (key, slug) VALUES (?, ?)", pairs)

    def existing_slugs(self, key: str, limit: int = 3) -> list[str]:
        return [
            slug
            for (slug,) in self.db.execute(
                "SELECT slug FROM existing WHERE key = ? ORDER BY slug LIMIT ?", (key, limit)
            )
        ]

    def add_created(self, person_ids: Iterable[int]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO created (person_id) VALUES (?)", ((pk,) for pk in person_ids)
        )

    def created_among(self, person_ids: set[int]) -> set[int]:
        return set(self._found("SELECT person_id, 1 FROM created WHERE person_id IN ({})", person_ids))

    def shared_names(self, shown: int = 5) -> Iterator[tuple[int, list[int]]]:
        """(row, up to `shown` other rows of its name key) for every new row whose name key another
        row of the file carries too, by key then row: the first rows of a key are all a warning
        names, so a name a thousand rows share is streamed, never held."""
        query = (
            "SELECT n.key, n.row, nr.row IS NOT NULL FROM names n LEFT JOIN new_rows nr ON nr.row = n.row "
            "WHERE n.key IN (SELECT key FROM names GROUP BY key HAVING count(*) > 1) ORDER BY n.key, n.row"
        )
        for _, group in itertools.groupby(self.db.execute(query), key=lambda found: found[0]):
            head = list(itertools.islice(group, shown + 1))
            firsts = [row for _, row, _ in head]
            for _, row, is_new in itertools.chain(head, group):
                if is_new:
                    yield row, [other for other in firsts if other != row][:shown]

    # -- the report's lines

    def add_issues(self, kind: str, issues: Iterable[Issue]) -> None:
        before = self.db.total_changes
        self.db.executemany(
            "INSERT INTO lines (kind, row, col, action, text, message) VALUES (?, ?, ?, '', ?, ?)",
            (
                (kind, issue.row, issue.column, issue.reason, json.dumps(message_of(issue.reason)))
                for issue in issues
            ),
        )
        self.counts[kind] += self.db.total_changes - before

    def add_outcomes(self, outcomes: Iterable[RowOutcome]) -> None:
        before = self.db.total_changes
        self.db.executemany(
            "INSERT INTO lines (kind, row, col, action, text, message) VALUES (?, ?, '', ?, ?, ?)",
            (
                (
                    ROW,
                    outcome.row,
                    outcome.action,
                    "; ".join(outcome.changes),
                    json.dumps(changes_message(outcome.changes)) if outcome.changes else "{}",
                )
                for outcome in outcomes
            ),
        )
        self.counts[ROW] += self.db.total_changes - before

    def lines(self, kind: str, limit: int = -1) -> Iterator[tuple[int | None, str, str, str, dict]]:
        """(row, column, action, text, message) of the lines of one kind, in row order (the whole
        file first), then in the order they were found."""
        found = self.db.execute(
            "SELECT row, col, action, text, message FROM lines WHERE kind = ? ORDER BY row, rowid LIMIT ?",
            (kind, limit),
        )
        return ((row, col, action, text, json.loads(message)) for row, col, action, text, message in found)

    def issues(self, kind: str, limit: int = -1) -> list[Issue]:
        return [Issue(row, column, text) for row, column, _, text, _ in self.lines(kind, limit)]

    def outcomes(self, limit: int = -1) -> list[RowOutcome]:
        return [
            RowOutcome(row, action, text.split("; ") if text else [])
            for row, _, action, text, _ in self.lines(ROW, limit)
        ]

    # --

    def _found(self, query: str, values: set) -> dict:
        found: dict = {}
        values_list = list(values)
        for start in range(0, len(values_list), BATCH):
            batch = values_list[start : start + BATCH]
            found.update(self.db.execute(query.format(", ".join("?" * len(batch))), batch))
        return found
