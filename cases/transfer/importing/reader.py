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

import csv
import io
import zipfile
from dataclasses import dataclass


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX file this importer can read."""


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
    rows: list[Row]
    kind: str  # "csv" or "xlsx"


MAX_ROWS = 200_000


def read_table(data: bytes) -> Table:
    """The header and the non-empty rows of `data`, a whole CSV or XLSX file."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("This is an old Excel .xls file: save it as .xlsx or as CSV (UTF-8) first.")
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("This is not a CSV or XLSX file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "This CSV file is not UTF-8: save it as 'CSV UTF-8' (Excel) or re-encode it, then try again."
        ) from None
    if not text.strip():
        raise UnreadableFile("The file is empty.")
    first_line = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(f"This CSV file cannot be read: {error}.") from None
    return _table([[Cell(v) for v in record] for record in records], "csv")


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            f"This is not an XLSX file this importer can read ({type(error).__name__})."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = []
        for row in sheet.iter_rows():
            records.append([Cell(cell.value, getattr(cell, "data_type", None) == "f") for cell in row])
            if len(records) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return _table(records, "xlsx")


def _table(records: list[list[Cell]], kind: str) -> Table:
    if not records:
        raise UnreadableFile("The file is empty.")
    if len(records) > MAX_ROWS + 1:
        raise UnreadableFile(f"The file has more than {MAX_ROWS} rows; split it.")
    header_cells = records[0]
    while header_cells and header_cells[-1].is_empty:
        header_cells = header_cells[:-1]
    headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
    if not any(headers):
        raise UnreadableFile("The first row must hold the column names; it is empty.")
    width = len(headers)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = (record + [Cell(None)] * width)[:width]
        extra = record[width:]
        if all(c.is_empty for c in cells) and all(c.is_empty for c in extra):
            continue
        rows.append(Row(number, cells, sum(1 for c in extra if not c.is_empty)))
    return Table(headers=headers, rows=rows, kind=kind)
