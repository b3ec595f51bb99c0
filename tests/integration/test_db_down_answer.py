"""The database vanishing mid-request is a 503 with Retry-After, even when the rollback itself fails
(the fault run once got a 500 here: the server was shutting down between the query and the rollback)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError


def test_a_failed_rollback_while_the_database_goes_away_still_answers_503(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db

    def gone(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    def db_gone(**_kwargs: object) -> str:
        raise OperationalError("UPDATE login_session", {}, Exception("server closed the connection unexpectedly"))

    # The app is shared by the session and has served requests, so swap an existing view rather than add a route.
    endpoint = app.url_map.bind("localhost").match("/")[0]
    monkeypatch.setitem(app.view_functions, endpoint, db_gone)
    monkeypatch.setattr(db.session, "rollback", gone)
    answer = app.test_client().get("/")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    assert "数据库暂时不可用" in answer.get_data(as_text=True)
