"""Shared fixtures: an app per database backend, a client with CSRF on, and factories."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.services import fresh_postgres_database, require_postgres_url

pytest_plugins = ["tests.support.services", "tests.support.browser"]

BACKENDS = ["sqlite", "postgres"]


def _make_app(tmp: Path, database_url: str, **extra: object) -> Flask:
    import os

    from flask_migrate import upgrade

    os.environ["DATABASE_URL"] = database_url
    try:
        from consult import create_app

        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp),
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_ENABLED": False,
                # A cheap hash for the suite's thousands of logins; production keeps scrypt
                # (test_security_review checks the default).
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                **extra,
            }
        )
    finally:
        os.environ.pop("DATABASE_URL", None)
    with app.app_context():
        upgrade()
    return app


def _truncate(app: Flask) -> None:
    from consult.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # The audit log refuses deletions of recent entries (append-only trigger); tests wipe it.
                conn.exec_driver_sql("SET LOCAL consult.audit_maintenance = 'on'")
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("sqlite-app")
    yield _make_app(tmp, f"sqlite:///{tmp / 'test.sqlite'}")


@pytest.fixture(scope="session")
def postgres_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    base = require_postgres_url()
    with fresh_postgres_database(base) as url:
        app = _make_app(tmp_path_factory.mktemp("pg-app"), url)
        yield app
        from consult.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _limits_as_configured(flask_app: Flask) -> None:
    """The limiter is one object shared by every app: a test that built a rate-limited app
    leaves it enabled for the others unless each test sets it back from its own app's config."""
    from consult.extensions import limiter

    limiter.enabled = bool(flask_app.config["RATELIMIT_ENABLED"])


@pytest.fixture
def app(sqlite_app: Flask) -> Iterator[Flask]:
    """The SQLite app; tests that must also run on PostgreSQL use `any_app`."""
    _limits_as_configured(sqlite_app)
    yield sqlite_app
    _truncate(sqlite_app)


@pytest.fixture(params=BACKENDS)
def any_app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
    flask_app = request.getfixturevalue(f"{request.param}_app")
    _limits_as_configured(flask_app)
    yield flask_app
    _truncate(flask_app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that reads the CSRF token from a page before posting, as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
        html = self.client.get(page or url).get_data(as_text=True)
        payload = {"csrf_token": csrf_from(html), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


def _target(request: pytest.FixtureRequest) -> Flask:
    """Factories write to the backend under test: `any_app` when the test uses it, else SQLite."""
    name = "any_app" if "any_app" in request.fixturenames else "app"
    return request.getfixturevalue(name)


@pytest.fixture
def make_user(request: pytest.FixtureRequest) -> Callable[..., object]:
    app = _target(request)

    def factory(role: str = "citizen", verified: bool = True, department: str = "", password: str = "password123"):  # type: ignore[no-untyped-def]
        from consult.accounts import operations as accounts
        from consult.extensions import db

        with app.app_context():
            login = f"u{uuid.uuid4().hex[:10]}@example.com"
            user = accounts.register(login, password, f"昵称{uuid.uuid4().hex[:4]}", role=role)
            if verified:
                user.verified_at = datetime.now(UTC)
            if department:
                from consult.core.models import Department

                dept = Department(name=department)
                db.session.add(dept)
                db.session.flush()
                user.department_id = dept.id
            db.session.commit()
            return user.id, login, password

    return factory


@pytest.fixture
def make_plan(request: pytest.FixtureRequest) -> Callable[..., int]:
    app = _target(request)

    def factory(body: str = "第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n第三条 本办法自发布之日起施行。", *, published: bool = True, moderation: str = "post", closed: bool = False, department: str = "市委改革办", title: str = "测试方案（征求意见稿）") -> int:
        from consult.accounts import operations as accounts
        from consult.extensions import db
        from consult.plans import operations as plans

        with app.app_context():
            author = accounts.register(f"staff{uuid.uuid4().hex[:8]}@example.com", "password123", "工作人员", role="staff")
            plan = plans.create_plan(author=author, title=title, department=department, summary="摘要", body=body, window_days=30, moderation=moderation)
            if published:
                plans.publish(plan, now=datetime.now(UTC) - (timedelta(days=31) if closed else timedelta(0)))
            db.session.commit()
            return plan.id

    return factory


def seed_open_plan(app: Flask, body: str = "第一条 总则。\n第二条 附则。") -> tuple[int, int]:
    """For apps built outside the fixtures: an open plan and a verified citizen c@example.com
    (password123). Returns (citizen id, plan id)."""
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("staff@example.com", "password123", "工作人员", role="staff")
        plan = plans.create_plan(author=staff, title="方案", department="", summary="", body=body, window_days=30)
        plans.publish(plan)
        citizen = accounts.register("c@example.com", "password123", "市民")
        citizen.verified_at = datetime.now(UTC)
        db.session.commit()
        return citizen.id, plan.id


def login(client: FlaskClient, email: str, password: str) -> None:
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/login", data={"csrf_token": csrf_from(page), "login": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
