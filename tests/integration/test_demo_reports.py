"""The demo plans digested and read as an official would: issue cards, overview, the Word file."""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from tests.conftest import login
from worker.analysis.phrasing import _similar, is_filler_label

ISSUE = re.compile(r'<li class="issue" id="issue-(D\d+-T\d+-I\d+)">(.*?)</li>\s*(?=<li class="issue"|</ol>)', re.S)


@pytest.fixture
def demo_digests(app, make_user):  # type: ignore[no-untyped-def]
    """Every demo plan loaded as `consult demo` does, one digest built for each; a staff client."""
    from consult.demo import loader as demo
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        demo.load()
        db.session.commit()
        built = []
        for plan in db.session.scalars(select(Plan).order_by(Plan.id)).all():
            digest, _ = digests.request_digest(plan)
            db.session.commit()
            assert digests.build(digest.id) == "done"
            built.append((plan.id, digest.id))
    client = app.test_client()
    _, email, password = make_user(role="admin")
    login(client, email, password)
    return client, built


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _points(app, digest_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Issue ref → how many different quotable points its members make (at most 3 needed)."""
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment
    from worker.analysis.phrasing import distinct_quotes, quotes
    from worker.analysis.pipeline import DigestResult

    with app.app_context():
        result = DigestResult.from_dict(db.session.get(Digest, digest_id).result)
        out = {}
        for t, theme in enumerate(result.themes):
            for i, issue in enumerate(theme.issues):
                bodies = dict(db.session.execute(select(Comment.id, Comment.body).where(Comment.id.in_(issue.member_ids))).all())
                out[f"D1-T{t + 1}-I{i + 1}"] = len(distinct_quotes(quotes(list(bodies.items()), k=50)))
        return out


def test_every_issue_card_reads_as_a_phrase_a_sentence_and_distinct_short_quotes(app, demo_digests) -> None:  # type: ignore[no-untyped-def]
    client, built = demo_digests
    for plan_id, digest_id in built:
        points = _points(app, digest_id)
        page = client.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
        cards = ISSUE.findall(page)
        assert len(cards) >= 5, plan_id
        for ref, card in cards:
            label = _text(re.search(r'<strong class="issue-label">(.*?)</strong>', card, re.S).group(1))
            size = int(re.search(r'<span class="count">(\d+)</span>', card).group(1))
            assert label and (label.startswith("其他") or not is_filler_label(label)), (ref, label)
            summary = re.search(r'<p class="summary">(.*?)</p>', card, re.S)
            assert summary and 0 < len(_text(summary.group(1))) <= 60, (ref, summary and _text(summary.group(1)))
            quotes = re.findall(r'<li><q>(.*?)</q> <a class="whole" href="([^"]+#comment-\d+)">', card)
            texts = [html.unescape(q) for q, _href in quotes]
            # 3-5 quotes, unless the members make fewer different points (copies of one text).
            assert len(texts) <= 5 and len(texts) >= min(3 if size >= 5 else 2, points[ref]), (ref, size, texts)
            assert all(len(t) <= 80 for t in texts)
            # No quote repeats another in traditional characters or behind "第二，".
            assert not [(a, b) for k, a in enumerate(texts) for b in texts[k + 1 :] if _similar(a, b)], (ref, texts)
            assert re.search(r"(支持|反对|建议|疑问|未判定) \d+", card), ref  # stance shares
        assert "涉及：" in page and "雷同意见：" in page  # clauses and campaigns on the cards


def test_no_theme_of_a_loaded_demo_plan_is_a_catch_all(app, demo_digests) -> None:  # type: ignore[no-untyped-def]
    """What `consult demo` shows: on every plan the largest topical theme holds at most 40 % of
    the opinions digested (generic or unrelated comments go to 其他/未归类 instead)."""
    from consult.digests.models import Digest
    from consult.extensions import db
    from worker.analysis.pipeline import DigestResult

    _client, built = demo_digests
    with app.app_context():
        for _plan_id, digest_id in built:
            result = DigestResult.from_dict(db.session.get(Digest, digest_id).result)
            sizes = [(t.label, t.size) for t in result.themes if not t.unassigned]
            assert max(n for _l, n in sizes) <= 0.4 * len(result.assignments), sizes


def test_overview_and_word_export_of_each_demo_plan(demo_digests) -> None:  # type: ignore[no-untyped-def]
    client, built = demo_digests
    for plan_id, digest_id in built:
        page = client.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
        overview = page[page.index('id="overview"') : page.index("主题与问题")]
        assert "themes-table" in overview and "share-chart" in overview
        for heading in ("每日意见数", "按渠道", "按条款"):
            assert heading in overview
        response = client.get(f"/staff/digests/{digest_id}/export.docx")
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.data))
        section = doc.sections[0]
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4
        headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
        for start in ("一、", "二、", "三、", "附件"):
            assert any(h.startswith(start) for h in headings), (start, headings)
        assert any(p.text.startswith("（一）") for p in doc.paragraphs)
        assert "北京时间" in "\n".join(p.text for p in doc.paragraphs)
        header_rows = [[c.text for c in t.rows[0].cells] for t in doc.tables]
        assert ["条款", "意见数"] in header_rows  # the per-clause table
        assert any(row[0] == "组别" for row in header_rows)  # 附件: the campaign list
