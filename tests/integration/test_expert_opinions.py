"""Experts' opinions clause by clause: their own channel, answered on the workbench, never in public figures,
reported in the 专家论证 report (read back with python-docx)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import login
from tests.support.experts import expert_client, make_expert, post_form

IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()
OPINION = "建议第二条明确适用范围的例外情形，避免与上位法冲突。"


def _setup(app, make_user, make_plan, *, closed: bool = False):  # type: ignore[no-untyped-def]
    from consult.experts.models import ExpertInvitation
    from consult.extensions import db
    from consult.plans.models import Plan

    _, staff_email, staff_password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_email, staff_password)
    plan_id = make_plan(closed=closed, department="市司法局")
    expert_id, email, password = make_expert(app, staff, name="周律师", fields=("law",), organisation="律师协会")
    review = f"/staff/plans/{plan_id}/experts"
    assert post_form(staff, review, review, {"expert_id": str(expert_id), "deadline": IN_A_WEEK, "message": "请论证"}).status_code == 302
    with app.app_context():
        invitation_id = db.session.scalar(select(ExpertInvitation.id).where(ExpertInvitation.plan_id == plan_id))
        clause_id = db.session.get(Plan, plan_id).current_version.clauses[1].id
    return staff, expert_client(app, email, password), plan_id, invitation_id, clause_id


def _accept(expert, invitation_id: int) -> None:  # type: ignore[no-untyped-def]
    page = f"/expert/invitations/{invitation_id}"
    assert post_form(expert, page, f"{page}/respond", {"answer": "accept"}).status_code == 302


def test_an_expert_comments_clause_by_clause_and_the_office_answers_it(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, DecisionStep

    staff, expert, plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    page = f"/expert/invitations/{invitation_id}"
    early = post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": OPINION})
    assert early.status_code == 409 and "请先接受邀请" in early.get_data(as_text=True)
    _accept(expert, invitation_id)
    assert post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": OPINION}).status_code == 302
    assert post_form(expert, page, f"{page}/opinions", {"clause_id": "", "body": "总体可行。"}).status_code == 302
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.body == OPINION))
        assert (comment.source, comment.status, comment.clause_id) == ("expert", "internal", clause_id)
        assert comment.author_label == "周律师（律师协会）"
        step = db.session.scalar(select(DecisionStep).where(DecisionStep.plan_id == plan_id, DecisionStep.kind == "expert_review"))
        assert "1 位专家（法律）" in step.outcome and "2 条" in step.outcome
        comment_id = comment.id
    mine = expert.get(page).get_data(as_text=True)
    assert OPINION in mine and "待答复" in mine
    # The office answers it on the usual workbench, where the channel can be picked out.
    bench = f"/staff/plans/{plan_id}/responses"
    listed = staff.get(f"{bench}?filter=all&source=expert").get_data(as_text=True)
    assert OPINION in listed and "专家意见" in listed and "周律师" in listed
    answered = post_form(staff, bench, bench, {"comment_ids": [str(comment_id)], "status": "adopted", "text": "已在第二条增加例外情形。"})
    assert answered.status_code == 302
    assert "已在第二条增加例外情形" in expert.get(page).get_data(as_text=True)
    conclusion = post_form(expert, page, f"{page}/conclusion", {"conclusion": "方案总体合法可行，建议修改后提交。"})
    assert conclusion.status_code == 302


def test_bad_opinions_are_refused_with_the_text_kept(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.experts.models import ExpertInvitation
    from consult.extensions import db

    _staff, expert, _plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    _accept(expert, invitation_id)
    page = f"/expert/invitations/{invitation_id}"
    empty = post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": "   "})
    assert empty.status_code == 400 and "请填写论证意见" in empty.get_data(as_text=True)
    markup = post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": "<script>x</script>第二条太宽"})
    assert markup.status_code == 400 and "第二条太宽" in markup.get_data(as_text=True) and "HTML" in markup.get_data(as_text=True)
    foreign = post_form(expert, page, f"{page}/opinions", {"clause_id": "999999", "body": "别的方案的条款"})
    assert foreign.status_code == 404 and "别的方案的条款" in foreign.get_data(as_text=True)
    too_long = post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": "长" * 5001})
    assert too_long.status_code == 400 and "不能超过 5000 字" in too_long.get_data(as_text=True)
    assert post_form(expert, page, f"{page}/conclusion", {"conclusion": ""}).status_code == 400
    with app.app_context():  # past the deadline nothing more is accepted
        invitation = db.session.get(ExpertInvitation, invitation_id)
        invitation.deadline = date.today() - timedelta(days=2)
        db.session.commit()
    late = post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": "迟到的意见"})
    assert late.status_code == 409 and "已过" in late.get_data(as_text=True)


def test_expert_opinions_stay_out_of_every_public_count_and_page(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan
    from consult.responses import feedback
    from consult.staff.dashboard import comments_per_day, plan_rows

    staff, expert, plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    _accept(expert, invitation_id)
    page = f"/expert/invitations/{invitation_id}"
    assert post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": OPINION}).status_code == 302
    public = app.test_client()
    plan_page = public.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert OPINION not in plan_page and f'data-clause-count="{clause_id}">0<' in plan_page
    assert OPINION not in public.get(f"/plans/{plan_id}/clauses/{clause_id}").get_data(as_text=True)
    assert OPINION not in expert.get(f"/plans/{plan_id}").get_data(as_text=True)  # not even in the author's "my opinions"
    found = public.get("/search?q=上位法").get_data(as_text=True)
    assert "意见（0）" in found and OPINION not in found
    # A citizen's comment is counted; the expert's is not, wherever opinions are counted.
    _, citizen_email, citizen_password = make_user()
    citizen = app.test_client()
    login(citizen, citizen_email, citizen_password)
    assert post_form(citizen, f"/plans/{plan_id}", f"/plans/{plan_id}/comments", {"clause_id": "", "body": "市民意见：支持。", "show_pseudonym": "y"}).status_code in (200, 302)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert db.session.scalar(select(Comment.id).where(Comment.body == "市民意见：支持。"))
        assert feedback.view(plan).total == 1
        assert all(comment.body != OPINION for _row, comment in feedback.view(plan).opinions)
        row = plan_rows([plan])[0]
        assert row.comments == 1
        assert sum(n for _day, n in comments_per_day([plan_id])) == 1
        assert row.new_since_digest == 2  # the digest covers both: the expert's is its own channel there
    decision = public.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "专家论证" in decision and "提出论证意见 1 条" in decision  # the step, never the opinion


def test_the_expert_review_report_lists_experts_opinions_answers_and_conclusions(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from consult.extensions import db
    from consult.plans.models import Comment

    staff, expert, plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    _accept(expert, invitation_id)
    page = f"/expert/invitations/{invitation_id}"
    post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": OPINION + "联系电话 13812345678"})
    post_form(expert, page, f"{page}/opinions", {"clause_id": "", "body": "建议增加评估条款。"})
    post_form(expert, page, f"{page}/conclusion", {"conclusion": "同意提交集体讨论。"})
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id).where(Comment.body.like(OPINION + "%")))
    bench = f"/staff/plans/{plan_id}/responses"
    post_form(staff, bench, bench, {"comment_ids": [str(comment_id)], "status": "adopted", "text": "已采纳，第二条增加例外。"})
    response = staff.get(f"/staff/plans/{plan_id}/experts/report.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "专家论证报告" in text and "一、参加论证的专家" in text and "四、专家论证结论" in text
    assert "周律师" in cells and "律师协会" in cells and "法律" in cells
    assert OPINION in cells and "采纳" in cells and "已采纳，第二条增加例外。" in cells
    assert "13812345678" not in cells  # personal data masked
    assert "建议增加评估条款。" in cells and "尚未答复" in cells
    assert "同意提交集体讨论。" in text
    assert "已答复 1 条" in text
    # Department staff of another department cannot download it; citizens neither.
    _, email, password = make_user(role="department", department="别的部门")
    other = app.test_client()
    login(other, email, password)
    assert other.get(f"/staff/plans/{plan_id}/experts/report.docx").status_code == 403


def test_the_digest_counts_expert_opinions_as_their_own_channel(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    staff, expert, plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    _accept(expert, invitation_id)
    page = f"/expert/invitations/{invitation_id}"
    for text in (OPINION, "第二条与上位法的衔接需要说明。"):
        assert post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": text}).status_code == 302
    citizen_id, _e, _p = make_user()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for text in ("第二条适用范围太宽，建议缩小。", "支持第二条。", "第三条施行时间太早。"):
            comments.post_comment(user=db.session.get(User, citizen_id), plan=plan, body=text)
        digests.request_digest(plan)
        db.session.commit()
        digest_id = db.session.scalar(select(Digest.id).where(Digest.status == "queued"))
        assert digests.build(digest_id) == "done"
    html = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert '<tr><td>专家意见</td><td class="num">2</td>' in html and '<tr><td>网站留言</td><td class="num">3</td>' in html
    assert 'value="expert"' in html  # the digest's source filter offers the channel


def test_an_expert_edits_or_withdraws_an_opinion_until_it_is_answered(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, CommentRevision

    staff, expert, plan_id, invitation_id, clause_id = _setup(app, make_user, make_plan)
    _accept(expert, invitation_id)
    page = f"/expert/invitations/{invitation_id}"
    assert post_form(expert, page, f"{page}/opinions", {"clause_id": str(clause_id), "body": OPINION}).status_code == 302
    assert post_form(expert, page, f"{page}/opinions", {"clause_id": "", "body": "总体可行，但要补充过渡期。"}).status_code == 302
    with app.app_context():
        first, second = db.session.scalars(select(Comment.id).where(Comment.source == "expert", Comment.plan_id == plan_id).order_by(Comment.id)).all()

    # A refused edit keeps what was typed beside the field; the opinion is unchanged.
    bad = post_form(expert, page, f"{page}/opinions/{first}", {"body": "<b>加粗</b>第二条"})
    assert bad.status_code == 400 and "第二条" in bad.get_data(as_text=True) and "HTML" in bad.get_data(as_text=True)
    edited = "建议第二条明确适用范围的例外情形，并列明上位法依据。"
    assert post_form(expert, page, f"{page}/opinions/{first}", {"body": edited}).status_code == 302
    mine = expert.get(page).get_data(as_text=True)
    assert edited in mine and "已修改" in mine
    with app.app_context():
        assert db.session.get(Comment, first).body == edited
        assert [r.body for r in db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == first))] == [OPINION]

    # Withdrawn: gone from the expert's page and from the workbench.
    assert post_form(expert, page, f"{page}/opinions/{second}/withdraw", {}).status_code == 302
    assert "补充过渡期" not in expert.get(page).get_data(as_text=True)
    bench = f"/staff/plans/{plan_id}/responses"
    assert "补充过渡期" not in staff.get(f"{bench}?filter=all&source=expert").get_data(as_text=True)

    # Once the office has answered, the record stays as answered.
    assert post_form(staff, bench, bench, {"comment_ids": [str(first)], "status": "adopted", "text": "已采纳。"}).status_code == 302
    late = post_form(expert, page, f"{page}/opinions/{first}", {"body": "改成别的意思"})
    assert late.status_code == 409 and "已答复" in late.get_data(as_text=True) and "改成别的意思" in late.get_data(as_text=True)
    assert post_form(expert, page, f"{page}/opinions/{first}/withdraw", {}).status_code == 409
    # Someone else's opinion id is not found.
    assert post_form(expert, page, f"{page}/opinions/999999", {"body": "x"}).status_code == 404
