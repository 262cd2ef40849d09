"""WCAG 2.2 AA in real Chromium: every page an organizer, an invitee and a facilitator of the
demo can reach, at 360 px and 1280 px, in each language an audience reads. A page fails on
horizontal overflow or on any serious or critical axe-core violation.

axe-core comes from npm (tests/a11y/js, ``make js-deps``). It is injected as a script, which
the strict Content-Security-Policy forbids: only these browser contexts bypass the CSP.
Organizer pages are checked in English and Russian at both widths; invitee and facilitator
pages in English at both widths and in every other invitee language at 360 px.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from planner.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
from planner.extensions import db
from planner.i18n import INVITEE_LOCALES, ORGANIZER_LOCALES
from planner.invitations.access import SESSION_KEY
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from tests.plugins.invitee_session import invitee_session_data, make_link

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
NARROW, WIDE = 360, 1280
SERIOUS = {"serious", "critical"}
# Links the crawl does not follow: downloads, feeds, sign-out, and pages that change state.
SKIP = re.compile(
    r"(\.pdf|\.ics|\.csv|\.xlsx|\.zip|/print$|/logout|/sign-out|/feeds/|webcal:|mailto:|/p/)"
)
MAX_PAGES = 60
# resultTypes: only violations are read, so axe keeps one node per passing rule (much faster).
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
    resultTypes: ['violations'],
})"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _axe_core():
    """axe-core is required in CI (``make test`` installs it); elsewhere its absence skips."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"axe-core is required in CI but missing at {AXE}: run make js-deps")
        pytest.skip("axe-core missing: run make js-deps")


def _shape(path: str) -> str:
    """One page per route: /invitees/12 and /invitees/13, or the same page of two institutes,
    are the same page to check (a query string does not make another page either)."""
    path = re.sub(r"^/institutes/[^/]+/", "/institutes/S/", path.split("?")[0])
    return re.sub(r"/\d+", "/N", path)


def _check(page, url: str, width: int, lang: str) -> tuple[list[str], bool]:
    """Problems on one page at one width; and whether it loaded (links are read from it)."""
    where = f"{url} at {width} px ({lang})"
    response = page.goto(url, wait_until="load")
    if response is None or response.status >= 400:
        return [f"{where}: HTTP {response and response.status}"], False
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        problems.append(f"{where}: {overflow} px wider than the viewport")
    for violation in page.evaluate(AXE_RUN)["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(
                f"{where}: {violation['id']} ({violation['impact']}) "
                f"{len(violation['nodes'])}× e.g. {targets}"
            )
    return problems, True


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(href):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _crawl(context, base: str, starts: list[str], prefix: str, passes) -> list[str]:
    """Breadth-first from ``starts`` over links under ``prefix``, one URL per route shape, in
    the first (language, width) pass; then the same pages once in each further pass. axe runs
    once per page per pass; one browser page serves the whole crawl."""
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(30_000)
    (first_lang, first_width), *others = passes
    _set_language(page, base, first_lang)
    page.set_viewport_size({"width": first_width, "height": 800})
    seen, queue, problems, pages = set(), list(starts), [], []
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        if _shape(path) in seen or not path.startswith(prefix):
            continue
        seen.add(_shape(path))
        pages.append(path)
        found, loaded = _check(page, base + path, first_width, first_lang)
        problems += found
        if loaded:
            queue += _links(page, base)
    for lang, width in others:
        _set_language(page, base, lang)
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            problems += _check(page, base + path, width, lang)[0]
    page.close()
    assert len(pages) > 1, pages
    return problems


def _set_language(page, base: str, lang: str) -> None:
    """What the language switcher posts (CSRF is off in these tests)."""
    response = page.context.request.post(
        f"{base}/language", form={"lang": lang, "next": "/"}, max_redirects=0
    )
    assert response.status == 302


def _invitee_context(app, browser, base: str, invitee):
    """A browser signed in as the invitee the way POST /r/<token> does it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = invitee_session_data(invitee)
    context = browser.new_context(bypass_csp=True)
    context.add_cookies(
        [{"name": "session", "value": client.get_cookie("session").value, "url": base}]
    )
    return context


@pytest.fixture
def demo(app, db):
    institute, _created = load_demo()
    db.session.commit()
    return institute


# One test per language (its own crawl), so the test workers share the checks.
@pytest.mark.parametrize("lang", ORGANIZER_LOCALES)
def test_organizer_pages_pass_axe_and_fit_a_phone(demo, live_server, _browser, lang):
    context = _browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label(re.compile("E-mail", re.I)).fill(DEMO_EMAIL)
    page.get_by_label(re.compile("Password", re.I)).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/institutes/"))
    page.close()
    problems = _crawl(
        context,
        live_server,
        ["/institutes/", f"/institutes/{demo.slug}/"],
        "/institutes/",
        [(lang, NARROW), (lang, WIDE)],
    )
    context.close()
    assert not problems, "\n".join(problems)


# English at both widths, then every other invitee language at 360 px, in two halves.
INVITEE_PASSES = {
    "en": [("en", NARROW), ("en", WIDE)],
    "others-1": [(lang, NARROW) for lang in INVITEE_LOCALES[1:4]],
    "others-2": [(lang, NARROW) for lang in INVITEE_LOCALES[4:]],
}


@pytest.mark.parametrize("passes", INVITEE_PASSES)
@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_invitee_and_facilitator_pages_pass_axe_in_every_language(
    app, demo, live_server, _browser, role, passes
):
    wanted = InviteeRole.FACILITATOR if role == "facilitator" else InviteeRole.PARTICIPANT
    invitee = db.session.scalars(
        db.select(Invitee).where(
            Invitee.institute_id == demo.id,
            Invitee.role == wanted,
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.removed_at.is_(None),
        )
    ).first()
    assert invitee is not None
    token, _link = make_link(invitee)
    context = _invitee_context(app, _browser, live_server, invitee)
    problems = _crawl(
        context,
        live_server,
        [f"/r/{token}", "/me/", "/me/details", "/me/travel", "/me/travel/legs/new", "/me/agenda"],
        "/",
        INVITEE_PASSES[passes],
    )
    context.close()
    assert not problems, "\n".join(problems)


def test_the_invitee_passes_cover_every_invitee_language():
    covered = {lang for passes in INVITEE_PASSES.values() for lang, _width in passes}
    assert covered == set(INVITEE_LOCALES)
