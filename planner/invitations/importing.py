"""Spreadsheet (CSV) import of invitees: read, map headers, check every row, then save.

Reading and checking never writes. ``save_rows`` adds every valid row in the caller's
transaction (the view commits once: all or nothing). Row numbers are the ones the organizer
sees in the spreadsheet: the header is row 1.
"""

import csv
import hashlib
import io
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations import normalize
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.invitations.services import add_history, normalize_email
from planner.security import audit

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
UPLOAD_TTL_SECONDS = 3600
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
# A real name never starts like a spreadsheet formula; such a cell is an injection attempt
# or a broken export, and the organizer should look at it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

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
REQUIRED = ("full_name", "email")

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
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the organizer."""


@dataclass
class ImportRow:
    number: int  # as in the spreadsheet: the header is row 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    empty: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.empty


@dataclass
class ImportPreview:
    encoding: str
    delimiter: str
    columns: dict[str, str]  # field -> header as written
    ignored_columns: list[str]
    rows: list[ImportRow]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def empty_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.empty]

    def fingerprint(self) -> str:
        """What the organizer agreed to (the rows that will be saved and their values), short
        enough for the session cookie."""
        digest = hashlib.sha256()
        for row in self.valid_rows:
            digest.update(repr((row.number, sorted(row.cleaned.items()))).encode())
        return digest.hexdigest()


# Reading the file -------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1251."""
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _l("This is a spreadsheet workbook, not CSV. Save it as CSV (UTF-8) and upload that.")
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = raw.decode("utf-16"), "UTF-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        text, encoding = raw[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    else:
        try:
            text, encoding = raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("cp1251", errors="replace"), "Windows-1251"
    if "\x00" in text:
        raise ImportFileError(_l("This file is not a CSV text file."))
    return text, encoding


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


def read_rows(raw: bytes) -> tuple[str, str, dict[str, str], list[str], list[ImportRow]]:
    if not raw.strip():
        raise ImportFileError(_l("The file is empty."))
    text, encoding = decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(_l("The file is not valid CSV.")) from error
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
        values = {name: "" for name in FIELDS}
        for index, cell in enumerate(record):
            if index in by_index:
                values[by_index[index]] = cell.strip()
        rows.append(
            ImportRow(number=offset, values=values, empty=not any(c.strip() for c in record))
        )
    return encoding, delimiter, columns, ignored, rows


# Checking rows ------------------------------------------------------------------------------


def _check_row(row: ImportRow, institute: Institute, default_language: str) -> None:
    v = row.values
    errors, cleaned = row.errors, row.cleaned
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
    elif len(name) > 200:
        errors.append(_l("The full name is longer than 200 characters."))
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
            errors.append(_l("“%(value)s” is not a valid e-mail address.", value=email))
    cleaned["email"] = normalize_email(email)

    for name_ in ("country", "nationality"):
        text = v[name_]
        code = normalize.country_code(text)
        if text and code is None:
            if name_ == "country":
                errors.append(_l("Unknown country “%(value)s”.", value=text))
            else:
                errors.append(_l("Unknown nationality “%(value)s”.", value=text))
        cleaned[name_] = code

    role_text = v["role"]
    role = normalize.role_value(role_text) if role_text else InviteeRole.PARTICIPANT
    if role is None:
        errors.append(_l("Unknown role “%(value)s”.", value=role_text))
    cleaned["role"] = role

    language_text = v["language"]
    language = normalize.language_code(language_text) if language_text else default_language
    if language is None:
        errors.append(_l("Unknown language “%(value)s”.", value=language_text))
    cleaned["language"] = language

    try:
        expiry = normalize.parse_date(v["passport_expiry"])
    except normalize.ImpossibleDateError:
        errors.append(_l("“%(value)s” is not a real date.", value=v["passport_expiry"]))
        expiry = None
    except normalize.DateFormatError:
        errors.append(
            _l(
                "Write the date “%(value)s” as 2027-04-12, 12.04.2027 or 12/04/2027.",
                value=v["passport_expiry"],
            )
        )
        expiry = None
    if expiry and expiry < institute.end_date:
        row.warnings.append(_l("The passport expires before the institute ends."))
    cleaned["passport_expiry"] = expiry
    cleaned["phone"] = v["phone"][:50]
    cleaned["organization"] = v["organization"][:300]


def check_rows(institute: Institute, rows: list[ImportRow]) -> None:
    """Every row's errors and warnings, duplicates in the file and with existing invitees."""
    default_language = institute.languages[0] if institute.languages else "en"
    for row in rows:
        if not row.empty:
            _check_row(row, institute, default_language)
    emails = {r.cleaned["email"] for r in rows if not r.empty and r.cleaned.get("email")}
    existing = set()
    if emails:
        existing = set(
            db.session.scalars(
                select(Invitee.email).where(
                    Invitee.institute_id == institute.id, Invitee.email.in_(emails)
                )
            )
        )
    first_seen: dict[str, int] = {}
    for row in rows:
        email = row.cleaned.get("email")
        if row.empty or not email:
            continue
        if email in existing:
            row.errors.append(_l("An invitee with this e-mail is already in the list."))
        elif email in first_seen:
            row.errors.append(
                _l("The same e-mail as row %(row)d (a duplicate).", row=first_seen[email])
            )
        else:
            first_seen[email] = row.number


def preview(institute: Institute, raw: bytes) -> ImportPreview:
    """Read and check the file; writes nothing."""
    encoding, delimiter, columns, ignored, rows = read_rows(raw)
    check_rows(institute, rows)
    return ImportPreview(encoding, delimiter, columns, ignored, rows)


def save_rows(institute: Institute, import_preview: ImportPreview, by) -> list[Invitee]:
    """Add every valid row as a draft invitee, in the caller's transaction."""
    invitees = []
    for row in import_preview.valid_rows:
        invitee = Invitee(institute=institute, rsvp_status=RsvpStatus.DRAFT, **row.cleaned)
        db.session.add(invitee)
        invitees.append(invitee)
    db.session.flush()
    for invitee in invitees:
        add_history(invitee, "record", None, "imported", organizer=by)
    audit.record("invitees.imported", institute=institute, organizer=by)
    return invitees


# Keeping the upload between preview and confirm -------------------------------------------


def store_upload(upload_dir: str, raw: bytes) -> str:
    """Keep the upload server-side under a random id (the only thing the session holds)."""
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    purge_old_uploads(upload_dir)
    upload_id = secrets.token_hex(16)
    path = directory / f"import-{upload_id}.csv"
    path.write_bytes(raw)
    path.chmod(0o600)
    return upload_id


def _upload_path(upload_dir: str, upload_id: str) -> Path | None:
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        return None
    return Path(upload_dir) / f"import-{upload_id}.csv"


def load_upload(upload_dir: str, upload_id: str) -> bytes | None:
    path = _upload_path(upload_dir, upload_id)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > UPLOAD_TTL_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path.read_bytes()


def delete_upload(upload_dir: str, upload_id: str) -> None:
    path = _upload_path(upload_dir, upload_id)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_old_uploads(upload_dir: str, now: float | None = None) -> int:
    """Delete uploads older than an hour (abandoned previews); returns how many."""
    now = now or time.time()
    removed = 0
    for path in Path(upload_dir).glob("import-*.csv"):
        if now - path.stat().st_mtime > UPLOAD_TTL_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
