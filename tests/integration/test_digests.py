"""Digests built from stored tokens: every comment in one issue, staff pages, exports, imports."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_from, login

BODY = "第一条 为优化营商环境，制定本办法。\n第二条 企业开办时间压缩至一个工作日。\n第三条 工程建设项目审批实行告知承诺制。\n第四条 加强事中事后监管。"
TOPICS = {
    "开办": ["企业开办还是要跑好几个窗口，希望真正一网通办", "建议企业开办全程网上办理，营业执照当天领取", "开办企业刻章环节收费太高，建议免费刻章"],
    "审批": ["工程建设项目审批材料太多，告知承诺制要落实", "施工许可审批时间太长，建议并联审批", "审批中介服务收费不透明，希望公开中介收费标准"],
    "监管": ["事中事后监管不能变成多头检查，建议联合检查", "双随机一公开抽查结果要及时公示", "信用监管要和企业沟通，避免误伤守信企业"],
}


@pytest.fixture
def seeded(any_app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan(body=BODY)
    users = [make_user()[0] for _ in range(3)]
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        clause_ids = [c.id for c in plan.current_version.clauses]
        n = 0
        for topic, texts in TOPICS.items():
            for k in range(12):
                text = f"{texts[k % 3]}，第{k + 1}点看法，联系电话13812345678"
                clause = clause_ids[1 + list(TOPICS).index(topic)] if k % 2 else None
                comments.post_comment(user=db.session.get(User, users[n % 3]), plan=plan, body=text, clause_id=clause)
                n += 1
        letter = "我们强烈要求取消刻章收费，切实减轻企业负担，请市领导重视！"
        for k in range(25):
            comments.post_comment(user=db.session.get(User, users[k % 3]), plan=plan, body=letter + "！" * (k % 3))
        db.session.commit()
    return any_app, plan_id


def _build(app, plan_id):  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        digest, created = digests.request_digest(db.session.get(Plan, plan_id))
        db.session.commit()
        assert created
        assert digests.build(digest.id) == "done"
        return digest.id


def test_every_comment_lands_in_exactly_one_issue(seeded) -> None:  # type: ignore[no-untyped-def]
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment
    from worker.analysis.pipeline import DigestResult

    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    with app.app_context():
        digest = db.session.get(Digest, digest_id)
        result = DigestResult.from_dict(digest.result)
        ids = set(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id)))
        members = [m for t in result.themes for i in t.issues for m in i.member_ids]
        assert sorted(members) == sorted(ids)
        assert set(result.assignments) == ids
        assert len(result.campaigns) == 1 and result.campaigns[0].size == 25
        assert digest.comment_count == len(ids) == 61
        dumped = str(digest.result)
        assert "13812345678" not in dumped  # personal data masked in the stored digest


def test_same_request_twice_gives_one_digest_and_rebuild_is_a_no_op(seeded) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Plan

    app, plan_id = seeded
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        first, created_first = digests.request_digest(plan)
        second, created_second = digests.request_digest(plan)
        db.session.commit()
        assert first.id == second.id and created_first and not created_second
        assert digests.build(first.id) == "done"
        finished = db.session.get(Digest, first.id).finished_at
        assert digests.build(first.id) == "done"
        assert db.session.get(Digest, first.id).finished_at == finished
        assert db.session.scalar(select(func.count()).select_from(Digest)) == 1


def test_staff_digest_page_and_exports(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert "主题1" in page and "批量（雷同）意见" in page and "25" in page
    assert "13812345678" not in page
    from consult.digests.models import Digest
    from consult.extensions import db

    with app.app_context():
        shape = [len(t["issues"]) for t in db.session.get(Digest, digest_id).result["themes"]]
    pages = [staff.get(f"/staff/digests/{digest_id}/themes/{t}/issues/{i}") for t, n in enumerate(shape) for i in range(n)]
    assert all(p.status_code == 200 for p in pages)
    every = "".join(p.get_data(as_text=True) for p in pages)
    assert every.count("138****5678") == 36 and "13812345678" not in every  # all 36, masked

    docx = staff.get(f"/staff/digests/{digest_id}/export.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "一、总体情况" in text and "13812345678" not in text

    xlsx = staff.get(f"/staff/digests/{digest_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 62
    summary = load_workbook(io.BytesIO(xlsx.data)).worksheets[1]
    shares = [row[4] for row in summary.iter_rows(min_row=2)]
    assert shares and all(isinstance(c.value, int | float) and c.number_format == "0.0%" for c in shares)  # 占比: numbers, not "12.5%"
    assert all("13812345678" not in str(r) for r in rows)
    html = staff.get(f"/staff/digests/{digest_id}/export.html").get_data(as_text=True)
    assert "<h1>" in html and "13812345678" not in html
    assert staff.get(f"/staff/digests/{digest_id}/export.exe").status_code == 404
    assert staff.get(f"/staff/digests/{digest_id}/themes/99/issues/0").status_code == 404


def test_digest_routes_need_staff_of_the_right_department(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    citizen = app.test_client()
    _, email, password = make_user()
    login(citizen, email, password)
    outsider = app.test_client()
    _, email2, password2 = make_user(role="department", department="市卫健委")
    login(outsider, email2, password2)
    for url in (f"/staff/plans/{plan_id}/digest", f"/staff/digests/{digest_id}/export.xlsx", f"/staff/digests/{digest_id}/status", f"/staff/plans/{plan_id}/import"):
        assert citizen.get(url).status_code == 403
        assert outsider.get(url).status_code == 403


def test_import_letters_from_csv(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = make_plan(body=BODY)
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    csv_bytes = "日期,内容\n2026-11-01,来信反映刻章收费过高\n2026-11-02,=HYPERLINK(\"http://x\")审批太慢\n2026-11-03,\n".encode("gb18030")
    token = csrf_from(staff.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True))

    def upload(data, name="letters.csv", channel="letter"):  # type: ignore[no-untyped-def]
        return staff.post(f"/staff/plans/{plan_id}/import", data={"csrf_token": token, "channel": channel, "upload": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    assert upload(csv_bytes).status_code == 302
    with app.app_context():
        rows = list(db.session.scalars(select(Comment).where(Comment.plan_id == plan_id)))
        assert {r.body for r in rows} == {"来信反映刻章收费过高", '=HYPERLINK("http://x")审批太慢'}
        assert {r.status for r in rows} == {"internal"} and {r.source for r in rows} == {"letter"}
        assert rows[0].created_at.date().isoformat() == "2026-11-01"
    assert "刻章收费过高" not in app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    again = upload(csv_bytes)
    assert again.status_code == 409 and "已经导入过" in again.get_data(as_text=True)
    assert upload(b"a,b\n1,2\n", name="x.csv").status_code == 400
    assert upload(b"PK\x03\x04broken", name="x.xlsx").status_code == 400
    assert upload(csv_bytes, channel="fax").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 2

    from consult.digests import operations as digests

    with app.app_context():
        from consult.plans.models import Plan

        digest, _ = digests.request_digest(db.session.get(Plan, plan_id))
        db.session.commit()
        digest_id = digest.id
        digests.build(digest_id)
    xlsx = staff.get(f"/staff/digests/{digest_id}/export.xlsx")
    values = [c for row in load_workbook(io.BytesIO(xlsx.data)).worksheets[0].iter_rows(values_only=True) for c in row]
    assert "'=HYPERLINK(\"http://x\")审批太慢" in values  # formula neutralised


def test_staff_correct_clause_mapping(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.plan_id == plan_id, Comment.clause_id.is_(None)))
        target = db.session.get(Plan, plan_id).current_version.clauses[3]
        comment_id, target_id = comment.id, target.id
    token = csrf_from(staff.get(f"/staff/digests/{digest_id}/themes/0/issues/0").get_data(as_text=True))
    assert staff.post(f"/staff/comments/{comment_id}/clause", data={"csrf_token": token, "clause_id": str(target_id)}).status_code == 302
    assert staff.post(f"/staff/comments/{comment_id}/clause", data={"csrf_token": token, "clause_id": "999999"}).status_code == 400
    from consult.plans import comments

    with app.app_context():
        assert db.session.get(Comment, comment_id).clause_override_id == target_id
        user = db.session.get(Comment, comment_id).user
        comments.post_comment(user=user, plan=db.session.get(Plan, plan_id), body="新增一条意见，触发新版本摘要")
        db.session.commit()
    new_id = _build(app, plan_id)
    with app.app_context():
        from consult.digests.models import Digest
        from worker.analysis.pipeline import DigestResult

        result = DigestResult.from_dict(db.session.get(Digest, new_id).result)
        t, i = result.assignments[comment_id]
        assert result.themes[t].issues[i].clause_counts.get(target_id, 0) >= 1
        assert db.session.get(Digest, new_id).number == 2


def test_the_digest_page_lists_the_largest_campaigns_and_the_rest_on_request(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    import random

    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan(body=BODY)
    user_ids = [make_user()[0] for _ in range(3)]
    pool = "营商环境企业开办审批监管信用中介收费窗口材料时间许可检查公示服务税务社保医保公积金不动产登记水电气网络园区人才住房教育交通"
    rng = random.Random(5)
    letters = ["".join(rng.choice(pool) for _ in range(40)) for _ in range(32)]
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for g, letter in enumerate(letters):
            for k in range(5 + (g == 0) * 3):  # the first group is the largest: listed first
                comments.post_comment(user=db.session.get(User, user_ids[k % 3]), plan=plan, body=f"{letter}{'！' * k}")
        db.session.commit()
    digest_id = _build(app, plan_id)
    _, email, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, email, password)
    with app.app_context():
        from consult.digests.models import Digest
        from worker.analysis.pipeline import DigestResult

        found = len(DigestResult.from_dict(db.session.get(Digest, digest_id).result).campaigns)
    assert found > 30
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    campaigns = page[page.index('id="campaigns"'):]
    rows = campaigns[:campaigns.index("</table>")].count("<tr>") - 1
    assert rows == 30 and f"共 {found} 组" in campaigns and "显示全部" in campaigns
    assert letters[0][:20] in campaigns[:campaigns.index("</tr>", campaigns.index("<tbody>"))]  # the largest first
    everything = staff.get(f"/staff/plans/{plan_id}/digest?campaigns=all").get_data(as_text=True)
    listed = everything[everything.index('id="campaigns"'):]
    assert listed[:listed.index("</table>")].count("<tr>") - 1 == found and "显示全部" not in listed
