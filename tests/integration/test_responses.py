"""Staff answer opinions (one, many, a whole digest cluster, templates, XLSX) and publish the adoption feedback."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import csrf_from, login


@pytest.fixture(autouse=True)
def _fresh_login_limits():  # type: ignore[no-untyped-def]
    """These tests log in often; an app built with limits on (test_rate_limits) enables the shared limiter
    for every app, so clear its in-memory counters before and after each test (never a shared Redis)."""
    from consult.extensions import limiter

    def reset() -> None:
        if type(getattr(limiter, "_storage", None)).__name__ == "MemoryStorage":
            limiter.reset()

    reset()
    yield
    reset()


BODY = "第一条 为优化营商环境，制定本办法。\n第二条 企业开办时间压缩至三个工作日。\n第三条 加强事中事后监管。"
TEXTS = ["企业开办还是要跑好几个窗口，希望一网通办", "建议企业开办全程网上办理", "开办企业刻章收费太高，建议免费刻章", "监管不能变成多头检查，建议联合检查"]


@pytest.fixture
def seeded(any_app, make_user, make_plan):  # type: ignore[no-untyped-def]
    """An open plan with 12 comments by 3 citizens (on clause 2 and on the whole plan) and a digest."""
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan(body=BODY, department="市发改委")
    citizens = [make_user() for _ in range(3)]
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        clause_id = plan.current_version.clauses[1].id
        ids = []
        for k in range(12):
            comment, _created = comments.post_comment(user=db.session.get(User, citizens[k % 3][0]), plan=plan, body=f"{TEXTS[k % 4]}（{k}）", clause_id=clause_id if k % 2 else None)
            ids.append(comment.id)
        db.session.commit()
        digest, _created = digests.request_digest(plan)
        db.session.commit()
        assert digests.build(digest.id) == "done"
    return any_app, plan_id, ids, citizens


def _staff(app, make_user, role="staff", department=""):  # type: ignore[no-untyped-def]
    user_id, login_name, password = make_user(role=role, department=department)
    client = app.test_client()
    login(client, login_name, password)
    return client, user_id


def _post(client, url, data, page):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _close(app, plan_id):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        db.session.get(Plan, plan_id).closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()


def _responses(app, plan_id):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import Response

    with app.app_context():
        return {r.comment_id: (r.status, r.text, r.reason) for r in db.session.scalars(select(Response).where(Response.plan_id == plan_id))}


def test_single_and_bulk_answers_show_under_the_comment_with_a_status(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, ids, citizens = seeded
    staff, _ = _staff(app, make_user)
    author = app.test_client()
    login(author, citizens[0][1], citizens[0][2])
    assert 'id="my-opinions"' not in author.get(f"/plans/{plan_id}").get_data(as_text=True)  # nothing to tell yet
    page = f"/staff/plans/{plan_id}/responses"
    assert staff.get(page).status_code == 200
    r = _post(staff, page, {"comment_ids": [str(ids[0])], "status": "adopted", "text": "已在修订稿中增加一网通办的规定。"}, page)
    assert r.status_code == 302
    r = _post(staff, page, {"comment_ids": [str(ids[2]), str(ids[4])], "status": "not_adopted", "text": "暂不采纳。", "reason": "涉及上位法，需另行研究。"}, page)
    assert r.status_code == 302
    answers = _responses(app, plan_id)
    assert answers[ids[0]][0] == "adopted" and answers[ids[2]] == answers[ids[4]] == ("not_adopted", "暂不采纳。", "涉及上位法，需另行研究。")
    # The public sees the official answer under the comment, with its status.
    html = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "官方答复" in html and "已在修订稿中增加一网通办的规定。" in html and "采纳" in html
    # Once answered, the author sees 「我的意见的处理情况」 on the plan page (not before: see above).
    assert 'id="my-opinions"' in author.get(f"/plans/{plan_id}").get_data(as_text=True)
    # Ticking an answered opinion again (a stale page) leaves its answer alone and says so.
    r = _post(staff, page, {"comment_ids": [str(ids[0])], "status": "partly", "text": "部分采纳。"}, page)
    assert r.status_code == 409 and "改写已有答复" in r.get_data(as_text=True)
    assert _responses(app, plan_id)[ids[0]][0] == "adopted"
    # Confirmed one by one ("改写已有答复"), the answer is replaced (one per comment), not added a second time.
    _post(staff, page, {"overwrite_ids": [str(ids[0])], "status": "partly", "text": "部分采纳。"}, page)
    assert _responses(app, plan_id)[ids[0]] == ("partly", "部分采纳。", "")
    assert len(_responses(app, plan_id)) == 3


def test_a_cluster_answer_stays_on_its_comments_and_later_comments_stay_unanswered(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan
    from worker.analysis.pipeline import DigestResult

    app, plan_id, ids, citizens = seeded
    staff, _ = _staff(app, make_user)
    with app.app_context():
        digest = digests.latest(plan_id)
        result = DigestResult.from_dict(digest.result)
        members = result.themes[0].issues[0].member_ids
        ref = f"D{digest.number}-T1-I1"
    page = f"/staff/plans/{plan_id}/responses?cluster={ref}"
    html = staff.get(page).get_data(as_text=True)
    assert ref in html
    r = _post(staff, f"/staff/plans/{plan_id}/responses", {"cluster": ref, "status": "covered", "text": "现行规定已有相关要求。"}, page)
    assert r.status_code == 302, r.get_data(as_text=True)
    answers = _responses(app, plan_id)
    assert set(answers) == set(members)
    assert all(a == ("covered", "现行规定已有相关要求。", "") for a in answers.values())
    # A new comment and a new digest with a new clustering: the old answers are still on their comments.
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        late, _created = comments.post_comment(user=db.session.get(User, citizens[0][0]), plan=plan, body="补充：建议企业开办一网通办")
        db.session.commit()
        late_id = late.id
        digest, _created = digests.request_digest(plan)
        db.session.commit()
        digests.build(digest.id)
        assert db.session.scalar(select(func.count()).select_from(Digest).where(Digest.plan_id == plan_id)) == 2
    after = _responses(app, plan_id)
    assert after == answers and late_id not in after
    # The digest page names clusters with their reference, the issue page links to answering it.
    digest_page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert "D2-T1-I1" in digest_page


def _cluster(app, plan_id):  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from worker.analysis.pipeline import DigestResult

    with app.app_context():
        digest = digests.latest(plan_id)
        result = DigestResult.from_dict(digest.result)
        issue = max((i for t in result.themes for i in t.issues), key=lambda i: len(i.member_ids))
        t, k = next((a, b) for a, th in enumerate(result.themes) for b, i in enumerate(th.issues) if i is issue)
        return f"D{digest.number}-T{t + 1}-I{k + 1}", list(issue.member_ids)


def test_a_cluster_answer_skips_opinions_answered_one_by_one_unless_each_is_confirmed(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, _ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    ref, members = _cluster(app, plan_id)
    assert len(members) >= 2
    own, other = members[0], members[1]
    page = f"/staff/plans/{plan_id}/responses"
    _post(staff, page, {"comment_ids": [str(own)], "status": "adopted", "text": "采纳：修订稿第二条已改为一个工作日。"}, page)
    cluster_page = f"{page}?cluster={ref}"
    html = staff.get(cluster_page).get_data(as_text=True)
    # Before submitting, the form says how many are new and how many already have an answer.
    assert f"{len(members) - 1} 条未答复，1 条已有答复" in html
    assert f'name="overwrite_ids" value="{own}"' in html and f'name="comment_ids" value="{own}"' not in html
    r = _post(staff, page, {"cluster": ref, "status": "partly", "text": "部分采纳（通用答复）。"}, cluster_page)
    assert r.status_code == 302
    answers = _responses(app, plan_id)
    assert answers[own] == ("adopted", "采纳：修订稿第二条已改为一个工作日。", "")
    assert all(answers[m] == ("partly", "部分采纳（通用答复）。", "") for m in members if m != own)
    flashed = staff.get(page).get_data(as_text=True)
    assert f"已答复 {len(members) - 1} 条意见，跳过 1 条已有答复的意见" in flashed
    # The public page shows the opinion's own answer, not the generic one.
    public = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "修订稿第二条已改为一个工作日" in public
    # Everything answered: a second cluster answer changes nothing and says why.
    r = _post(staff, page, {"cluster": ref, "status": "covered", "text": "现行规定已有。"}, cluster_page)
    assert r.status_code == 409 and "都已有答复" in r.get_data(as_text=True)
    assert _responses(app, plan_id) == answers
    # Confirming one opinion overwrites exactly that one.
    r = _post(staff, page, {"cluster": ref, "overwrite_ids": [str(other)], "status": "covered", "text": "现行规定已有。"}, cluster_page)
    assert r.status_code == 302
    after = _responses(app, plan_id)
    assert after[other] == ("covered", "现行规定已有。", "") and after[own] == answers[own]
    assert {m: a for m, a in after.items() if m != other} == {m: a for m, a in answers.items() if m != other}


def test_an_imported_cluster_row_keeps_answers_given_before(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, _ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    ref, members = _cluster(app, plan_id)
    page = f"/staff/plans/{plan_id}/responses"
    _post(staff, page, {"comment_ids": [str(members[0])], "status": "adopted", "text": "逐条答复。"}, page)
    r = _upload(staff, plan_id, _xlsx([("", ref, "现行规定已有", "已有规定。", "")]))
    assert r.status_code == 302
    assert "跳过了 1 条已有答复的意见" in staff.get(page).get_data(as_text=True)
    answers = _responses(app, plan_id)
    assert answers[members[0]] == ("adopted", "逐条答复。", "")
    assert all(answers[m][1] == "已有规定。" for m in members[1:])


def test_templates_answer_many_at_once(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.responses.models import AnswerTemplate

    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    page = f"/staff/plans/{plan_id}/responses"
    r = _post(staff, "/staff/templates", {"title": "已有规定", "status": "covered", "text": "《条例》第十条已有规定。", "next": page}, page)
    assert r.status_code == 302
    with app.app_context():
        template_id = db.session.scalar(select(AnswerTemplate.id))
    r = _post(staff, page, {"comment_ids": [str(i) for i in ids[:6]], "template_id": str(template_id)}, page)
    assert r.status_code == 302
    answers = _responses(app, plan_id)
    assert len(answers) == 6 and {a[0] for a in answers.values()} == {"covered"}
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"template.create", "response.reply"} <= actions


def test_bad_answers_are_refused_with_a_clear_message_and_nothing_changes(seeded, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    app, plan_id, ids, citizens = seeded
    other_plan = make_plan(title="另一个方案")
    with app.app_context():
        foreign, _created = comments.post_comment(user=db.session.get(User, citizens[0][0]), plan=db.session.get(Plan, other_plan), body="别的方案的意见")
        db.session.commit()
        foreign_id = foreign.id
    staff, _ = _staff(app, make_user)
    page = f"/staff/plans/{plan_id}/responses"
    cases = [
        ({"comment_ids": [str(ids[0])], "status": "not_adopted", "text": "不采纳"}, "必须说明理由"),
        ({"comment_ids": [str(ids[0])], "status": "maybe", "text": "嗯"}, "未知的处理结果"),
        ({"comment_ids": [str(ids[0]), str(foreign_id)], "status": "adopted", "text": "采纳"}, str(foreign_id)),
        ({"comment_ids": ["abc"], "status": "adopted", "text": "采纳"}, "意见编号无效"),
        ({"comment_ids": [str(ids[0])], "status": "adopted", "text": ""}, "答复内容"),
        ({"status": "adopted", "text": "采纳"}, "请至少选择一条意见"),
        ({"cluster": "D9-T1-I1", "status": "adopted", "text": "采纳"}, "第 9 版"),
        ({"cluster": "<script>", "status": "adopted", "text": "采纳"}, "格式不对"),
        ({"comment_ids": [str(ids[0])], "status": "adopted", "text": "长" * 2001}, "不能超过 2000 字"),
    ]
    for data, message in cases:
        r = _post(staff, page, data, page)
        assert 400 <= r.status_code < 500, (data, r.status_code)
        assert message in r.get_data(as_text=True), (data, message)
    assert _responses(app, plan_id) == {}
    # The typed reply survives a refusal so nothing written is lost.
    r = _post(staff, page, {"comment_ids": [str(ids[0])], "status": "not_adopted", "text": "这段答复不要丢"}, page)
    assert "这段答复不要丢" in r.get_data(as_text=True)


def _xlsx(rows, header=("意见编号", "问题编号", "处理结果", "答复", "理由")) -> bytes:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, plan_id, data, name="answers.xlsx"):  # type: ignore[no-untyped-def]
    page = f"/staff/plans/{plan_id}/responses"
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(f"{page}/import", data={"csrf_token": token, "upload": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_xlsx_import_is_all_or_nothing_with_a_row_by_row_error_list(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests

    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    with app.app_context():
        ref = f"D{digests.latest(plan_id).number}-T1-I1"
    bad = _xlsx([
        (ids[0], "", "采纳", "已采纳。", ""),
        (ids[1], "", "未采纳", "不采纳。", ""),  # no reason
        (ids[2], "", "也许", "嗯。", ""),  # unknown status
        (999999, "", "采纳", "好。", ""),  # not this plan's
        (ids[3], "", "采纳", "=HYPERLINK(\"http://evil\")", ""),  # a formula is never evaluated: read as empty
    ])
    r = _upload(staff, plan_id, bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "整个文件未导入" in html
    for row, message in ((3, "必须说明理由"), (4, "未知的处理结果"), (5, "999999"), (6, "答复内容不能为空")):
        assert f"第 {row} 行" in html and message in html, html[html.find("import-errors"):][:1500]
    assert _responses(app, plan_id) == {}
    good = _xlsx([(ids[0], "", "采纳", "已采纳。", ""), ("", ref, "现行规定已有", "已有规定。", ""), (ids[1], "", "not_adopted", "不采纳。", "与上位法冲突。")])
    r = _upload(staff, plan_id, good)
    assert r.status_code == 302, r.get_data(as_text=True)
    answers = _responses(app, plan_id)
    assert answers[ids[1]] == ("not_adopted", "不采纳。", "与上位法冲突。")
    assert len(answers) >= 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("answers.xlsx", b"PK\x03\x04broken", "无法读取"),
        ("answers.csv", b"a,b\n1,2\n", ".xlsx"),
        ("answers.xlsx", b"", "空"),
        ("answers.xlsx", b"x" * (21 * 1024 * 1024), ""),
    ],
)
def test_malformed_or_oversized_imports_are_refused(seeded, make_user, name, data, message) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, _ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    r = _upload(staff, plan_id, data, name)
    assert 400 <= r.status_code < 500
    assert message in r.get_data(as_text=True)
    assert _responses(app, plan_id) == {}


def test_wrong_columns_are_named(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    r = _upload(staff, plan_id, _xlsx([(ids[0], "x")], header=("编号", "内容")))
    assert r.status_code == 400 and "缺少必需的列" in r.get_data(as_text=True)


def test_publishing_feedback_needs_a_closed_window_happens_once_and_notifies_each_commenter_once(seeded, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Notification
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Plan
    from consult.responses import feedback
    from consult.responses.models import FeedbackReport

    app, plan_id, ids, citizens = seeded
    staff, _ = _staff(app, make_user)
    page = f"/staff/plans/{plan_id}/responses"
    _post(staff, page, {"comment_ids": [str(ids[1])], "status": "adopted", "text": "已采纳，修订稿第二条改为一个工作日。"}, page)
    r = _post(staff, f"/staff/plans/{plan_id}/feedback", {"summary": "感谢参与"}, page)
    assert r.status_code == 409 and "尚未结束" in r.get_data(as_text=True)
    assert app.test_client().get(f"/plans/{plan_id}/feedback").status_code == 404  # not public yet
    _close(app, plan_id)
    with app.app_context():
        plans.new_version(db.session.get(Plan, plan_id), BODY.replace("三个工作日", "一个工作日") + "\n第四条 本办法自发布之日起施行。", "根据公众意见修订")
        db.session.commit()
    r = _post(staff, f"/staff/plans/{plan_id}/feedback", {"summary": "感谢参与"}, page)
    assert r.status_code == 302
    r = _post(staff, f"/staff/plans/{plan_id}/feedback", {"summary": ""}, page)
    assert r.status_code == 409 and "没有变化" in r.get_data(as_text=True)  # nothing new: no version 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackReport)) == 1
        notes = list(db.session.scalars(select(Notification).where(Notification.kind == "feedback")))
        assert sorted(n.user_id for n in notes) == sorted(c[0] for c in citizens)
        first = {c[0]: min(i for k, i in enumerate(ids) if citizens[k % 3][0] == c[0]) for c in citizens}
        assert all(n.link == f"/plans/{plan_id}/feedback?c={first[n.user_id]}#c{first[n.user_id]}" for n in notes)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "feedback.publish")) == 1
    # The public report: counts per clause, the answer, and a side-by-side diff of the changed clause.
    citizen = app.test_client()
    login(citizen, citizens[1][1], citizens[1][2])
    html = citizen.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert "已采纳，修订稿第二条改为一个工作日。" in html
    assert f'id="c{ids[1]}"' in html
    assert "<del>三</del>" in html and "<ins>一</ins>" in html
    assert "新增条款" in html
    assert "我的意见的处理情况" in html
    # Opening it from the inbox keeps the #c… anchor, so the browser scrolls to the opinion.
    with app.app_context():
        note_id = db.session.scalar(select(Notification.id).where(Notification.user_id == citizens[1][0]))
    opened = citizen.get(f"/account/notifications/{note_id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/plans/{plan_id}/feedback?c={first[citizens[1][0]]}#c{first[citizens[1][0]]}")
    # A long report is paged; the link in a notification opens the page that holds that opinion.
    monkeypatch.setattr(feedback, "PAGE_SIZE", 2)
    last = max(ids)
    paged = citizen.get(f"/plans/{plan_id}/feedback?c={last}").get_data(as_text=True)
    assert f'id="c{last}"' in paged and "第 6 / 6 页" in paged
    assert f'id="c{last}"' not in citizen.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    plan_page = citizen.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "采纳情况反馈已公布" in plan_page and "我的意见的处理情况" in plan_page


def test_department_staff_cannot_touch_another_departments_plan(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import AnswerTemplate

    app, plan_id, ids, _citizens = seeded
    from consult.core.models import User
    from consult.plans.models import Plan

    own, own_id = _staff(app, make_user, role="department")
    with app.app_context():
        db.session.get(User, own_id).department_id = db.session.get(Plan, plan_id).department_id
        db.session.commit()
    other, _ = _staff(app, make_user, role="department", department="市教育局")
    page = f"/staff/plans/{plan_id}/responses"
    assert other.get(page).status_code == 403
    assert other.get(f"{page}/sheet.xlsx").status_code == 403
    token = csrf_from(other.get("/staff/").get_data(as_text=True))
    for url, data in [
        (page, {"comment_ids": [str(ids[0])], "status": "adopted", "text": "x"}),
        (f"{page}/import", {}),
        (f"/staff/plans/{plan_id}/feedback", {}),
    ]:
        assert other.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert other.get(f"/plans/{plan_id}/feedback").status_code == 404  # no preview of another department's plan
    # Templates: a department's template is invisible to (and cannot be deleted by) another department.
    _post(other, "/staff/templates", {"title": "教育局模板", "status": "adopted", "text": "采纳"}, "/staff/")
    with app.app_context():
        template_id = db.session.scalar(select(AnswerTemplate.id))
    assert _post(own, f"/staff/templates/{template_id}/delete", {}, "/staff/").status_code == 404
    r = _post(own, page, {"comment_ids": [str(ids[0])], "template_id": str(template_id)}, page)
    assert r.status_code == 404
    assert _responses(app, plan_id) == {}
    assert own.get(page).status_code == 200
    # Citizens are refused every staff route.
    citizen = app.test_client()
    user = make_user()
    login(citizen, user[1], user[2])
    assert citizen.get(page).status_code == 403


def test_demo_loader_publishes_one_feedback_report_for_the_closed_plan(app) -> None:  # type: ignore[no-untyped-def]
    from consult.demo import loader as demo
    from consult.extensions import db
    from consult.responses.models import FeedbackReport

    with app.app_context():
        assert demo.load()["feedback_published"] == 1
        db.session.commit()
        assert demo.load()["feedback_published"] == 0  # idempotent
        db.session.commit()
        plan_id = db.session.scalar(select(FeedbackReport.plan_id))
    html = app.test_client().get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert "官方答复" in html and "<ins>" in html


def test_every_staff_route_refuses_citizens_and_anonymous_visitors(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, ids, _citizens = seeded
    routes = [
        ("get", f"/staff/plans/{plan_id}/responses"),
        ("get", f"/staff/plans/{plan_id}/responses/sheet.xlsx"),
        ("post", f"/staff/plans/{plan_id}/responses"),
        ("post", f"/staff/plans/{plan_id}/responses/import"),
        ("post", "/staff/templates"),
        ("post", "/staff/templates/1/delete"),
        ("post", f"/staff/plans/{plan_id}/feedback"),
    ]
    anonymous = app.test_client()
    citizen = app.test_client()
    user = make_user()
    login(citizen, user[1], user[2])
    token = csrf_from(citizen.get(f"/plans/{plan_id}").get_data(as_text=True))
    for method, url in routes:
        data = {"csrf_token": token, "comment_ids": [str(ids[0])], "status": "adopted", "text": "x", "title": "t"} if method == "post" else None
        assert getattr(citizen, method)(url, data=data).status_code == 403, url
        response = getattr(anonymous, method)(url, data=data)
        assert response.status_code in (302, 400, 401), url  # to the login page (or refused for lack of a token)
    assert _responses(app, plan_id) == {}
    # Missing plans are a 404, not a 500.
    staff, _ = _staff(app, make_user)
    assert staff.get("/staff/plans/999999/responses").status_code == 404
    assert staff.get("/plans/999999/feedback").status_code == 404


def test_demo_answers_fit_their_opinions_and_hearing_statements_their_plan(app) -> None:  # type: ignore[no-untyped-def]
    from consult.demo import channels as demo_channels
    from consult.demo import loader as demo
    from consult.extensions import db
    from consult.hearings.models import Hearing, HearingApplication
    from consult.plans.models import Comment
    from consult.responses.models import FeedbackReport, Response

    with app.app_context():
        demo.load()
        db.session.commit()
        plan_id = db.session.scalar(select(FeedbackReport.plan_id))
        answered = db.session.execute(select(Comment, Response).join(Response, Response.comment_id == Comment.id).where(Comment.plan_id == plan_id)).all()
        assert len(answered) > 100
        from consult.plans.models import Plan

        stances = demo._stances(db.session.get(Plan, plan_id))
        expected = {"support": "covered", "oppose": "not_adopted", "question": "partly", "suggest": "adopted"}
        answered = [(c, a) for c, a in answered if c.body in stances]  # the generated opinions (experts' ones are answered by their demo)
        assert len(answered) > 100
        for comment, answer in answered:
            assert answer.status == expected[stances[comment.body]], (comment.body, answer.status)
            assert (comment.clause.label if comment.clause else "方案") in answer.text  # it names what was commented on
        assert len({a.status for _c, a in answered}) == 4
        for key, statements in (("open", demo_channels.STATEMENTS), ("held", demo_channels.HELD_STATEMENTS)):
            hearing = db.session.scalar(select(Hearing).where(Hearing.demo_key == key))
            said = set(db.session.scalars(select(HearingApplication.statement).where(HearingApplication.hearing_id == hearing.id)))
            assert said and said <= {s for group in statements.values() for s in group}, key


def test_workbench_and_digest_counts_follow_answers_and_moderation(seeded, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The list's pages, the totals and the digest's 已答复 figures stay right when opinions are answered
    or leave the answerable set (the unfiltered totals come from aggregates, the digest page is kept per process)."""
    import re

    from consult.extensions import db
    from consult.plans.models import Comment
    from consult.responses import views

    app, plan_id, ids, _citizens = seeded
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    staff, _ = _staff(app, make_user)
    page, digest_page = f"/staff/plans/{plan_id}/responses", f"/staff/plans/{plan_id}/digest"

    def answered_on_digest() -> int:
        return sum(int(a) for a in re.findall(r"已答复 (\d+)/\d+", staff.get(digest_page).get_data(as_text=True)))

    before = answered_on_digest()
    _post(staff, page, {"comment_ids": [str(i) for i in ids[:3]], "status": "adopted", "text": "采纳。"}, page)
    assert answered_on_digest() == before + 3
    html = staff.get(page).get_data(as_text=True)
    assert "可答复意见 12 条，已答复 3 条。" in html and "1 / 5" in html  # 9 unanswered, 2 a page
    assert "1 / 2" in staff.get(page + "?filter=answered").get_data(as_text=True)
    assert "1 / 6" in staff.get(page + "?filter=all").get_data(as_text=True)
    with app.app_context():  # a moderator rejects one answered and one unanswered opinion
        for cid in (ids[0], ids[5]):
            db.session.get(Comment, cid).status = "rejected"
        db.session.commit()
    html = staff.get(page).get_data(as_text=True)
    assert "可答复意见 10 条，已答复 3 条。" in html and "1 / 4" in html  # 8 unanswered
    assert 'class="pager"' not in staff.get(page + "?filter=answered").get_data(as_text=True)  # 2 left: one page
    assert "1 / 5" in staff.get(page + "?filter=all").get_data(as_text=True)
    _post(staff, page, {"comment_ids": [str(ids[3])], "status": "partly", "text": "部分采纳。"}, page)
    assert answered_on_digest() == before + 4
