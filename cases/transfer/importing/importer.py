"""Run an import: read the file, check every row, match people, write through the services.

`run_import` always goes the same way, so a dry run reports exactly what the real run would do:

1. Read the header (reader.py) and check it against the mapping.
2. Inside one transaction, take the rows MATCH_CHUNK at a time, as the file is read:
   - read each row into plain values (cells.py, dates.py, cases.transfer.notation); what cannot
     be read is a problem of that row and column;
   - match each row to a person by its external identifiers only (the list's id, then its url),
     in a few bulk queries. A name never matches; a new person whose name key equals an existing
     person's is reported as a possible duplicate (a warning), and created separately;
   - write each row that has no problem: new people in bulk (bulk.py, the same records the
     services write), the others through cases.services, in a savepoint of their own, so a
     refusal by a service becomes that row's problem. A row whose values equal the registry's
     calls no service at all: re-importing a file changes nothing.
   Rows, and the people and cases they loaded, are let go after their chunk. What the run must
   know across the whole file (repeated identifiers, shared names, the people it created) and
   the report's lines go to a scratch store on disk (scratch.py), so memory does not grow with
   the file. New people of the file who share a name are warned about at the end.
3. A dry run, and a real run in all-or-nothing mode with any problem, roll the whole
   transaction back. Then an ImportRun records the run (its counts and columns) with its report
   as ImportRunLine rows copied from the scratch store a batch at a time: row, column and reason
   of every problem and warning, and which fields each row changed; never cell contents beyond
   article notations, statuses and facility names.

docs/import.md is the user-facing account of these rules.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation

from cases import choices, partial_dates, services
from cases.claims import facts
from cases.exceptions import RefusedChange
from cases.identity.names import name_key
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    Claim,
    ExternalIdentifier,
    FacilityStay,
    ImportProfile,
    ImportRun,
    ImportRunLine,
    Jurisdiction,
    KeptCell,
    Person,
    PersonName,
    Release,
    Source,
    latest_event,
)
from cases.services import claims as claim_services
from cases.services.review import ArticleIndex
from cases.transfer.importing import cells
from cases.transfer.importing.bulk import create_new_people
from cases.transfer.importing.dates import DateProblem, parse_partial_date
from cases.transfer.importing.facilities import FacilityIndex, resolve_facility
from cases.transfer.importing.mappings import (
    CASE_FACTS,
    FACILITY_FACT,
    HELD,
    IGNORED,
    PERSON_FACTS,
    RELEASE_FACT,
    URL_SCHEME,
    YES,
    Mapping,
)
from cases.transfer.importing.outcomes import (
    Issue,
    RowOutcome,
    Said,
    said,
    said_of,
    uncertain_said,
    unknown_article_said,
)
from cases.transfer.importing.reader import MAX_ROWS, Cell, UnreadableFile, read_table
from cases.transfer.importing.scratch import PROBLEM, ROW, WARNING, Scratch
from cases.transfer.notation import ParseResult, parse_charges
from cases.wording import catalogue

TEXT_FIELDS = {"external_id", "url", "name", "court", "judge", "prosecutor", "facility"}
DATE_FIELDS = {
    "birth_date",
    "detention_date",
    "verdict_date",
    "verdict_final_on",
    "recognised_on",
    "release_date",
    "died_on",
}
# Case dates, each stored with its precision (`<field>_precision`).
CASE_DATE_FIELDS = ("detention_date", "verdict_date", "verdict_final_on", "recognised_on")
# How the cells of several columns feeding one field are read together.
JOINERS = {"sentence": " ", "articles": ", "}
CURRENT_CHARGE_STATES = (choices.ChargeState.ACTIVE, choices.ChargeState.CONVICTED)
CHUNK = 900  # ids per IN (...) query: under SQLite's variable limit on any build
# Rows are matched and written this many at a time: the people a chunk matches (with their cases,
# charges and events) are loaded for it and let go after it, so memory does not grow with the file.
MATCH_CHUNK = 2000
# From this many new people in one file they are written in bulk (cases.transfer.importing.bulk); fewer go
# through the services one by one, which is as fast for a handful and simpler to follow.
BULK_MIN_ROWS = 20
CELLS_REMEMBERED = 10_000  # cell readings kept per run: bounded, whatever the file


# The report -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, or would do: the counts, and the first lines of the report.

    Every line (problem, warning, row outcome) is stored with the run as an ImportRunLine, a batch
    at a time; `problems`, `warnings` and `outcomes` hold the first REPORT_PREVIEW of each, in row
    order, for a page or a test to show, and `lines()` reads them all back a page at a time.
    """

    file_name: str
    file_sha256: str
    mapping: str
    jurisdiction: str
    dry_run: bool
    all_or_nothing: bool
    reclassified_on: datetime.date
    state: str = ImportRun.State.DRY_RUN
    rows: int = 0
    problem_count: int = 0
    warning_count: int = 0
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # What happened to the rows, but for unchanged rows, which are only counted.
    outcomes: list[RowOutcome] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    import_run_id: int | None = None
    # Every column of the file and what it was read as (ColumnReading.as_json), in file order.
    columns: list[dict] = field(default_factory=list)
    kept_cells: int = 0

    def count(self, action: str) -> int:
        return self.counts[action]

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def refused(self) -> bool:
        return self.state == ImportRun.State.REFUSED

    @property
    def would_refuse(self) -> bool:
        """A real run of the same file would import nothing."""
        return bool(self.problem_count) and (self.all_or_nothing or not self.counts.total())

    def as_json(self) -> dict:
        """What ImportRun.report keeps: the run's settings, its columns and how many lines of
        each kind it left (the lines themselves are ImportRunLine rows)."""
        return {
            "jurisdiction": self.jurisdiction,
            "dry_run": self.dry_run,
            "all_or_nothing": self.all_or_nothing,
            "reclassified_on": self.reclassified_on.isoformat(),
            "columns": self.columns,
            "kept_cells": self.kept_cells,
            "lines": {"problems": self.problem_count, "warnings": self.warning_count},
        }

    def lines(self) -> Iterator[str]:
        """The report as text, for the management command: every line, read a page at a time."""
        verb = {
            ImportRun.State.DRY_RUN: "Dry run (nothing written)",
            ImportRun.State.IMPORTED: "Imported",
            ImportRun.State.REFUSED: "Refused: problems found, nothing imported",
        }[self.state]
        would = "" if self.state == ImportRun.State.IMPORTED else "would be "
        yield (
            f"{verb}: {self.file_name} ({self.mapping}, {self.jurisdiction}), {self.rows} rows: "
            f"{self.created} {would}created, {self.updated} {would}updated, {self.unchanged} unchanged, "
            f"{self.rejected} rejected."
        )
        if self.dry_run and self.would_refuse:
            yield "A real run of this file would be refused."
        for column in self.columns:
            yield f"column {column['column']!r}: {column['summary']}"
        lines = ImportRunLine.objects.filter(run_id=self.import_run_id)
        for kind in (ImportRunLine.Kind.PROBLEM, ImportRunLine.Kind.WARNING):
            for line in lines.filter(kind=kind).order_by("position").iterator(chunk_size=2000):
                yield f"{kind}: {Issue(line.row, line.column, line.text)}"
        for line in (
            lines.filter(kind=ImportRunLine.Kind.ROW, action__in=["created", "updated"])
            .order_by("position")
            .iterator(chunk_size=2000)
        ):
            yield f"row {line.row}: {line.action}: {line.text}"


# How many lines of each kind an ImportReport holds in memory; the run stores them all.
REPORT_PREVIEW = 500


# Reading rows ---------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    person: Person | None = None
    case: Case | None = None
    # (column, text, KeptCell.Reason) of the cells no field took, kept with the run.
    kept: list[tuple[str, str, str]] = field(default_factory=list)
    name_key: str = ""  # the name's key (cases.identity.names.name_key), once read
    written_person: Person | None = None  # the person the row created or updated
    written_person_id: int | None = None  # kept once the chunk's objects are let go


# Words a column summary may show: vocabulary answers are the list's own words, never personal.
SHOWN_WORDS = ("status", "sex", "sentence", "recognised", "release_how")
MAX_SHOWN_WORDS = 30


@dataclass
class ColumnReading:
    """What one column of the file was read as, over every row: the dry run's column table."""

    column: str
    target: str  # a field, IGNORED for a column kept as it is, "" for a column the profile lacks
    read: int = 0
    empty: int = 0
    doubtful: int = 0
    readings: dict = field(default_factory=dict)  # the list's word -> what it was read as

    def note(self, word: str, reading: str) -> None:
        if len(self.readings) < MAX_SHOWN_WORDS or word in self.readings:
            self.readings[word] = reading

    def as_json(self) -> dict:
        if self.target == IGNORED:
            summary = said("column.feeds_nothing", read=self.read)
        elif not self.target:
            summary = said("column.not_in_profile", read=self.read)
        elif self.doubtful:
            summary = said(
                "column.read_as_doubtful",
                field=_target(self.target),
                read=self.read,
                empty=self.empty,
                doubtful=self.doubtful,
            )
        else:
            summary = said("column.read_as", field=_target(self.target), read=self.read, empty=self.empty)
        return {
            "column": self.column,
            "field": self.target,
            "read": self.read,
            "empty": self.empty,
            "doubtful": self.doubtful,
            "readings": dict(self.readings),
            "summary": str(summary),  # English, for the management command and older readers
            "summary_message": summary.message,
        }


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a refused run."""


class Importer:
    """One run over one file. Use `run_import`."""

    def __init__(
        self,
        *,
        mapping: Mapping,
        jurisdiction: Jurisdiction,
        by,
        report: ImportReport,
        today,
        scratch: Scratch,
    ):
        self.mapping = mapping
        self.jurisdiction = jurisdiction
        self.by = by if getattr(by, "pk", None) else None
        self.report = report
        self.today = today
        self.header_of: dict[str, str] = {}
        self.source: Source | None = None
        self.import_run: ImportRun | None = None
        self.readings: dict[str, ColumnReading] = {}
        # Across the whole file, not a chunk: the first row of each identifier, the rows of each name
        # key, the people the run created and the report's lines, on disk (scratch.py), so that
        # memory does not grow with the file (docs/scaling.md).
        self.scratch = scratch
        self.charges_read: dict[str, ParseResult] = {}  # articles cell -> its reading (immutable)

    # -- header and cells

    def read_header(self, headers: list[str]) -> list[tuple[int, str, str]]:
        """(index, header, target) of every named column: its field, IGNORED for a column the
        profile reads and does not store, "" for one the profile does not name (kept, with a
        warning: the file may not be the layout the user chose). A repeated field, except one
        several columns may feed, is a problem; so is a required column that is missing."""
        columns, seen, scratch = [], set(), self.scratch
        for index, header in enumerate(headers):
            if not header:
                scratch.add_issues(PROBLEM, [Issue(1, f"#{index + 1}", said("import.column_without_name"))])
                continue
            target = self.mapping.field_for(header)
            if target is None:
                scratch.add_issues(
                    WARNING,
                    [
                        Issue(
                            1,
                            header,
                            said("import.column_not_in_profile", profile=self.mapping.code),
                        )
                    ],
                )
                target = ""
            elif target in seen and target not in (IGNORED, *JOINERS):
                scratch.add_issues(PROBLEM, [Issue(1, header, said("import.second_column"))])
                continue
            seen.add(target)
            columns.append((index, header, target))
            self.readings[header] = ColumnReading(header, target)
            if target in self.header_of and target in JOINERS:
                self.header_of[target] += f" + {header}"  # "decision + penalty": both columns named
            elif target not in (IGNORED, ""):
                self.header_of[target] = header
        for required in self.mapping.required:
            if required not in seen:
                scratch.add_issues(PROBLEM, [Issue(1, required, said("import.required_missing"))])
        return columns

    def column(self, field_name: str) -> str:
        return self.header_of.get(field_name, field_name)

    def parse_row(self, number: int, cells_in_row: list[Cell], columns, stray: int) -> ParsedRow:
        row = ParsedRow(number)
        raw: dict = {}
        for index, header, target in columns:
            cell = cells_in_row[index]
            reading = self.readings[header]
            if cell.is_formula:
                row.problems.append(Issue(number, header, said("import.formula")))
                continue
            value = cell.value
            if cell.is_empty or (isinstance(value, str) and cells.fold(value) in cells.PLACEHOLDERS):
                reading.empty += 1
                continue
            reading.read += 1
            if target in (IGNORED, ""):
                # Kept as the cell was written (a formula-like text too: it is stored, never exported
                # to a spreadsheet, and shown to staff as text).
                row.kept.append((header, _text(value), KeptCell.Reason.UNMAPPED))
                continue
            if isinstance(value, str) and target not in DATE_FIELDS:
                try:
                    value = cells.check_not_formula(value)
                except cells.CellProblem as problem:
                    row.problems.append(Issue(number, header, said_of(problem)))
                    continue
            if target in JOINERS and target in raw:
                raw[target] = f"{_text(raw[target])}{JOINERS[target]}{_text(value)}"
            else:
                raw[target] = value
        if stray:
            row.problems.append(Issue(number, "", said("import.stray_values", count=stray)))

        def problem(target, reason):
            row.problems.append(Issue(number, self.column(target), reason))

        def doubtful(target, reason):
            """An unreadable value: refuses the row in an essential field, else a warning and the
            cell kept for review; the field is then not written."""
            for header in self.column(target).split(" + "):
                if header in self.readings:
                    self.readings[header].doubtful += 1
            if target in self.mapping.essential:
                problem(target, reason)
                return
            row.warnings.append(
                Issue(number, self.column(target), said("import.not_recorded_kept", reason=reason))
            )
            row.kept.append((self.column(target), _text(raw[target]), KeptCell.Reason.UNKNOWN_VALUE))

        values = row.values
        for target in ("external_id", "url", "court", "judge", "prosecutor", "facility", "name"):
            if target in raw:
                values[target] = _text(raw[target])
        for target in DATE_FIELDS & raw.keys():
            try:
                date, precision = parse_partial_date(
                    raw[target], today=self.today, order=self.mapping.date_order
                )
            except DateProblem as error:
                doubtful(target, said_of(error))
                continue
            values[target], values[f"{target}_precision"] = date, precision
        if "name" in values:
            try:
                values["script"], values["name_kind"] = cells.name_script(values["name"])
            except cells.CellProblem as error:
                problem("name", said("import.the_name", problem=said_of(error)))
                del values["name"]
        elif "name" in self.mapping.required:
            problem("name", said("import.name_empty"))
        if "sex" in raw:
            text = _text(raw["sex"])
            try:
                values["sex"] = self.mapping.word("sex", text) or cells.read_sex(text)
                self._note("sex", text, values["sex"])
            except cells.CellProblem as error:
                doubtful("sex", said_of(error))
        if "sentence" in raw:
            text = _text(raw["sentence"])
            try:
                values["sentence"] = cells.read_sentence(
                    text,
                    kind_words=self.mapping.words("sentence_kind"),
                    regime_words=self.mapping.words("regime"),
                )
                self._note("sentence", text, _sentence_words(values["sentence"]))
            except cells.CellProblem as error:
                doubtful("sentence", said("import.the_sentence", problem=said_of(error)))
        if "status" in raw:
            text = _text(raw["status"])
            has_verdict = "verdict_date" in values or "sentence" in values
            word = self.mapping.word("status", text)
            try:
                if word == HELD:
                    values["status"] = (
                        choices.CaseStatus.CONVICTED if has_verdict else choices.CaseStatus.DETAINED
                    )
                else:
                    values["status"] = word or cells.read_status(text, has_verdict=has_verdict)
                self._note("status", text, values["status"] if word != HELD else "held: by the verdict")
            except cells.CellProblem as error:
                doubtful("status", said_of(error))
        if "release_how" in raw:
            text = _text(raw["release_how"])
            word = self.mapping.word("release_how", text)
            try:
                values["release_how"] = word or cells.read_release_how(text)
                self._note("release_how", text, values["release_how"])
            except cells.CellProblem as error:
                doubtful("release_how", said_of(error))
        if "recognised" in raw:
            text = _text(raw["recognised"])
            word = self.mapping.word("recognition", text)
            try:
                values["recognised"] = word == YES if word else cells.read_yes_no(text)
                self._note("recognised", text, "yes" if values["recognised"] else "no")
            except cells.CellProblem as error:
                doubtful("recognised", said_of(error))
        if "recognition_statement" in raw:
            try:
                values["recognition_statement"] = cells.read_link(_text(raw["recognition_statement"]))
            except cells.CellProblem as error:
                # Some exports of the same list put the statement's date where others put its
                # link: a date is read as the recognition date rather than lost.
                try:
                    day, precision = parse_partial_date(
                        raw["recognition_statement"], today=self.today, order=self.mapping.date_order
                    )
                except DateProblem:
                    doubtful("recognition_statement", said("import.the_cell", problem=said_of(error)))
                else:
                    values.setdefault("recognised_on", day)
                    values.setdefault("recognised_on_precision", precision)
        if "articles" in raw:
            values["articles_cell"] = _text(raw["articles"])
            values["articles"] = self.read_charges(values["articles_cell"])
        if "external_id" not in values and "url" not in values:
            problem(
                "external_id",
                said("import.no_identifier"),
            )
        detained = partial_dates.period(
            values.get("detention_date"), values.get("detention_date_precision", "unknown")
        )
        verdict = partial_dates.period(
            values.get("verdict_date"), values.get("verdict_date_precision", "unknown")
        )
        final = partial_dates.period(
            values.get("verdict_final_on"), values.get("verdict_final_on_precision", "unknown")
        )
        if detained and verdict and verdict[1] < detained[0]:
            problem("verdict_date", said("import.verdict_before_detention"))
        elif verdict and final and final[1] < verdict[0]:
            problem("verdict_final_on", said("import.final_before_verdict"))
        elif not row.problems:
            # Facts that cannot all be true are written (nothing is lost) and flagged on the record
            # for staff (cases.services.contradictions); the report says so for the row.
            for text in services.row_contradictions(values):
                row.warnings.append(Issue(number, "", said("import.contradiction", what=text)))
        return row

    def _note(self, target: str, word: str, reading: str) -> None:
        """Show the list's word and its reading on the column (on each, when several columns feed
        the field: "колонии общего режима 3 года" is read from both)."""
        if target not in SHOWN_WORDS:
            return
        for header in self.column(target).split(" + "):
            if header in self.readings:
                self.readings[header].note(word[:60], str(reading))

    # -- matching

    def match(self, rows: list[ParsedRow]) -> None:
        """Find each row's person by its identifiers, and its case in the jurisdiction, in bulk."""
        scheme = self.mapping.id_scheme
        wanted: dict[str, set[str]] = defaultdict(set)
        keyed = []  # (row, column, scheme + value)
        for row in rows:
            for target, key_scheme in (("external_id", scheme), ("url", URL_SCHEME)):
                value = row.values.get(target)
                if value is None:
                    continue
                keyed.append((row, target, f"{key_scheme}\x00{value}"))
                wanted[key_scheme].add(value)
        earlier = self.scratch.earlier_rows([(key, row.number) for row, _, key in keyed])
        for (row, target, _), first in zip(keyed, earlier, strict=True):
            if first is not None:
                row.problems.append(
                    Issue(row.number, self.column(target), said("import.same_identifier", row=first))
                )
        owner: dict[tuple[str, str], int] = {}
        for key_scheme, values in wanted.items():
            for chunk in _chunks(sorted(values)):
                for s, v, person_id in ExternalIdentifier.objects.filter(
                    scheme=key_scheme, value__in=chunk
                ).values_list("scheme", "value", "person_id"):
                    owner[(s, v)] = person_id
        people = self._load_people(set(owner.values()))
        for row in rows:
            by_id = owner.get((scheme, row.values.get("external_id")))
            by_url = owner.get((URL_SCHEME, row.values.get("url")))
            if by_id and by_url and by_id != by_url:
                row.problems.append(Issue(row.number, self.column("url"), said("import.url_of_another")))
                continue
            person = people.get(by_id or by_url)
            if person is None:
                continue
            row.person = person
            row.case = self._case_for(row, person)
        self._warn_possible_duplicates([r for r in rows if r.person is None and "name" in r.values])

    def _load_people(self, person_ids: set[int]) -> dict[int, Person]:
        """The people rows name, with what the registry holds of them (their names and who gives
        each, their cases in this jurisdiction with open stays and current charges)."""
        people: dict[int, Person] = {}
        cases_qs = (
            Case.objects.filter(jurisdiction=self.jurisdiction)
            .select_related("person")
            .prefetch_related(
                Prefetch(
                    "charges",
                    queryset=Charge.objects.filter(state__in=CURRENT_CHARGE_STATES).select_related("article"),
                    to_attr="current_charges",
                ),
                Prefetch("stays", queryset=_open_stays(), to_attr="open_stays"),
                Prefetch(
                    "events",
                    queryset=CaseEvent.objects.filter(kind__in=choices.CUSTODY_END_KINDS).only(
                        "id", "case_id", "kind", "date", "date_precision"
                    ),
                    to_attr="end_events",
                ),
                "charges_to_review",
            )
        )
        ids = set(person_ids)
        while ids:
            batch: dict[int, Person] = {}
            for chunk in _chunks(sorted(ids)):
                for person in Person.objects.filter(pk__in=chunk).prefetch_related(
                    "names",
                    "external_ids",
                    Prefetch("cases", queryset=cases_qs, to_attr="jurisdiction_cases"),
                ):
                    batch[person.pk] = person
                self._load_said(chunk, batch)
            # A person merged into another stands for the one kept.
            ids = (
                {p.merged_into_id for p in batch.values() if p.merged_into_id} - people.keys() - batch.keys()
            )
            people.update(batch)
        for person_id, person in list(people.items()):
            kept = person
            while kept.merged_into_id:
                kept = people[kept.merged_into_id]
            people[person_id] = kept
        return people

    def _case_for(self, row: ParsedRow, person: Person) -> Case | None:
        cases_here = person.jurisdiction_cases
        detained_days = partial_dates.period(
            row.values.get("detention_date"), row.values.get("detention_date_precision", "unknown")
        )
        if cases_here and all(_rearrested_after(case, detained_days) for case in cases_here):
            # The person was released and the list gives a later detention: a re-arrest is a new
            # case on the same person, never the released case rewritten (issue 18).
            return None
        if len(cases_here) <= 1:
            return cases_here[0] if cases_here else None
        detained = row.values.get("detention_date")
        same_date = [c for c in cases_here if detained and c.detention_date == detained]
        if len(same_date) == 1:
            return same_date[0]
        row.problems.append(
            Issue(
                row.number,
                self.column("detention_date"),
                said("import.which_case", count=len(cases_here), law=self.jurisdiction.code),
            )
        )
        return None

    def read_charges(self, text: str) -> ParseResult:
        """The charges of an articles cell, remembered per cell text for this run: a list writes the
        same few thousand notations over and over, and reading one takes a dozen expressions."""
        result = self.charges_read.get(text)
        if result is None:
            if len(self.charges_read) >= CELLS_REMEMBERED:
                self.charges_read.clear()  # a file of all-different cells must not grow memory
            result = self.charges_read[text] = parse_charges(
                text,
                attempt_article=self.jurisdiction.attempt_article,
                preparation_article=self.jurisdiction.preparation_article,
                country=self.jurisdiction.code,
            )
        return result

    def read_names(self, rows: list[ParsedRow]) -> None:
        """Note each readable row's name key (the file's rows that share a name are told apart at
        the end, `warn_same_names`), and find who in the registry already carries the keys no
        earlier row did: people this import created are not "possible duplicates" of the rows
        after them."""
        keyed = []
        for row in rows:
            if not row.problems and "name" in row.values and (key := name_key(row.values["name"])):
                row.name_key = key
                keyed.append((key, row.number))
        for chunk in _chunks(sorted(self.scratch.note_names(keyed))):
            found = list(
                PersonName.objects.filter(search_key__in=chunk, person__merged_into__isnull=True).values_list(
                    "search_key", "person__slug", "person_id"
                )
            )
            created = self.scratch.created_among({person_id for _, _, person_id in found})
            self.scratch.add_existing(
                (key, slug) for key, slug, person_id in found if person_id not in created
            )

    def _warn_possible_duplicates(self, rows: list[ParsedRow]) -> None:
        for row in rows:
            if not row.name_key:
                continue
            if slugs := self.scratch.existing_slugs(row.name_key):
                row.warnings.append(
                    Issue(
                        row.number,
                        self.column("name"),
                        said("import.possible_duplicate", people=", ".join(slugs)),
                    )
                )
        self.scratch.mark_new(row.number for row in rows if row.name_key)

    def warn_same_names(self) -> Iterator[Issue]:
        """Warnings for new people whose name another row of the file carries too: known only once
        every row has been read, so they are added to the report at the end."""
        for number, others in self.scratch.shared_names():
            yield Issue(
                number,
                self.column("name"),
                said("import.same_name", rows=", ".join(map(str, others))),
            )

    # -- writing

    def apply(self, row: ParsedRow, articles, facilities) -> RowOutcome:
        values = row.values
        changes: list[str] = []
        person = row.person
        if person is None:
            person = services.create_person(
                names=[
                    services.NameSpec(
                        values["name"],
                        values["script"],
                        values["name_kind"],
                        is_primary=True,
                        source=self.list_source(),
                        as_of=self.report.reclassified_on,
                    )
                ],
                by=self.by,
                **{f: values[f] for f in ("sex", "birth_date", "birth_date_precision") if f in values},
            )
            person.jurisdiction_cases = []
            claim_services.claim_values_of_new_record(
                person=person, fact_keys=self._facts(values, PERSON_FACTS), **self._claimed_by()
            )
            changes.append(said("change.person_created"))
            known_ids = set()
            known_names = set()
        else:
            known_ids = {(e.scheme, e.value) for e in person.external_ids.all()}
            known_names = {cells.fold(n.text): n for n in person.names.all()}
            changes += self._claim_facts(row, person, None)
            if "name" in values and cells.fold(values["name"]) not in known_names:
                services.add_person_name(
                    person=person,
                    text=values["name"],
                    script=values["script"],
                    kind=values["name_kind"],
                    source=self.list_source(),
                    as_of=self.report.reclassified_on,
                    by=self.by,
                )
                changes.append(said("change.another_spelling"))
            elif "name" in values and _gives_news(
                known_names[cells.fold(values["name"])], self.list_source()
            ):
                # The list writes a spelling the registry knows: its word on the name is kept too.
                services.cite_person_name(
                    name=known_names[cells.fold(values["name"])],
                    source=self.list_source(),
                    as_of=self.report.reclassified_on,
                    by=self.by,
                )
        for target, scheme in (("external_id", self.mapping.id_scheme), ("url", URL_SCHEME)):
            if target in values and (scheme, values[target]) not in known_ids:
                services.add_external_identifier(
                    person=person, scheme=scheme, value=values[target], by=self.by
                )
                if row.person is not None:
                    changes.append(said("change.identifier_added", scheme=scheme))

        case_fields = self._case_fields(row)
        case = row.case
        if case is None:
            if "status" not in case_fields:
                case_fields["status"] = self._status_without_column(values, choices.CaseStatus.DETAINED)
            case = services.create_case(
                person=person, jurisdiction=self.jurisdiction, by=self.by, **case_fields
            )
            claim_services.claim_values_of_new_record(
                person=person, case=case, fact_keys=self._facts(case_fields, CASE_FACTS), **self._claimed_by()
            )
            case.current_charges, case.open_stays, case.end_events, reviewed = [], [], [], set()
            case.created_in_row = True
            if row.person is not None:
                changes.append(said("change.case_created", law=self.jurisdiction.code))
        else:
            if "status" not in case_fields and ("release_date" in values or "died_on" in values):
                case_fields["status"] = self._status_without_column(values, case.status)
            claimed = {f for key in CASE_FACTS for f in facts.FACTS[key].fields}
            case_changes = {
                f: v for f, v in case_fields.items() if f not in claimed and getattr(case, f) != v
            }
            reviewed = {c.text for c in case.charges_to_review.all()}
            loaded = case
            if case_changes:
                case = services.update_case(case=case, by=self.by, **case_changes)
                changes += [_field(name) for name in sorted(case_changes)]
            claim_changes = self._claim_facts(row, person, case, case_fields)
            if claim_changes:
                changes += claim_changes
                case.refresh_from_db()
            case.current_charges, case.open_stays = loaded.current_charges, loaded.open_stays
            case.end_events = loaded.end_events
        case.reviewed_texts = reviewed
        changes += self._apply_charges(row, case, articles)
        changes += self._apply_facility(row, case, facilities)
        changes += self._apply_events(row, case)
        changes += self._apply_release_how(row, case)
        row.written_person = person
        if row.person is None:
            return RowOutcome(row.number, "created", [said("change.new_person_and_case")])
        return RowOutcome(row.number, "updated" if changes else "unchanged", changes)

    # -- claims: each imported list is a source, and what a row says of a fact is its claim

    @staticmethod
    def _facts(fields: dict, keys) -> list[str]:
        """The facts among `keys` that `fields` (a row's values, a case's fields) give a value for."""
        return [key for key in keys if facts.FACTS[key].fields[0] in fields]

    def _claimed_by(self) -> dict:
        return {"source": self.list_source(), "as_of": self.report.reclassified_on, "by": self.by}

    def _claim_facts(self, row: ParsedRow, person: Person, case: Case | None, case_fields=None) -> list[str]:
        """What the row says of the facts of a record the registry has: a claim from the list on
        each fact, unless the list said the same before. A claim that agrees or is accepted by the
        registry's rules is written through the services; one that conflicts with the accepted
        value leaves the record as it is, waits for a Publisher, and is a warning of the row."""
        keys = CASE_FACTS if case is not None else PERSON_FACTS
        record = case if case is not None else person
        fields = case_fields if case is not None else row.values
        said = self._said_before(person, case)
        changes = []
        for key in keys:
            spec = facts.FACTS[key]
            if spec.fields[0] not in fields:
                continue
            if spec.kind == facts.SENTENCE:
                value = {
                    "kind": fields["sentence_kind"],
                    "years": fields["sentence_years"],
                    "months": fields["sentence_months"],
                    "regime": fields["sentence_regime"],
                }
            elif spec.kind == facts.DATE:
                value = (fields[spec.fields[0]], fields[spec.fields[1]])
            else:
                value = fields[spec.fields[0]]
            if key == "person.sex" and value == choices.Sex.UNKNOWN:
                continue
            value = facts.canonical(spec, value)
            if said.get(key) == value:
                continue  # the list repeats itself: nothing new
            before = [getattr(record, f) for f in spec.fields]
            claim = claim_services.record_claim(
                fact=key, person=person, case=case, value=value, **self._claimed_by()
            )
            record.refresh_from_db(fields=list(spec.fields))
            moved = [f for f, old in zip(spec.fields, before, strict=True) if getattr(record, f) != old]
            column = spec.fields[0] if spec.kind != facts.SENTENCE else "sentence"
            changes += self._claim_outcome(row, spec, claim, record, value, column, moved=moved)
        return changes

    def _claim_outcome(self, row, spec, claim, record, value, column, *, moved) -> list[str]:
        """What a claim from the list did to the row's record, for the report: a conflict is a
        warning of the row; an accepted word names what changed (`moved`)."""
        if claim.state == choices.ClaimState.CONFLICTING:
            kept = facts.value_on(spec, record, facility_code=claim_services.facility_code)
            row.warnings.append(
                Issue(
                    row.number,
                    self.column(column),
                    said(
                        "import.claim_conflict",
                        fact=_fact(spec),
                        said=_value(spec, value),
                        kept=_value(spec, kept),
                    ),
                )
            )
            return [said("change.conflicting_claim", fact=_fact(spec))]
        if claim.state == choices.ClaimState.ACCEPTED:
            return [_field(name) for name in moved] if isinstance(moved, list) else [moved]
        return [said("change.list_agrees", fact=_fact(spec))]

    def _load_said(self, person_ids: list[int], people: dict[int, Person]) -> None:
        """What this list said before of the people's and their cases' facts (a list's row gives
        no charge facts), its latest word on each, as plain values: a re-import of 100,000 rows
        reads about half a million claims, too many to build a model instance each
        (docs/scaling.md)."""
        source = self.source or self.existing_list_source()
        said: dict[tuple[int, int | None], dict[str, object]] = {}
        if source is not None:
            rows = (
                Claim.objects.filter(source=source, person_id__in=person_ids, charge__isnull=True)
                .order_by("created_at", "pk")
                .values_list("person_id", "case_id", "fact", "value")
            )
            for person_id, case_id, fact, value in rows:
                said.setdefault((person_id, case_id), {})[fact] = value  # the latest wins
        for person_id in person_ids:
            person = people.get(person_id)
            if person is None:
                continue
            person.list_said = said.get((person_id, None), {})
            for case in person.jurisdiction_cases:
                case.list_said = said.get((person_id, case.pk), {})

    @staticmethod
    def _said_before(person: Person, case: Case | None) -> dict:
        """The list's latest word on each fact of the record (loaded by `_load_said`)."""
        return getattr(case if case is not None else person, "list_said", None) or {}

    def list_source(self) -> Source:
        """The source every claim of this list cites: one per import profile, found by its code,
        created on the list's first import (confidential, 'reported': staff may publish it, name
        it and grade it in Sources)."""
        if self.source is None:
            self.source = self.existing_list_source()
        if self.source is None:
            self.source = services.save_detail(
                instance=Source(
                    kind=choices.SourceKind.HUMAN_RIGHTS,
                    title=f"List: {self.mapping.label}"[:300],
                    confidential=True,
                    reliability=choices.SourceReliability.REPORTED,
                    import_list=self.mapping.code[:40],
                ),
                by=self.by,
            )
        return self.source

    def existing_list_source(self) -> Source | None:
        return Source.objects.filter(import_list=self.mapping.code).order_by("created_at", "pk").first()

    def _status_without_column(self, values, current):
        if "died_on" in values and "release_date" not in values and current in choices.HELD_STATUSES:
            return choices.CaseStatus.DIED_IN_CUSTODY
        if "release_date" in values and current in choices.HELD_STATUSES:
            return choices.CaseStatus.RELEASED
        return current

    def _case_fields(self, row: ParsedRow) -> dict:
        values = row.values
        out = {f: values[f] for f in ("status", "court", "judge", "prosecutor") if f in values}
        for target in CASE_DATE_FIELDS:
            if target in values:
                out[target] = values[target]
                out[f"{target}_precision"] = values[f"{target}_precision"]
        if "recognition_statement" in values:
            out["recognition_statement_url"] = values["recognition_statement"]
        recognised = (
            "recognised_on" in values or "recognition_statement" in values or values.get("recognised")
        )
        if recognised and self.mapping.recognised_by and not (row.case and row.case.recognised_by):
            out["recognised_by"] = self.mapping.recognised_by
        if sentence := values.get("sentence"):
            out.update(
                sentence_kind=sentence.kind,
                sentence_years=sentence.years,
                sentence_months=sentence.months,
                sentence_regime=sentence.regime,
            )
            verdict = values.get("verdict_date") or (row.case.verdict_date if row.case else None)
            if verdict is None:
                raise RefusedChange({"verdict_date": ["A sentence needs the verdict date."]})
        if "verdict_final_on" in values:
            verdict = values.get("verdict_date") or (row.case.verdict_date if row.case else None)
            if verdict is None:
                raise RefusedChange(
                    {
                        "verdict_final_on": [
                            "A verdict can become final only once there is a verdict: record its date."
                        ]
                    }
                )
        return out

    def _apply_charges(self, row: ParsedRow, case: Case, articles) -> list[str]:
        parsed = row.values.get("articles")
        if parsed is None:
            return []
        changes: list[str] = []
        wanted: list[tuple[Article, str]] = []
        column = self.column("articles")
        for charge in parsed.charges:
            article = articles.get((charge.article, charge.part))
            if charge.uncertain or article is None:
                if charge.uncertain:
                    reason = said(
                        "import.with_the_cell",
                        reason=uncertain_said(charge),
                        cell=row.values["articles_cell"][:120],
                    )
                else:
                    reason = unknown_article_said(charge, articles)
                self._review(row, case, charge.source_text, reason, charge, changes)
                continue
            wanted.append((article, charge.stage))
        for fragment in parsed.problems:
            self._review(row, case, fragment, said("import.unreadable_article"), None, changes)
        current = list(case.current_charges)
        missing = Counter((c.article_id, c.stage) for c in current)  # in the registry, not in the list
        missing.subtract((a.pk, stage) for a, stage in wanted)
        gone = []  # charges of the registry the list no longer has
        for charge in current:
            key = (charge.article_id, charge.stage)
            if missing[key] > 0:
                missing[key] -= 1
                gone.append(charge)
        extra = Counter((a.pk, stage) for a, stage in wanted)
        extra.subtract((c.article_id, c.stage) for c in current)
        new = []  # charges of the list the registry does not have
        for article, stage in wanted:
            if extra[(article.pk, stage)] > 0:
                extra[(article.pk, stage)] -= 1
                new.append((article, stage))
        if not gone and not new:
            return changes
        active_gone = [c for c in gone if c.state == choices.ChargeState.ACTIVE]
        # Pair a charge the list no longer has with a new one, same article number first.
        for article, stage in new:
            partner = next((c for c in active_gone if c.article.number == article.number), None)
            partner = partner or (active_gone[0] if active_gone else None)
            if partner is not None:
                active_gone.remove(partner)
                services.reclassify_charge(
                    charge=partner,
                    to_article=article,
                    stage=stage,
                    on=self.report.reclassified_on,
                    source=self.list_source(),
                    note=f"Import of {self.report.file_name} (sha256 {self.report.file_sha256[:12]}), "
                    f"row {row.number}",
                    by=self.by,
                )
                changes.append(
                    said("change.reclassified", **{"from": partner.article.notation, "to": article.notation})
                )
            else:
                services.add_charge(case=case, article=article, stage=stage, by=self.by)
                if row.person is not None:
                    changes.append(said("change.charge_added", article=article.notation))
        for charge in gone:
            if charge in active_gone or charge.state != choices.ChargeState.ACTIVE:
                row.warnings.append(
                    Issue(
                        row.number,
                        column,
                        said("import.not_in_list", article=charge.article.notation),
                    )
                )
        return changes

    def _review(self, row, case, text, reason, charge, changes) -> None:
        row.warnings.append(
            Issue(
                row.number,
                self.column("articles"),
                said("import.kept_for_review", text=text[:60], reason=reason),
            )
        )
        if text in case.reviewed_texts:
            return
        services.record_charge_to_review(
            case=case,
            text=text,
            reason=reason,
            article_number=charge.article if charge else "",
            part=charge.part if charge else "",
            stage=charge.stage if charge else choices.ChargeStage.UNKNOWN,
            import_run=self.import_run,
            by=self.by,
        )
        case.reviewed_texts.add(text)
        if row.person is not None:
            changes.append(said("change.review_added"))

    def _apply_facility(self, row: ParsedRow, case: Case, facilities) -> list[str]:
        name = row.values.get("facility")
        if name is None:
            return []
        facility, warning = resolve_facility(facilities, name, jurisdiction=self.jurisdiction, by=self.by)
        if warning:
            row.warnings.append(Issue(row.number, self.column("facility"), warning))
        if facility is None:
            return []
        if getattr(case, "created_in_row", False):
            # The case's first stay, from its detention date; the list says where.
            on = case.detention_date or self.report.reclassified_on
            services.transfer_person(case=case, facility=facility, on=on, by=self.by)
            claim_services.claim_values_of_new_record(
                person=case.person, case=case, fact_keys=[FACILITY_FACT], **self._claimed_by()
            )
            return [said("change.held_in", facility=facility.name_en)] if row.person is not None else []
        # A case the registry has: where the list says the person is held is its claim (a list
        # that moved the person is a transfer; another list that disagrees is a conflict).
        if self._said_before(case.person, case).get(FACILITY_FACT) == facility.slug:
            return []
        spec = facts.FACTS[FACILITY_FACT]
        claim = claim_services.record_claim(
            fact=FACILITY_FACT, person=case.person, case=case, value=facility.slug, **self._claimed_by()
        )
        return self._claim_outcome(
            row,
            spec,
            claim,
            case,
            facility.slug,
            "facility",
            moved=said("change.held_in", facility=facility.name_en),
        )

    def _apply_events(self, row: ParsedRow, case: Case) -> list[str]:
        changes = []
        if row.values.get("release_date") is not None:
            changes += self._claim_release(row, case)
        date, kind = row.values.get("died_on"), choices.EventKind.DIED
        if date is not None and (kind, date) not in {(e.kind, e.date) for e in case.end_events}:
            services.record_event(
                case=case,
                kind=kind,
                date=date,
                date_precision=row.values["died_on_precision"],
                is_public=True,
                by=self.by,
            )
            if row.person is not None:
                changes.append(said("change.event_added", kind={"choice": ["EventKind", kind]}))
        return changes

    def _apply_release_how(self, row: ParsedRow, case: Case) -> list[str]:
        """How the list says the person left custody completes the case's release where the
        registry does not know it: not recorded, or only what a status word implied and nobody has
        changed since. A release staff described otherwise is kept, and the row says so; a list
        that gives how for a person it does not say is out records nothing (a warning)."""
        how = row.values.get("release_how")
        if how is None:
            return []
        column = self.column("release_how")
        release = Release.objects.filter(case=case).first()
        if release is None:
            row.warnings.append(
                Issue(
                    row.number,
                    column,
                    said("import.release_how_alone"),
                )
            )
            return []
        if release.how == how:
            return []
        implied = release.how in (choices.ReleaseKind.UNKNOWN, choices.HOW_BY_STATUS.get(case.status))
        if not implied or release.history.count() > 1:
            row.warnings.append(
                Issue(
                    row.number,
                    column,
                    said("import.release_how_differs", said=_how(how), kept=_how(release.how)),
                )
            )
            return []
        services.correct_release(release=release, how=how, by=self.by)
        return [said("change.release", how=_how(how))]

    def _claim_release(self, row: ParsedRow, case: Case) -> list[str]:
        """The list's release date is its claim on the case's release (RELEASE_FACT). A new case's
        release is recorded and claimed with its other facts. On a case the registry has, a list
        that gives the day first records the release; one that gives another day than the
        registry's is a conflict for review (or moves the release, by the registry's rules):
        never a second release."""
        spec = facts.FACTS[RELEASE_FACT]
        day, precision = row.values["release_date"], row.values["release_date_precision"]
        if getattr(case, "created_in_row", False):
            services.record_event(
                case=case,
                kind=spec.event_kind,
                date=day,
                date_precision=precision,
                is_public=True,
                by=self.by,
            )
            claim_services.claim_values_of_new_record(
                person=case.person, case=case, fact_keys=[RELEASE_FACT], **self._claimed_by()
            )
            return []
        value = facts.canonical(spec, (day, precision))
        if self._said_before(case.person, case).get(RELEASE_FACT) == value:
            return []
        released_before = case.release_event is not None
        claim = claim_services.record_claim(
            fact=RELEASE_FACT, person=case.person, case=case, value=value, **self._claimed_by()
        )
        moved = (
            said("change.released_event_added") if not released_before else said("change.release_date_moved")
        )
        return self._claim_outcome(row, spec, claim, case, value, "release_date", moved=moved)


def _rearrested_after(case: Case, detained: tuple | None) -> bool:
    """Does a detention in the range `detained` come after `case` ended in a release? Only when
    the case's status says the person is out and the whole range falls after the day of the
    release (a list that gives another detention date for the same case is not a re-arrest)."""
    if detained is None or case.status not in choices.RELEASE_STATUSES:
        return False
    released = latest_event(case.end_events, choices.CUSTODY_END_KINDS)
    out = partial_dates.period(released.date, released.date_precision) if released else None
    return out is not None and detained[0] > out[1]


# The entry point ------------------------------------------------------------------------------


# Automatic full collections during a run: one per this many collections of the middle
# generation (Python's default: 10). The run collects each chunk's garbage itself (_chunk_collected).
RUN_FULL_COLLECTION_EVERY = 100


@contextlib.contextmanager
def _collector_tuned_for_the_run():
    """Leave the objects the process held before the run out of the garbage collector's full
    collections while it lasts (`gc.freeze`), and make the automatic full collections rare: a
    large import allocates millions of objects, and each full collection walked the whole heap
    again (docs/scaling.md). The garbage a chunk leaves is collected once, when the chunk is done
    (`_chunk_collected`). Nothing is kept longer than the run: the frozen objects and the
    collector's thresholds are given back at its end. (Process-wide: a run in another thread
    only shares the saving.)"""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], RUN_FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _chunk_collected() -> None:
    """Free the records a chunk loaded, once it is done. They hold one another (Django caches a
    related record on each side), so only the full collector frees them: once here, when all of
    them are garbage, rather than several times while they were still in use (a 20,000-row
    re-import spent 10.4 s in 47 full collections; 3.3 s in 10 this way; docs/scaling.md)."""
    gc.collect()


def run_import(
    data: bytes,
    *,
    file_name: str,
    mapping: Mapping,
    by=None,
    jurisdiction: str = "BY",
    profile: ImportProfile | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = True,
    reclassified_on: datetime.date | None = None,
    max_rows: int = MAX_ROWS,
    source: Source | None = None,
) -> ImportReport:
    """Import (or, with `dry_run`, rehearse importing) one CSV or XLSX file.

    Side effects: on a real run without problems (or with `all_or_nothing=False`), the rows'
    writes through cases.services, with `by` as their author; in every case one ImportRun row.
    The rows' facts are claims of `source`, or, without one, of the profile's list source
    (`Importer.list_source`): a list is one source, whichever file of it is imported.
    Raises UnreadableFile when the file is not a CSV or XLSX file (TooManyRows past `max_rows`
    rows), and Jurisdiction.DoesNotExist for an unknown jurisdiction code; nothing is recorded
    then.
    """
    today = timezone.localdate()
    report = ImportReport(
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        mapping=mapping.code,
        jurisdiction=jurisdiction,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        reclassified_on=reclassified_on or today,
    )
    jurisdiction_obj = Jurisdiction.objects.get(code=jurisdiction)
    if report.reclassified_on > today:
        raise ValueError("The reclassification date cannot be in the future.")
    table = read_table(data, max_rows=max_rows)
    with _collector_tuned_for_the_run(), Scratch() as scratch:
        importer = Importer(
            mapping=mapping, jurisdiction=jurisdiction_obj, by=by, report=report, today=today, scratch=scratch
        )
        importer.source = source
        columns = importer.read_header(table.headers)
        articles = ArticleIndex(jurisdiction_obj)
        facilities = FacilityIndex(jurisdiction_obj)
        header_broken = bool(scratch.counts[PROBLEM])
        run = ImportRun(
            created_by=importer.by,
            file_name=file_name[:255],
            file_sha256=report.file_sha256,
            mapping=mapping.code,
            profile=profile,
            profile_config=mapping.as_config(),
            state=ImportRun.State.IMPORTED,
        )
        try:
            with transaction.atomic():
                run.save()
                importer.import_run = run
                # The file is read, matched and written a chunk at a time: neither rows nor the
                # report's lines stay in memory after their chunk (see `Importer`).
                for chunk in _chunks(table.rows, MATCH_CHUNK):
                    rows = [importer.parse_row(r.number, r.cells, columns, r.stray) for r in chunk]
                    report.rows += len(rows)
                    _match_and_apply(importer, rows, articles, facilities)
                    report.kept_cells += _keep_cells(run, rows)
                    scratch.add_issues(PROBLEM, (issue for row in rows for issue in row.problems))
                    scratch.add_issues(WARNING, (issue for row in rows for issue in row.warnings))
                    del rows
                    _chunk_collected()
                if not report.rows:
                    scratch.add_issues(PROBLEM, [Issue(None, "", said("import.no_rows"))])
                for same_names in _chunks(importer.warn_same_names(), 1000):
                    scratch.add_issues(WARNING, same_names)
                report.problem_count, report.warning_count = scratch.counts[PROBLEM], scratch.counts[WARNING]
                report.columns = [reading.as_json() for reading in importer.readings.values()]
                if dry_run or (report.problem_count and (all_or_nothing or header_broken or not report.rows)):
                    raise _Rollback
                report.state = ImportRun.State.IMPORTED
                _finish(run, report, scratch)
        except _Rollback:
            # The run's record was rolled back with the rest: a new one keeps the report.
            report.state = ImportRun.State.DRY_RUN if dry_run else ImportRun.State.REFUSED
            run.pk = None
            with transaction.atomic():
                _finish(run, report, scratch)
    return report


def _match_and_apply(importer: Importer, chunk: list[ParsedRow], articles, facilities) -> None:
    """Match one chunk of rows to the registry and write it; then let go of what it loaded."""
    importer.read_names(chunk)
    importer.match([r for r in chunk if not r.problems])
    new_rows = [r for r in chunk if not r.problems and r.person is None]
    in_bulk = (
        create_new_people(importer, new_rows, articles, facilities) if len(new_rows) >= BULK_MIN_ROWS else {}
    )
    outcomes = []
    for row in chunk:
        if row.problems:
            outcomes.append(RowOutcome(row.number, "rejected"))
            continue
        if in_bulk.get(row.number) is not None:
            outcomes.append(in_bulk[row.number])
            continue
        try:
            with transaction.atomic():
                outcomes.append(importer.apply(row, articles, facilities))
        except (ValidationError, IntegrityError) as error:
            row.problems += _service_problems(row, error, importer)
            outcomes.append(RowOutcome(row.number, "rejected"))
    importer.report.counts.update(outcome.action for outcome in outcomes)
    # Unchanged rows are only counted: a re-import of 100,000 rows leaves no line per row.
    importer.scratch.add_outcomes(outcome for outcome in outcomes if outcome.action != "unchanged")
    created = []
    for row in chunk:
        person = row.written_person or row.person
        row.written_person_id = person.pk if person is not None and not row.problems else None
        if row.person is None and row.written_person_id is not None:
            created.append(row.written_person_id)
        row.person = row.case = row.written_person = None
    importer.scratch.add_created(created)


LINES_BATCH = 2000  # report lines written per INSERT


def _finish(run: ImportRun, report: ImportReport, scratch: Scratch) -> None:
    """Save the run with its counts, and every line of its report, a batch at a time."""
    run.state = report.state
    run.rows = report.rows
    run.created, run.updated = report.created, report.updated
    run.unchanged, run.rejected = report.unchanged, report.rejected
    run.warnings = report.warning_count
    run.report = report.as_json()
    run.save()
    for kind in (PROBLEM, WARNING, ROW):
        lines = (
            ImportRunLine(
                run=run,
                kind=kind,
                position=position,
                row=row,
                column=column[:200],
                action=action,
                text=text,
                message=message,
            )
            for position, (row, column, action, text, message) in enumerate(scratch.lines(kind))
        )
        for batch in _chunks(lines, LINES_BATCH):
            ImportRunLine.objects.bulk_create(batch)
    report.problems = scratch.issues(PROBLEM, REPORT_PREVIEW)
    report.warnings = scratch.issues(WARNING, REPORT_PREVIEW)
    report.outcomes = scratch.outcomes(REPORT_PREVIEW)
    report.import_run_id = run.pk


# Helpers --------------------------------------------------------------------------------------


def _keep_cells(run: ImportRun, rows: list[ParsedRow]) -> int:
    """Store the cells no field took, with the run and the row's person, in batches. A re-import
    of the same file keeps them again with its own run: each run's record is whole."""
    kept = [
        KeptCell(
            run=run,
            row=row.number,
            column=column[:200],
            text=text,
            reason=reason,
            person_id=row.written_person_id,
        )
        for row in rows
        if not row.problems
        for column, text, reason in row.kept
    ]
    KeptCell.objects.bulk_create(kept, batch_size=1000)
    return len(kept)


MODEL_FIELD_COLUMNS = {
    "sentence_kind": "sentence",
    "sentence_years": "sentence",
    "sentence_months": "sentence",
    "sentence_regime": "sentence",
    "birth_date_precision": "birth_date",
    "text": "name",
    "value": "external_id",
    "start_date": "facility",
}


def _service_problems(row: ParsedRow, error, importer: Importer) -> list[Issue]:
    """A service's refusal as problems of the row, at the column that fed the refused field."""
    if isinstance(error, IntegrityError):
        return [Issue(row.number, "", said("import.database_refused"))]
    # Read in English, the report's stored language; a reader sees each refusal in theirs where
    # the catalogues translate it (most are the models' and services' own marked messages).
    with translation.override("en"):
        if hasattr(error, "error_dict"):
            issues = []
            for model_field, messages in error.message_dict.items():
                target = MODEL_FIELD_COLUMNS.get(model_field, model_field)
                column = importer.column(target) if model_field != "__all__" else ""
                issues += [Issue(row.number, column, _refusal(message)) for message in messages]
            return issues
        return [Issue(row.number, "", _refusal(message)) for message in error.messages]


def _refusal(text: str):
    return said("import.refused", refusal={"msgid": str(text)})


# The model of each field a report may name that is not the case's.
FIELD_MODELS = {
    "sex": "Person",
    "birth_date": "Person",
    "birth_date_precision": "Person",
    "facility": "FacilityStay",
}


def _target(name: str) -> dict:
    """A field a column feeds or a row changed, as a message parameter: the record's field of that
    name by its verbose name in the reader's language where there is one; in English its name as
    the report always wrote it."""
    return {"field": [FIELD_MODELS.get(name, "Case"), name]}


def _field(name: str) -> Said:
    """A field of the record a row changed, as one of the row's changes."""
    return said("change.field", field=_target(name))


def _fact(spec: facts.Fact) -> dict:
    """A claimed fact's name in the report: the term of the claim's fact (its English: the label)."""
    for key in (f"claim.{spec.key}", f"import.fact.{spec.key}"):
        if key in catalogue.TERMS:
            return catalogue.term(key)
    return spec.label


def _value(spec: facts.Fact, value) -> dict:
    """A claimed value in words, in the reader's language (its English: facts.describe)."""
    return {
        "claim": {"fact": spec.key, "value": value, "value_only": True},
        "label": facts.describe(spec, value),
    }


def _how(how: str) -> dict:
    """How a person left custody, a label of the vocabulary (its English: the code, as before)."""
    return {"choice": ["ReleaseKind", how]}


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return " ".join(str(value).split())


def _sentence_words(sentence: cells.Sentence) -> str:
    term = " ".join(
        part
        for part in (
            f"{sentence.years} y" if sentence.years else "",
            f"{sentence.months} m" if sentence.months else "",
        )
        if part
    )
    return ", ".join(part for part in (sentence.kind, term, sentence.regime) if part)


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = iter(values)
    while chunk := list(itertools.islice(values, size)):
        yield chunk


def _open_stays():
    return FacilityStay.objects.filter(end_date__isnull=True)


__all__ = ["ImportReport", "Issue", "RowOutcome", "UnreadableFile", "run_import"]


def _gives_news(name, source) -> bool:
    """The list's word on a spelling the registry knows is not recorded yet: a list imported
    again records nothing. The name's own source answers for the list that gave it first without
    a query (who else gives a name is not loaded with the people: a no-op re-import of 20,000 rows
    took 2.5 s longer with it)."""
    if source is None or name.source_id == source.pk:
        return False
    return not name.also_given_by.filter(source=source).exists()
