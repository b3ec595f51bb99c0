"""Answering a survey through one-time links: skip logic, bad input, replay, anonymity, drafts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.integration.survey_helpers import GOOD, SPEC, make_links, make_survey


def _post(client, token: str, data: dict):  # type: ignore[no-untyped-def]
    page = client.get(f"/s/{token}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(f"/s/{token}", data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    from consult.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_answer_once_then_link_refuses(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.surveys.models import SurveyAnswer, SurveyResponse

    client = any_app.test_client()
    survey_id = make_survey(any_app)
    (token,) = make_links(any_app, survey_id)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert "不动产登记服务满意度调查" in page and "匿名问卷" in page
    response = _post(client, token, GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/s/thanks")
    assert _count(any_app, SurveyResponse) == 1
    answers = _count(any_app, SurveyAnswer)
    assert answers == 7  # done, overall, speed, nps, two matrix rows, advice

    # Opening the used link looks like opening a fresh one (nothing tells who answered); only
    # submitting again is refused.
    again = client.get(f"/s/{token}")
    assert again.status_code == 200 and "感谢您的参与" not in again.get_data(as_text=True)
    replay = client.post(f"/s/{token}", data={"csrf_token": csrf_from(page), **GOOD})
    assert replay.status_code == 409
    assert _count(any_app, SurveyResponse) == 1 and _count(any_app, SurveyAnswer) == answers


def test_forged_and_expired_and_closed_links(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import Survey, SurveyInvitation

    client = any_app.test_client()
    survey_id = make_survey(any_app)
    first, second = make_links(any_app, survey_id, 2)
    forged = client.get("/s/" + "A" * 32)
    assert forged.status_code == 404 and "链接无效" in forged.get_data(as_text=True)
    assert client.get("/s/" + "x" * 500).status_code == 404
    with any_app.app_context():
        invitation = db.session.scalars(select(SurveyInvitation)).first()
        invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        expired_token = first if invitation.token_hash == __import__("hashlib").sha256(first.encode()).hexdigest() else second
    assert client.get(f"/s/{expired_token}").status_code == 410
    with any_app.app_context():
        db.session.get(Survey, survey_id).closes_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    other = second if expired_token == first else first
    closed = client.get(f"/s/{other}")
    assert closed.status_code == 410 and "已于截止时间关闭" in closed.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q_why": ["1"]}, "不需要回答"),  # hidden by skip logic: the service was done
        ({"q_speed": ["6"]}, "超出范围"),
        ({"q_nps": ["-1"]}, "超出范围"),
        ({"q_done": ["3"]}, "超出范围"),
        ({"q_done": ["1", "2"]}, "只能选择一项"),
        ({"q_overall": ["5", "1"]}, "只能选择一项"),
        ({"q_speed": ["五"]}, "无效"),
        ({"q_speed": [""]}, "必答题"),
        ({"q_aspects_2": [""]}, "每一行"),
        ({"q_advice": ["<script>alert(1)</script>"]}, "HTML"),
        ({"q_advice": ["长" * 2001]}, "2000"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(app, change, message) -> None:  # type: ignore[no-untyped-def]
    from consult.surveys.models import SurveyInvitation, SurveyResponse

    client = app.test_client()
    survey_id = make_survey(app)
    (token,) = make_links(app, survey_id)
    response = _post(client, token, {**GOOD, **change})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body
    assert "窗口很好" in body or "q_advice" in change  # what was typed is shown again
    assert _count(app, SurveyResponse) == 0
    from consult.extensions import db

    with app.app_context():
        assert db.session.scalar(select(SurveyInvitation.used_on)) is None  # the link still works
    assert _post(client, token, GOOD).status_code == 302


def test_skip_logic_requires_the_shown_question(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    survey_id = make_survey(app)
    first, second = make_links(app, survey_id, 2)
    missing = _post(client, first, {**GOOD, "q_done": ["2"]})
    assert missing.status_code == 400 and "没办成的原因" in missing.get_data(as_text=True)
    too_many = _post(client, first, {**GOOD, "q_done": ["2"], "q_why": ["1", "2", "3"]})
    assert too_many.status_code == 400 and "1 到 2 项" in too_many.get_data(as_text=True)
    assert _post(client, first, {**GOOD, "q_done": ["2"], "q_why": ["1", "3"]}).status_code == 302


def test_double_submit_stores_one_response(any_app) -> None:  # type: ignore[no-untyped-def]
    """Two tabs submitting the same link: the conditional UPDATE lets exactly one through."""
    from consult.core.web.errors import ServiceError
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys.models import SurveyResponse

    survey_id = make_survey(any_app)
    (token,) = make_links(any_app, survey_id)
    with any_app.app_context():
        answering.submit_with_token(token, GOOD)
        db.session.commit()
        with pytest.raises(ServiceError) as refused:
            answering.submit_with_token(token, GOOD)
        assert refused.value.status == 409
        db.session.rollback()
    assert _count(any_app, SurveyResponse) == 1


def test_concurrent_double_submit_on_postgres(postgres_app) -> None:  # type: ignore[no-untyped-def]
    """Two real connections race on one link: one response is stored, the other gets 409."""
    import threading

    from consult.core.web.errors import ServiceError
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys.models import SurveyResponse

    app = postgres_app
    try:
        survey_id = make_survey(app)
        (token,) = make_links(app, survey_id)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def submit() -> None:
            with app.app_context():
                try:
                    barrier.wait()
                    answering.submit_with_token(token, GOOD)
                    db.session.commit()
                    outcomes.append("stored")
                except ServiceError as error:
                    db.session.rollback()
                    outcomes.append(str(error.status))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["409", "stored"]
        assert _count(app, SurveyResponse) == 1
    finally:
        from tests.conftest import _truncate

        _truncate(app)


def test_anonymous_response_cannot_be_linked_to_the_recipient(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import SurveyDraft, SurveyInvitation, SurveyResponse

    client = any_app.test_client()
    survey_id = make_survey(any_app, anonymous=True)
    (token,) = make_links(any_app, survey_id, recipients=[("张三", "13812345678")])
    page = client.get(f"/s/{token}").get_data(as_text=True)
    saved = client.post(f"/s/{token}", data={"csrf_token": csrf_from(page), "action": "save", "q_done": ["1"], "q_advice": ["写了一半"]})
    assert saved.status_code == 302
    with any_app.app_context():
        draft = db.session.scalars(select(SurveyDraft)).one()
        invitation = db.session.scalars(select(SurveyInvitation)).one()
        assert draft.key_hash != invitation.token_hash  # the draft is not keyed by the ledger's hash
    resumed = client.get(f"/s/{token}").get_data(as_text=True)
    assert "写了一半" in resumed  # progress comes back from the link
    assert _post(client, token, GOOD).status_code == 302
    with any_app.app_context():
        response = db.session.scalars(select(SurveyResponse)).one()
        invitation = db.session.scalars(select(SurveyInvitation)).one()
        assert response.invitation_id is None and response.visitor_hash is None
        assert not hasattr(response, "created_at")  # only the day is kept
        assert invitation.used_on == response.submitted_on
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0  # draft deleted on submit
        columns = {c.name for c in SurveyResponse.__table__.columns}
        assert columns == {"id", "survey_id", "version_id", "invitation_id", "visitor_hash", "submitted_on", "month"}


def test_named_survey_keeps_the_link(app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import SurveyResponse

    client = app.test_client()
    survey_id = make_survey(app, anonymous=False)
    (token,) = make_links(app, survey_id, recipients=[("张三", "13812345678")])
    assert "实名回访问卷" in client.get(f"/s/{token}").get_data(as_text=True)
    assert _post(client, token, GOOD).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(SurveyResponse)).one().invitation_id is not None


def test_open_survey_one_response_per_visitor(app) -> None:  # type: ignore[no-untyped-def]
    from consult.surveys.models import SurveyResponse

    client = app.test_client()
    survey_id = make_survey(app, mode="open")
    page = client.get(f"/surveys/{survey_id}/answer")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    assert client.post(f"/surveys/{survey_id}/answer", data={"csrf_token": token, **GOOD}).status_code == 302
    again = client.post(f"/surveys/{survey_id}/answer", data={"csrf_token": token, **GOOD})
    assert again.status_code == 409 and "已经回答过" in again.get_data(as_text=True)
    assert _count(app, SurveyResponse) == 1
    invite_only = make_survey(app, mode="invite")
    assert client.get(f"/surveys/{invite_only}/answer").status_code == 404


def test_unpublished_spec_errors_are_clear(app) -> None:  # type: ignore[no-untyped-def]
    from consult.core.web.errors import ServiceError
    from consult.surveys.spec import parse

    for bad, message in [
        ("{", "JSON"),
        ({"questions": []}, "questions"),
        ({"questions": [{"type": "dropdown", "title": "x"}]}, "不支持"),
        ({"questions": [{"key": "a", "type": "single", "title": "x", "options": ["是", "是"]}]}, "重复"),
        ({"questions": [{"key": "a", "type": "text", "title": "x", "show_if": {"q": "b", "any_of": ["是"]}}]}, "前面"),
        ({"questions": [{"key": "a", "type": "multiple", "title": "x", "options": ["1", "2"], "min": 3}]}, "min"),
    ]:
        with app.app_context(), pytest.raises(ServiceError) as error:
            parse(bad)
        assert message in error.value.message
    assert SPEC["questions"][0]["type"] == "section"


def test_ledger_row_does_not_keep_the_transaction_id_of_an_anonymous_response(postgres_app) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin). The ledger row
    is rewritten after the commit, so a DBA cannot pair it with the response by that stamp."""
    from sqlalchemy import text

    from consult.extensions import db, limiter
    from tests.conftest import _truncate

    app = postgres_app
    limiter.enabled = False  # shared by every app; an earlier rate-limit test may have left it on
    try:
        client = app.test_client()
        for anonymous in (True, False):
            survey_id = make_survey(app, anonymous=anonymous)
            (token,) = make_links(app, survey_id, recipients=[("张三", "13812345678")])
            assert _post(client, token, GOOD).status_code == 302
            with app.app_context():
                ledger = db.session.execute(text("SELECT xmin::text FROM survey_invitation WHERE survey_id = :s"), {"s": survey_id}).scalar_one()
                response = db.session.execute(text("SELECT xmin::text FROM survey_response WHERE survey_id = :s"), {"s": survey_id}).scalar_one()
                # Named surveys keep the link on purpose (invitation_id); anonymous ones must not share the stamp.
                assert (ledger != response) is anonymous
    finally:
        _truncate(app)


def test_open_survey_posts_are_rate_limited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Open mode: new visitors (fresh cookies) from one address are limited; accepted answers stay."""
    from consult.extensions import limiter
    from consult.surveys.models import SurveyResponse
    from tests.conftest import _make_app

    app = _make_app(tmp_path, f"sqlite:///{tmp_path / 'limits.sqlite'}", RATELIMIT_ENABLED=True, SURVEY_OPEN_RATE_LIMIT="3 per hour")
    try:
        survey_id = make_survey(app, mode="open")
        statuses = []
        for _ in range(5):
            client = app.test_client()  # a new visitor each time, as a script clearing cookies would be
            token = csrf_from(client.get(f"/surveys/{survey_id}/answer").get_data(as_text=True))
            statuses.append(client.post(f"/surveys/{survey_id}/answer", data={"csrf_token": token, **GOOD}).status_code)
        assert statuses == [302, 302, 302, 429, 429]
        assert _count(app, SurveyResponse) == 3
    finally:
        limiter.enabled = False  # the limiter is shared by every app: leave it as the other tests expect


def test_every_missing_answer_is_named_at_once(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    survey_id = make_survey(app)
    (token,) = make_links(app, survey_id)
    partial = {k: v for k, v in GOOD.items() if k not in ("q_overall", "q_speed", "q_aspects_1", "q_aspects_2")}
    missing = _post(client, token, partial)
    body = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "还有 3 道必答题没有回答" in body
    assert "“总体评价”" in body and "“办理速度”" in body and "“是否同意”" in body
    assert "窗口很好" in body  # what was typed is kept


def test_the_autosave_notice_speaks_the_readers_language(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    survey_id = make_survey(app)
    (token,) = make_links(app, survey_id)
    chinese = client.get(f"/s/{token}").get_data(as_text=True)
    assert 'data-saved="进度已自动保存"' in chinese
    english = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert 'data-saved="Progress saved automatically"' in english and "进度已自动保存" not in english
