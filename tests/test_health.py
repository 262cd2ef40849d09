"""/healthz answers 503 and names the part that failed, never why (F10, deploy checks)."""

import socket

from tests.conftest import make_test_app


def test_a_database_that_does_not_answer_gives_503(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-folder' / 'planner.sqlite'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "checks": {"database": "failing"}}
    assert response.headers["Cache-Control"] == "no-store"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


def test_an_unreachable_redis_gives_503_without_its_address(app, database_url):
    secret_password = "hunter2-redis-password"
    uri = f"redis://:{secret_password}@127.0.0.1:{_closed_port()}/0"
    served = make_test_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri)
    response = served.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "failing",
        "checks": {"database": "ok", "redis": "failing"},
    }
    body = response.get_data(as_text=True)
    assert secret_password not in body and "127.0.0.1" not in body


def test_healthz_needs_no_sign_in_and_is_never_rate_limited(db, client):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
