"""Data for the API tests: a published plan with every kind of item, public and not, a draft, and
people whose personal data must never leave the back end."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

REAL_NAME = "王真名"
PHONE = "13912345678"
EMAIL = "secret.person@example.org"
ID_NUMBER = "110101199003074514"
DRAFT_TITLE = "未公开的草案标题"
PERSONAL = (REAL_NAME, PHONE, EMAIL, ID_NUMBER, "secret.person")


@pytest.fixture
def any_app(postgres_app: Flask):  # type: ignore[no-untyped-def]
    """The API suite runs against PostgreSQL; the shared factories write where `any_app` points."""
    from tests.conftest import _limits_as_configured, _truncate

    _limits_as_configured(postgres_app)
    yield postgres_app
    _truncate(postgres_app)


def seed(app: Flask, make_plan) -> dict:  # type: ignore[no-untyped-def]
    """Published plan A (department 部门甲) with comments in every state and channel, an answer, a
    forum thread with a hidden reply, a hearing, suggestions, a feedback report; and a draft."""
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.forums.models import Post, Thread
    from consult.hearings.models import Hearing
    from consult.plans.models import Comment, Plan
    from consult.responses.models import FeedbackReport, Response
    from consult.suggestions.models import Suggestion

    plan_id = make_plan(department="部门甲", title="公开方案甲")
    draft_id = make_plan(department="部门甲", published=False, title=DRAFT_TITLE)
    with app.app_context():
        plan, draft = db.session.get(Plan, plan_id), db.session.get(Plan, draft_id)
        citizen = accounts.register(EMAIL, "password123", "热心市民", role="citizen")
        citizen.real_name, citizen.phone = REAL_NAME, PHONE
        db.session.flush()
        version, clause = plan.current_version, plan.current_version.clauses[0]
        now = datetime.now(UTC)

        def comment(body: str, *, status: str = "published", source: str = "web", clause_id: int | None = None, when: datetime | None = None, p: Plan = plan) -> Comment:
            item = Comment(plan_id=p.id, version_id=p.current_version.id, clause_id=clause_id, user_id=citizen.id, source=source, body=body,
                           author_label="热心市民", status=status, created_at=when or now)
            db.session.add(item)
            db.session.flush()
            return item

        public = comment(f"建议放宽条件，联系我 {PHONE} 或 {EMAIL}，身份证 {ID_NUMBER}", clause_id=clause.id, when=now - timedelta(days=3))
        second = comment("第二条意见：希望细化。", when=now - timedelta(days=1))
        pending = comment("待审核的意见", status="pending")
        rejected = comment("被驳回的意见", status="rejected")
        letter = comment("来信内容（内部）", status="internal", source="letter")
        forum_copy = comment("论坛镜像（内部）", status="internal", source="forum")
        draft_comment = comment("草案上的意见", p=draft)
        db.session.add_all([
            Response(comment_id=public.id, plan_id=plan.id, status="adopted", text=f"已采纳，回访电话 {PHONE}"),
            Response(comment_id=letter.id, plan_id=plan.id, status="partly", text="来信部分采纳"),
        ])
        board = forums.plan_board(plan)
        db.session.flush()
        thread = Thread(board_id=board.id, title="讨论主题", author_label="热心市民", user_id=citizen.id)
        hidden_thread = Thread(board_id=board.id, title="被隐藏的主题", author_label="热心市民", hidden=True)
        db.session.add_all([thread, hidden_thread])
        db.session.flush()
        db.session.add_all([
            Post(thread_id=thread.id, is_opener=True, body=f"开帖，电话 {PHONE}", author_label="热心市民", user_id=citizen.id),
            Post(thread_id=thread.id, body="被隐藏的回复", author_label="热心市民", hidden=True, hidden_reason="staff"),
        ])
        draft_board = forums.plan_board(draft)
        db.session.flush()
        draft_thread = Thread(board_id=draft_board.id, title="草案讨论", author_label="网友")
        secret = secrets.token_hex(16)
        hearing = Hearing(plan_id=plan.id, department_id=plan.department_id, title="公开听证", starts_at=now + timedelta(days=40),
                          registration_opens_at=now, registration_closes_at=now + timedelta(days=10), seed_secret=secret, seed_commitment="c" * 64)
        draft_hearing = Hearing(plan_id=draft.id, title="草案听证", starts_at=now + timedelta(days=40), registration_opens_at=now,
                                registration_closes_at=now + timedelta(days=10), seed_secret=secret, seed_commitment="c" * 64)
        shown = Suggestion(tracking_number="JY-2026-000001", lookup_hash="x", user_id=citizen.id, domain="经济", title="公开建议", body=f"请联系 {PHONE}",
                           contact=PHONE, allow_public=True, status="replied", reply="已答复", replied_at=now)
        private = Suggestion(tracking_number="JY-2026-000002", lookup_hash="x", domain="经济", title="不公开的建议", body="私密", allow_public=False, status="replied", reply="r", replied_at=now)
        db.session.add_all([draft_thread, hearing, draft_hearing, shown, private, FeedbackReport(plan_id=plan.id, summary="反馈摘要")])
        db.session.commit()
        return {
            "plan": plan.id, "draft": draft.id, "clause": clause.id, "public": public.id, "second": second.id, "pending": pending.id,
            "rejected": rejected.id, "letter": letter.id, "forum_copy": forum_copy.id, "draft_comment": draft_comment.id,
            "thread": thread.id, "hidden_thread": hidden_thread.id, "draft_thread": draft_thread.id, "hearing": hearing.id,
            "draft_hearing": draft_hearing.id, "citizen": citizen.id, "version": version.number,
        }


def token_for(app: Flask, user_id: int, scopes: list[str], days: int = 30) -> str:
    from consult.api import tokens
    from consult.core.models import User
    from consult.extensions import db

    with app.app_context():
        _token, secret = tokens.create(db.session.get(User, user_id), name="测试", scopes=scopes, days=days)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
