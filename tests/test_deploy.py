"""The production recipe (docs/deploy.md, deploy/) names only commands, options and settings
that exist, and has every part the issue asks for.

The stack itself cannot be started here (no Docker daemon, no registry access): these tests
check what can be checked without it. compose.yaml parses and has each service; every
``flask …`` command line of the recipe resolves to a real command of this app with options
it has; every systemd ExecStart names a real executable path of the layout docs/deploy.md
sets up and a real command; every setting the recipe names is read by the app.
"""

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
RECIPE = [*sorted(p for p in DEPLOY.rglob("*") if p.is_file()), ROOT / "docs/deploy.md"]
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
# Where docs/deploy.md puts things on a systemd host; the executables a unit may start.
VENV_BIN = "/opt/planner/.venv/bin/"
SYSTEM_COMMANDS = {"/bin/sh", "/bin/mkdir", "/bin/kill"}


def _text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in RECIPE)


def _flask_invocations() -> list[tuple[str, list[str]]]:
    """Every ``flask …`` the recipe writes, as (where, tokens after ``flask``), per line."""
    found = []
    for path in RECIPE:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in re.finditer(r"(?<![\w.-])flask\b(?![\w.-])(.*)", line):
                rest = re.split(r"\|\||&&|[;|`)]", match.group(1))[0]
                tokens = [t for t in re.split(r"[\s\"',\[\]]+", rest) if t]
                if tokens:
                    found.append((f"{path.relative_to(ROOT)}:{number}", tokens))
    return found


def _resolve(app, tokens: list[str]):
    """(command path, the click command, the option tokens that follow it)."""
    ctx = click.Context(app.cli)
    command, path = app.cli, []
    rest = list(tokens)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(ctx, rest[0])
        if sub is None:
            break
        command, path = sub, [*path, rest.pop(0)]
    options = [t.split("=")[0] for t in rest if t.startswith("--")]
    return path, command, options


INVOCATIONS = _flask_invocations()


def test_the_recipe_names_the_scheduled_commands():
    named = {" ".join(tokens[:2]) for _where, tokens in INVOCATIONS}
    for command in ("send-scheduled", "reports send-follow-ups", "remind", "purge-expired"):
        assert any(n == command or n.startswith(command + " ") for n in named), command


@pytest.mark.parametrize(
    ("where", "tokens"), INVOCATIONS, ids=[f"{w} {' '.join(t[:3])}" for w, t in INVOCATIONS]
)
def test_every_flask_command_of_the_recipe_exists_with_its_options(app, where, tokens):
    path, command, options = _resolve(app, tokens)

    assert path, f"{where}: flask {' '.join(tokens)}: no such command"
    assert not isinstance(command, click.Group) or path == ["db"], (
        f"{where}: flask {' '.join(path)} is a group, not a command"
    )
    if isinstance(command, click.Group):  # flask db upgrade: Flask-Migrate's own group
        path, command, options = path, command.get_command(click.Context(command), tokens[1]), []
        assert command is not None, f"{where}: flask {' '.join(tokens[:2])}: no such command"
    known = {name for param in command.params for name in getattr(param, "opts", [])}
    assert set(options) <= known, f"{where}: flask {' '.join(path)} has no {set(options) - known}"
    # And flask --help lists it (what an operator sees).
    result = app.test_cli_runner().invoke(args=[*path, "--help"])
    assert result.exit_code == 0, result.output


def test_every_setting_of_the_recipe_is_read_by_the_app():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "planner").rglob("*.py"))
    read = set(re.findall(r'_env\("([A-Z_]+)"', source)) | set(
        n.removeprefix("PLANNER_") for n in re.findall(r'"(PLANNER_[A-Z_]+)"', source)
    )
    named = {n.removeprefix("PLANNER_") for n in re.findall(r"PLANNER_[A-Z_]*[A-Z]\b", _text())}
    assert named - read == set()


def _read_by_the_app() -> set[str]:
    """Setting names (without PLANNER_) the app reads: config.py's _env() and literal names."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "planner").rglob("*.py"))
    return set(re.findall(r'_env\("([A-Z_]+)"', source)) | {
        n.removeprefix("PLANNER_") for n in re.findall(r'"(PLANNER_[A-Z_]+)"', source)
    }


def test_the_env_file_sets_only_keys_the_app_or_the_stack_reads():
    read = _read_by_the_app()
    stack = {"POSTGRES_PASSWORD", "GUNICORN_WORKERS"}  # compose and deploy/gunicorn.conf.py
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert "GUNICORN_WORKERS" in gunicorn
    keys = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "planner.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert keys
    for key in keys:
        assert key in stack or key.removeprefix("PLANNER_") in read, key


# compose.yaml --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_has_every_service_of_the_stack(compose):
    services = compose["services"]
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:")
    assert services["nginx"]["image"].startswith("nginx:")
    assert _command(services["web"])[0] == "gunicorn"
    assert _command(services["mail"])[:3] == ["flask", "send-mail", "--loop"]
    assert services["mail"]["deploy"]["replicas"] >= 2
    assert _command(services["migrate"]) == ["flask", "db", "upgrade"]
    assert _command(services["scheduler"]) == ["/bin/sh", "/app/deploy/scheduler.sh"]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY deploy/scheduler.sh /app/deploy/scheduler.sh" in dockerfile
    # Every app service reads the env file and waits for the schema; nginx for a healthy web.
    for name in ("web", "mail", "scheduler", "migrate"):
        assert services[name]["env_file"] == "planner.env"
        assert services[name]["image"] == "institute-planner:latest"
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_compose_nginx_terminates_tls(compose):
    nginx_service = compose["services"]["nginx"]
    assert "443:443" in nginx_service["ports"]
    assert any(v.startswith("./certs:") for v in nginx_service["volumes"])
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl" in nginx
    assert re.search(r"ssl_certificate\s+/etc/nginx/certs/fullchain.pem;", nginx)
    assert "X-Forwarded-For $remote_addr" in nginx
    assert "return 301 https://" in nginx


def test_compose_environment_names_only_settings_the_app_reads(compose):
    read = _read_by_the_app()
    stack = {"GUNICORN_WORKERS", "GUNICORN_FORWARDED_ALLOW_IPS", "REMIND_AT", "SCHEDULE_INTERVAL"}
    for name, service in compose["services"].items():
        for key in service.get("environment", {}):
            if key.startswith("POSTGRES_"):
                assert name == "db"
                continue
            assert key in stack or key.removeprefix("PLANNER_") in read, (name, key)
    scheduler = (DEPLOY / "scheduler.sh").read_text(encoding="utf-8")
    assert "REMIND_AT" in scheduler and "SCHEDULE_INTERVAL" in scheduler


def test_the_scheduler_runs_every_scheduled_command():
    scheduler = (DEPLOY / "scheduler.sh").read_text(encoding="utf-8")
    for command in (
        "flask send-scheduled",
        "flask remind",
        "flask reports send-follow-ups",
        "flask purge-expired",
    ):
        assert re.search(rf"^\s*{command} \|\|", scheduler, re.M), command


# systemd -------------------------------------------------------------------------------------


def _exec_lines(unit: Path) -> list[str]:
    return [
        line.split("=", 1)[1]
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith(("ExecStart=", "ExecStartPre=", "ExecReload="))
    ]


def test_every_unit_starts_a_real_command(app):
    assert UNITS
    for unit in UNITS:
        for line in _exec_lines(unit):
            argv = shlex.split(line)
            executable = argv[0]
            if executable.startswith(VENV_BIN):
                program = executable.removeprefix(VENV_BIN)
                assert program in {"flask", "gunicorn"}, (unit.name, program)
                if program == "gunicorn":
                    assert "/opt/planner/deploy/gunicorn.conf.py" in argv
                    assert argv[-1] == "wsgi:app"
                    continue
                path, command, options = _resolve(app, argv[1:])
                assert path and command is not None, (unit.name, line)
                known = {name for param in command.params for name in getattr(param, "opts", [])}
                if not isinstance(command, click.Group):
                    assert set(options) <= known, (unit.name, line)
            else:
                assert executable in SYSTEM_COMMANDS, (unit.name, executable)
                if executable == "/bin/sh":  # sh -c 'exec …/flask CMD …' sh %i
                    inner = shlex.split(argv[2].replace("%%", "%"))
                    assert inner[0] == "exec" and inner[1] == VENV_BIN + "flask"
                    path, command, _ = _resolve(app, inner[2:])
                    assert path, (unit.name, line)


def test_every_timer_has_its_service_and_every_job_a_timer():
    timers = {p.stem for p in (DEPLOY / "systemd").glob("*.timer")}
    services = {p.stem for p in UNITS}
    assert timers <= services
    assert {
        "planner-remind",
        "planner-purge",
        "planner-scheduled",
        "planner-follow-ups",
        "planner-backup@",
    } <= timers
    scheduled = (DEPLOY / "systemd/planner-scheduled.service").read_text(encoding="utf-8")
    assert "flask send-scheduled" in scheduled
    follow_ups = (DEPLOY / "systemd/planner-follow-ups.service").read_text(encoding="utf-8")
    assert "flask reports send-follow-ups" in follow_ups
    docs = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    for timer in timers - {"planner-backup@"}:
        assert f"{timer}.timer" in docs, timer
