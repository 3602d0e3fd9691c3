"""Spreadsheet formulas in cells: what starts one, refused on the way in and neutralised on the way out.

A cell starting with = + - @, a tab or a carriage return is run by a spreadsheet as a formula, so an
exported name could run code on a reader's machine. Pure functions.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The text a spreadsheet shows as text: a formula start is prefixed with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
