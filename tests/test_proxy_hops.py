"""X-Forwarded-* headers are believed only from the proxies the operator declares."""

from conftest import build_app


def _login_cookie(app, **headers) -> str:
    response = app.test_client().get("/login", headers=headers)
    return response.headers.get("Set-Cookie", "")


def _address_seen(app, forwarded: str) -> str:
    seen = {}

    @app.get("/_address")
    def _address():
        from flask import request

        seen["address"] = request.remote_addr
        return ""

    app.test_client().get(
        "/_address",
        headers={"X-Forwarded-For": forwarded},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return seen["address"]


def test_without_a_declared_proxy_forwarded_headers_are_ignored(data_dir):
    app = build_app(data_dir)
    assert _address_seen(app, "203.0.113.9") == "127.0.0.1"
    assert "Secure" not in _login_cookie(app, **{"X-Forwarded-Proto": "https"})


def test_behind_one_declared_proxy_its_headers_are_believed(data_dir):
    app = build_app(data_dir, PROXY_HOPS=1)
    assert _address_seen(app, "203.0.113.9") == "203.0.113.9"
    assert "Secure" in _login_cookie(app, **{"X-Forwarded-Proto": "https"})


def test_the_environment_variable_sets_the_hops(data_dir, monkeypatch):
    monkeypatch.setenv("WIKI_PROXY_HOPS", "1")
    app = build_app(data_dir)
    assert app.config["PROXY_HOPS"] == 1
