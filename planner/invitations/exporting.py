"""The invitee list as CSV, safe to open in a spreadsheet (no cell becomes a formula)."""

import csv
import io

from planner.institutes.models import Institute
from planner.invitations.models import Invitee

# Spreadsheets run a cell starting with these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# English header names the import reads back, so an export re-imports as it is.
COLUMNS = (
    ("Full name", lambda i: i.full_name),
    ("Name in passport", lambda i: i.passport_name),
    ("E-mail", lambda i: i.email),
    ("Phone", lambda i: i.phone),
    ("Organization", lambda i: i.organization),
    ("Country", lambda i: i.country or ""),
    ("Nationality", lambda i: i.nationality or ""),
    ("Role", lambda i: i.role.value),
    ("Language", lambda i: i.language),
    ("Status", lambda i: i.rsvp_status.value),
    ("Passport expiry", lambda i: i.passport_expiry.isoformat() if i.passport_expiry else ""),
    ("Dietary needs", lambda i: i.dietary_needs),
    ("Access needs", lambda i: i.access_needs),
)


def safe_cell(value: str) -> str:
    """The text as is, unless a spreadsheet would run it: then it is quoted with '."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def invitees_csv(institute: Institute, invitees: list[Invitee]) -> str:
    """UTF-8 with BOM and ; separators, as spreadsheets in the region open them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for invitee in invitees:
        writer.writerow([safe_cell(value(invitee) or "") for _, value in COLUMNS])
    return "\ufeff" + out.getvalue()
