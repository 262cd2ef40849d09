"""The one render pipeline of every document: Jinja template -> HTML -> WeasyPrint -> PDF.

The same template gives the browser preview (screen CSS) and the PDF (print CSS).
WeasyPrint fetches nothing but through ``safe_fetcher``: data: URLs, files inside the
static folder and the institute's own uploaded letter images. User text reaches the
templates as data and is escaped by Jinja's autoescape; no template marks it safe.
"""

import atexit
import base64
import binascii
import gc
import hashlib
import logging
import mimetypes
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.config import PROJECT_ROOT

log = logging.getLogger(__name__)

PAPER_SIZES = {"a4": "A4", "letter": _l("US Letter")}
PAPER_CSS_SIZES = {"a4": "A4", "letter": "letter"}
PAGE_HEIGHT_MM = {"a4": 297.0, "letter": 279.4}
DEFAULT_PAPER = "a4"
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "documents"
PRINT_CSS = PROJECT_ROOT / "static" / "css" / "print.css"


class FetchRefused(ValueError):
    """A document asked for a resource it may not have; nothing was fetched."""


def paper_of(value: str | None) -> str:
    """The paper size asked for (?paper=letter), A4 otherwise."""
    value = (value or "").lower()
    return value if value in PAPER_SIZES else DEFAULT_PAPER


# --- fetching ---------------------------------------------------------------------------------


def static_root() -> Path:
    return Path(current_app.static_folder).resolve()


def upload_root(institute_id: int) -> Path:
    """Where the institute's uploaded letter images live: UPLOAD_DIR/<institute id>/."""
    return Path(current_app.config["UPLOAD_DIR"]).resolve() / str(int(institute_id))


def safe_fetcher(url: str, *, allowed_dirs: tuple[Path, ...] = ()):
    """Return the resource at ``url`` if a document may use it; raise FetchRefused otherwise.

    Allowed: ``data:`` URLs, and ``file:`` URLs of regular files inside one of
    ``allowed_dirs`` (the static folder, the institute's upload folder) after resolving
    symbolic links. Refused: any other scheme (http, https, ftp ...), other hosts,
    ``..`` segments, paths that resolve outside the allowed folders.
    """
    from weasyprint.urls import URLFetcherResponse

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        mime, data = _decode_data_url(url)
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
    if scheme != "file":
        raise FetchRefused(f"scheme {scheme or '(none)'} is not allowed in documents")
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query:
        raise FetchRefused("file URLs must be local")
    raw_path = unquote(parts.path)
    if ".." in Path(raw_path).parts or "\x00" in raw_path:
        raise FetchRefused("parent segments are not allowed")
    path = Path(url2pathname(parts.path))
    if not path.is_absolute():
        raise FetchRefused("file URLs must be absolute")
    resolved = path.resolve()
    inside = any(
        resolved.is_relative_to(root) and path.is_relative_to(root)
        for root in (r.resolve() for r in allowed_dirs)
    )
    if not inside or not resolved.is_file():
        raise FetchRefused("file is outside the folders documents may use")
    mime = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=resolved.read_bytes(), headers={"Content-Type": mime})


def _decode_data_url(url: str) -> tuple[str, bytes]:
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise FetchRefused("malformed data URL")
    params = header.split(";")
    mime = params[0] or "text/plain"
    if "base64" in params[1:]:
        try:
            return mime, base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as error:
            raise FetchRefused("malformed base64 in data URL") from error
    return mime, unquote_to_bytes(payload)


def _fetcher(allowed_dirs: tuple[Path, ...]):
    """WeasyPrint's fetcher object, every fetch going through ``safe_fetcher``."""
    from weasyprint.urls import URLFetcher

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            try:
                # Looked up at call time, so tests can watch every URL asked for.
                return globals()["safe_fetcher"](url, allowed_dirs=allowed_dirs)
            except FetchRefused as refusal:
                log.warning("document resource refused: %s", refusal)
                raise

    return SafeFetcher(allowed_protocols=("data", "file"))


# --- rendering -----------------------------------------------------------------------------


def render_html(template: str, *, screen: bool, **context) -> str:
    """The document's HTML: for the browser (screen=True) or for WeasyPrint."""
    return render_template(
        f"documents/{template}",
        screen=screen,
        doc_lang=str(get_locale() or "en"),
        **context,
    )


# Pango, HarfBuzz and fontconfig objects are not safe to share between threads: a process renders
# one document at a time (the development server and threaded workers run requests in threads).
# A forked worker (gunicorn --preload) starts with its own lock and builds its own font objects
# rather than inheriting the parent's.
_render_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _render_lock
    _render_lock = threading.Lock()
    for cached in (_font_config, _base_stylesheet, _page_stylesheet):
        cached.cache_clear()


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _base_stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS), font_config=_font_config())


def _page_counter(page_label: str) -> str:
    """CSS content of a "Page N of M" label."""
    before, _sep, rest = page_label.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return f"{quoted(before)} counter(page) {quoted(middle)} counter(pages) {quoted(after)}"


# The visa letter's pages, one named page per language of the letter, each with its footer
# in its own language (the letter is bilingual whatever the reader's language).
LETTER_LANGUAGES = ("en", "ru")


def _letter_page_labels() -> tuple[tuple[str, str], ...]:
    from flask_babel import force_locale

    labels = []
    for code in LETTER_LANGUAGES:
        with force_locale(code):
            labels.append((code, _("Page {page} of {pages}")))
    return tuple(labels)


@cache
def _page_stylesheet(paper: str, page_label: str, letter_labels: tuple = ()):
    """Paper size and the translated "Page N of M" footer, which CSS needs as strings."""
    from weasyprint import CSS

    content = _page_counter(page_label)
    size = PAPER_CSS_SIZES[paper]
    height = PAGE_HEIGHT_MM[paper]
    css = (
        f"@page {{ size: {size}; @bottom-right {{ content: {content}; }} }}\n"
        f"@page wide {{ size: {size} landscape; }}\n"
        "@page cover { @bottom-right { content: none; } }\n"
        "@page badges { @bottom-right { content: none; } }\n"
        f".cover {{ height: {height - 1}mm; }}\n"
        # Four rows of badges fill the sheet inside its 10 mm margins.
        f".badge {{ height: {(height - 20) / 4:.2f}mm; }}\n"
    )
    for code, label in letter_labels:
        css += (
            f"@page letter-{code} {{ size: {size}; margin: 14mm 20mm 18mm 22mm;"
            " @top-left { content: none; } @top-right { content: none; }"
            " @bottom-left { content: none; }"
            f" @bottom-right {{ content: {_page_counter(label)}; }} }}\n"
            f'.letter[lang="{code}"] {{ page: letter-{code}; }}\n'
        )
    return CSS(string=css, font_config=_font_config())


def write_pdf(html: str, *, paper: str, allowed_dirs: tuple[Path, ...] = ()) -> bytes:
    """Lay the HTML out with WeasyPrint; only ``safe_fetcher`` may load resources."""
    from weasyprint import HTML

    roots = (static_root(), *allowed_dirs)
    page_label = _("Page {page} of {pages}")
    with _render_lock:
        document = HTML(
            string=html,
            base_url=static_root().as_uri() + "/",
            url_fetcher=_fetcher(roots),
        )
        return document.write_pdf(
            stylesheets=[
                _base_stylesheet(),
                _page_stylesheet(paper, page_label, _letter_page_labels()),
            ],
            font_config=_font_config(),
            pdf_identifier=False,
            # Tagged (PDF/UA-1): structure tree, language and title, so screen readers read it.
            pdf_variant="pdf/ua-1",
        )


def render_pdf(template: str, *, paper: str, allowed_dirs: tuple[Path, ...] = (), **context):
    return write_pdf(
        render_html(template, screen=False, paper=paper, **context),
        paper=paper,
        allowed_dirs=allowed_dirs,
    )


def _release_fonts_at_exit() -> None:
    """Free WeasyPrint's Pango/HarfBuzz objects while those libraries still stand.

    Left to the interpreter's final teardown, the objects of a tagged PDF render are freed in
    an order that crashes the process on its way out (a gunicorn worker stopped by SIGTERM
    ended with SIGSEGV after rendering a tagged booklet).
    """
    for cached in (_font_config, _base_stylesheet, _page_stylesheet):
        cached.cache_clear()
    gc.collect()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_release_fonts_at_exit)


# --- the cache -------------------------------------------------------------------------------


@cache
def template_version() -> str:
    """A digest of the document templates and print stylesheet: editing them retires old PDFs."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATE_DIR.rglob("*.html"), PRINT_CSS]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class CacheKey:
    """What a cached PDF shows: the data version decides, nothing else."""

    kind: str
    institute_id: int
    data_version: int
    paper: str
    locale: str
    subject_id: int | None = None

    def stem(self) -> str:
        subject = f"-{self.subject_id}" if self.subject_id is not None else ""
        return f"{self.kind}{subject}-{self.paper}-{self.locale}"

    def filename(self) -> str:
        return f"{self.stem()}-v{self.data_version}-{template_version()}.pdf"


def cache_dir(institute_id: int) -> Path:
    return Path(current_app.config["DOCUMENT_CACHE_DIR"]) / str(int(institute_id))


def cached_pdf(key: CacheKey, build) -> bytes:
    """The PDF of ``key`` from the cache, or built now and stored for the next download."""
    version = f"v{key.data_version}-{template_version()}"
    return cached_file(key.institute_id, key.stem(), version, "pdf", build)


def cached_file(institute_id: int, stem: str, version: str, suffix: str, build) -> bytes:
    """The file ``<stem>-<version>.<suffix>`` of the institute from the cache, or built now
    and stored for the next reader (PDFs, the public program's calendar feed).

    Files are written atomically with owner-only permissions (lists hold personal data);
    older versions of the same file are removed when a new one is stored. ``version`` starts
    with "v" and the data version.
    """
    folder = cache_dir(institute_id)
    path = folder / f"{stem}-{version}.{suffix}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError as error:  # an unreadable cache is no reason to refuse the document
        log.warning("document cache unreadable: %s", error.strerror)
    body = build()
    try:
        _store(folder, path, body)
    except OSError as error:
        log.warning("document cache not written: %s", error.strerror)
        return body
    for old in folder.glob(f"{stem}-v*.{suffix}"):
        if old.name != path.name:
            old.unlink(missing_ok=True)
    return body


def _store(folder: Path, path: Path, body: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(body)
        os.replace(tmp_name, path)
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def clear_cache(institute_id: int) -> int:
    """Remove every cached file of an institute (retention purge); returns the count."""
    folder = cache_dir(institute_id)
    removed = 0
    for path in folder.glob("*"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
