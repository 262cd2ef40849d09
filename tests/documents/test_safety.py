"""Documents fetch nothing but data: URLs, static files and the institute's own images;
user text is escaped, so markup in a title is printed, never obeyed."""

import os
import socket
import threading
from pathlib import Path

import pytest

from planner.documents import layout, render
from planner.documents.layout import FetchRefused, safe_fetcher
from tests.documents.conftest import flat_text, make_session, pdf_reader

ATTACHMENT_TITLE = '<link rel=attachment href="file:///etc/passwd">'


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, in order."""
    urls = []
    real = layout.safe_fetcher

    def watching(url, **kwargs):
        urls.append(url)
        return real(url, **kwargs)

    monkeypatch.setattr(layout, "safe_fetcher", watching)
    return urls


@pytest.fixture
def listener():
    """A TCP server on a free loopback port that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            connections.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def _booklet(client, login, organizer, institute) -> bytes:
    login(organizer)
    response = client.get(f"/institutes/{institute.slug}/documents/program.pdf")
    assert response.status_code == 200
    return response.data


def test_attachment_link_in_a_title_embeds_nothing(program, db, client, login, organizer, fetched):
    make_session(
        program.institute, ATTACHMENT_TITLE, program.opening.starts_local.replace(hour=16), 30
    )
    program.institute.touch()
    db.session.commit()

    pdf = _booklet(client, login, organizer, program.institute)

    reader = pdf_reader(pdf)
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert b"/EmbeddedFile" not in pdf and b"root:" not in pdf
    assert ATTACHMENT_TITLE in flat_text(pdf), "the title is printed as typed"
    assert not any("passwd" in url for url in fetched)


def test_image_in_a_title_makes_no_request(
    program, db, client, login, organizer, fetched, listener
):
    port, connections = listener
    title = f'<img src="http://127.0.0.1:{port}/x">'
    make_session(program.institute, title, program.opening.starts_local.replace(hour=16), 30)
    program.institute.description = (
        f"<img src=http://127.0.0.1:{port}/y> <style>@import 'http://127.0.0.1:{port}/z';</style>"
    )
    program.institute.touch()
    db.session.commit()

    pdf = _booklet(client, login, organizer, program.institute)

    assert connections == []
    assert not any(str(port) in url for url in fetched)
    assert title in flat_text(pdf)


def test_markup_in_user_text_is_escaped_in_the_preview(program, db, client, login, organizer):
    make_session(
        program.institute,
        "<b>bold</b><script>alert(1)</script>",
        program.opening.starts_local.replace(hour=16),
        30,
    )
    db.session.commit()
    login(organizer)
    html = client.get(f"/institutes/{program.institute.slug}/documents/program").get_data(
        as_text=True
    )
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;" in html
    assert "<script>" not in html


# --- the fetcher's rule, one case at a time -------------------------------------------------


@pytest.fixture
def folders(tmp_path):
    static = tmp_path / "static"
    uploads = tmp_path / "uploads" / "7"
    static.mkdir()
    uploads.mkdir(parents=True)
    (static / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (uploads / "abc.png").write_bytes(b"\x89PNG\r\n\x1a\nrest")
    secret = tmp_path / "secret.txt"
    secret.write_text("passport numbers")
    return static, uploads, secret


def test_fetcher_allows_data_urls():
    response = safe_fetcher("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    assert response.content_type == "text/plain"
    assert safe_fetcher("data:,a%20b").read() == b"a b"


def test_fetcher_allows_files_inside_the_allowed_folders(folders):
    static, uploads, _ = folders
    assert (
        safe_fetcher((static / "logo.svg").as_uri(), allowed_dirs=(static,))
        .read()
        .startswith(b"<svg")
    )
    image = safe_fetcher((uploads / "abc.png").as_uri(), allowed_dirs=(static, uploads))
    assert image.content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        "javascript:alert(1)",
        "relative/path.png",
    ],
)
def test_fetcher_refuses_the_network_and_other_files(url, folders):
    static, uploads, _ = folders
    with pytest.raises(FetchRefused):
        safe_fetcher(url, allowed_dirs=(static, uploads))


def test_fetcher_refuses_parent_segments(folders):
    static, _uploads, _secret = folders
    sneaky = static.as_uri() + "/../secret.txt"
    with pytest.raises(FetchRefused):
        safe_fetcher(sneaky, allowed_dirs=(static,))
    with pytest.raises(FetchRefused):
        safe_fetcher(static.as_uri() + "/%2e%2e/secret.txt", allowed_dirs=(static,))


def test_fetcher_refuses_symlinks_out_of_the_folder(folders):
    static, uploads, secret = folders
    link = uploads / "innocent.png"
    os.symlink(secret, link)
    with pytest.raises(FetchRefused):
        safe_fetcher(link.as_uri(), allowed_dirs=(static, uploads))


def test_fetcher_refuses_another_institutes_uploads(folders):
    static, uploads, _ = folders
    other = uploads.parent / "8"
    other.mkdir()
    (other / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(FetchRefused):
        safe_fetcher((other / "logo.png").as_uri(), allowed_dirs=(static, uploads))


def test_fetcher_refuses_folders_and_missing_files(folders):
    static, _, _ = folders
    with pytest.raises(FetchRefused):
        safe_fetcher(static.as_uri(), allowed_dirs=(static,))
    with pytest.raises(FetchRefused):
        safe_fetcher((static / "nope.png").as_uri(), allowed_dirs=(static,))


def test_a_refused_resource_is_left_out_and_the_document_still_renders(app, folders, fetched):
    """A template asking for a forbidden file gets nothing; WeasyPrint goes on without it."""
    _static, _, secret = folders
    html = f'<html><body><p>text</p><img src="{Path(secret).as_uri()}"></body></html>'
    with app.test_request_context():
        pdf = render.write_pdf(html, paper="a4")
    assert fetched == [Path(secret).as_uri()]
    assert b"passport numbers" not in pdf
