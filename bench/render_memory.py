"""Web worker memory after PDFs, with and without the render worker (issue 16, item 4).

    .venv/bin/python -m bench.render_memory [--size 300]

Loads the reference workload (SQLite), lets `flask render-documents` render the booklet, then,
in a fresh process each, serves the same PDFs the way a web worker does: the public booklet,
the organizer's booklet in Russian, the rooming list and the name badges. Prints the peak
resident memory of that process and whether it imported WeasyPrint: once with the render
worker (RENDER_INLINE off, as deployed) and once rendering in the request (as before).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feeds import workload_file  # noqa: E402
from bench.table import PASSWORD, config, peak_memory_mb, prepare, start_render_worker  # noqa: E402

DOCUMENTS = (
    "/p/{slug}/program.pdf",
    "/institutes/{slug}/documents/program.pdf?lang=ru",
    "/institutes/{slug}/documents/rooming.pdf",
    "/institutes/{slug}/documents/badges.pdf",
)


def serve_pdfs(database_url: str, slug: str, cache_dir: str, inline: bool) -> dict:
    from planner import create_app

    # A long wait: on a loaded machine the render worker may take a while to answer.
    settings = {**config(database_url, cache_dir), "RENDER_INLINE": inline}
    app = create_app({**settings, "RENDER_WAIT_SECONDS": 300})
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    timings = []
    for path in DOCUMENTS:
        url = path.format(slug=slug)
        started = time.perf_counter()
        while True:
            response = client.get(url)
            if response.status_code == 200:
                break
            assert response.status_code == 202, (url, response.status_code)
            time.sleep(0.2)  # the "being prepared" page: the browser reloads it
        assert response.data.startswith(b"%PDF"), url
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "peak MB": peak_memory_mb(),
        "weasyprint": "weasyprint" in sys.modules,
        "ms": timings,
    }


def wait_for_worker(database_url: str, cache_dir: str, worker) -> None:
    """Until the render worker has rendered something (it starts slowly on a loaded machine)."""
    from sqlalchemy import select

    from planner import create_app
    from planner.documents import jobs
    from planner.documents.models import RenderJob, RenderStatus
    from planner.extensions import db
    from planner.institutes.models import Institute

    app = create_app(config(database_url, cache_dir))
    with app.app_context():
        institute_id = db.session.scalar(select(Institute.id).limit(1))
        target = jobs.Target("program", institute_id, "letter", "en")
        jobs.queue_now(db.session, target)
        db.session.commit()
        while not db.session.scalar(
            select(RenderJob.id).where(
                RenderJob.paper == "letter", RenderJob.status == RenderStatus.DONE
            )
        ):
            if worker.poll() is not None:
                raise RuntimeError("the render worker ended")
            db.session.rollback()
            time.sleep(0.5)
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload")
    parser.add_argument("--size", type=int, default=300)
    args = parser.parse_args()
    workload = workload_file(args.workload)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/memory.sqlite"
        results = {}
        for label, inline in (("render worker", False), ("in the request (before)", True)):
            cache_dir = tempfile.mkdtemp(dir=tmp)
            if not results:
                slug = prepare(url, workload, args.size, cache_dir)
            worker = None if inline else start_render_worker(url, cache_dir)
            if worker is not None:
                wait_for_worker(url, cache_dir, worker)
            try:
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    results[label] = pool.apply(serve_pdfs, (url, slug, cache_dir, inline))
            finally:
                if worker is not None:
                    worker.terminate()
                    worker.wait(timeout=120)
    print(f"Web process serving {len(DOCUMENTS)} PDFs ({args.size} participants, SQLite):")
    for label, values in results.items():
        ms = ", ".join(f"{t:.0f}" for t in values["ms"])
        print(
            f"- {label}: peak {values['peak MB']:.1f} MB, WeasyPrint imported: "
            f"{'yes' if values['weasyprint'] else 'no'}; ms per PDF: {ms}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
