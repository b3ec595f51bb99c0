"""Bad input under /api is a problem+json 4xx (RFC 9457), never HTML and never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import _make_app
from tests.integration.api_helpers import seed

PROBLEM = "application/problem+json"
HOSTILE = [
    "<script>alert(1)</script>", "' OR 1=1 --", "１２３", "²", "-1", "0", "1e3", "0x10", "99999999999999999999", "1.5", " 1", "null",
    "%", "../../etc/passwd", "😀" * 50, "a" * 5000, "true",
]


def _is_problem(response, status: int | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.mimetype == PROBLEM, (response.status_code, response.get_data(as_text=True)[:200])
    body = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == response.status_code
    assert status is None or response.status_code == status, body
    return body


@pytest.mark.parametrize("cursor", ["zzz", "!!!", "eyJhZnRlciI6ICJ4In0", "eyJhZnRlciI6IC0xfQ", "eyJ4IjogMX0", "W10", "bnVsbA", "eyJhZnRlciI6IHRydWV9", "%FF", "a" * 199])
def test_malformed_cursors_are_400_naming_the_field(any_app: Flask, cursor: str) -> None:
    response = any_app.test_client().get(f"/api/v1/comments?cursor={cursor}")
    body = _is_problem(response, 400)
    assert body.get("errors", [{"field": "cursor"}])[0]["field"] == "cursor"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_parameter_are_refused_or_ignored_never_500(any_app: Flask, make_plan, value: str) -> None:  # type: ignore[no-untyped-def]
    seed(any_app, make_plan)
    client = any_app.test_client()
    for name in ("limit", "plan", "clause", "since", "until", "cursor", "unknown"):
        response = client.get("/api/v1/comments", query_string={name: value})
        assert response.status_code in (200, 400, 404), (name, value, response.status_code)
        if response.status_code != 200:
            _is_problem(response)
        assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("limit,status", [("0", 400), ("101", 400), ("100", 200), ("1", 200), ("1000000", 400), ("abc", 400)])
def test_limits_beyond_the_maximum_are_refused(any_app: Flask, limit: str, status: int) -> None:
    response = any_app.test_client().get(f"/api/v1/plans?limit={limit}")
    assert response.status_code == status
    if status == 400:
        assert _is_problem(response)["errors"][0]["field"] == "limit"


def test_wrong_dates_and_an_empty_window_are_400(any_app: Flask) -> None:
    client = any_app.test_client()
    for query in ("since=2026-13-01", "until=yesterday", "since=9999-12-31T23:59:59-14:00", "since=2026-02-01&until=2026-01-01"):
        _is_problem(client.get(f"/api/v1/comments?{query}"), 400)
    assert client.get("/api/v1/comments?since=2026-01-01&until=2026-02-01T08:00:00%2B08:00").status_code == 200


def test_unknown_routes_methods_formats_and_bodies(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    _is_problem(client.get("/api/v1/nothing-here"), 404)
    _is_problem(client.get("/api/v2/plans"), 404)
    _is_problem(client.get("/api/v1/plans/99999999"), 404)
    _is_problem(client.get("/api/v1/plans/99999999999999999999"), 404)
    _is_problem(client.post("/api/v1/plans", data="x"), 405)
    _is_problem(client.delete(f"/api/v1/plans/{ids['plan']}"), 405)
    _is_problem(client.get("/api/v1/plans", headers={"Accept": "text/html"}), 406)
    _is_problem(client.get(f"/api/v1/plans/{ids['plan']}/open-data.csv", headers={"Accept": "application/xml"}), 406)
    assert client.get("/api/v1/plans", headers={"Accept": "text/html, application/json;q=0.5"}).status_code == 200
    _is_problem(client.get("/api/v1/plans?q=%00"), 400)
    _is_problem(client.get("/api/v1/plans?q=%FF"), 400)


def test_a_refusal_inside_a_view_is_a_problem_too(any_app: Flask) -> None:
    # A refusal raised inside a view (here: a filter naming no published plan) is answered the same way.
    body = _is_problem(any_app.test_client().get("/api/v1/answers?plan=12345"), 404)
    assert body["type"].endswith("404")


@pytest.fixture
def limited_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return _make_app(tmp_path, f"sqlite:///{tmp_path / 'api-limits.sqlite'}", RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")


def test_the_public_api_is_rate_limited_per_address_with_a_problem_and_retry_after(limited_app: Flask) -> None:
    from consult.extensions import limiter

    limiter.enabled = True
    client = limited_app.test_client()
    statuses = [client.get("/api/v1/plans").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/plans")
    body = _is_problem(refused, 429)
    assert "操作过于频繁" in body["detail"] and 0 < int(refused.headers["Retry-After"]) <= 60
    other = limited_app.test_client()
    assert other.get("/api/v1/plans", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
