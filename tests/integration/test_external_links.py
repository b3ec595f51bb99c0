"""Links that leave the site (e-mails, invitation sheets) name the address the site is served at."""

from __future__ import annotations

from consult.cli import _site_url, _worker_env


def test_email_links_use_the_configured_site_address(app, make_user, caplog) -> None:  # type: ignore[no-untyped-def]
    from consult.core import notifications
    from consult.extensions import db
    from worker import tasks as worker_tasks

    user_id, _login, _pw = make_user()
    app.config["SITE_URL"] = "https://yijian.example.gov.cn/"
    try:
        with app.app_context():
            entry = notifications.notify(user_id, "feedback", "反馈已公布", "您的意见已被采纳", "/plans/7/feedback")
            db.session.commit()
            with caplog.at_level("INFO", logger="consult.core.mail"):
                assert worker_tasks.send_notification_email.run(entry.id) is True
    finally:
        app.config["SITE_URL"] = ""
    assert "https://yijian.example.gov.cn/plans/7/feedback" in caplog.text
    assert "127.0.0.1:5000" not in caplog.text


def test_consult_run_tells_its_worker_the_port_it_serves(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CONSULT_SITE_URL", raising=False)
    assert _site_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert _site_url("0.0.0.0", 8081) == "http://127.0.0.1:8081"  # noqa: S104
    assert _worker_env(_site_url("127.0.0.1", 8080))["CONSULT_SITE_URL"] == "http://127.0.0.1:8080"
    monkeypatch.setenv("CONSULT_SITE_URL", "https://consult.example.org/")
    assert _site_url("127.0.0.1", 8080) == "https://consult.example.org"


def test_invitation_sheet_links_follow_the_request_host_without_a_setting(app) -> None:  # type: ignore[no-untyped-def]
    from consult.core.web.links import absolute

    with app.test_request_context("/", base_url="http://consult.internal:8443"):
        assert absolute("/s/abc") == "http://consult.internal:8443/s/abc"
    app.config["SITE_URL"] = "https://yijian.example.gov.cn"
    try:
        with app.test_request_context("/", base_url="http://consult.internal:8443"):
            assert absolute("/s/abc") == "https://yijian.example.gov.cn/s/abc"
    finally:
        app.config["SITE_URL"] = ""
