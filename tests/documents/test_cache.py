"""A repeat download comes from the cache; any change that bumps the data version retires it."""

import pytest
import weasyprint
from flask_babel import refresh

from planner.documents import render
from tests.documents.conftest import flat_text


@pytest.fixture
def weasyprint_calls(monkeypatch):
    """How many times WeasyPrint writes a PDF (its HTML.write_pdf, counted)."""
    calls = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    return calls


def test_second_download_is_served_from_the_cache(
    program, client, login, organizer, weasyprint_calls
):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    first = client.get(url).data
    second = client.get(url).data
    assert second == first
    assert len(weasyprint_calls) == 1


def test_public_and_organizer_downloads_share_the_cache(
    program, client, login, organizer, weasyprint_calls
):
    client.get(f"/p/{program.institute.slug}/program.pdf")
    login(organizer)
    client.get(f"/institutes/{program.institute.slug}/documents/program.pdf")
    assert len(weasyprint_calls) == 1


def test_an_edit_that_bumps_the_data_version_invalidates(
    program, db, client, login, organizer, weasyprint_calls
):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    client.get(url)
    program.opening.title = "Opening circle"
    program.institute.touch()
    db.session.commit()
    response = client.get(url)
    assert len(weasyprint_calls) == 2
    assert "Opening circle" in flat_text(response.data)
    client.get(url)
    assert len(weasyprint_calls) == 2, "the new version is cached in turn"


def test_paper_and_language_are_cached_apart(program, client, login, organizer, weasyprint_calls):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    client.get(url)
    client.get(url + "?paper=letter")
    with client.session_transaction() as session:
        session["lang"] = "ru"
    refresh()  # the test app context outlives requests; Flask-Babel keeps the locale in g
    client.get(url)
    assert len(weasyprint_calls) == 3


def test_old_versions_are_removed_from_disk(program, db, app, client, login, organizer):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    client.get(url)
    program.institute.touch()
    db.session.commit()
    client.get(url)
    files = list(render.cache_dir(program.institute.id).glob("*.pdf"))
    assert [f.name.split("-v")[1].split("-")[0] for f in files] == [
        str(program.institute.data_version)
    ]
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"


def test_letter_settings_edit_bumps_the_data_version(program, db, client, login, organizer):
    login(organizer)
    before = program.institute.data_version
    response = client.post(
        f"/institutes/{program.institute.slug}/documents/letter",
        data={
            "legal_name": "Steppe Women's Network",
            "signatory_name": "Gulnara Seitova",
            "signatory_title": "Director",
            "signing_city": "Shymkent",
        },
    )
    assert response.status_code == 302
    db.session.refresh(program.institute)
    assert program.institute.data_version == before + 1


def test_visa_letters_are_never_written_to_the_cache(
    program, db, client, login, organizer, weasyprint_calls, letter_settings
):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/letters/{program.listed.id}.pdf"
    client.get(url)
    client.get(url)
    assert len(weasyprint_calls) == 2
    folder = render.cache_dir(program.institute.id)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_clear_cache_empties_the_institutes_folder(program, client, login, organizer):
    login(organizer)
    client.get(f"/institutes/{program.institute.slug}/documents/program.pdf")
    assert render.clear_cache(program.institute.id) == 1
    assert list(render.cache_dir(program.institute.id).glob("*.pdf")) == []


def test_a_broken_cache_folder_still_gives_the_document(
    program, app, tmp_path, client, login, organizer, weasyprint_calls
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    app.config["DOCUMENT_CACHE_DIR"] = str(blocker)
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert "Breakout A" in flat_text(second.data)
    assert len(weasyprint_calls) == 2, "nothing could be cached, so each download renders"
