"""WeasyPrint's side of the document pipeline: HTML in, PDF out, nothing else.

No Flask, no database, no module of the planner: this file also runs on its own as a
short-lived process (``python -I .../layout.py``), which reads a JSON line of options and the
HTML on stdin and writes the PDF to stdout. The web process renders visa letters (and any
document it must make itself) that way: the PDF never touches disk or the job table, and the
memory WeasyPrint takes is the child's, given back when it ends (planner/documents/render.py).
The render worker and RENDER_INLINE call ``layout_pdf`` in their own process.

WeasyPrint fetches nothing but through ``safe_fetcher``: data: URLs and regular files inside
the allowed folders (the static folder, the institute's own uploaded letter images).
"""

import atexit
import base64
import binascii
import gc
import json
import logging
import mimetypes
import os
import sys
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

log = logging.getLogger(__name__)

PAPER_CSS_SIZES = {"a4": "A4", "letter": "letter"}
PAGE_HEIGHT_MM = {"a4": 297.0, "letter": 279.4}
ERROR_PREFIX = "render error: "  # the child's last line on stderr when it fails


class FetchRefused(ValueError):
    """A document asked for a resource it may not have; nothing was fetched."""


# --- fetching ---------------------------------------------------------------------------------


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


# --- fonts and stylesheets, made once per process ----------------------------------------------

# Pango, HarfBuzz and fontconfig objects are not safe to share between threads: a process renders
# one document at a time (the development server and threaded workers run requests in threads).
# A forked process starts with its own lock and builds its own font objects rather than
# inheriting the parent's.
_render_lock = threading.Lock()


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _base_stylesheet(print_css: str):
    from weasyprint import CSS

    return CSS(filename=print_css, font_config=_font_config())


def _page_counter(page_label: str) -> str:
    """CSS content of a "Page N of M" label."""
    before, _sep, rest = page_label.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return f"{quoted(before)} counter(page) {quoted(middle)} counter(pages) {quoted(after)}"


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


def stylesheets(options: dict) -> list:
    """The print stylesheet and the page rules of a render (parsed once per process)."""
    return [
        _base_stylesheet(options["print_css"]),
        _page_stylesheet(
            options["paper"],
            options["page_label"],
            tuple(tuple(pair) for pair in options["letter_labels"]),
        ),
    ]


def layout_pdf(html: str, options: dict) -> bytes:
    """Lay the HTML out with WeasyPrint; only ``safe_fetcher`` may load resources.

    ``options`` (plain values, so they can travel over a pipe): paper, base_url,
    allowed_dirs (folders a file: URL may point into), print_css, page_label
    ("Page {page} of {pages}" translated) and letter_labels ((language, label) pairs).
    """
    from weasyprint import HTML

    with _render_lock:
        document = HTML(
            string=html,
            base_url=options["base_url"],
            url_fetcher=_fetcher(tuple(Path(d) for d in options["allowed_dirs"])),
        )
        return document.write_pdf(
            stylesheets=stylesheets(options),
            font_config=_font_config(),
            pdf_identifier=False,
            # Tagged (PDF/UA-1): structure tree, language and title, so screen readers read it.
            pdf_variant="pdf/ua-1",
        )


def _forget_fonts() -> None:
    for cached in (_font_config, _base_stylesheet, _page_stylesheet):
        cached.cache_clear()


def _after_fork_in_child() -> None:
    global _render_lock
    _render_lock = threading.Lock()
    _forget_fonts()


def _release_fonts_at_exit() -> None:
    """Free WeasyPrint's Pango/HarfBuzz objects while those libraries still stand.

    Left to the interpreter's final teardown, the objects of a tagged PDF render are freed in
    an order that crashes the process on its way out (a gunicorn worker stopped by SIGTERM
    ended with SIGSEGV after rendering a tagged booklet).
    """
    _forget_fonts()
    gc.collect()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_release_fonts_at_exit)


# --- the process of its own --------------------------------------------------------------------


def main() -> int:
    """stdin: one JSON line of options, then the HTML (UTF-8); stdout: the PDF.

    On failure only the type of the error is written (to stderr): a message could quote the
    document, and a visa letter holds passport data.
    """
    try:
        options = json.loads(sys.stdin.buffer.readline())
        pdf = layout_pdf(sys.stdin.buffer.read().decode("utf-8"), options)
    except Exception as error:  # reported by its type only, see above
        sys.stderr.write(f"{ERROR_PREFIX}{type(error).__name__}\n")
        return 1
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
