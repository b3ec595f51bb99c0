"""Engine tuning per backend: SQLite gets WAL and foreign keys so web and worker can share it."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from consult.extensions import db

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)

    # Registered after Flask-SQLAlchemy's, so it runs first. When the server has cut the
    # connection (PostgreSQL shutting down, a failover), the final ROLLBACK fails; that must
    # not turn an answered request (often our 503) into a 500. Drop the connection instead.
    @app.teardown_appcontext
    def _release_session(_exc: BaseException | None) -> None:
        try:
            db.session.remove()
        except DBAPIError as error:
            log.warning("database connection lost at the end of a request: %s", type(error.orig).__name__)
            try:
                db.session.invalidate()
            finally:
                db.session.registry.clear()


def is_postgres() -> bool:

    return db.engine.dialect.name == "postgresql"
