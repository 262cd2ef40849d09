"""The production recipe (docs/deploy.md, deploy/) names only commands and settings that exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
RECIPE = [*sorted(p for p in (ROOT / "deploy").rglob("*") if p.is_file()), ROOT / "docs/deploy.md"]


def _text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in RECIPE)


def _flask_commands() -> set[str]:
    found = set(re.findall(r"flask[\"',\s]+(?:\[)?[\"']?([a-z][a-z-]+)", _text()))
    return found - {"app", "db"} | {"db"}


@pytest.mark.parametrize("command", sorted(_flask_commands()))
def test_every_flask_command_of_the_recipe_exists(app, command):
    result = app.test_cli_runner().invoke(args=[command, "--help"])

    assert result.exit_code == 0, result.output


def test_every_setting_of_the_recipe_is_read_by_the_app():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "planner").rglob("*.py"))
    read = set(re.findall(r'_env\("([A-Z_]+)"', source)) | set(
        n.removeprefix("PLANNER_") for n in re.findall(r'"(PLANNER_[A-Z_]+)"', source)
    )
    named = {n.removeprefix("PLANNER_") for n in re.findall(r"PLANNER_[A-Z_]*[A-Z]\b", _text())}
    assert named - read == set()


def test_the_stack_has_every_part():
    compose = (ROOT / "deploy/compose.yaml").read_text(encoding="utf-8")
    for part in (
        "image: postgres:15",
        "image: redis:",
        "image: nginx:",
        '"send-mail", "--loop"',
        "replicas: 2",
        '"db", "upgrade"',
        "gunicorn.conf.py",
    ):
        assert part in compose
    scheduler = (ROOT / "deploy/scheduler.sh").read_text(encoding="utf-8")
    assert "flask remind" in scheduler and "flask purge-expired" in scheduler
    units = {p.name for p in (ROOT / "deploy/systemd").iterdir()}
    assert {
        "planner-web.service",
        "planner-mail@.service",
        "planner-remind.service",
        "planner-remind.timer",
        "planner-purge.service",
        "planner-purge.timer",
    } <= units
    nginx = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    assert "ssl_certificate" in nginx and "X-Forwarded-For $remote_addr" in nginx
