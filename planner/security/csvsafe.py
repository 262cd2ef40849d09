"""CSV cells that spreadsheet programs cannot run as formulas (CSV injection, DESIGN §6)."""

import csv
import io
from collections.abc import Iterable

# A cell starting with one of these is read as a formula (or part of one) by Excel,
# LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as CSV text; a leading apostrophe keeps a formula-like start inert.

    None is the empty cell; everything else is ``str()``-ed. Only the first character
    matters: "=1+2" becomes "'=1+2", "a=b" stays as it is.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A CSV document (with a BOM so Excel reads UTF-8, Cyrillic included); every cell safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
