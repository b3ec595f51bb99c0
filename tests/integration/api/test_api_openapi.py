"""The served OpenAPI document is valid OpenAPI 3.1, names only routes that exist, and every /api
route is in it; the browsable page uses the vendored viewer under the site's CSP."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[3]
VARIABLE = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def _document(app: Flask) -> dict:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _api_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (VARIABLE.sub(r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_served_document_is_valid_openapi_3_1(app: Flask) -> None:
    document = _document(app)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_documented_route_exists_and_every_api_route_is_documented(app: Flask) -> None:
    documented = {(path, method) for path, item in _document(app)["paths"].items() for method in item}
    routes = _api_routes(app)
    assert documented - routes == set(), "documented but not in the app"
    assert routes - documented == set(), "in the app but not documented"
    assert len(routes) >= 25


def test_every_operation_declares_its_errors_and_staff_ones_their_scope(app: Flask) -> None:
    for path, item in _document(app)["paths"].items():
        for method, operation in item.items():
            assert operation["summary"] and operation["responses"]
            assert "404" in operation["responses"] and "429" in operation["responses"], (path, method)
            if path.startswith("/api/v1/staff"):
                scope = operation["security"][0]["bearer"][0]
                assert scope in {"imports:write", "digests:read", "answers:read", "answers:write"}
                assert {"401", "403"} <= set(operation["responses"])
            if method == "post":
                assert {"413", "415", "422"} <= set(operation["responses"]) and operation["requestBody"]


def test_the_docs_page_loads_the_vendored_viewer_within_the_csp(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/api/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for _attrs, body in scripts), "no inline script"
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _body in scripts]
    assert all(src.startswith("/static/") for src in sources) and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert all(f'nonce="{nonce}"' in attrs for attrs, _body in scripts if "swagger" in attrs or "api-docs" in attrs)
    for src in sources:
        assert client.get(src).status_code == 200
    assert "cdn" not in html.lower()
    assert "Apache License" in (ROOT / "consult" / "static" / "vendor" / "swagger-ui" / "LICENSE").read_text()
