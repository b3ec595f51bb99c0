"""Private pages and downloads are never cached; behind a trusted proxy each client has its own
rate-limit bucket, and without one the forwarded header is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import _make_app, csrf_from, login


def test_staff_admin_account_pages_and_exports_say_no_store(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="admin")
    login(client, email, password)
    for url in ("/staff/", "/admin/users", "/account/", "/admin/audit/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    assert "no-store" not in (app.test_client().get("/").headers.get("Cache-Control") or "")


def _login_attempts(app, forwarded: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    statuses = []
    for address in forwarded:
        client = app.test_client()
        page = client.get("/account/login").get_data(as_text=True)
        response = client.post(
            "/account/login",
            data={"csrf_token": csrf_from(page), "login": "someone@example.com", "password": "wrong-password"},
            headers={"X-Forwarded-For": address},
        )
        statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize("proxies", [0, 1])
def test_trusted_proxy_count_decides_whose_address_is_limited(tmp_path: Path, proxies: int) -> None:
    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'proxy.sqlite'}", RATELIMIT_ENABLED=True, TRUSTED_PROXY_COUNT=proxies,
                    LOGIN_IP_RATE_LIMIT="2 per minute", LOGIN_RATE_LIMIT="100 per minute")
    statuses = _login_attempts(app, ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    if proxies:
        assert statuses == [401, 401, 401]  # three people behind the proxy: three buckets
    else:
        assert statuses == [401, 401, 429]  # no proxy trusted: the header is the client's word, ignored
