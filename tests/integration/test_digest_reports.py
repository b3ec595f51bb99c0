"""The digest as a report: overview, short quotes linking to the comment, the Word file, lineage on rebuild."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document
from docx.shared import Mm
from sqlalchemy import select

from tests.conftest import login
from tests.integration import test_digests
from tests.integration.test_digests import _build

seeded = test_digests.seeded  # the same seeded plan (a pytest fixture)

LETTER = "尊敬的领导：" + "我家住在老城区，企业开办要跑很多窗口，刻章、开户、社保登记分在不同地方办理。" * 30 + "此致敬礼。"


PARKING = [
    "小区停车位严重不足，夜间车辆只能停在消防通道上，建议新建立体停车场",
    "老旧小区停车难，车位太少，建议利用边角地建设停车场",
    "停车收费太高，建议对居民夜间停车给予优惠",
    "建议开放机关单位停车场，夜间供周边居民停车",
    "路边停车位规划不合理，停车场入口拥堵",
    "立体停车场建设审批慢，希望简化停车设施审批",
] * 2


def _staff(app, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user(role="staff")
    login(client, email, password)
    return client


def _post(app, plan_id, body, n=1):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Comment, Plan

    with app.app_context():
        user = db.session.scalar(select(Comment).where(Comment.plan_id == plan_id)).user
        for k in range(n):
            comments.post_comment(user=user, plan=db.session.get(Plan, plan_id), body=body if n == 1 else f"{body}（第{k + 1}位）")
        db.session.commit()


def test_report_page_opens_with_an_overview_and_shows_short_quotes_linking_to_the_comment(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    _post(app, plan_id, LETTER)
    _build(app, plan_id)
    staff = _staff(app, make_user)
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    overview = page[page.index('id="overview"') : page.index("主题与问题")]
    assert "themes-table" in overview and "share-chart" in overview and "<svg" in overview
    for heading in ("每日意见数", "按渠道", "按条款", "网站留言", "整个方案（未能确定条款）"):
        assert heading in overview
    figures = json.loads((Path(__file__).resolve().parents[2] / "consult" / "digests" / "reliability.json").read_text(encoding="utf-8"))
    assert "这份摘要有多可靠" in page and "待测" not in page
    assert f"{figures['theme_nmi']:.2f}" in page and f"{figures['stance_majority_accuracy']:.2f}" in page
    assert f"{figures['stance_decided_accuracy']:.2f}" in page  # confident stance calls, measured
    assert LETTER[6:200] not in page  # the 1,900-character letter is never shown whole
    quotes = re.findall(r'<li><q>(.*?)</q> <a class="whole" href="([^"]+)">', page)
    assert len(quotes) >= 3
    for text, _href in quotes:
        assert len(html.unescape(text)) <= 80
        assert "13812345678" not in text
    text, href = quotes[0]
    comment_id = href.rsplit("#comment-", 1)[1]
    whole = staff.get(html.unescape(href)).get_data(as_text=True)
    assert f'id="comment-{comment_id}"' in whole  # the link lands on the page that holds the whole comment
    block = whole[whole.index(f'id="comment-{comment_id}"') :][:3000]
    assert html.unescape(text).rstrip("…") in html.unescape(block)


def test_word_export_is_a4_with_chinese_sections_a_clause_table_and_beijing_times(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.digests.models import Digest
    from consult.extensions import db
    from worker.analysis.pipeline import DigestResult

    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    staff = _staff(app, make_user)
    document = Document(io.BytesIO(staff.get(f"/staff/digests/{digest_id}/export.docx").data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0].startswith("关于《")
    assert [h for h in headings if re.match(r"^[一二三四]、", h)] == ["一、总体情况", "二、主要意见", "三、分条款意见", "四、每日意见数"]
    assert headings[-1].startswith("附件")
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    clause_table = next(t for t in tables if t[0] == ["条款", "意见数"])
    assert clause_table[-1][0].startswith("整个方案")
    assert any(row[0].startswith("第二条") for row in clause_table[1:])
    with app.app_context():
        campaign = DigestResult.from_dict(db.session.get(Digest, digest_id).result).campaigns[0]
    attachment = tables[-1]
    assert attachment[0][:4] == ["组别", "份数", "首次", "最近"]
    beijing = campaign.first_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    utc = campaign.first_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    assert attachment[1][2] == beijing and beijing != utc
    assert "北京时间" in "\n".join(p.text for p in document.paragraphs)


def test_rebuild_marks_new_issues_and_keeps_answered_clusters_answered(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Plan
    from consult.responses import operations as answers
    from worker.analysis.pipeline import DigestResult

    app, plan_id = seeded
    first = _build(app, plan_id)
    staff = _staff(app, make_user)
    with app.app_context():
        result = DigestResult.from_dict(db.session.get(Digest, first).result)
        t, i, biggest = max(result.issues(), key=lambda x: (x[2].size, -x[0]))
        ref = answers.cluster_ref(1, t, i)
        actor = db.session.scalar(select(User).where(User.email.is_not(None)).order_by(User.id.desc()))
        answers.respond_cluster(actor, db.session.get(Plan, plan_id), ref, status="adopted", text="已采纳，将在正式稿中体现。")
        db.session.commit()
    for text in PARKING:
        _post(app, plan_id, text)
    _build(app, plan_id)
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert "标记与第 1 版相比" in page
    marks = re.findall(r'class="badge mark-(\w+)"', page)
    assert "new" in marks  # the parking comments were not there before
    assert set(marks) - {"new"}  # the rest continues earlier issues
    # The issue that continues the answered one shows its answers, under its new reference.
    block = page[page.index(f"上一版：{ref}") - 2500 : page.index(f"上一版：{ref}")] if f"上一版：{ref}" in page else ""
    assert block, "the answered issue has a successor"
    answered = re.findall(r"已答复 (\d+)/(\d+)", block)
    assert answered and int(answered[-1][0]) >= min(biggest.size, int(answered[-1][1])) * 0.5
