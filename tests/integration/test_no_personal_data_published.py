"""Issue 14's final check: personal data typed into any public channel is never shown unmasked.

Phone, ID, bank-card, passport numbers and e-mail addresses (ASCII, full-width and spaced) go in
through a comment, a forum thread and reply, a suggestion, a hearing application, a survey's free
text and an imported letter. Then every page reachable by links is crawled as an anonymous visitor
and as office staff (exports included: XLSX, DOCX, CSV are opened and read), plus both searches, the
JSON answers and the captured log; none may hold one of the numbers in clear. The check folds NFKC
and joins digit groups itself, independently of the masking code.
"""

from __future__ import annotations

import html
import io
import logging
import re
import unicodedata
from collections import deque
from datetime import UTC, datetime, timedelta

from docx import Document
from openpyxl import load_workbook

from tests.conftest import csrf_from, login

PERSONAL = ("13812345678 １３６１２３４５６７８ 110101199003071234 110101 19900307 1234 "
            "6222021234567890123 zhang.san@example.com ｌｉ．ｓｉ＠ｅｘａｍｐｌｅ．ｏｒｇ 010-12345678 E12345678")
TEXT = f"联系方式：{PERSONAL}，请尽快回复停车问题"
# What must never appear once the page is NFKC-folded and digit groups are joined.
CORES = ("13812345678", "13612345678", "110101199003071234", "6222021234567890123", "zhang.san@example.com",
         "li.si@example.org", "01012345678", "E12345678")
SKIP = ("/static/", "/account/logout", "/account/delete")


def leaks(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", html.unescape(text))
    joined = re.sub(r"(?<=\d)[ \-\u2010-\u2015]+(?=\d)", "", folded)
    return [core for core in CORES if core in joined]


def _readable(response) -> str:  # type: ignore[no-untyped-def]
    kind = response.mimetype or ""
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    if "wordprocessingml" in kind:
        document = Document(io.BytesIO(response.data))
        return "\n".join(p.text for p in document.paragraphs) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    return response.get_data(as_text=True)


def crawl(client, starts: list[str], limit: int = 400) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every same-site page reachable by links from ``starts`` (GET only), as text."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        assert response.status_code < 500, f"{url} → {response.status_code}"
        seen[url] = _readable(response)
        if "html" in (response.mimetype or ""):
            for href in re.findall(r'href="(/[^"#]*)', seen[url]):
                queue.append(html.unescape(href))
    return seen


def _seed(app, make_user, make_plan) -> dict:  # type: ignore[no-untyped-def]
    """The text through every public channel; returns the ids the crawl starts from."""
    plan_id = make_plan()
    citizen = app.test_client()
    _, email, password = make_user()
    login(citizen, email, password)
    token = csrf_from(citizen.get(f"/plans/{plan_id}").get_data(as_text=True))
    posted = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": TEXT}, headers={"Accept": "application/json"})
    assert posted.status_code == 201 and not leaks(posted.get_data(as_text=True))
    ids = _channels(app, plan_id)
    board = ids["board"]
    token = csrf_from(citizen.get(f"/forums/boards/{board}").get_data(as_text=True))
    made = citizen.post(f"/forums/boards/{board}/threads", data={"csrf_token": token, "title": "停车 13812345678", "body": TEXT})
    assert made.status_code in (302, 303), made.get_data(as_text=True)[:500]
    thread = int(re.search(r"/forums/threads/(\d+)", made.headers["Location"]).group(1))
    token = csrf_from(citizen.get(f"/forums/threads/{thread}").get_data(as_text=True))
    citizen.post(f"/forums/threads/{thread}/replies", data={"csrf_token": token, "body": "回复：" + TEXT})
    token = csrf_from(citizen.get(f"/hearings/{ids['hearing']}").get_data(as_text=True))
    applied = citizen.post(f"/hearings/{ids['hearing']}/apply", data={"csrf_token": token, "stance": "support", "statement": TEXT})
    assert applied.status_code < 400, applied.get_data(as_text=True)[:500]
    return {**ids, "plan": plan_id, "thread": thread}


def _channels(app, plan_id: int) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.accounts import operations as accounts
    from consult.core.models import Department
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.hearings import operations as hearings
    from consult.plans.models import Plan
    from consult.suggestions import operations as suggestions
    from consult.surveys import answering
    from consult.surveys import building as surveys_build

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        staff = accounts.register("office-seed@example.com", "password123", "改革办", role="staff")
        board = forums.plan_board(plan)
        now = datetime.now(UTC)
        hearing = hearings.schedule(staff, plan, hearings.ScheduleInput(
            title="停车听证", starts_at=now + timedelta(days=20), registration_opens_at=now - timedelta(hours=1),
            registration_closes_at=now + timedelta(days=4), capacity=10, place="市民中心", selection="fcfs"))
        suggestion, _ = suggestions.submit(None, domain="经济", title="建议 13812345678", body=TEXT, contact="13812345678", allow_public=True)
        department = db.session.scalar(select(Department).where(Department.name == plan.department.name))
        suggestions.assign(staff, suggestion, department.id)
        suggestions.reply(staff, suggestion, "已收到，感谢建议。")
        spec = {"questions": [{"key": "q1", "type": "textarea", "title": "其他意见", "required": True}]}
        survey = surveys_build.create(staff, title="停车问卷", description="", department="", service="窗口", plan_id=plan.id,
                                      anonymous=True, mode="open", opens_at=None, closes_at=None, spec=spec)
        surveys_build.publish(staff, survey)
        answering.submit_open(survey, "visitor-1", {"q_q1": [TEXT]})
        db.session.commit()
        return {"board": board.id, "hearing": hearing.id, "suggestion": suggestion.id, "survey": survey.id}


def _import_letter(client, plan_id: int) -> None:  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True))
    data = f"内容,日期\n来信：{TEXT},2024-01-01\n".encode()
    response = client.post(f"/staff/plans/{plan_id}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "channel": "letter", "upload": (io.BytesIO(data), "letters.csv")})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]


def test_no_personal_data_is_shown_unmasked_anywhere(app, make_user, make_plan, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    ids = _seed(app, make_user, make_plan)
    staff = app.test_client()
    login(staff, "office-seed@example.com", "password123")
    _import_letter(staff, ids["plan"])
    plan, thread, hearing = ids["plan"], ids["thread"], ids["hearing"]

    public = crawl(app.test_client(), [
        "/", f"/plans/{plan}", f"/forums/threads/{thread}", f"/forums/boards/{ids['board']}", "/suggestions/",
        f"/hearings/{hearing}", f"/hearings/{hearing}/draw", f"/hearings/{hearing}/draw.json", f"/plans/{plan}/feedback",
        "/search?q=停车", "/search?q=13812345678", "/forums/search?q=停车", "/forums/search?q=联系方式",
    ])
    staff_pages = crawl(staff, [
        "/staff/", f"/staff/plans/{plan}", "/staff/moderation/?status=published", f"/staff/plans/{plan}/responses",
        f"/staff/plans/{plan}/responses/sheet.xlsx", f"/staff/hearings/{hearing}", "/staff/suggestions/",
        f"/staff/suggestions/{ids['suggestion']}", f"/staff/surveys/{ids['survey']}/results",
        f"/staff/surveys/{ids['survey']}/export?kind=raw&fmt=xlsx", f"/staff/surveys/{ids['survey']}/export?kind=raw&fmt=csv",
        "/staff/forums/moderation", f"/staff/plans/{plan}/digest",
    ])
    # The seeded text really is on the pages (masked), so the crawl looked where it matters.
    assert any("请尽快回复停车问题" in text for text in public.values())
    assert "138****5678" in public[f"/plans/{plan}"] and "138****5678" in public[f"/forums/threads/{thread}"]
    assert "138****5678" in public["/search?q=停车"] and "138****5678" in public["/forums/search?q=停车"]
    assert "138****5678" in staff_pages[f"/staff/hearings/{hearing}"]
    assert "138****5678" in staff_pages[f"/staff/plans/{plan}/responses/sheet.xlsx"]  # an export, opened and read
    assert len(public) > 20 and len(staff_pages) > 20
    # Searching for the number itself does not tell which comment holds it.
    assert "意见（0）" in public["/search?q=13812345678"] and "意见（0）" not in public["/search?q=停车"]
    found = {url: leaks(text) for url, text in {**public, **staff_pages}.items() if leaks(text)}
    assert not found, found
    logged = [r.getMessage() for r in caplog.records if leaks(r.getMessage())]
    assert not logged, logged
