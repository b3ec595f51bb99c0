"""PDF reports: the feedback report, the digest and the hearing participant list, with Chinese text that
extracts as written (pdftotext), a first page that renders (pdftoppm), personal data masked."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.conftest import login
from tests.integration import test_digests
from tests.integration.stats_fixture import seed, seed_hearing
from tests.integration.test_digests import _build
from tests.support.services import service_unavailable

seeded = test_digests.seeded  # a plan with real opinions, the digest tests' fixture

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(autouse=True)
def _poppler_and_font() -> None:
    # Requirements of the README (apt-get install fonts-noto-cjk poppler-utils): skipped locally, failed in CI.
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        service_unavailable("poppler-utils (pdftotext, pdftoppm) is not installed")
    if not FONT.is_file():
        service_unavailable(f"fonts-noto-cjk is not installed ({FONT})")


def _text(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True, timeout=60).stdout.decode()
    # Table cells wrap between any two characters: compare without the line breaks pdftotext keeps.
    return re.sub(r"\s+", "", out)


def _first_page_is_not_blank(data: bytes, tmp_path: Path) -> None:
    source = tmp_path / "page.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(source), str(tmp_path / "page")], check=True, timeout=60)
    image = Image.open(tmp_path / "page.png").convert("L")
    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    assert ImageStat.Stat(image).stddev[0] > 10  # text on the page, not a white sheet
    assert image.getextrema()[0] < 80  # some pixels are dark (glyphs drawn, not empty boxes)


def _pdf(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_feedback_report_pdf(app, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    ids = seed(app)
    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        db.session.add(Comment(plan_id=plan.id, version_id=plan.current_version.id, clause_id=ids["clause1"], source="web",
                               body="请联系我 13812345678 商量车位", author_label="热心市民", status="published"))
        db.session.commit()
    data = _pdf(client.get(f"/plans/{ids['plan']}/feedback.pdf"))
    text = _text(data, tmp_path)
    assert "关于《停车管理办法（征求意见稿）》征求意见采纳情况的反馈" in text
    assert "一、总体情况" in text and "二、分条款采纳情况" in text
    assert "（二）第一条" in text  # a clause name, heading its answers
    assert "【采纳】已研究采纳，增加夜间共享车位" in text  # an answer
    assert "13812345678" not in text and "138****5678" in text  # masked as on the web page
    assert "北京时间" in text
    _first_page_is_not_blank(data, tmp_path)
    assert '/feedback/v1.pdf"' in client.get(f"/plans/{ids['plan']}/feedback").get_data(as_text=True)


def test_feedback_pdf_only_once_published(app, client) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import FeedbackReport

    ids = seed(app)
    with app.app_context():
        db.session.query(FeedbackReport).delete()
        db.session.commit()
    assert client.get(f"/plans/{ids['plan']}/feedback.pdf").status_code == 404
    assert client.get(f"/plans/{ids['draft']}/feedback.pdf").status_code == 404


def test_hearing_participant_list_pdf(app, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import Hearing

    ids = seed(app)
    hearing_id = seed_hearing(app, ids["plan"])
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert f"/hearings/{hearing_id}/participants.pdf" in page
    data = _pdf(client.get(f"/hearings/{hearing_id}/participants.pdf"))
    text = _text(data, tmp_path)
    assert "《停车管理办法听证会》参加人名单" in text
    assert "一、听证会基本情况" in text and "二、参加人名单" in text and "三、候补名单" in text
    assert "《停车管理办法（征求意见稿）》" in text  # the plan it is about
    for name in ("参加人0", "参加人1", "参加人2", "参加人3"):  # three seated, one waiting
        assert name in text
    assert "参加人4" not in text  # the cancelled application is not listed
    _first_page_is_not_blank(data, tmp_path)
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        hearing.publish_days_before = 0
        hearing.starts_at = hearing.starts_at.replace(year=hearing.starts_at.year + 1)
        db.session.commit()
    assert client.get(f"/hearings/{hearing_id}/participants.pdf").status_code == 404  # the list is not public yet


def test_digest_report_pdf(seeded, make_user, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    digest_id = _build(app, plan_id)
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert f"/staff/digests/{digest_id}/export.pdf" in page
    data = _pdf(staff.get(f"/staff/digests/{digest_id}/export.pdf"))
    text = _text(data, tmp_path)
    assert "征求意见情况的报告（第1版）" in text
    for heading in ("一、总体情况", "二、主要意见", "三、分条款意见", "四、每日意见数", "附件：批量（雷同）意见"):
        assert heading in text
    assert "第二条" in text and "整个方案（未能确定条款）" in text and "北京时间" in text
    _first_page_is_not_blank(data, tmp_path)
    assert app.test_client().get(f"/staff/digests/{digest_id}/export.pdf").status_code == 302  # staff only, as the DOCX


def test_a_missing_font_is_a_clear_error(app, client) -> None:  # type: ignore[no-untyped-def]
    ids = seed(app)
    app.config["PDF_FONT"] = "/nonexistent/NotoSansCJK-Regular.ttc"
    try:
        response = client.get(f"/plans/{ids['plan']}/feedback.pdf")
    finally:
        app.config["PDF_FONT"] = str(FONT)
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "CONSULT_PDF_FONT" in body and "fonts-noto-cjk" in body
