"""The reporting profile: reading and saving an invitee's optional answers, the age group rule."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import Invitee
from planner.reports.models import AgeGroup, Gender, ReportingProfile, Sector, Setting
from planner.security import audit

GENDER_LABELS = {
    Gender.WOMAN: _l("Woman"),
    Gender.MAN: _l("Man"),
    Gender.SELF_DESCRIBED: _l("Self-described"),
    Gender.NOT_SAID: _l("Prefer not to say"),
}
AGE_GROUP_LABELS = {
    AgeGroup.UNDER_25: _l("Under 25"),
    AgeGroup.FROM_25_TO_29: _l("25 to 29"),
    AgeGroup.FROM_30_TO_39: _l("30 to 39"),
    AgeGroup.FROM_40_TO_49: _l("40 to 49"),
    AgeGroup.FROM_50: _l("50 or older"),
}
SETTING_LABELS = {Setting.URBAN: _l("Urban"), Setting.RURAL: _l("Rural")}
SECTOR_LABELS = {
    Sector.CIVIL_SOCIETY: _l("Civil society, NGO"),
    Sector.MEDIA: _l("Media, journalism"),
    Sector.EDUCATION: _l("Education, research"),
    Sector.LAW: _l("Law, human rights defence"),
    Sector.GOVERNMENT: _l("Government, public service"),
    Sector.BUSINESS: _l("Business"),
    Sector.OTHER: _l("Other"),
}


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day`` (a birthday on that very day counts)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_group_for_age(age: int) -> AgeGroup:
    if age < 25:
        return AgeGroup.UNDER_25
    if age < 30:
        return AgeGroup.FROM_25_TO_29
    if age < 40:
        return AgeGroup.FROM_30_TO_39
    if age < 50:
        return AgeGroup.FROM_40_TO_49
    return AgeGroup.FROM_50


def age_group_of(invitee: Invitee, profile: ReportingProfile | None) -> AgeGroup | None:
    """The age group at the institute's first day: from the date of birth when one is stored
    (it wins over an answer), else the group the invitee chose, else unknown (None)."""
    birth = invitee.birth_date
    if birth is not None:
        return age_group_for_age(age_on(birth, invitee.institute.start_date))
    if profile is not None and profile.age_group in AgeGroup.__members__.values():
        return AgeGroup(profile.age_group)
    return None


def profile_of(invitee: Invitee) -> ReportingProfile | None:
    return db.session.get(ReportingProfile, invitee.id)


@dataclass
class ProfileAnswers:
    gender: str | None = None
    gender_text: str = ""
    age_group: str | None = None
    setting: str | None = None
    sector: str | None = None


def save_profile(invitee: Invitee, answers: ProfileAnswers, *, organizer=None) -> ReportingProfile:
    """Store the answers (empty means not answered). A self-description is kept only with
    "self-described"; an age group only when no date of birth is stored (it would be ignored)."""
    profile = profile_of(invitee) or ReportingProfile(invitee_id=invitee.id)
    profile.gender = answers.gender or None
    profile.gender_text = (
        (answers.gender_text or "").strip()[:60] if answers.gender == Gender.SELF_DESCRIBED else ""
    )
    profile.age_group = None if invitee.birth_date else (answers.age_group or None)
    profile.setting = answers.setting or None
    profile.sector = answers.sector or None
    db.session.add(profile)
    audit.record(
        "profile.updated", institute=invitee.institute, organizer=organizer, invitee=invitee
    )
    return profile


def profiles_by_invitee(invitee_ids: list[int]) -> dict[int, ReportingProfile]:
    if not invitee_ids:
        return {}
    rows = db.session.scalars(
        select(ReportingProfile).where(ReportingProfile.invitee_id.in_(invitee_ids))
    )
    return {p.invitee_id: p for p in rows}


def keep_for_report(institute) -> None:
    """Before retention removes dates of birth: keep each age group (a count, not a date),
    drop self-descriptions and end the follow-up links, so the donor report still adds up
    and identifies no one."""
    from sqlalchemy import update

    from planner.db import utcnow
    from planner.reports.models import FollowUp

    db.session.execute(
        update(FollowUp)
        .where(FollowUp.institute_id == institute.id, FollowUp.expires_at > utcnow())
        .values(expires_at=utcnow())
    )
    people = list(db.session.scalars(select(Invitee).where(Invitee.institute_id == institute.id)))
    answers = profiles_by_invitee([p.id for p in people])
    for person in people:
        profile = answers.get(person.id)
        group = age_group_of(person, profile)
        if profile is None and group is None:
            continue
        if profile is None:
            profile = ReportingProfile(invitee_id=person.id)
            db.session.add(profile)
        profile.age_group = group.value if group else None
        profile.gender_text = ""
