"""Certificates of participation: the eligibility rule, issuing, revoking, verifying, sending."""

import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from planner.attendance.models import Certificate, CertificateSettings
from planner.attendance.services import days_present
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.links import personal_url
from planner.mail.services import queue_email, render_email
from planner.security import audit


def default_min_days(institute: Institute) -> int:
    """All days but one (3 of 4), at least one."""
    return max(1, len(institute.days) - 1)


def settings_of(institute: Institute) -> CertificateSettings:
    """The institute's settings; unsaved defaults when the organizer has not set any."""
    settings = db.session.get(CertificateSettings, institute.id)
    if settings is None:
        settings = CertificateSettings(
            institute_id=institute.id, min_days=default_min_days(institute)
        )
    return settings


def save_settings(institute: Institute, settings: CertificateSettings, organizer) -> None:
    db.session.add(settings)
    institute.touch()  # the certificates PDF shows them: its cached copy retires
    audit.record("certificates.settings_saved", institute=institute, organizer=organizer)


@dataclass(frozen=True)
class Candidate:
    invitee: Invitee
    days: int
    eligible: bool
    certificate: Certificate | None


def candidates(institute: Institute) -> list[Candidate]:
    """Every confirmed participant with the days they were present and whether that meets the
    rule: present (by the presence rule of ``days_present``) on at least ``min_days`` days.
    Facilitators, trainers, observers and staff get no certificate of participation."""
    rule = settings_of(institute).min_days
    present = days_present(institute)
    issued = {
        c.invitee_id: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.institute_id == institute.id)
        )
    }
    people = db.session.scalars(
        select(Invitee)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.role == InviteeRole.PARTICIPANT,
        )
        .order_by(Invitee.search_name, Invitee.id)
    )
    result = []
    for person in people:
        days = len(present.get(person.id, ()))
        result.append(Candidate(person, days, days >= rule, issued.get(person.id)))
    return result


def new_code() -> str:
    return secrets.token_urlsafe(16)


def issue(institute: Institute, organizer) -> list[Certificate]:
    """A certificate for each eligible participant who has none yet, with the next serial
    numbers of the institute. A revoked certificate stays revoked (restore it instead)."""
    next_serial = (
        db.session.scalar(
            select(func.max(Certificate.serial)).where(Certificate.institute_id == institute.id)
        )
        or 0
    ) + 1
    made = []
    for candidate in candidates(institute):
        if candidate.eligible and candidate.certificate is None:
            certificate = Certificate(
                institute_id=institute.id,
                invitee_id=candidate.invitee.id,
                serial=next_serial,
                code=new_code(),
            )
            next_serial += 1
            db.session.add(certificate)
            made.append(certificate)
    if made:
        institute.touch()
        audit.record("certificates.issued", institute=institute, organizer=organizer)
    return made


def certificate_of(institute: Institute, certificate_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.id == certificate_id, Certificate.institute_id == institute.id
        )
    )


def revoke(certificate: Certificate, organizer) -> None:
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.institute.touch()
        audit.record(
            "certificate.revoked",
            institute=certificate.institute,
            organizer=organizer,
            obj=certificate,
        )


def restore(certificate: Certificate, organizer) -> None:
    if certificate.revoked_at is not None:
        certificate.revoked_at = None
        certificate.institute.touch()
        audit.record(
            "certificate.restored",
            institute=certificate.institute,
            organizer=organizer,
            obj=certificate,
        )


CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def by_code(code: str) -> Certificate | None:
    if not code or not CODE.fullmatch(code):  # NUL and the like never reach the database
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def serial_label(certificate: Certificate, settings: CertificateSettings | None = None) -> str:
    settings = settings or settings_of(certificate.institute)
    prefix = (settings.serial_prefix or certificate.institute.slug.upper())[:20]
    return f"{prefix}-{certificate.serial:04d}"


def verify_url(certificate: Certificate) -> str:
    return personal_url("verify", certificate.code)


def valid_certificates(institute: Institute) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Invitee, Invitee.id == Certificate.invitee_id)
            .where(
                Certificate.institute_id == institute.id,
                Certificate.revoked_at.is_(None),
                Invitee.removed_at.is_(None),
            )
            .order_by(Certificate.serial)
        )
    )


def email_certificates(institute: Institute, organizer) -> int:
    """Queue a message to each holder of a valid certificate not yet e-mailed, in their
    language, with the verification address; the PDF is on their page at /me/."""
    from planner.invitations.services import mail_locale

    count = 0
    settings = settings_of(institute)
    for certificate in valid_certificates(institute):
        if certificate.emailed_at is not None:
            continue
        invitee = certificate.invitee
        locale = mail_locale(invitee.language)
        subject, text, html = render_email(
            "attendance/email/certificate",
            locale,
            invitee=invitee,
            institute=institute,
            serial=serial_label(certificate, settings),
            verify_url=verify_url(certificate),
        )
        queue_email(
            recipient=invitee.email,
            kind="certificate",
            subject=subject,
            body_text=text,
            body_html=html,
            locale=locale,
            institute=institute,
            invitee=invitee,
        )
        certificate.emailed_at = utcnow()
        count += 1
    if count:
        audit.record("certificates.emailed", institute=institute, organizer=organizer)
    return count


@dataclass(frozen=True)
class Verification:
    valid: bool
    name: str
    institute: str
    start: date
    end: date
    # The holder's personal data were deleted under the retention policy: the name can no
    # longer be confirmed (the page says so instead of showing a placeholder as a name).
    purged: bool = False


def verification(code: str) -> Verification | None:
    """What the public verification page shows: name, institute and dates only; a revoked
    certificate shows only that it is not valid. After the institute's personal data were
    purged, a certificate still verifies (it was issued and not revoked) but without a
    name: the record of it was deleted, and the page says so."""
    certificate = by_code(code)
    if certificate is None or certificate.invitee.removed_at is not None:
        return None
    institute = certificate.institute
    valid = certificate.revoked_at is None
    purged = institute.personal_data_purged_at is not None
    return Verification(
        valid=valid,
        name=certificate.invitee.full_name if valid and not purged else "",
        institute=institute.title,
        start=institute.start_date,
        end=institute.end_date,
        purged=purged,
    )
