"""WCAG 2.2 AA in real Chromium: every page an organizer, an invitee and a facilitator of the
demo can reach, at 360 px and 1280 px, in each language an audience reads. A page fails on
horizontal overflow or on any serious or critical axe-core violation.

axe-core comes from npm (tests/a11y/js, ``make js-deps``). It is injected as a script, which
the strict Content-Security-Policy forbids: only these browser contexts bypass the CSP.
Organizer pages are crawled in English and Russian; invitee and facilitator pages in every
invitee language.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from planner.db import utcnow
from planner.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
from planner.extensions import db
from planner.i18n import INVITEE_LOCALES, ORGANIZER_LOCALES
from planner.invitations.access import SESSION_KEY
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from tests.plugins.invitee_session import make_link

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1280)
SERIOUS = {"serious", "critical"}
# Links the crawl does not follow: downloads, feeds, sign-out, and pages that change state.
SKIP = re.compile(r"(\.pdf|\.ics|\.csv|/print$|/logout|/sign-out|/feeds/|webcal:|mailto:|/p/)")
MAX_PAGES = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run make js-deps"),
]


def _shape(path: str) -> str:
    """One page per route: /invitees/12 and /invitees/13 are the same page to check."""
    return re.sub(r"/\d+", "/N", path)


def _check(page, url: str, width: int, lang: str) -> list[str]:
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    problems = []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{url} at {width} px ({lang}): {overflow} px wider than the viewport")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa']},
        })"""
    )
    for violation in result["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(
                f"{url} at {width} px ({lang}): {violation['id']} ({violation['impact']}) "
                f"{len(violation['nodes'])}× e.g. {targets}"
            )
    return problems


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(href):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _crawl(context, base: str, starts: list[str], languages, prefix: str) -> list[str]:
    """Breadth-first from ``starts`` over links under ``prefix``, one URL per route shape;
    each page checked at both widths in the first language, and at 360 px in the others."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen, queue, problems, checked = set(), list(starts), [], []
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        shape = _shape(path.split("?")[0]) + ("?" if "?" in path else "")
        if shape in seen or not path.startswith(prefix):
            continue
        seen.add(shape)
        checked.append(path)
        for index, lang in enumerate(languages):
            _set_language(page, base, lang)
            for width in WIDTHS if index == 0 else WIDTHS[:1]:
                problems += _check(page, base + path, width, lang)
            if index == 0:
                queue += _links(page, base)
    page.close()
    assert len(checked) > 1, checked
    return problems


def _set_language(page, base: str, lang: str) -> None:
    """What the language switcher posts (CSRF is off in these tests)."""
    response = page.context.request.post(
        f"{base}/language", form={"lang": lang, "next": "/"}, max_redirects=0
    )
    assert response.status == 302


def _invitee_context(app, browser, base: str, invitee):
    _, link = make_link(invitee)
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = {
            "invitee_id": invitee.id,
            "link_id": link.id,
            "started": utcnow().isoformat(),
        }
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


def test_organizer_pages_pass_axe_and_fit_a_phone(demo, live_server, _browser):
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
        ORGANIZER_LOCALES,
        "/institutes/",
    )
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_invitee_and_facilitator_pages_pass_axe_in_every_language(
    app, demo, live_server, _browser, role
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
        INVITEE_LOCALES,
        "/",
    )
    context.close()
    assert not problems, "\n".join(problems)
