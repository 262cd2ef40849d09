"""CSV cells that spreadsheet programs cannot run as formulas (CSV injection, DESIGN §6),
and the one separator every CSV export uses."""

import csv
import io
import re
from collections.abc import Iterable

from flask import current_app, has_app_context

# A cell starting with one of these is read as a formula (or part of one) by Excel,
# LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone number ("+7 701 014 1683", "+996 (555) 12-34-56") or a negative number ("-5"):
# only digits, spaces, brackets and dashes name no function and no cell, so the cell cannot do
# harm as a formula; guarding it would put an apostrophe into every phone (first-use B10).
HARMLESS = re.compile(r"\+[0-9][0-9 ()\-]*|-[0-9]+(?:[.,][0-9]+)?")
SEPARATORS = {";": "semicolon", ",": "comma", "\t": "tab"}
DEFAULT_SEPARATOR = ";"


def needs_guard(text: str) -> bool:
    """Would a spreadsheet run this cell as a formula that can reach anything?"""
    return text.startswith(FORMULA_STARTS) and HARMLESS.fullmatch(text) is None


def safe_cell(value) -> str:
    """The value as CSV text; a leading apostrophe keeps a formula-like start inert.

    None is the empty cell; everything else is ``str()``-ed. Only the first character
    matters: "=1+2" becomes "'=1+2", "a=b" stays as it is, and a phone number such as
    "+7 701 014 1683" stays as it is. The import removes the apostrophe again.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if needs_guard(text) else text


def separator() -> str:
    """The separator of every CSV export: the CSV_SEPARATOR setting, ";" by default (what
    spreadsheets of Russian-locale systems expect)."""
    if has_app_context():
        value = current_app.config.get("CSV_SEPARATOR") or DEFAULT_SEPARATOR
        return value if value in SEPARATORS else DEFAULT_SEPARATOR
    return DEFAULT_SEPARATOR


def csv_filename(stem: str) -> str:
    """The file name states the separator ("list-semicolon.csv"): a spreadsheet's text import
    asks for it, and a `sep=` line would make Excel ignore the UTF-8 byte order mark."""
    return f"{stem}-{SEPARATORS[separator()]}.csv"


def csv_text(header: Iterable, rows: Iterable[Iterable], delimiter: str | None = None) -> str:
    """A CSV document (with a BOM so Excel reads UTF-8, Cyrillic included); every cell safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter or separator(), lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
