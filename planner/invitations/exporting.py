"""The invitee list as CSV, safe to open in a spreadsheet (no cell becomes a formula), and
read back by the import as it is (the import removes the formula guard)."""

from planner.institutes.models import Institute
from planner.invitations import profile_columns
from planner.invitations.models import Invitee
from planner.security.csvsafe import csv_filename, csv_text

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


def invitees_csv(institute: Institute, invitees: list[Invitee]) -> str:
    """UTF-8 with BOM, separated by the one CSV separator of all exports. The reporting
    profile comes last (an age group, never a date of birth)."""
    profiles = profile_columns.profiles_of([invitee.id for invitee in invitees])
    return csv_text(
        [name for name, _ in COLUMNS] + list(profile_columns.EXPORT_HEADERS),
        (
            [value(invitee) or "" for _, value in COLUMNS]
            + profile_columns.export_cells(invitee, profiles.get(invitee.id))
            for invitee in invitees
        ),
    )


def invitees_filename(institute: Institute) -> str:
    return csv_filename(f"{institute.slug}-invitees")
