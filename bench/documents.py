"""Each document render against WeasyPrint's floor for the same content (DESIGN §7: ≤ 1.25 ×).

    .venv/bin/python -m bench.documents [--workload FILE] [--runs 5] [--size 300] [--profile KIND]

Loads the reference workload as bench/table.py does (legs, rooms and breakouts for everyone)
into a throwaway SQLite database, then, in one process, for the booklet and three lists:

- ours: what the render worker runs for the document (data load, Jinja, ``write_pdf`` with
  our options: tagged PDF/UA-1, our font configuration and fetcher);
- floor: ``weasyprint.HTML(string=<the same HTML>, base_url=...).write_pdf(stylesheets=...)``
  with every other option left at its default. The stylesheets are the same CSS objects ours
  passes (print.css and the page rules), parsed once: without them WeasyPrint would lay out
  a different, unstyled document;
- floor + tagging: the floor with ``pdf_variant="pdf/ua-1"`` only, so the cost of the tagged
  PDF (a requirement) shows apart from what is ours to fix.

Runs alternate between the variants; medians in ms and the ratio ours / floor are printed.
``--profile KIND`` prints where our render of one document spends its time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feeds import BASE_URL, workload_file  # noqa: E402

KINDS = ("program", "badges", "rooming", "arrivals")
TARGET = 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", help="reference workload JSON (generated if omitted)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=300, help="participants")
    parser.add_argument("--profile", choices=KINDS, help="profile our render of this document")
    args = parser.parse_args()
    from bench.table import config, prepare

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        cache_dir = str(Path(tmp) / "documents")
        slug = prepare(url, workload_file(args.workload), args.size, cache_dir)
        from planner import create_app

        app = create_app({**config(url, cache_dir), "RENDER_INLINE": True})
        with app.app_context(), app.test_request_context(base_url=BASE_URL):
            if args.profile:
                profile(slug, args.profile)
            else:
                compare(slug, args.runs, args.size)
    return 0


def _variants(slug: str, kind: str) -> dict:
    """The functions timed for one document: ours, the floor, the floor with tagging."""
    import weasyprint
    from flask_babel import force_locale
    from sqlalchemy import select

    from planner.documents import catalog, jobs, layout, render
    from planner.extensions import db
    from planner.institutes.models import Institute

    institute = db.session.scalar(select(Institute).where(Institute.slug == slug))
    target = jobs.Target(kind, institute.id, "a4", "en")
    doc = catalog.DOCUMENTS[kind]
    with force_locale("en"):
        html = render.render_html(
            doc.template, screen=False, paper="a4", doc=doc, data=doc.load(institute)
        )
        options = render.layout_options("a4")
    stylesheets = layout.stylesheets(options)
    base_url = options["base_url"]

    def ours() -> bytes:
        db.session.expire_all()  # the worker loads each job's data afresh
        _key, build = catalog.render_target(target)
        return build()

    def floor(**options) -> bytes:
        return weasyprint.HTML(string=html, base_url=base_url).write_pdf(
            stylesheets=stylesheets, **options
        )

    return {
        "ours": ours,
        "floor": floor,
        "floor + tagging": lambda: floor(pdf_variant="pdf/ua-1"),
    }


def compare(slug: str, runs: int, size: int) -> None:
    print(f"{size} participants, median of {runs} runs (after one warm-up each), ms")
    print(f"{'document':<10} {'ours':>8} {'floor':>8} {'+tagging':>9} {'ratio':>6}  tagging")
    worst = 0.0
    for kind in KINDS:
        variants = _variants(slug, kind)
        times = {name: [] for name in variants}
        for fn in variants.values():
            fn()
        for _ in range(runs):
            for name, fn in variants.items():
                started = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - started) * 1000)
        ours, floor, tagged = (statistics.median(times[name]) for name in variants)
        ratio = ours / floor
        worst = max(worst, ratio)
        print(
            f"{kind:<10} {ours:8.0f} {floor:8.0f} {tagged:9.0f} {ratio:6.2f}  "
            f"{tagged / floor:.2f} x floor"
        )
    print(f"worst ratio {worst:.2f} (target ≤ {TARGET})")


def profile(slug: str, kind: str) -> None:
    ours = _variants(slug, kind)["ours"]
    ours()
    profiler = cProfile.Profile()
    profiler.enable()
    ours()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative")
    stats.print_stats(40)


if __name__ == "__main__":
    sys.exit(main())
