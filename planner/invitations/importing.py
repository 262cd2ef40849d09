"""Spreadsheet (CSV or XLSX) import of invitees: read, map headers, check every row, compare
with the people already in the list, then save new people and changes.

Reading, checking and comparing never write. ``save_rows`` adds new people and updates the
changed ones in the caller's transaction (the view commits once: all or nothing). Row numbers
are the ones the organizer sees in the spreadsheet: the header is row 1. People are matched by
e-mail; an empty cell never erases what the list already holds, and nobody is removed because
the sheet no longer names them.
"""

import csv
import hashlib
import io
import json
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations import normalize, profile_columns
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.invitations.services import add_history, normalize_email
from planner.security import audit

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# A workbook is a zip: its parts unpacked may not exceed this (a zip bomb is refused unread).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_COLUMNS = 60
# Rows read from a workbook, empty ones included (a sheet formatted down to row 1,048,576).
MAX_SHEET_ROWS = 20_000
UPLOAD_TTL_SECONDS = 3600
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
UPLOAD_KINDS = ("csv", "xlsx")
# A real name never starts like a spreadsheet formula; such a cell is an injection attempt
# or a broken export, and the organizer should look at it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other old Office files

FIELDS = (
    "full_name",
    "passport_name",
    "email",
    "phone",
    "organization",
    "country",
    "nationality",
    "role",
    "language",
    "passport_expiry",
)
# Every column the sheet may have: the invitee's, then the reporting profile's.
COLUMNS = FIELDS + profile_columns.COLUMNS
# Columns stored on the invitee itself (the profile's are saved beside it).
INVITEE_COLUMNS = (*FIELDS, "date_of_birth")
REQUIRED = ("full_name", "email")
# What a re-import may change of a person found by e-mail.
COMPARED = tuple(name for name in INVITEE_COLUMNS if name != "email")
# Text fields checked against the length of their column before the preview says "imported".
LENGTH_CHECKED = ("full_name", "passport_name", "email", "phone", "organization")
# A correction typed in the preview is at most this long (the column check still applies).
MAX_CORRECTION_CHARS = 400

FIELD_LABELS = {
    "full_name": _l("Full name"),
    "passport_name": _l("Name in passport"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "organization": _l("Organization"),
    "country": _l("Country"),
    "nationality": _l("Nationality"),
    "role": _l("Role"),
    "language": _l("Language"),
    "passport_expiry": _l("Passport expiry"),
    **{name: profile_columns.LABELS[name] for name in profile_columns.COLUMNS},
}
# Labels of what a re-import may change (a self-described gender has no column of its own).
CHANGE_LABELS = {**FIELD_LABELS, "gender_text": profile_columns.LABELS["gender_text"]}

# Headers of the downloadable template: English and Russian, both read back by map_headers.
TEMPLATE_HEADERS = {
    "full_name": "Full name / ФИО",
    "passport_name": "Name in passport / Имя в паспорте",
    "email": "E-mail / Эл. почта",
    "phone": "Phone / Телефон",
    "organization": "Organization / Организация",
    "country": "Country / Страна",
    "nationality": "Nationality / Гражданство",
    "role": "Role / Роль",
    "language": "Language / Язык",
    "passport_expiry": "Passport expiry / Срок действия паспорта",
    **profile_columns.TEMPLATE_HEADERS,
}

# Header names in English and Russian, compared casefolded; "ФИО / Full name" matches either.
HEADER_NAMES = {
    "full_name": ("full name", "name", "фио", "имя", "имя и фамилия", "ф.и.о.", "участник"),
    "passport_name": (
        "name in passport",
        "passport name",
        "имя в паспорте",
        "фио в паспорте",
        "фио латиницей",
        "латиницей",
    ),
    "email": ("e-mail", "email", "mail", "эл. почта", "электронная почта", "почта", "емейл"),
    "phone": ("phone", "telephone", "mobile", "телефон", "тел.", "мобильный"),
    "organization": ("organization", "organisation", "организация", "орг."),
    "country": ("country", "country of residence", "страна", "страна проживания"),
    "nationality": ("nationality", "citizenship", "гражданство", "национальность"),
    "role": ("role", "роль"),
    "language": ("language", "preferred language", "язык"),
    "passport_expiry": (
        "passport expiry",
        "passport expires",
        "passport valid until",
        "срок действия паспорта",
        "паспорт действителен до",
        "паспорт до",
    ),
    **profile_columns.HEADER_NAMES,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the organizer."""


class Outcome:
    """What the import does with a row."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # errors, or the organizer chose to skip it
    EMPTY = "empty"


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class ImportRow:
    number: int  # as in the spreadsheet: the header is row 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    empty: bool = False
    # Fields whose cell has a value (an empty cell never erases a stored value).
    filled: set[str] = field(default_factory=set)
    corrected: bool = False
    skip: bool = False
    invitee_id: int | None = None
    changes: list[Change] = field(default_factory=list)
    # A new person who took part in an earlier institute of the organization
    # (planner.reports.returning.Recognised): by e-mail, or possibly by name and nationality.
    returning: object = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.empty and not self.skip

    @property
    def outcome(self) -> str:
        if self.empty:
            return Outcome.EMPTY
        if not self.ok:
            return Outcome.SKIPPED
        if self.invitee_id is None:
            return Outcome.NEW
        return Outcome.CHANGED if self.changes else Outcome.UNCHANGED


@dataclass
class MissingPerson:
    """Someone in the list whom the sheet does not name: shown, never removed."""

    id: int
    full_name: str
    email: str


@dataclass
class ImportPreview:
    encoding: str  # "UTF-8", "Windows-1251", ... or "XLSX"
    delimiter: str  # "" for a workbook
    columns: dict[str, str]  # field -> header as written
    ignored_columns: list[str]
    rows: list[ImportRow]
    missing: list[MissingPerson] = field(default_factory=list)

    @property
    def is_workbook(self) -> bool:
        return self.encoding == "XLSX"

    def _with(self, outcome: str) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == outcome]

    @property
    def valid_rows(self) -> list[ImportRow]:
        """Rows that will be saved: new people and changed ones."""
        return [r for r in self.rows if r.outcome in (Outcome.NEW, Outcome.CHANGED)]

    @property
    def new_rows(self) -> list[ImportRow]:
        return self._with(Outcome.NEW)

    @property
    def changed_rows(self) -> list[ImportRow]:
        return self._with(Outcome.CHANGED)

    @property
    def unchanged_rows(self) -> list[ImportRow]:
        return self._with(Outcome.UNCHANGED)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors and not r.empty]

    @property
    def skipped_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.skip and not r.errors and not r.empty]

    @property
    def empty_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.empty]

    @property
    def returning_rows(self) -> list[ImportRow]:
        """New people recognised from an earlier institute of the organization."""
        return [r for r in self.new_rows if r.returning is not None]

    def fingerprint(self) -> str:
        """What the organizer agreed to (the rows that will be saved, their values and the
        stored values they replace), short enough for the session cookie."""
        digest = hashlib.sha256()
        for row in self.valid_rows:
            changes = [(c.field, repr(c.old), repr(c.new)) for c in row.changes]
            cleaned = sorted((k, repr(v)) for k, v in row.cleaned.items())
            digest.update(repr((row.number, row.invitee_id, cleaned, changes)).encode())
        return digest.hexdigest()


# Reading the file -------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1251.

    Every failure is an ImportFileError with a message, never an exception of the codec.
    """
    if raw.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _l("This is a spreadsheet workbook, not CSV. Save it as CSV (UTF-8) and upload that.")
        )
    if raw.startswith(OLE_MAGIC):
        raise ImportFileError(_old_excel_message())
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text, encoding = raw.decode("utf-16"), "UTF-16"
        elif raw.startswith(b"\xef\xbb\xbf"):
            text, encoding = raw[3:].decode("utf-8"), "UTF-8 (BOM)"
        else:
            try:
                text, encoding = raw.decode("utf-8"), "UTF-8"
            except UnicodeDecodeError:
                # Windows-1251 leaves five bytes undefined: any of them means another encoding.
                text, encoding = raw.decode("cp1251"), "Windows-1251"
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _l(
                "The file cannot be read as text in a known encoding. Save it again as "
                "CSV (UTF-8) and upload that."
            )
        ) from error
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n")
    if "\x00" in text or controls > 8:
        raise ImportFileError(_l("This file is not a CSV text file."))
    return text, encoding


def _old_excel_message():
    return _l(
        "This is an old Excel 97-2003 file (.xls). Save it as an Excel workbook (.xlsx) "
        "or as CSV (UTF-8) and upload that."
    )


def _header_key(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split()).casefold().strip(" :*")


_HEADER_LOOKUP = {name: key for key, names in HEADER_NAMES.items() for name in names}


def map_headers(headers: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Column index -> field, field -> header as written, and headers we do not use."""
    by_index: dict[int, str] = {}
    columns: dict[str, str] = {}
    ignored = []
    for index, header in enumerate(headers):
        key = _header_key(header)
        # A bilingual header ("ФИО / Full name") matches by any of its parts.
        candidates = [key, *(part.strip() for part in re.split(r"[/|]", key))]
        found = next((_HEADER_LOOKUP[c] for c in candidates if c in _HEADER_LOOKUP), None)
        if found and found not in columns:
            by_index[index] = found
            columns[found] = header.strip()
        elif header.strip():
            ignored.append(header.strip())
    return by_index, columns, ignored


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def unguard(cell: str) -> str:
    """The cell without the apostrophe our exports (and spreadsheet users) put before text
    that would otherwise run as a formula: "'+7 701 …" reads back as "+7 701 …"."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def _csv_records(raw: bytes) -> tuple[str, str, list[list[str]]]:
    text, encoding = decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            records.append(record[:MAX_COLUMNS])
            if len(records) > MAX_ROWS + 1:
                raise ImportFileError(_l("The file has more than %(n)d rows.", n=MAX_ROWS))
    except csv.Error as error:  # a cell over csv's field limit, a NUL in a quoted cell
        raise ImportFileError(_l("The file is not valid CSV.")) from error
    return encoding, delimiter, records


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == clock_time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number: 77010141683.0
    return str(value)


def _workbook_records(raw: bytes) -> list[list[str]]:
    """The first sheet of an .xlsx as rows of text; macros, bombs and damage are refused."""
    import openpyxl  # imported here: only imports need it

    damaged = _l(
        "This workbook cannot be read. Save it again as an Excel workbook (.xlsx) or as "
        "CSV (UTF-8) and upload that."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
            content_types = (
                archive.read("[Content_Types].xml")
                if "[Content_Types].xml" in archive.namelist()
                else b""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ImportFileError(damaged) from error
    if (
        any(part.filename.lower().endswith("vbaproject.bin") for part in parts)
        or b"macroEnabled" in content_types
    ):
        raise ImportFileError(
            _l(
                "This workbook contains macros, which we do not open. Save it as an Excel "
                "workbook without macros (.xlsx) or as CSV and upload that."
            )
        )
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _l("This workbook is too large when unpacked. Keep only the list of invitees in it.")
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (KeyError, XML, zip) on damage
        raise ImportFileError(damaged) from error
    records: list[list[str]] = []
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for read, values in enumerate(rows, start=1):
            if read > MAX_SHEET_ROWS or len(records) > MAX_ROWS + 1:
                raise ImportFileError(_l("The file has more than %(n)d rows.", n=MAX_ROWS))
            records.append([_cell_text(value) for value in values])
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(damaged) from error
    finally:
        workbook.close()
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()  # formatting below the list leaves empty rows
    return records


def read_rows(raw: bytes) -> tuple[str, str, dict[str, str], list[str], list[ImportRow]]:
    """(encoding, delimiter, columns, ignored columns, rows) of a CSV file or an XLSX
    workbook, told apart by their content (not by the file's name)."""
    if not raw.strip():
        raise ImportFileError(_l("The file is empty."))
    if raw.startswith(OLE_MAGIC):
        raise ImportFileError(_old_excel_message())
    if raw.startswith(ZIP_MAGIC):
        encoding, delimiter, records = "XLSX", "", _workbook_records(raw)
    else:
        encoding, delimiter, records = _csv_records(raw)
    if not records:
        raise ImportFileError(_l("The file is empty."))
    by_index, columns, ignored = map_headers(records[0])
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            _l(
                "The first row must name the columns; we need at least a full name (ФИО) "
                "and an e-mail column."
            )
        )
    if len(records) - 1 > MAX_ROWS:
        raise ImportFileError(_l("The file has more than %(n)d rows.", n=MAX_ROWS))
    rows = []
    # csv.reader counts physical lines; a quoted cell may span lines, so number by record.
    for offset, record in enumerate(records[1:], start=2):
        values = dict.fromkeys(COLUMNS, "")
        for index, cell in enumerate(record):
            if index in by_index:
                values[by_index[index]] = unguard(cell.strip())
        rows.append(
            ImportRow(number=offset, values=values, empty=not any(c.strip() for c in record))
        )
    return encoding, delimiter, columns, ignored, rows


# Checking rows ------------------------------------------------------------------------------


def column_length(name: str) -> int:
    """The longest text the invitee's column holds (the database refuses more)."""
    return Invitee.__table__.c[name].type.length


def _check_row(row: ImportRow, institute: Institute, default_language: str) -> None:
    v = row.values
    errors, cleaned = row.errors, row.cleaned
    row.filled = {name for name in COLUMNS if v[name].strip()}
    name = " ".join(v["full_name"].split())
    if not name:
        errors.append(_l("The full name is missing."))
    elif name.startswith(FORMULA_START):
        errors.append(
            _l(
                "The name starts with “%(char)s”, like a spreadsheet formula; "
                "write the person's name as text.",
                char=name[0],
            )
        )
    cleaned["full_name"] = name

    passport_name = " ".join(v["passport_name"].split()).upper()
    if passport_name and not re.fullmatch(r"[A-Z][A-Z' .\-]*", passport_name):
        errors.append(_l("The name in the passport must be written in Latin letters."))
    cleaned["passport_name"] = passport_name

    email = v["email"]
    if not email:
        errors.append(_l("The e-mail is missing."))
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            errors.append(_l("“%(value)s” is not a valid e-mail address.", value=email[:80]))
    cleaned["email"] = normalize_email(email)

    for name_ in ("country", "nationality"):
        text = v[name_]
        code = normalize.country_code(text)
        if text and code is None:
            if name_ == "country":
                errors.append(_l("Unknown country “%(value)s”.", value=text[:80]))
            else:
                errors.append(_l("Unknown nationality “%(value)s”.", value=text[:80]))
        cleaned[name_] = code

    role_text = v["role"]
    role = normalize.role_value(role_text) if role_text else InviteeRole.PARTICIPANT
    if role is None:
        errors.append(_l("Unknown role “%(value)s”.", value=role_text[:80]))
    cleaned["role"] = role

    language_text = v["language"]
    language = normalize.language_code(language_text) if language_text else default_language
    if language is None:
        errors.append(_l("Unknown language “%(value)s”.", value=language_text[:80]))
    cleaned["language"] = language

    try:
        expiry = normalize.parse_date(v["passport_expiry"])
    except normalize.ImpossibleDateError:
        errors.append(_l("“%(value)s” is not a real date.", value=v["passport_expiry"][:80]))
        expiry = None
    except normalize.DateFormatError:
        errors.append(
            _l(
                "Write the date “%(value)s” as 2027-04-12, 12.04.2027 or 12/04/2027.",
                value=v["passport_expiry"][:80],
            )
        )
        expiry = None
    if expiry and expiry < institute.end_date:
        row.warnings.append(_l("The passport expires before the institute ends."))
    cleaned["passport_expiry"] = expiry
    cleaned["phone"] = " ".join(v["phone"].split())
    cleaned["organization"] = " ".join(v["organization"].split())
    profile_columns.check_cells(v, institute, cleaned, errors, row.warnings)

    for name_ in LENGTH_CHECKED:
        limit = column_length(name_)
        if len(cleaned[name_]) > limit:
            errors.append(
                _l(
                    "“%(column)s” is longer than %(max)d characters.",
                    column=FIELD_LABELS[name_],
                    max=limit,
                )
            )


def _compare(row: ImportRow, invitee: Invitee, columns: dict[str, str], profile=None) -> None:
    """The changes the row makes to a stored person: only columns the sheet has, and only
    cells with a value (an empty cell keeps what is stored)."""
    row.invitee_id = invitee.id
    for name in COMPARED:
        if name not in columns or name not in row.filled:
            continue
        new, old = row.cleaned[name], getattr(invitee, name)
        if new != old and not (new in ("", None) and old in ("", None)):
            row.changes.append(Change(name, old, new))
    filled = row.filled & set(columns)
    for name, old, new in profile_columns.changes(
        row.cleaned, filled, invitee, profile, row.warnings
    ):
        row.changes.append(Change(name, old, new))


def check_rows(
    institute: Institute,
    rows: list[ImportRow],
    columns: dict[str, str] | None = None,
) -> list[MissingPerson]:
    """Every row's errors and warnings, duplicates in the file, and what each row changes
    for a person already in the list. Returns the people in the list the sheet omits."""
    columns = columns if columns is not None else {name: name for name in FIELDS}
    default_language = institute.languages[0] if institute.languages else "en"
    for row in rows:
        if not row.empty:
            _check_row(row, institute, default_language)
    stored = {
        invitee.email: invitee
        for invitee in db.session.scalars(
            select(Invitee).where(Invitee.institute_id == institute.id)
        )
    }
    profiles = {}
    if set(profile_columns.PROFILE_FIELDS) & set(columns):
        profiles = profile_columns.profiles_of([invitee.id for invitee in stored.values()])
    first_seen: dict[str, int] = {}
    named: set[str] = set()
    for row in rows:
        email = row.cleaned.get("email")
        if row.empty or not email:
            continue
        named.add(email)
        invitee = stored.get(email)
        if email in first_seen:
            row.errors.append(
                _l("The same e-mail as row %(row)d (a duplicate).", row=first_seen[email])
            )
            continue
        first_seen[email] = row.number
        if invitee is not None and invitee.removed_at is not None:
            row.errors.append(
                _l("An invitee with this e-mail was removed from the list; it is not changed.")
            )
        elif invitee is not None and not row.errors:
            _compare(row, invitee, columns, profiles.get(invitee.id))
    _recognise_returning(institute, rows)
    return [
        MissingPerson(invitee.id, invitee.full_name, invitee.email)
        for email, invitee in sorted(stored.items(), key=lambda item: item[1].search_name)
        if invitee.removed_at is None and email not in named
    ]


def _recognise_returning(institute: Institute, rows: list[ImportRow]) -> None:
    """Mark new people who took part in an earlier institute of the organization: by e-mail
    (they are linked when saved) or by name and nationality (an organizer confirms or rejects
    it on the person's page). Two queries for the whole file."""
    from planner.reports.returning import recognise

    new = [row for row in rows if row.outcome == Outcome.NEW]
    found = recognise(
        institute,
        [(r.cleaned["email"], r.cleaned["full_name"], r.cleaned.get("nationality")) for r in new],
    )
    for row, recognised in zip(new, found, strict=True):
        row.returning = recognised


def apply_corrections(rows: list[ImportRow], corrections: dict) -> None:
    """Values typed in the preview replace the row's cells; "skip" leaves the row out."""
    for row in rows:
        fix = corrections.get(str(row.number))
        if not isinstance(fix, dict):
            continue
        for name, value in fix.items():
            if name in COLUMNS and isinstance(value, str):
                row.values[name] = value.strip()[:MAX_CORRECTION_CHARS]
                row.corrected = True
                row.empty = False
        row.skip = fix.get("skip") is True


def preview(institute: Institute, raw: bytes, corrections: dict | None = None) -> ImportPreview:
    """Read and check the file with the organizer's corrections; writes nothing."""
    encoding, delimiter, columns, ignored, rows = read_rows(raw)
    if corrections:
        apply_corrections(rows, corrections)
    missing = check_rows(institute, rows, columns)
    return ImportPreview(encoding, delimiter, columns, ignored, rows, missing)


@dataclass
class ImportResult:
    added: list[Invitee]
    updated: list[Invitee]


def save_rows(institute: Institute, import_preview: ImportPreview, by) -> ImportResult:
    """Add every new person as a draft invitee and write the changes of the changed ones, in
    the caller's transaction; each person's history says so."""
    added, updated = [], []
    changed_rows = import_preview.changed_rows
    stored = {
        invitee.id: invitee
        for invitee in db.session.scalars(
            select(Invitee).where(
                Invitee.institute_id == institute.id,
                Invitee.id.in_([row.invitee_id for row in changed_rows]),
            )
        )
    }
    new_rows = import_preview.new_rows
    for row in new_rows:
        own = {name: row.cleaned[name] for name in INVITEE_COLUMNS}
        invitee = Invitee(institute=institute, rsvp_status=RsvpStatus.DRAFT, **own)
        db.session.add(invitee)
        added.append(invitee)
    for row in changed_rows:
        invitee = stored[row.invitee_id]
        for change in row.changes:
            if change.field in INVITEE_COLUMNS:
                setattr(invitee, change.field, change.new)
        updated.append((invitee, row.changes))
    db.session.flush()
    for row, invitee in zip(new_rows, added, strict=True):
        profile_columns.save(invitee, row.cleaned, profile_columns.filled_fields(row.filled))
    for row, (invitee, changes) in zip(changed_rows, updated, strict=True):
        profile_columns.save(invitee, row.cleaned, {c.field for c in changes})
    for invitee in added:
        add_history(invitee, "record", None, "imported", organizer=by)
    for invitee, changes in updated:
        note = ", ".join(str(CHANGE_LABELS[c.field]) for c in changes)
        add_history(invitee, "record", None, "import_updated", organizer=by, note=note)
    if updated:
        institute.touch()  # the cached booklet lists names
    audit.record("invitees.imported", institute=institute, organizer=by)
    return ImportResult(added, [invitee for invitee, _ in updated])


# The template -------------------------------------------------------------------------------


def template_csv() -> str:
    """An empty list with bilingual headers, as the import reads them."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(TEMPLATE_HEADERS.values())
    return "\ufeff" + out.getvalue()


def template_xlsx() -> bytes:
    """The same headers as a workbook, the header row frozen and in bold."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Invitees"
    sheet.append(list(TEMPLATE_HEADERS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(18, len(cell.value) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Keeping the upload between preview and confirm -------------------------------------------


def _kind(raw: bytes) -> str:
    return "xlsx" if raw.startswith(ZIP_MAGIC) else "csv"


def store_upload(upload_dir: str, raw: bytes) -> str:
    """Keep the upload server-side under a random id (the only thing the session holds)."""
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    purge_old_uploads(upload_dir)
    upload_id = secrets.token_hex(16)
    path = directory / f"import-{upload_id}.{_kind(raw)}"
    path.write_bytes(raw)
    path.chmod(0o600)
    return upload_id


def _upload_paths(upload_dir: str, upload_id: str) -> list[Path]:
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        return []
    return [Path(upload_dir) / f"import-{upload_id}.{kind}" for kind in (*UPLOAD_KINDS, "json")]


def load_upload(upload_dir: str, upload_id: str) -> bytes | None:
    for path in _upload_paths(upload_dir, upload_id)[: len(UPLOAD_KINDS)]:
        if not path.is_file():
            continue
        if time.time() - path.stat().st_mtime > UPLOAD_TTL_SECONDS:
            delete_upload(upload_dir, upload_id)
            return None
        return path.read_bytes()
    return None


def load_corrections(upload_dir: str, upload_id: str) -> dict:
    paths = _upload_paths(upload_dir, upload_id)
    if not paths or not paths[-1].is_file():
        return {}
    try:
        data = json.loads(paths[-1].read_text("utf-8"))
    except (ValueError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def store_correction(upload_dir: str, upload_id: str, number: int, fix: dict) -> None:
    """Remember the organizer's correction (or skip) of one row beside the upload."""
    paths = _upload_paths(upload_dir, upload_id)
    if not paths:
        return
    corrections = load_corrections(upload_dir, upload_id)
    corrections[str(number)] = fix
    paths[-1].write_text(json.dumps(corrections, ensure_ascii=False), "utf-8")
    paths[-1].chmod(0o600)


def delete_upload(upload_dir: str, upload_id: str) -> None:
    for path in _upload_paths(upload_dir, upload_id):
        path.unlink(missing_ok=True)


def purge_old_uploads(upload_dir: str, now: float | None = None) -> int:
    """Delete uploads older than an hour (abandoned previews); returns how many."""
    now = now or time.time()
    removed = 0
    for path in Path(upload_dir).glob("import-*"):
        if now - path.stat().st_mtime > UPLOAD_TTL_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
