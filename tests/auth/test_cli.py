"""The create-organizer and demo commands."""

from sqlalchemy import func, select

from planner.auth.models import Organizer
from planner.auth.passwords import verify_password
from planner.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from planner.institutes.models import Institute


def test_create_organizer_command(runner, db):
    result = runner.invoke(
        args=[
            "create-organizer",
            "--email",
            "Nurlan@Example.org",
            "--name",
            "Nurlan B.",
            "--password",
            "a long enough password",
        ],
    )
    assert result.exit_code == 0, result.output
    organizer = db.session.scalar(select(Organizer))
    assert organizer.email == "nurlan@example.org"
    assert verify_password(organizer.password_hash, "a long enough password")


def test_create_organizer_refuses_short_password_and_duplicates(runner, db):
    args = ["create-organizer", "--email", "a@example.org", "--name", "A"]
    short = runner.invoke(args=[*args, "--password", "short"])
    assert short.exit_code != 0
    assert "at least 10" in short.output
    assert runner.invoke(args=[*args, "--password", "long enough pass"]).exit_code == 0
    again = runner.invoke(args=[*args, "--password", "long enough pass"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_demo_is_idempotent_and_prints_the_login(runner, client, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in first.output
    loaded = db.session.scalar(select(func.count()).select_from(Institute))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Institute)) == loaded
    response = client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(f"/institutes/{DEMO_SLUG}/").status_code == 200


def test_demo_if_empty_leaves_an_existing_database_alone(runner, db, institute):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 1


def test_demo_loads_the_reference_workload_once(runner, db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    generator = Path(__file__).parents[3] / "shared" / "bench" / "reference_workload.py"
    workload = tmp_path / "workload.json"
    subprocess.run([sys.executable, str(generator), str(workload)], check=True, capture_output=True)
    demo_only = runner.invoke(args=["demo"])
    assert demo_only.exit_code == 0, demo_only.output
    loaded = db.session.scalar(select(func.count()).select_from(Institute))
    result = runner.invoke(args=["demo", "--reference", str(workload)])
    assert result.exit_code == 0, result.output
    assert "Loaded the reference workload" in result.output
    again = runner.invoke(args=["demo", "--reference", str(workload)])
    assert "Already present: the reference workload (ca-tot-2027)" in again.output
    assert db.session.scalar(select(func.count()).select_from(Institute)) == loaded + 1
