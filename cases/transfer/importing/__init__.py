"""Import of people, cases and charges from CSV and XLSX spreadsheets (issue 6).

reader.py reads the file into cells, mappings.py says which column feeds which field, dates.py
and cells.py read one cell each, importer.py matches rows to people by their external
identifiers and writes through cases.services. The rules, for staff: docs/import.md.
"""

from cases.transfer.importing.importer import ImportReport, Issue, run_import
from cases.transfer.importing.mappings import MAPPINGS, get_mapping
from cases.transfer.importing.reader import TooManyRows, UnreadableFile

__all__ = ["MAPPINGS", "ImportReport", "Issue", "TooManyRows", "UnreadableFile", "get_mapping", "run_import"]
