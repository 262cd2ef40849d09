"""What documents exist, who may have them, and how each is built (cached or not)."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.auth.models import TeamRole
from planner.db import utcnow
from planner.documents import data, jobs
from planner.documents.models import LetterSettings
from planner.documents.render import CacheKey, render_html, render_pdf, upload_root
from planner.documents.services import LetterSettingsData, assign_letter_number
from planner.extensions import db
from planner.i18n import INVITEE_LOCALES, invitee_locale
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.travel.models import Direction, VisaCase


@dataclass(frozen=True)
class InstituteDocument:
    """A document about the whole institute."""

    kind: str
    title: object  # lazy string
    description: object
    template: str
    role: TeamRole  # the least team role that may have it
    load: Callable[[Institute], object]
    personal: bool  # shows personal data: each export goes to the audit log


DOCUMENTS: dict[str, InstituteDocument] = {
    doc.kind: doc
    for doc in (
        InstituteDocument(
            "program",
            _l("Program booklet"),
            _l(
                "Cover, day-by-day grid, session descriptions, practical information and the "
                "participants who agreed to be listed."
            ),
            "booklet.html",
            TeamRole.VIEWER,
            lambda institute: data.load_booklet(institute, _locale()),
            personal=False,
        ),
        InstituteDocument(
            "arrivals",
            _l("Arrival and pickup manifest"),
            _l("Confirmed people's arrivals by day and local time, with pickups and hotels."),
            "manifest.html",
            TeamRole.EDITOR,
            lambda institute: data.load_manifest(institute, Direction.ARRIVAL),
            personal=True,
        ),
        InstituteDocument(
            "departures",
            _l("Departure manifest"),
            _l("Confirmed people's departures by day and local time, with transfers."),
            "manifest.html",
            TeamRole.EDITOR,
            lambda institute: data.load_manifest(institute, Direction.DEPARTURE),
            personal=True,
        ),
        InstituteDocument(
            "rooming",
            _l("Rooming list"),
            _l("Who sleeps in which room of which hotel, night by night."),
            "rooming.html",
            TeamRole.EDITOR,
            data.load_rooming,
            personal=True,
        ),
        InstituteDocument(
            "badges",
            _l("Name badges"),
            _l("Eight badges per sheet for everyone confirmed, to cut along the lines."),
            "badges.html",
            TeamRole.EDITOR,
            data.load_badges,
            personal=True,
        ),
    )
}


def _locale() -> str:
    return str(get_locale() or "en")


# The program booklet is read by participants: the organizer prints it in any of the
# institute's working languages that the invitee catalogs speak. Lists for the team
# (manifests, rooming, badges) stay in the organizer's own language.
READER_DOCUMENTS = frozenset({"program"})
# A sheet for everyone: not waited for in the request; a "being prepared" page instead.
BULK_DOCUMENTS = frozenset({"badges"})


def reader_languages(working_languages: str | None) -> list[str]:
    """The booklet languages of an institute's working languages (as stored: "ru,en"):
    those the invitee catalogs speak, and the default language for everyone else."""
    codes = [code for code in (working_languages or "").split(",") if code in INVITEE_LOCALES]
    return list(dict.fromkeys([*codes, "en"]))


def booklet_languages(institute: Institute) -> list[str]:
    """The languages the booklet can be printed in: the working languages we have catalogs for."""
    working = [code for code in institute.languages or [] if code in INVITEE_LOCALES]
    return working or [_locale()]


def document_locale(doc: InstituteDocument, institute: Institute, wanted: str | None) -> str:
    if doc.kind in READER_DOCUMENTS and wanted in booklet_languages(institute):
        return wanted
    return _locale()


def document_key(
    doc: InstituteDocument, institute: Institute, paper: str, lang: str | None = None
) -> CacheKey:
    """What names one PDF of the document: known before anything is loaded."""
    with force_locale(document_locale(doc, institute, lang)):
        return CacheKey(doc.kind, institute.id, institute.data_version, paper, _locale())


def _document_render(doc: InstituteDocument, institute: Institute, paper: str, locale: str):
    def render() -> bytes:
        with force_locale(locale):
            return render_pdf(doc.template, paper=paper, doc=doc, data=doc.load(institute))

    return render


def document_pdf(
    doc: InstituteDocument,
    institute: Institute,
    paper: str,
    lang: str | None = None,
    *,
    wait: bool = True,
) -> jobs.Ready | None:
    """The document's PDF from the cache, from the render worker, or None when not ready
    (with ``wait``, after waiting for the worker up to RENDER_WAIT_SECONDS)."""
    key = document_key(doc, institute, paper, lang)
    target = jobs.Target(doc.kind, institute.id, paper, key.locale)
    render = _document_render(doc, institute, paper, key.locale)
    return jobs.obtain(target, key, render, wait=wait)


def document_html(
    doc: InstituteDocument, institute: Institute, paper: str, lang: str | None = None, **links
) -> str:
    with force_locale(document_locale(doc, institute, lang)):
        return render_html(
            doc.template, screen=True, paper=paper, doc=doc, data=doc.load(institute), **links
        )


# --- the facilitator's agenda ---------------------------------------------------------------

AGENDA_TITLE = _l("Facilitator agenda")


def _agenda_key(institute: Institute, invitee: Invitee, paper: str) -> CacheKey:
    locale = invitee_locale(invitee.language)
    return CacheKey("agenda", institute.id, institute.data_version, paper, locale, invitee.id)


def _agenda_render(institute: Institute, invitee: Invitee, paper: str, locale: str):
    def render() -> bytes:
        with force_locale(locale):
            return render_pdf(
                "agenda.html",
                paper=paper,
                data=data.load_facilitator_agenda(institute, invitee, locale),
            )

    return render


def agenda_pdf(institute: Institute, invitee: Invitee, paper: str) -> jobs.Ready | None:
    """The facilitator's agenda, in the facilitator's language whoever downloads it (B17)."""
    key = _agenda_key(institute, invitee, paper)
    target = jobs.Target("agenda", institute.id, paper, key.locale, invitee.id)
    render = _agenda_render(institute, invitee, paper, key.locale)
    return jobs.obtain(target, key, render, wait=True)


def agenda_html(institute: Institute, invitee: Invitee, paper: str, **links) -> str:
    with force_locale(invitee_locale(invitee.language)):
        return render_html(
            "agenda.html",
            screen=True,
            paper=paper,
            data=data.load_facilitator_agenda(institute, invitee, _locale()),
            **links,
        )


# Documents of other packages that the render worker makes (certificates, sign-in sheets):
# kind -> builder(institute, target) giving (CacheKey, render), or None when gone.
WORKER_DOCUMENTS: dict[str, Callable] = {}


def worker_document(*kinds: str):
    """Register a builder of the render worker for these kinds of documents."""

    def register(builder: Callable) -> Callable:
        for kind in kinds:
            WORKER_DOCUMENTS[kind] = builder
        return builder

    return register


def render_target(target: jobs.Target):
    """For the render worker: (the key of the document's current version, its render), or
    None when the document is gone (institute deleted or archived, facilitator removed)."""
    institute = db.session.get(Institute, target.institute_id)
    if institute is None or institute.is_archived:
        return None
    if target.kind in WORKER_DOCUMENTS:
        return WORKER_DOCUMENTS[target.kind](institute, target)
    if target.kind == "agenda":
        invitee = db.session.get(Invitee, target.subject_id)
        if invitee is None or invitee.institute_id != institute.id or invitee.removed_at:
            return None
        key = _agenda_key(institute, invitee, target.paper)
        return key, _agenda_render(institute, invitee, target.paper, key.locale)
    doc = DOCUMENTS.get(target.kind)
    if doc is None:
        return None
    key = CacheKey(doc.kind, institute.id, institute.data_version, target.paper, target.locale)
    return key, _document_render(doc, institute, target.paper, target.locale)


# --- visa letters: never cached on disk (passport data), never rendered by the worker ------
# They are made in the request that may have them and audited there, WeasyPrint running in a
# child process (planner/documents/render.py); see planner/documents/jobs.py for why they do
# not go through the render worker.


def letter_settings_of(institute: Institute) -> LetterSettings | None:
    return db.session.scalar(
        select(LetterSettings).where(LetterSettings.institute_id == institute.id)
    )


def reference_number(settings: LetterSettings, institute: Institute, invitee: Invitee) -> str:
    """PREFIX/YEAR/NNNN with the institute's own sequence number of the letter."""
    prefix = (settings.reference_prefix or "INV").strip()
    number = assign_letter_number(invitee)
    return f"{prefix}/{institute.start_date.year}/{number:04d}"


def load_letter(
    institute: Institute, invitee: Invitee, settings: LetterSettings, *, screen: bool
) -> data.VisaLetter:
    case = invitee_visa_case(invitee)
    issued = None
    if case is not None:
        stamp = case.letter_approved_at or case.letter_sent_at
        issued = stamp.astimezone(institute.zone).date() if stamp else None
    if issued is None:
        issued = utcnow().astimezone(institute.zone).date()
    start, end = data.stay_dates(institute, invitee)
    return data.VisaLetter(
        institute=data.InstituteInfo.of(institute),
        settings=LetterSettingsData(
            **{
                name: getattr(settings, name) or ""
                for name in LetterSettingsData.__dataclass_fields__
            }
        ),
        person=data.letter_person(invitee),
        reference=reference_number(settings, institute, invitee),
        letter_date=issued,
        stay_from=start,
        stay_to=end,
        logo_src=data.image_src(institute, settings.logo_file, inline=screen),
        signature_src=data.image_src(institute, settings.signature_file, inline=screen),
        missing=tuple(data.missing_letter_fields(invitee)),
    )


def invitee_visa_case(invitee: Invitee) -> VisaCase | None:
    return db.session.scalar(select(VisaCase).where(VisaCase.invitee_id == invitee.id))


def letter_pdf(institute: Institute, invitee: Invitee, settings: LetterSettings, paper: str):
    letter = load_letter(institute, invitee, settings, screen=False)
    return render_pdf(
        "letter.html",
        paper=paper,
        allowed_dirs=(upload_root(institute.id),),
        data=letter,
    )


def letter_html(
    institute: Institute, invitee: Invitee, settings: LetterSettings, paper: str, **links
):
    return render_html(
        "letter.html",
        screen=True,
        paper=paper,
        data=load_letter(institute, invitee, settings, screen=True),
        **links,
    )
