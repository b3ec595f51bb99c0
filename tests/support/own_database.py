"""An app on a database of its own (SQLite file or a fresh PostgreSQL database), for migration tests
that downgrade, load old-format data and upgrade again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.services import fresh_postgres_database, require_postgres_url


def app_on_own_database(request: pytest.FixtureRequest, tmp_path: Path, *, migrate: bool = False, **config: Any) -> Iterator[Flask]:
    """Yield the app for ``request.param`` ("sqlite" or "postgres"); migrated to head when asked."""
    from consult import create_app

    def make(url: str) -> Flask:
        os.environ["DATABASE_URL"] = url
        try:
            app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url, **config})
        finally:
            os.environ.pop("DATABASE_URL", None)
        if migrate:
            from flask_migrate import upgrade

            with app.app_context():
                upgrade()
        return app

    if request.param == "sqlite":
        yield make(f"sqlite:///{tmp_path / 'own.sqlite'}")
        return
    request.applymarker(pytest.mark.postgres)
    with fresh_postgres_database(require_postgres_url()) as url:
        app = make(url)
        yield app
        from consult.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
