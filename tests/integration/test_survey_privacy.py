"""Anonymous surveys cannot be de-anonymised from what staff see (issue 14 item 2): links handed
out as a file, never a page pairing names and tokens, and no recipient list kept; opening a link
says nothing about whether it was used; raw exports in random order; small breakdowns withheld."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.conftest import csrf_from, login
from tests.integration.survey_helpers import GOOD, make_links, make_survey


def _staff(client, make_user):  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    login(client, email, password)


def _upload(client, survey_id: int):  # type: ignore[no-untyped-def]
    detail = f"/staff/surveys/{survey_id}"
    page = client.get(detail).get_data(as_text=True)
    names = "姓名,联系方式\n张三,13812345678\n李四,lisi@example.com\n".encode()
    return client.post(f"{detail}/invitations", data={"csrf_token": csrf_from(page), "expires_days": "10", "upload": (io.BytesIO(names), "名单.csv")},
                       content_type="multipart/form-data")


def test_links_come_as_a_file_and_an_anonymous_survey_keeps_no_recipient_list(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import SurveyInvitation

    _staff(client, make_user)
    anonymous = make_survey(app)
    response = _upload(client, anonymous)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "联系方式", "链接"] and [r[:2] for r in rows[1:]] == [["张三", "13812345678"], ["李四", "lisi@example.com"]]
    token = rows[1][2].rsplit("/s/", 1)[1]
    assert client.get(f"/s/{token}").status_code == 200
    detail = client.get(f"/staff/surveys/{anonymous}").get_data(as_text=True)
    assert "/s/" not in detail and "张三" not in detail
    with app.app_context():
        ledger = db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.survey_id == anonymous)).all()
        assert len(ledger) == 2 and all(r.recipient == "" and r.contact == "" for r in ledger)
    named = make_survey(app, anonymous=False)
    assert _upload(client, named).status_code == 200
    with app.app_context():
        kept = db.session.scalars(select(SurveyInvitation.recipient).where(SurveyInvitation.survey_id == named)).all()
        assert sorted(kept) == ["张三", "李四"]  # a named survey calls people back: it keeps them


def _page_text(client, token: str) -> str:
    html = client.get(f"/s/{token}").get_data(as_text=True)
    return html.replace(csrf_from(html), "CSRF").replace(token, "TOKEN")


def test_opening_a_used_link_looks_like_an_unused_one_and_spends_nothing(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys.models import SurveyInvitation

    survey_id = make_survey(app)
    used, unused = make_links(app, survey_id, 2)
    with app.app_context():
        answering.submit_with_token(used, GOOD)
        db.session.commit()
    staff = app.test_client()
    _staff(staff, make_user)
    for viewer in (client, staff):
        used_page, unused_page = viewer.get(f"/s/{used}"), viewer.get(f"/s/{unused}")
        assert used_page.status_code == unused_page.status_code == 200
        assert _page_text(viewer, used) == _page_text(viewer, unused)
        assert "只能回答一次" not in used_page.get_data(as_text=True).replace("每个链接只能提交一次答卷", "")
        # A half-filled form tells nothing either: both come back 400 with the same message.
        page = viewer.get(f"/s/{used}").get_data(as_text=True)
        empty_used = viewer.post(f"/s/{used}", data={"csrf_token": csrf_from(page)})
        empty_unused = viewer.post(f"/s/{unused}", data={"csrf_token": csrf_from(page)})
        assert empty_used.status_code == empty_unused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(SurveyInvitation.used_on).where(SurveyInvitation.token_hash == __import__("hashlib").sha256(unused.encode()).hexdigest())) is None
    page = client.get(f"/s/{used}").get_data(as_text=True)
    replay = client.post(f"/s/{used}", data={"csrf_token": csrf_from(page), **GOOD})
    assert replay.status_code == 409 and "只能回答一次" in replay.get_data(as_text=True)
    assert client.post(f"/s/{unused}", data={"csrf_token": csrf_from(page), **GOOD}).status_code == 302


def test_raw_export_rows_are_not_in_submission_order(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering

    _staff(client, make_user)
    survey_id = make_survey(app)
    count = 30
    tokens = make_links(app, survey_id, count)
    with app.app_context():
        for i, token in enumerate(tokens):
            answering.submit_with_token(token, {**GOOD, "q_advice": [f"第{i:02d}份"]})
        db.session.commit()
    raw = client.get(f"/staff/surveys/{survey_id}/export?kind=raw&fmt=csv")
    rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    advice = rows[0].index("advice 建议")
    order = [r[advice] for r in rows[1:]]
    assert sorted(order) == [f"第{i:02d}份" for i in range(count)]  # every response, once
    assert order != sorted(order)  # 1 in 30! that a shuffle leaves them in order
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, count + 1)]  # numbered after shuffling


def test_small_breakdowns_of_an_anonymous_survey_are_withheld(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys.building import local_day

    _staff(client, make_user)
    survey_id = make_survey(app)
    forms = [GOOD] * 6 + [{**GOOD, "q_done": ["2"], "q_why": ["1"], "q_overall": ["1"]}]
    with app.app_context():
        for token, form in zip(make_links(app, survey_id, len(forms)), forms, strict=True):
            answering.submit_with_token(token, form)
        db.session.commit()
        month = local_day().strftime("%Y-%m")
    cross = client.get(f"/staff/surveys/{survey_id}/results?x=done&y=overall").get_data(as_text=True)
    assert 'id="crosstab-suppressed"' in cross
    cells = cross.split('id="crosstab"', 1)[1].split("</table>", 1)[0]
    assert '<td class="cell">6</td>' in cells  # 6 办成了 × 满意: shown
    assert '<td class="cell">1</td>' not in cells and '<td class="cell">&lt;5</td>' in cells  # the one 没有办成 × 非常不满意
    # A period is a breakdown too: with 7 answers it is shown, with the setting at 10 it is withheld.
    assert 'id="withheld"' not in client.get(f"/staff/surveys/{survey_id}/results?from={month}").get_data(as_text=True)
    app.config["SURVEY_MIN_GROUP"] = 10
    try:
        period = client.get(f"/staff/surveys/{survey_id}/results?from={month}").get_data(as_text=True)
        assert 'id="withheld"' in period and 'id="result-done"' not in period
        assert 'id="result-done"' in client.get(f"/staff/surveys/{survey_id}/results").get_data(as_text=True)
        export = client.get(f"/staff/surveys/{survey_id}/export?kind=aggregate&fmt=csv&from={month}").data.decode("utf-8-sig")
        assert "不导出分布" in export and "办成了" not in export
    finally:
        app.config["SURVEY_MIN_GROUP"] = 5
    named = make_survey(app, anonymous=False)
    with app.app_context():
        answering.submit_with_token(make_links(app, named)[0], GOOD)
        db.session.commit()
    named_cross = client.get(f"/staff/surveys/{named}/results?x=done&y=overall").get_data(as_text=True)
    assert 'id="crosstab-suppressed"' not in named_cross and '<td class="cell">1</td>' in named_cross
