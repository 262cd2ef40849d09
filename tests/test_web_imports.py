"""A web worker loads only what its requests need (DESIGN §7: at most 110 MB): libraries that
serve commands, imports, backups, QR codes or PDFs are imported when those are used."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each of these costs a web worker megabytes (Alembic about 13, cryptography 7, openpyxl 8,
# icalendar 4, pypdf 22, WeasyPrint far more) and no page below needs it.
HEAVY = (
    "alembic",
    "flask_migrate",
    "cryptography",
    "openpyxl",
    "pypdf",
    "weasyprint",
    "segno",
    "icalendar",
)

SERVE_PAGES = """
import json, sys
from planner import create_app
from planner.extensions import db
from tests import factories

app = create_app({
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_PROFILE": "cheapest",
})
with app.app_context():
    db.create_all()
    organizer = factories.make_organizer()
    institute = factories.make_institute(owner=organizer)
    factories.make_invitee(institute)
    email, slug = organizer.email, institute.slug
client = app.test_client()
answers = [client.get("/login").status_code]
answers.append(
    client.post(
        "/login", data={"email": email, "password": factories.DEFAULT_PASSWORD}
    ).status_code
)
for path in ("/institutes/", f"/institutes/{slug}/", f"/institutes/{slug}/invitees/"):
    answers.append(client.get(path).status_code)
print(json.dumps({"answers": answers, "loaded": sorted(set(HEAVY) & set(sys.modules))}))
"""


def test_signing_in_and_the_organizer_pages_load_none_of_the_heavy_libraries():
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{SERVE_PAGES}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    served = json.loads(result.stdout.splitlines()[-1])
    assert served["answers"] == [200, 302, 200, 200, 200]
    assert served["loaded"] == []
