"""Hostile input through the real app with CSRF on: the Big List of Naughty Strings and
hypothesis text into every public form and query parameter (tests/support/hostile.py), plus
the specific attacks of issue #7: malformed bytes, forged ids, other people's objects,
spreadsheet formulas, traversal file names, SVG with script, decompression bombs."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_from, login
from tests.support.hostile import (
    ENDPOINTS,
    SENTINEL,
    Endpoint,
    assert_safe,
    csrf_token,
    naughty_strings,
)

NAUGHTY = naughty_strings()


@dataclass
class World:
    ids: dict[str, int]
    clients: dict[str, object]

    def url(self, template: str) -> str:
        return template.format(**self.ids)


@pytest.fixture
def world(app, make_user, make_plan) -> World:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    draft_id = make_plan(published=False)
    author_id, _, _ = make_user()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        comment, _ = comments.post_comment(user=db.session.get(User, author_id), plan=plan, body="别人的意见：增加公交线路")
        db.session.commit()
        ids = {"plan": plan_id, "draft": draft_id, "clause": plan.current_version.clauses[0].id, "comment": comment.id, "digest": 0}
        ids.update(_channels(plan, db.session.get(User, author_id)))
    clients: dict[str, object] = {"anonymous": app.test_client()}
    for role, kwargs in (("citizen", {}), ("unverified", {"verified": False}), ("staff", {"role": "staff"})):
        client = app.test_client()
        _, email, password = make_user(**kwargs)
        login(client, email, password)
        clients[role] = client
    return World(ids, clients)


def _channels(plan, author) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A plan board with a thread, and a hearing open for registration."""
    from datetime import UTC, datetime, timedelta

    from consult.core.models import User
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.hearings import operations as hearings

    board = forums.plan_board(plan)
    thread, _ = forums.start_thread(user=author, board=board, title="公交线路", body="建议增加夜班公交")
    now = datetime.now(UTC)
    staff = db.session.get(User, plan.created_by_id)
    hearing = hearings.schedule(staff, plan, hearings.ScheduleInput(
        title="听证会", starts_at=now + timedelta(days=30), registration_opens_at=now - timedelta(hours=1),
        registration_closes_at=now + timedelta(days=2), capacity=400, place="市民中心"))
    db.session.commit()
    return {"board": board.id, "thread": thread.id, "hearing": hearing.id}


def _send(world: World, endpoint: Endpoint, field: str, value: str, token_cache: dict[str, str]):  # type: ignore[no-untyped-def]
    client = world.clients[endpoint.as_user]
    url = world.url(endpoint.url)
    if endpoint.method == "GET":
        return client.get(url, query_string={**endpoint.fixed, field: value})
    key = endpoint.name
    if key not in token_cache:
        token_cache[key] = csrf_token(client.get(world.url(endpoint.page or endpoint.url)).get_data(as_text=True))
    return client.post(url, data={**endpoint.fixed, "csrf_token": token_cache[key], field: value})


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_naughty_strings_never_cause_5xx_or_unescaped_output(world, endpoint) -> None:  # type: ignore[no-untyped-def]
    tokens: dict[str, str] = {}
    for field in endpoint.fields:
        for value in NAUGHTY[:: endpoint.every]:
            hostile = SENTINEL + value
            response = _send(world, endpoint, field, hostile, tokens)
            assert_safe(response, value, f"{endpoint.name}.{field}")


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.method == "POST"], ids=lambda e: e.name)
def test_invalid_utf8_and_nul_get_400_on_every_form(world, endpoint) -> None:  # type: ignore[no-untyped-def]
    client = world.clients[endpoint.as_user]
    token = csrf_token(client.get(world.url(endpoint.page or endpoint.url)).get_data(as_text=True))
    field = endpoint.fields[0]
    for raw in (b"%FF%FE%FA", b"abc%00def", b"%C0%AF"):
        body = f"csrf_token={token}&".encode() + field.encode() + b"=" + raw
        response = client.post(world.url(endpoint.url), data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, (endpoint.name, raw, response.status_code)
        assert "无效" in response.get_data(as_text=True) or "控制字符" in response.get_data(as_text=True) or "UTF-8" in response.get_data(as_text=True)
    assert client.get("/search?q=%FF%FE").status_code == 400
    assert client.get("/search?q=a%00b").status_code == 400


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.text(min_size=0, max_size=300))
def test_any_text_in_search_comment_and_registration(world, text) -> None:  # type: ignore[no-untyped-def]
    tokens: dict[str, str] = {}
    for name, field in (("search", "q"), ("comment", "body"), ("register", "pseudonym"), ("login", "login")):
        endpoint = next(e for e in ENDPOINTS if e.name == name)
        assert_safe(_send(world, endpoint, field, SENTINEL + text, tokens), text, f"{name}.{field}")


def test_forged_roles_and_departments_are_ignored(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Plan

    anonymous = app.test_client()
    page = anonymous.get("/account/register").get_data(as_text=True)
    response = anonymous.post("/account/register", data={"csrf_token": csrf_from(page), "login": "forger@example.com", "password": "Forged-claims-2026",
                                                          "confirm": "Forged-claims-2026", "role": "admin", "department_id": "1", "verified_at": "2020-01-01"})
    assert response.status_code == 302
    with app.app_context():
        forger = db.session.scalar(select(User).where(User.email == "forger@example.com"))
        assert forger.role == "citizen" and forger.department_id is None and not forger.is_verified
    assert anonymous.get("/staff/").status_code in (302, 403)  # to the login page, or refused: never the workspace

    department = app.test_client()
    _, email, password = make_user(role="department", department="市教育局")
    login(department, email, password)
    page = department.get("/staff/plans/new").get_data(as_text=True)
    response = department.post("/staff/plans/new", data={"csrf_token": csrf_from(page), "title": "冒充方案", "department": "市委改革办", "department_id": "999",
                                                          "body": "第一条 总则。", "window_days": "30", "moderation": "post"})
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.title == "冒充方案"))
        assert plan.department.name == "市教育局"


def test_other_peoples_objects_are_out_of_reach(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Comment, Plan

    plan_id = make_plan(department="市委改革办")
    owner_id, _, _ = make_user()
    with app.app_context():
        comment, _ = comments.post_comment(user=db.session.get(User, owner_id), plan=db.session.get(Plan, plan_id), body="待审核的意见：学校门口拥堵")
        digest, _ = digests.request_digest(db.session.get(Plan, plan_id))
        db.session.commit()
        digests.build(digest.id)
        comment.status = "pending"  # held for review after the digest: visible to its author only
        db.session.commit()
        comment_id, digest_id = comment.id, digest.id
    citizen = app.test_client()
    _, email, password = make_user()
    login(citizen, email, password)
    assert "学校门口拥堵" not in citizen.get(f"/plans/{plan_id}").get_data(as_text=True)  # someone else's pending comment
    token = csrf_from(citizen.get(f"/plans/{plan_id}").get_data(as_text=True))
    vote = citizen.post(f"/plans/comments/{comment_id}/vote", data={"csrf_token": token, "value": "support"}, headers={"Accept": "application/json"})
    assert vote.status_code == 404
    for url in (f"/staff/digests/{digest_id}/export.xlsx", f"/staff/digests/{digest_id}/status", f"/staff/plans/{plan_id}/digest"):
        assert citizen.get(url).status_code == 403, url
    assert citizen.post(f"/staff/comments/{comment_id}/clause", data={"csrf_token": token, "clause_id": ""}).status_code == 403
    other_department = app.test_client()
    _, email, password = make_user(role="department", department="市教育局")
    login(other_department, email, password)
    for url in (f"/staff/digests/{digest_id}/export.xlsx", f"/staff/digests/{digest_id}/export.docx", f"/staff/digests/{digest_id}/status"):
        assert other_department.get(url).status_code == 403, url
    with app.app_context():
        assert db.session.get(Comment, comment_id).support_count == 0


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "＝HYPERLINK(\"x\")"]


def test_formula_starts_are_neutralised_in_exports(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for text in FORMULAS:
            # Imported letters keep their text as written, formulas included.
            db.session.add(Comment(plan_id=plan_id, version_id=plan.current_version.id, body=f"{text} 建议增加停车位", source="letter", status="internal", author_label="来信"))
        digest, _ = digests.request_digest(plan)
        db.session.commit()
        assert digests.build(digest.id) == "done"
        digest_id = digest.id
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    sheet = load_workbook(io.BytesIO(staff.get(f"/staff/digests/{digest_id}/export.xlsx").data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    texts = [c.value for c in cells if "建议增加停车位" in c.value]
    assert len(texts) == len(FORMULAS)
    assert all(c.data_type != "f" for c in cells)
    assert all(t.lstrip("\t\r")[:1] not in "=+-@" or t.startswith("'") for t in texts), texts


def _import(staff, plan_id: int, filename: str, data: bytes):  # type: ignore[no-untyped-def]
    page = staff.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True)
    return staff.post(f"/staff/plans/{plan_id}/import", data={"csrf_token": csrf_from(page), "channel": "letter", "upload": (io.BytesIO(data), filename)},
                      content_type="multipart/form-data")


def test_hostile_uploads(app, make_user, make_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import ImportBatch

    plan_id = make_plan()
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    before = {p for p in Path(app.instance_path).rglob("*")}

    # A traversal name is a label only: nothing is written anywhere, and the label is the bare name.
    response = _import(staff, plan_id, "../../../../etc/cron.d/evil.csv", "内容\n来信反映停车难\n".encode())
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ImportBatch.filename)).all() == ["evil.csv"]
    assert not Path("/etc/cron.d/evil.csv").exists()
    assert not [p for p in Path(app.instance_path).rglob("*") if p not in before and "evil" in p.name]

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("plan.svg", "plan.svg.txt.svg", "plan.html"):
        page = staff.get("/staff/plans/new").get_data(as_text=True)
        response = staff.post("/staff/plans/new", data={"csrf_token": csrf_from(page), "title": "上传", "window_days": "30", "moderation": "post", "upload": (io.BytesIO(svg), name)},
                              content_type="multipart/form-data")
        assert response.status_code == 400 and "只支持" in response.get_data(as_text=True), name
    assert _import(staff, plan_id, "x.svg", svg).status_code == 400

    # Decompression bombs: a .docx or .xlsx that inflates far beyond its size is refused unread.
    for name, limit in (("bomb.docx", 60), ("bomb.xlsx", 210)):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if name.endswith("docx") else "xl/worksheets/sheet1.xml", b"0" * (limit * 1024 * 1024))
        assert len(buffer.getvalue()) < 1024 * 1024  # small on the wire
        if name.endswith("docx"):
            page = staff.get("/staff/plans/new").get_data(as_text=True)
            response = staff.post("/staff/plans/new", data={"csrf_token": csrf_from(page), "title": "炸弹", "window_days": "30", "moderation": "post", "upload": (io.BytesIO(buffer.getvalue()), name)},
                                  content_type="multipart/form-data")
        else:
            response = _import(staff, plan_id, name, buffer.getvalue())
        assert response.status_code == 400, name
    # 10 MB: refused with 413 before the form is parsed.
    page = staff.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True)
    response = staff.post(f"/staff/plans/{plan_id}/import", data={"csrf_token": csrf_from(page), "channel": "letter", "upload": (io.BytesIO(b"a" * (10 * 1024 * 1024)), "big.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1
