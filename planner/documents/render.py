"""The one render pipeline of every document: Jinja template -> HTML -> WeasyPrint -> PDF.

The same template gives the browser preview (screen CSS) and the PDF (print CSS). User text
reaches the templates as data and is escaped by Jinja's autoescape; no template marks it safe.
WeasyPrint itself runs in planner/documents/layout.py, which fetches nothing but data: URLs,
files inside the static folder and the institute's own uploaded letter images.

Where WeasyPrint runs: in the render worker (``flask render-documents``) and, with
RENDER_INLINE, in the process that asks. Any other process (the web workers) never imports it:
it hands the HTML to a short-lived child process over a pipe and reads the PDF back from the
child's stdout (visa letters, the donor report, a document no render worker took in time).
Nothing of the document touches disk on the way, and the child's memory is given back when
it ends.
"""

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.config import PROJECT_ROOT
from planner.documents import layout

log = logging.getLogger(__name__)

PAPER_SIZES = {"a4": "A4", "letter": _l("US Letter")}
DEFAULT_PAPER = "a4"
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "documents"
PRINT_CSS = PROJECT_ROOT / "static" / "css" / "print.css"


class RenderProcessFailed(RuntimeError):
    """The child process that renders a PDF failed or took too long (nothing is retried)."""


def paper_of(value: str | None) -> str:
    """The paper size asked for (?paper=letter), A4 otherwise."""
    value = (value or "").lower()
    return value if value in PAPER_SIZES else DEFAULT_PAPER


def static_root() -> Path:
    return Path(current_app.static_folder).resolve()


def upload_root(institute_id: int) -> Path:
    """Where the institute's uploaded letter images live: UPLOAD_DIR/<institute id>/."""
    return Path(current_app.config["UPLOAD_DIR"]).resolve() / str(int(institute_id))


# --- rendering -----------------------------------------------------------------------------


def render_html(template: str, *, screen: bool, **context) -> str:
    """The document's HTML: for the browser (screen=True) or for WeasyPrint."""
    return render_template(
        f"documents/{template}",
        screen=screen,
        doc_lang=str(get_locale() or "en"),
        **context,
    )


# The visa letter's pages, one named page per language of the letter, each with its footer
# in its own language (the letter is bilingual whatever the reader's language).
LETTER_LANGUAGES = ("en", "ru")


def _letter_page_labels() -> list[tuple[str, str]]:
    from flask_babel import force_locale

    labels = []
    for code in LETTER_LANGUAGES:
        with force_locale(code):
            labels.append((code, _("Page {page} of {pages}")))
    return labels


def render_in_this_process() -> None:
    """Called by the render worker: this process is the one that runs WeasyPrint."""
    current_app.config["RENDER_WORKER"] = True


def renders_here() -> bool:
    """Whether this process may run WeasyPrint itself (else a child process does)."""
    config = current_app.config
    return bool(config["RENDER_WORKER"] or config["RENDER_INLINE"])


def layout_options(paper: str, allowed_dirs: tuple[Path, ...] = ()) -> dict:
    """What WeasyPrint needs besides the HTML (planner/documents/layout.py), as plain values."""
    root = static_root()
    return {
        "paper": paper,
        "base_url": root.as_uri() + "/",
        "allowed_dirs": [str(d) for d in (root, *allowed_dirs)],
        "print_css": str(PRINT_CSS),
        "page_label": _("Page {page} of {pages}"),
        "letter_labels": _letter_page_labels(),
    }


def write_pdf(html: str, *, paper: str, allowed_dirs: tuple[Path, ...] = ()) -> bytes:
    """Lay the HTML out with WeasyPrint, here or in a child process (see the module's doc)."""
    options = layout_options(paper, allowed_dirs)
    if renders_here():
        return layout.layout_pdf(html, options)
    return _write_pdf_apart(html, options)


def _write_pdf_apart(html: str, options: dict) -> bytes:
    """The PDF from a child process: the HTML goes in over a pipe, the PDF comes back on its
    stdout. Failures are logged by kind only: the document may hold passport data."""
    timeout = float(current_app.config["RENDER_PROCESS_TIMEOUT_SECONDS"])
    # -I: the child imports WeasyPrint only, not the planner (and not from the current folder).
    command = [sys.executable, "-I", layout.__file__]
    payload = json.dumps(options).encode() + b"\n" + html.encode("utf-8")
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and file, no shell
            command, input=payload, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        log.warning("PDF render process gave no PDF within %g s; it was stopped", timeout)
        raise RenderProcessFailed("timeout") from None
    except OSError as error:
        log.warning("PDF render process could not start: %s", error.strerror)
        raise RenderProcessFailed("start") from None
    if done.returncode == 0 and done.stdout.startswith(b"%PDF"):
        return done.stdout
    lines = done.stderr.decode("utf-8", "replace").splitlines()
    kinds = [
        line.removeprefix(layout.ERROR_PREFIX)
        for line in lines
        if line.startswith(layout.ERROR_PREFIX)
    ]
    kind = kinds[-1] if kinds and kinds[-1].isidentifier() else "no PDF"
    log.warning("PDF render process failed (exit status %s): %s", done.returncode, kind)
    raise RenderProcessFailed(kind)


def render_pdf(template: str, *, paper: str, allowed_dirs: tuple[Path, ...] = (), **context):
    return write_pdf(
        render_html(template, screen=False, paper=paper, **context),
        paper=paper,
        allowed_dirs=allowed_dirs,
    )


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

    def version(self) -> str:
        return f"v{self.data_version}-{template_version()}"

    def filename(self) -> str:
        return f"{self.stem()}-{self.version()}.pdf"


def cache_dir(institute_id: int) -> Path:
    return Path(current_app.config["DOCUMENT_CACHE_DIR"]) / str(int(institute_id))


def cached_pdf(key: CacheKey, build) -> bytes:
    """The PDF of ``key`` from the cache, or built now and stored for the next download."""
    return cached_file(key.institute_id, key.stem(), key.version(), "pdf", build)


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
