"""Re-encrypt every encrypted field under the newest key id (the first of ENCRYPTION_KEYS).

Found from the schema: every column of type EncryptedText. Values already under the newest
key are left alone, so the command can run again (or be interrupted) safely; it commits per
table in batches.
"""

from dataclasses import dataclass

from sqlalchemy import Text, select, type_coerce, update

from planner.extensions import db
from planner.security.crypto import EncryptedText, cipher

BATCH = 500


@dataclass
class ColumnReport:
    table: str
    column: str
    rotated: int = 0
    current: int = 0


def encrypted_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                yield table, column


def rotate_encryption_key() -> list[ColumnReport]:
    field_cipher = cipher()
    newest = field_cipher.current_id
    reports = []
    for table, column in encrypted_columns():
        report = ColumnReport(table.name, column.name)
        key = table.primary_key.columns.values()[0]
        raw = type_coerce(column, Text)
        rows = db.session.execute(select(key, raw).where(column.is_not(None)).order_by(key)).all()
        for start in range(0, len(rows), BATCH):
            for row_key, stored in rows[start : start + BATCH]:
                if stored.partition(":")[0] == newest:
                    report.current += 1
                    continue
                sealed = field_cipher.encrypt(field_cipher.decrypt(stored))
                db.session.execute(
                    update(table).where(key == row_key).values({column: type_coerce(sealed, Text)})
                )
                report.rotated += 1
            db.session.commit()
        reports.append(report)
    return reports


@dataclass
class KeyUsage:
    key_id: str
    configured: bool  # still in ENCRYPTION_KEYS (an unconfigured id cannot be read)
    newest: bool
    values: int = 0


def key_usage() -> list[KeyUsage]:
    """How many encrypted values each key id seals, newest key first; the values are never
    read whole (only the key id in front of each)."""
    from sqlalchemy import func

    field_cipher = cipher()
    usage = {
        key_id: KeyUsage(key_id, True, key_id == field_cipher.current_id)
        for key_id in field_cipher.keys
    }
    for _table, column in encrypted_columns():
        raw = type_coerce(column, Text)
        for (head,) in db.session.execute(
            select(func.substr(raw, 1, 40)).where(column.is_not(None))
        ):
            key_id = head.partition(":")[0]
            usage.setdefault(key_id, KeyUsage(key_id, False, False)).values += 1
    return sorted(usage.values(), key=lambda u: (not u.newest, not u.configured, u.key_id))
