"""Which languages each audience reads, how a page's language is chosen, and which
source files make up the invitee-facing catalogs.

Organizers work in English or Russian. Invitees and facilitators (the ``/r/`` and ``/me/``
pages, their e-mails, their agenda PDF, their calendar feed, the error pages they reach from a
link) also read Kazakh, Kyrgyz, Uzbek (Latin), Tajik and Azerbaijani. Those five languages
have catalogs only for the strings an invitee can meet: ``INVITEE_SOURCES`` lists where such
strings live, and ``missing_messages()`` says, per language, which are still untranslated
(``make missing-messages``; ``tests/test_i18n.py`` fails on any).
"""

import re
from collections.abc import Iterable
from pathlib import Path

from flask import g, has_request_context, request, session
from flask_babel import Domain, get_locale
from jinja2 import pass_context

ORGANIZER_LOCALES = ("en", "ru")
INVITEE_LOCALES = ("en", "ru", "kk", "ky", "uz", "tg", "az")
# Invitee languages beyond the organizer's two: each has catalogs of the invitee strings only.
INVITEE_ONLY_LOCALES = tuple(code for code in INVITEE_LOCALES if code not in ORGANIZER_LOCALES)
# A language we have no catalog for but whose speakers in the region read Russian.
RUSSIAN_FALLBACK = frozenset({"tk"})
# Paths under which every page is an invitee's (or reached by an invitee from a link).
INVITEE_PATHS = ("/r/", "/me/", "/me")

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Where the strings an invitee or facilitator can read live, per package catalog (package ""
# is the main catalog, planner/translations). A template or Python module listed by its path
# counts whole; a Python module listed with "::tagged" only for the strings marked with the
# translator comment "# i18n: invitee" on the line before (views that serve both audiences).
INVITEE_TAG = "i18n: invitee"
INVITEE_SOURCES: dict[str, tuple[str, ...]] = {
    "": (
        "templates/base.html",
        "templates/errors/error.html",
        "templates/macros/forms.html",
        "planner/__init__.py",
        "planner/form_messages.py",
    ),
    "invitations": (
        "templates/invitations/_invitee_layout.html",
        "templates/invitations/_institute_facts.html",
        "templates/invitations/_macros.html",
        "templates/invitations/invitation.html",
        "templates/invitations/link_invalid.html",
        "templates/invitations/me.html",
        "templates/invitations/me_details.html",
        "templates/invitations/signed_out.html",
        "templates/invitations/sign_in_needed.html",
        "templates/invitations/email/*",
        "planner/invitations/forms.py",
        "planner/invitations/views.py::tagged",
    ),
    "travel": (
        "templates/travel/me.html",
        "templates/travel/me_leg_form.html",
        "templates/travel/_me_panel.html",
        "templates/travel/_leg_fields.html",
        "templates/travel/_macros.html",
        "planner/travel/forms.py",
        "planner/travel/labels.py",
        "planner/travel/services.py",
        "planner/travel/views/*.py::tagged",
    ),
    "agenda": (
        "templates/agenda/me.html",
        "templates/agenda/_me_panel.html",
        "templates/agenda/_my_session.html",
        "planner/agenda/forms.py::tagged",
    ),
    "calendar": (
        "templates/calendar/_me_panel.html",
        "templates/calendar/_feed_addresses.html",
        "planner/calendar/feeds.py",
        "planner/calendar/views.py::tagged",
    ),
    "documents": (
        "templates/documents/_document.html",
        "templates/documents/_panel_me.html",
        "templates/documents/_session_meta.html",
        "templates/documents/agenda.html",
        "templates/documents/booklet.html",
        "templates/documents/preparing.html",
        "templates/documents/email/*",
        "planner/documents/render.py",
    ),
    "mail": (
        "templates/mail/layout.html",
        "templates/mail/layout.txt",
        "templates/mail/messages/notice.*",
    ),
    "reports": (
        "templates/reports/_me_panel.html",
        "templates/reports/_profile_fields.html",
        "templates/reports/me_profile.html",
        "templates/reports/follow_up.html",
        "templates/reports/follow_up_thanks.html",
        "templates/reports/email/*",
        "planner/reports/forms.py",
        "planner/reports/profiles.py",
        "planner/reports/views.py::tagged",
    ),
    "attendance": (
        "templates/attendance/_me_panel.html",
        "templates/attendance/_certificate_page.html",
        "templates/attendance/verify.html",
        "templates/attendance/email/*",
    ),
    "publishing": (
        "templates/publishing/_changes.html",
        "templates/publishing/email/*",
    ),
}


# Each language's name in itself, as the switcher lists it: CLDR's, capitalised
# (tests/test_i18n.py compares them with Babel's). Written out because asking Babel loads the
# language's whole locale data, 1 to 2 MB each, into every worker that shows a switcher.
AUTONYMS = {
    "en": "English",
    "ru": "Русский",
    "kk": "Қазақ тілі",
    "ky": "Кыргызча",
    "uz": "O‘zbek",
    "tg": "Тоҷикӣ",
    "az": "Azərbaycan",
}


def autonym(code: str) -> str:
    """The language's name in itself, as a switcher lists it ("Қазақ тілі", "Тоҷикӣ")."""
    return AUTONYMS[code]


def invitee_locale(language: str | None) -> str:
    """The language we address an invitee in: theirs when we speak it, else Russian for
    the region's other languages, else English."""
    if language in INVITEE_LOCALES:
        return language
    return "ru" if language in RUSSIAN_FALLBACK else "en"


def is_invitee_request() -> bool:
    """Whether this request shows an invitee's page (set by the invitee views, or the path)."""
    if not has_request_context():
        return False
    if g.get("invitee_audience"):
        return True
    return request.path.startswith(INVITEE_PATHS) or request.path == "/me"


def audience_locales() -> tuple[str, ...]:
    return INVITEE_LOCALES if is_invitee_request() else ORGANIZER_LOCALES


def language_menu() -> list[tuple[str, str]]:
    """(code, autonym) of the languages the switcher offers on this page."""
    return [(code, autonym(code)) for code in audience_locales()]


def select_locale() -> str:
    """The page's language.

    Invitee pages: the language chosen with the switcher, else the invitee's profile (set by
    the view as g.locale), else the browser's Accept-Language, among the invitee languages.
    Organizer pages: the choice made, else the account, else the browser, among en and ru.
    """
    from flask_login import current_user

    if not has_request_context():  # commands and the mail sender choose with force_locale
        return "en"
    supported = audience_locales()
    chosen = session.get("lang")
    if is_invitee_request():
        for code in (chosen, g.get("locale")):
            if code in supported:
                return code
    else:
        if g.get("locale") in supported:
            return g.locale
        if chosen in supported:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale in supported:
            return current_user.locale
    return request.accept_languages.best_match(supported) or "en"


# A date that ends in an abbreviation ("12 апр. 2027 г.") at the end of a sentence must not
# end in two periods. Applied to every translated text that had values put in.
_DOUBLE_PERIOD = re.compile(r"(?<=\w\.)\.(?!\.)")


def single_period(text: str) -> str:
    return _DOUBLE_PERIOD.sub("", text)


class _SinglePeriodDomain(Domain):
    """Flask-Babel's domain, with one period where a value ends a sentence with its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._by_locale: dict = {}

    def get_translations(self):
        # Flask-Babel finds the request's context twice and spells the locale out as a string
        # on each call, and a page translates a few hundred texts: keyed by the Locale itself,
        # the same catalog comes back in a tenth of the time.
        locale = get_locale()
        if locale is None:
            return super().get_translations()
        translations = self._by_locale.get(locale)
        if translations is None:
            translations = self._by_locale[locale] = super().get_translations()
        return translations

    def gettext(self, string, **variables):
        text = super().gettext(string, **variables)
        return single_period(text) if variables else text

    def ngettext(self, singular, plural, num, **variables):
        return single_period(super().ngettext(singular, plural, num, **variables))


def init_app(app) -> None:
    """After Flask-Babel: the same period rule for Python code and templates."""
    from planner.extensions import babel

    babel.domain_instance = _SinglePeriodDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    env = app.jinja_env
    template_gettext, template_ngettext = env.globals["gettext"], env.globals["ngettext"]

    @pass_context
    def gettext(context, string, **variables):
        text = template_gettext(context, string, **variables)
        return type(text)(single_period(text)) if variables else text

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        text = template_ngettext(context, singular, plural, num, **variables)
        return type(text)(single_period(text))

    env.globals.update(gettext=gettext, ngettext=ngettext)
    env.filters["autonym"] = autonym
    _chain_form_messages()


def _chain_form_messages() -> None:
    """WTForms' messages in a language WTForms has no catalog for come from ours."""
    import flask_wtf.i18n as wtf_i18n

    load = getattr(wtf_i18n._get_translations, "__wrapped__", wtf_i18n._get_translations)

    def translations():
        from flask_babel import get_translations

        result = load()
        if result is not None and not getattr(result, "planner_chained", False):
            result.add_fallback(get_translations())
            result.planner_chained = True
        return result

    translations.__wrapped__ = load
    wtf_i18n._get_translations = translations


# Catalogs ------------------------------------------------------------------------------------


def catalog_path(package: str, locale: str) -> Path:
    base = PROJECT_ROOT / "planner" / package if package else PROJECT_ROOT / "planner"
    return base / "translations" / locale / "LC_MESSAGES" / "messages.po"


def _source_files(patterns: Iterable[str]) -> list[tuple[Path, bool]]:
    """(file, tagged only) of each source pattern."""
    files: list[tuple[Path, bool]] = []
    for pattern in patterns:
        pattern, _sep, option = pattern.partition("::")
        matches = sorted(p for p in PROJECT_ROOT.glob(pattern) if p.is_file())
        files.extend((path, option == "tagged") for path in matches)
    return files


KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def invitee_message_ids(package: str) -> set[str]:
    """The msgids (the singular of a plural) of this package's invitee-facing strings."""
    from babel.messages.extract import extract

    ids: set[str] = set()
    for path, tagged_only in _source_files(INVITEE_SOURCES.get(package, ())):
        method = "python" if path.suffix == ".py" else "jinja2"
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        with path.open("rb") as fh:
            for _lineno, message, comments, _context in extract(
                method, fh, keywords=KEYWORDS, comment_tags=("i18n:",), options=options
            ):
                if tagged_only and not any(c.startswith(INVITEE_TAG) for c in comments):
                    continue
                ids.add(message if isinstance(message, str) else message[0])
    return ids


def _read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


def missing_messages() -> dict[str, list[str]]:
    """Per "<package>:<locale>", the invitee-facing msgids with no (or a fuzzy) translation."""
    missing: dict[str, list[str]] = {}
    for package in INVITEE_SOURCES:
        wanted = invitee_message_ids(package)
        for locale in INVITEE_ONLY_LOCALES:
            path = catalog_path(package, locale)
            catalog = _read(path) if path.exists() else None
            gaps = []
            for msgid in sorted(wanted):
                message = catalog.get(msgid) if catalog else None
                strings = message.string if message else None
                done = all(strings) if isinstance(strings, tuple | list) else bool(strings)
                if message is None or not done or message.fuzzy:
                    gaps.append(msgid)
            if gaps:
                missing[f"{package or 'main'}:{locale}"] = gaps
    return missing


def update_invitee_catalogs() -> None:
    """Add every invitee-facing msgid missing from a kk/ky/uz/tg/az catalog as an empty entry
    (with its plural from the Russian catalog), and drop entries no source uses any more."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    for package in INVITEE_SOURCES:
        wanted = invitee_message_ids(package)
        russian = _read(catalog_path(package, "ru"))
        for locale in INVITEE_ONLY_LOCALES:
            path = catalog_path(package, locale)
            if path.exists():
                catalog = _read(path)
            else:
                catalog = Catalog(locale=locale, project="Institute Planner", fuzzy=False)
            for msgid in sorted(wanted):
                if catalog.get(msgid) is None:
                    source = russian.get(msgid)
                    key = source.id if source is not None else msgid
                    catalog.add(key, "" if not isinstance(key, tuple) else ("",) * 2)
            for message in list(catalog):
                if (
                    message.id
                    and (message.id[0] if isinstance(message.id, tuple) else message.id)
                    not in wanted
                ):
                    catalog.delete(message.id)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=0, omit_header=False)


def main() -> None:  # python -m planner.i18n [update]
    import sys

    if sys.argv[1:] == ["update"]:
        update_invitee_catalogs()
    gaps = missing_messages()
    for key, ids in gaps.items():
        print(f"{key}: {len(ids)} missing")
        for msgid in ids:
            print(f"    {msgid!r}")
    if not gaps:
        print("Every invitee catalog is complete.")
    sys.exit(1 if gaps else 0)


if __name__ == "__main__":
    main()
