"""Staff build a digest from the browser: a real worker builds it, the progress bar runs, themes appear."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.processes import start_process, stop_process

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
OPINIONS = [
    "公交线路太少，早晚高峰挤不上车，建议增开线路",
    "学校周边交通拥堵，接送孩子困难，希望错峰放学",
    "工地夜间施工噪音扰民，请加强执法",
    "建议增加公办幼儿园学位，减轻家庭负担",
]


def _seed(app) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register("digest-staff@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="城市治理改进方案（征求意见稿）", department="市委改革办", summary="", body="第一条 交通。\n第二条 教育。\n第三条 环境。", window_days=30)
        plans.publish(plan)
        people = []
        for i in range(6):
            person = accounts.register(f"13600000{i:03d}", "password123", f"市民{i}")
            person.verified_at = datetime.now(UTC)
            people.append(person)
        for i in range(48):
            comments.post_comment(user=people[i % 6], plan=plan, body=f"{OPINIONS[i % 4]}（第{i}条）")
        db.session.commit()
        return plan.id


def test_staff_builds_a_digest_with_a_live_progress_bar(live_server, browser_page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan_id = _seed(live_server.app)
    env = {
        "CONSULT_INSTANCE_PATH": live_server.app.instance_path,
        "DATABASE_URL": live_server.app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": None,
        "SECRET_KEY": "test-secret",
        # With beat, as `consult run` has it: the outbox sweep re-sends a publish that was lost.
        "CONSULT_OUTBOX_SWEEP_SECONDS": "5",
    }
    worker = start_process(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "--concurrency", "1", "-Q", "celery,digests",
         "-B", "--schedule", str(tmp_path / "celerybeat-schedule")],
        env=env, cwd=str(ROOT), log_path=str(tmp_path / "worker.log"),
    )
    try:
        page = browser_page
        page.goto(f"{live_server.url}/account/login")
        page.get_by_label("手机号或电子邮箱").fill("digest-staff@example.gov.cn")
        page.get_by_label("密码").fill("password123")
        page.get_by_role("button", name="登录").click()
        page.goto(f"{live_server.url}/staff/plans/{plan_id}/digest")
        expect(page.get_by_text("还没有摘要")).to_be_visible()
        page.get_by_role("button", name="生成最新摘要").click()
        expect(page.get_by_text("已开始生成意见摘要")).to_be_visible()
        expect(page.locator("[data-progress-url]")).to_be_visible()
        # The page polls the task state and reloads itself when the worker is done.
        expect(page.get_by_role("heading", name=re.compile("主题1"))).to_be_visible(timeout=120_000)
        expect(page.get_by_text("覆盖 48 条意见")).to_be_visible()
        expect(page.get_by_role("link", name="Word")).to_be_visible()
        page.screenshot(path=str(Path(live_server.app.instance_path) / "digest.png"), full_page=True)
    finally:
        stop_process(worker)
