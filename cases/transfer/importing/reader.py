"""Read a CSV or XLSX file into a header and rows of cells, without interpreting them.

- XLSX is recognised by its content (a ZIP archive), whatever the file is called, and read with
  openpyxl in read-only mode with `data_only=False`, so a formula comes back as a formula (and is
  refused by the importer) instead of as whatever value Excel cached for it. Only the first sheet
  is read. Date cells come back as dates and number cells as numbers.
- CSV must be UTF-8 (a byte-order mark is allowed, as Excel writes one). The delimiter is the one
  of ";", "," or tab that the header line uses most: Excel in a Russian or Belarusian locale
  writes ";". Every CSV cell is text.
- Anything else (a legacy .xls, a PDF, text in another encoding) raises UnreadableFile with a
  message for the person who chose the file.

Row numbers are the spreadsheet's own: the header is row 1, the first data row is row 2, so a
report's "row 7" is the row a person sees as 7. Rows whose cells are all empty are skipped.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX file this importer can read."""


class TooManyRows(UnreadableFile):
    """The file has more rows than the caller takes (`limit`)."""

    def __init__(self, limit: int):
        super().__init__(f"The file has more than {limit} rows; split it.")
        self.limit = limit


@dataclass(frozen=True)
class Cell:
    """One cell: its value (str, int, float, date or datetime) and whether it holds a formula."""

    value: object
    is_formula: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number: the header is row 1
    cells: list[Cell]  # in header order
    stray: int = 0  # non-empty cells to the right of the last named column


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterator[Row]  # read as they are consumed: a file is never held as cells all at once
    kind: str  # "csv" or "xlsx"


MAX_ROWS = 200_000


def read_table(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The header and the non-empty rows of `data`, a whole CSV or XLSX file.

    The header is read at once, so an unreadable file is refused before anything else happens;
    the rows are read while they are consumed (the importer takes them a chunk at a time). A
    problem further down the file (a CSV quoting error) raises UnreadableFile when the reading
    reaches it, and more than `max_rows` rows (never more than MAX_ROWS) TooManyRows.
    """
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("This is an old Excel .xls file: save it as .xlsx or as CSV (UTF-8) first.")
    else:
        table = _read_csv(data)
    return dataclasses.replace(table, rows=_at_most(table.rows, min(max_rows, MAX_ROWS)))


def _at_most(rows: Iterator[Row], limit: int) -> Iterator[Row]:
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise TooManyRows(limit)
        yield row


DECODE_BLOCK = 1 << 20  # bytes checked as UTF-8 at a time
NOT_SPACE = re.compile(rb"\S")


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("This is not a CSV or XLSX file (it holds binary data).")
    try:
        # Checked whole before reading (a stream would find a bad byte only on the row holding it),
        # a block at a time and without keeping a decoded copy (a whole one would take twice the
        # file in memory): the rows are decoded again as they are read.
        decoder, view = codecs.getincrementaldecoder("utf-8-sig")(), memoryview(data)
        for start in range(0, len(data), DECODE_BLOCK):
            decoder.decode(view[start : start + DECODE_BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnreadableFile(
            "This CSV file is not UTF-8: save it as 'CSV UTF-8' (Excel) or re-encode it, then try again."
        ) from None
    if not NOT_SPACE.search(data, len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0):
        raise UnreadableFile("The file is empty.")
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    first_line = text.readline()
    text.seek(0)
    delimiter = max((";", ",", "\t"), key=first_line.count)
    records = csv.reader(text, delimiter=delimiter)

    def cells():
        try:
            for record in records:
                yield [Cell(v) for v in record]
        except csv.Error as error:
            raise UnreadableFile(f"This CSV file cannot be read: {error}.") from None

    return _table(cells(), "csv")


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            f"This is not an XLSX file this importer can read ({type(error).__name__})."
        ) from None

    def cells():
        try:
            for row in workbook.worksheets[0].iter_rows():
                yield [Cell(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]
        finally:
            workbook.close()

    return _table(cells(), "xlsx")


def _table(records: Iterator[list[Cell]], kind: str) -> Table:
    header_cells = next(records, None)
    if header_cells is None:
        raise UnreadableFile("The file is empty.")
    while header_cells and header_cells[-1].is_empty:
        header_cells = header_cells[:-1]
    headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
    if not any(headers):
        raise UnreadableFile("The first row must hold the column names; it is empty.")
    return Table(headers=headers, rows=_rows(records, len(headers)), kind=kind)


def _rows(records: Iterator[list[Cell]], width: int) -> Iterator[Row]:
    for number, record in enumerate(records, start=2):
        if number > MAX_ROWS + 1:  # empty lines count here: a sheet of a million blank rows stops too
            raise TooManyRows(MAX_ROWS)
        cells = (record + [Cell(None)] * width)[:width]
        extra = record[width:]
        if all(c.is_empty for c in cells) and all(c.is_empty for c in extra):
            continue
        yield Row(number, cells, sum(1 for c in extra if not c.is_empty))
