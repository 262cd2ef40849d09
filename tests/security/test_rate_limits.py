"""Rate limits that hold (F10): per account as well as per address; one store for all workers."""

import logging
import shutil
import socket
import subprocess
import sys
import time

import pytest

from planner import create_app
from planner.config import ConfigError
from planner.workers import web_workers
from tests import factories
from tests.test_config import production_env  # noqa: F401 - the fixture

MESSAGE = "Too many failed sign-ins for this account."


class TestFailedSignInsPerAccount:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "PROXY_HOPS": 1,
            "LOGIN_RATE_LIMIT": "100 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per 15 minutes",
        }

    @staticmethod
    def sign_in(client, email, password, address):
        return client.post(
            "/login",
            data={"email": email, "password": password},
            headers={"X-Forwarded-For": address},
        )

    def test_guesses_from_many_addresses_lock_the_account_not_the_addresses(
        self, client, organizer
    ):
        for n in range(3):
            response = self.sign_in(client, organizer.email, "wrong", f"198.51.100.{n}")
            assert response.status_code == 400

        # A fourth address, even with the right password: the account waits.
        response = self.sign_in(
            client, organizer.email, factories.DEFAULT_PASSWORD, "198.51.100.99"
        )
        assert response.status_code == 429
        assert MESSAGE in response.get_data(as_text=True)

        # Another organizer, from the same addresses, is not affected.
        other = factories.make_organizer()
        response = self.sign_in(client, other.email, factories.DEFAULT_PASSWORD, "198.51.100.1")
        assert response.status_code == 302

    def test_the_address_case_does_not_reset_the_count(self, client, organizer):
        for n, email in enumerate([organizer.email, organizer.email.upper(), organizer.email]):
            assert self.sign_in(client, email, "wrong", f"203.0.113.{n}").status_code == 400
        response = self.sign_in(
            client, organizer.email.title(), factories.DEFAULT_PASSWORD, "203.0.113.9"
        )
        assert response.status_code == 429

    def test_unknown_accounts_are_counted_alike(self, client, db):
        # The same answers whether the account exists or not: nothing to enumerate.
        for n in range(3):
            response = self.sign_in(client, "nobody@example.org", "wrong", f"192.0.2.{n}")
            assert response.status_code == 400
        assert self.sign_in(client, "nobody@example.org", "x", "192.0.2.50").status_code == 429

    def test_successful_sign_ins_do_not_count(self, client, organizer):
        for n in range(5):
            response = self.sign_in(
                client, organizer.email, factories.DEFAULT_PASSWORD, f"192.0.2.{n}"
            )
            assert response.status_code == 302
            client.post("/logout")


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["/srv/.venv/bin/gunicorn", "-w", "4", "wsgi:app"], {}, 4),
        (["gunicorn", "--workers=3", "wsgi:app"], {}, 3),
        (["gunicorn", "-w2", "wsgi:app"], {}, 2),
        (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 5"}, 5),
        (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "6"}, 6),
        (["gunicorn", "wsgi:app"], {}, 1),
        (["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], {}, None),
        (["uwsgi", "--http", ":5000"], {}, None),
        (["uwsgi"], {"PLANNER_WORKERS": "1"}, 1),
        (["/srv/.venv/bin/flask", "send-mail", "--loop"], {}, 0),
    ],
)
def test_the_number_of_web_workers_is_read_from_the_start_up(
    monkeypatch, tmp_path, argv, env, expected
):
    monkeypatch.chdir(tmp_path)
    for name in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "PLANNER_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", argv)
    assert web_workers() == expected


def test_production_with_several_workers_refuses_per_process_limits(
    production_env,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "4", "wsgi:app"])
    monkeypatch.setenv("PLANNER_RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigError, match="4 workers"):
        create_app()


def test_production_with_one_worker_may_count_in_memory(
    production_env,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "1", "wsgi:app"])
    monkeypatch.delenv("PLANNER_RATELIMIT_STORAGE_URI", raising=False)
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_says_loudly_when_it_cannot_tell(
    production_env,  # noqa: F811
    monkeypatch,
    caplog,
):
    monkeypatch.setattr(sys, "argv", ["uwsgi"])
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    with caplog.at_level(logging.WARNING, logger="planner.config"):
        create_app()
    assert "rate limits hold only with ONE web worker" in caplog.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis on a free loopback port, without persistence."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                process.poll()
                if process.returncode is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)  # bounded wait for the server to start
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_production_with_several_workers_accepts_redis(
    production_env,  # noqa: F811
    monkeypatch,
    redis_url,
):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "4", "wsgi:app"])
    monkeypatch.setenv("PLANNER_RATELIMIT_STORAGE_URI", redis_url)
    app = create_app()
    response = app.test_client().get("/healthz", base_url="https://planner.example.org")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}
