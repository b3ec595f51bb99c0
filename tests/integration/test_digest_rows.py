"""Digest results stored as rows (consult.digests.store): the digest page, issue pages and cluster
references read the same from the rows as from the stored result; a database holding digests
stored before the rows existed is converted by the migration; the issue page's membership query
is answered from an index."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, seed_open_plan
from tests.support.own_database import app_on_own_database

BEFORE, ROWS = "b7d41e9c3a52", "a4d7c2e9b6f1"
TEXTS = [
    "企业开办还是要跑好几个窗口，希望真正一网通办", "建议企业开办全程网上办理，营业执照当天领取",
    "工程建设项目审批材料太多，告知承诺制要落实", "施工许可审批时间太长，建议并联审批",
    "事中事后监管不能变成多头检查，建议联合检查", "信用监管要和企业沟通，避免误伤守信企业",
]
BODY = "第一条 为优化营商环境，制定本办法。\n第二条 企业开办时间压缩至一个工作日。\n第三条 工程建设项目审批实行告知承诺制。"


@pytest.fixture(params=["sqlite", "postgres"])
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own database, migrated to head (so it can be downgraded and upgraded again)."""
    yield from app_on_own_database(request, tmp_path, migrate=True, RATELIMIT_ENABLED=False)


def _post(app: Flask, plan_id: int, citizen_id: int, texts: list[str]) -> None:
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    with app.app_context():
        plan, user = db.session.get(Plan, plan_id), db.session.get(User, citizen_id)
        for k, text in enumerate(texts):
            comments.post_comment(user=user, plan=plan, body=f"{text}，第{k + 1}点，电话13812345678")
        db.session.commit()


def _digest(app: Flask, plan_id: int) -> int:
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        digest, _created = digests.request_digest(db.session.get(Plan, plan_id))
        db.session.commit()
        assert digests.build(digest.id) == "done"
        return digest.id


def _answer_some(app: Flask, plan_id: int) -> None:
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Comment, Plan
    from consult.responses import operations as responses

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.com"))
        ids = list(db.session.scalars(sa.select(Comment.id).where(Comment.plan_id == plan_id).order_by(Comment.id)))[::3]
        responses.respond(staff, plan, ids, status="adopted", text="已采纳，将在修改稿中体现。")
        db.session.commit()


def _shape(app: Flask, digest_id: int) -> list[int]:
    from consult.digests.models import Digest
    from consult.extensions import db

    with app.app_context():
        return [len(t["issues"]) for t in db.session.get(Digest, digest_id).result["themes"]]


def _seen(staff: FlaskClient, app: Flask, plan_id: int, digest_ids: list[int]) -> dict[str, object]:
    """What staff see: the digest page, every issue page (every page of it), and every cluster's members."""
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Plan
    from consult.responses import operations as responses

    def clean(html: str) -> str:
        return re.sub(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*" name="csrf_token"', "", html)

    seen: dict[str, object] = {"page": clean(staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True))}
    for digest_id in digest_ids:
        for t, n in enumerate(_shape(app, digest_id)):
            for i in range(n):
                for page in (1, 2):
                    response = staff.get(f"/staff/digests/{digest_id}/themes/{t}/issues/{i}?page={page}")
                    assert response.status_code == 200
                    seen[f"{digest_id}/{t}/{i}/{page}"] = clean(response.get_data(as_text=True))
                with app.app_context():
                    number = db.session.get(Digest, digest_id).number
                    seen[f"D{number}-T{t + 1}-I{i + 1}"] = responses.cluster_members(db.session.get(Plan, plan_id), f"D{number}-T{t + 1}-I{i + 1}")
    return seen


def _two_versions(app: Flask) -> tuple[FlaskClient, int, list[int]]:
    citizen_id, plan_id = seed_open_plan(app, BODY)
    _post(app, plan_id, citizen_id, [TEXTS[k % 6] for k in range(30)])
    first = _digest(app, plan_id)
    _post(app, plan_id, citizen_id, [TEXTS[k % 2] for k in range(60)])  # 开办 grows past one issue page
    second = _digest(app, plan_id)
    _answer_some(app, plan_id)
    staff = app.test_client()
    login(staff, "staff@example.com", "password123")
    return staff, plan_id, [first, second]


def test_pages_read_the_same_from_rows_as_from_the_stored_result(migrated: Flask) -> None:
    from consult.digests.models import DigestIssue, DigestIssueComment, DigestView
    from consult.extensions import db

    staff, plan_id, digest_ids = _two_versions(migrated)
    with migrated.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestIssueComment).where(DigestIssueComment.digest_id == digest_ids[1])) == 90
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestIssue).where(DigestIssue.lineage.is_not(None))) > 0
    from_rows = _seen(staff, migrated, plan_id, digest_ids)
    page = from_rows["page"]
    assert "主题1" in page and "已答复" in page and "13812345678" not in page
    assert any("138****5678" in str(v) for k, v in from_rows.items() if k.count("/") == 3)

    with migrated.app_context():  # without rows the pages fall back to the result JSON: the earlier reading
        for table in (DigestIssueComment, DigestIssue, DigestView):
            db.session.execute(sa.delete(table))
        db.session.commit()
    from_result = _seen(staff, migrated, plan_id, digest_ids)
    assert from_rows == from_result


def test_the_migration_converts_digests_stored_as_json_only(migrated: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    from consult.digests.models import DigestView
    from consult.extensions import db

    staff, plan_id, digest_ids = _two_versions(migrated)
    built = _seen(staff, migrated, plan_id, digest_ids)
    with migrated.app_context():
        db.session.remove()
        downgrade(revision=BEFORE)  # the previous release: the result JSON alone
        assert "digest_issue_comment" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    with migrated.app_context():
        upgrade(revision=ROWS)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestView)) == 2
        db.session.remove()
    converted = _seen(staff, migrated, plan_id, digest_ids)
    assert converted == built
    # Cluster references staff answered under keep naming the same comments.
    assert all(converted[k] for k in converted if k.startswith("D"))


@pytest.mark.postgres
def test_issue_pages_and_answered_counts_use_the_membership_indexes(postgres_app: Flask) -> None:
    from consult.digests import store
    from consult.digests.models import DigestIssueComment
    from consult.extensions import db
    from consult.responses.models import Response as Answer

    with postgres_app.app_context():
        page = (sa.select(DigestIssueComment.comment_id).where(DigestIssueComment.issue_id == 7, DigestIssueComment.rank >= 100,
                                                                DigestIssueComment.rank < 150).order_by(DigestIssueComment.rank))
        answered = (sa.select(sa.func.count()).select_from(DigestIssueComment)
                    .where(DigestIssueComment.digest_id == 3, DigestIssueComment.comment_id.in_(sa.select(Answer.comment_id))))
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # an empty table: ask whether an index can answer
        plans = {name: "\n".join(db.session.scalars(sa.text("EXPLAIN " + str(q.compile(db.engine, compile_kwargs={"literal_binds": True})))))
                 for name, q in (("page", page), ("answered", answered))}
        db.session.rollback()
    # The primary key (issue_id, rank): one page is a range scan, whatever the page number.
    assert re.search(r"Index (Only )?Scan using \S*digest_issue_comment\S*", plans["page"]) and "rank >= 100" in plans["page"], plans["page"]
    assert "ix_digest_issue_comment_digest_comment" in plans["answered"], plans["answered"]
    assert store.members_page  # the page query above is the one store.members_page runs
