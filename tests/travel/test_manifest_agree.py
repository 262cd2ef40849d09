"""B1: the arrival and departure manifests of the demo, as a page, a CSV and a PDF, list the
same people once each, at the same times, with connections in the same row."""

import csv
import html
import io
import re

import pytest

from planner.auth.models import TeamRole
from planner.demo import load_demo
from planner.extensions import db
from tests import factories
from tests.documents.conftest import flat_text


def html_rows(page: str) -> list[tuple[str, str]]:
    body = page[page.index("<tbody>") :]
    times = re.findall(r"<time [^>]*>(\d\d:\d\d)</time>", body)
    names = [html.unescape(n) for n in re.findall(r'<th scope="row">([^<]+)</th>', body)]
    return list(zip(times, names, strict=True))


@pytest.fixture
def demo_client(client, login):
    institute, _ = load_demo()
    organizer = factories.make_organizer(name="Manifest Reader")
    factories.add_member(institute, organizer, TeamRole.EDITOR)
    db.session.commit()
    login(organizer)
    return client, institute


@pytest.mark.parametrize(
    ("direction", "page_path", "pdf_kind", "via"),
    [
        ("arrivals", "travel/arrivals", "arrivals", "via Istanbul (TK 9350)"),
        ("departures", "travel/departures", "departures", "via Istanbul (RJ 4403)"),
    ],
)
def test_page_csv_and_pdf_of_the_demo_agree(demo_client, direction, page_path, pdf_kind, via):
    client, institute = demo_client
    base = f"/institutes/{institute.slug}"
    page = client.get(f"{base}/{page_path}").get_data(as_text=True)
    sheet = client.get(f"{base}/{page_path}.csv").data.decode("utf-8-sig")
    pdf = client.get(f"{base}/documents/{pdf_kind}.pdf").data

    [_header, *rows] = list(csv.reader(io.StringIO(sheet), delimiter=_separator(sheet)))
    from_csv = [(row[1], row[2]) for row in rows]
    names = [name for _time, name in from_csv]
    assert len(names) == len(set(names)), "one row per person"
    assert "Rania Haddad" in names and "Зарина Саидова" in names

    page_rows = []
    for section in page.split('<section class="manifest-day"')[1:]:
        page_rows.extend(html_rows(section))
    assert page_rows == from_csv

    text = flat_text(pdf)
    for time, name in from_csv:
        assert text.count(name) == 1, name
        assert time in text
    assert via in page and via in sheet and via in text
    rania = next(row for row in rows if row[2] == "Rania Haddad")
    assert via in rania


def _separator(sheet: str) -> str:
    first = sheet.splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","
