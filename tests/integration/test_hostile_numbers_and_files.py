"""Hostile numbers, text and files that used to give 500s or hold a worker (issue 14 item 4 and 5).

Every GET route of the app (public and staff) with every numeric query parameter set to numbers past
64 bits; the answer-template and answer-import forms with fields missing; a CSV field over the csv
module's limit; a citizen text of U+FFFE and what it does to the XLSX exports; an XLSX bomb.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from werkzeug.routing import MapAdapter

from consult.core.files.spreadsheets import TableError, read_table, write_xlsx
from tests.conftest import csrf_from, login
from tests.support.hostile import HOSTILE_NUMBERS, NUMBER_PARAMS, OVERSIZED_CSV, XML_ILLEGAL


def _objects(app, make_plan, author_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.get(User, author_id)
        comment, _ = comments.post_comment(user=author, plan=plan, body="增加公交线路")
        board = forums.plan_board(plan)
        thread, _ = forums.start_thread(user=author, board=board, title="公交", body="夜班公交")
        db.session.commit()
        return {"plan_id": plan_id, "clause_id": plan.current_version.clauses[0].id, "comment_id": comment.id,
                "board_id": board.id, "thread_id": thread.id}


def _get_routes(app, objects: dict[str, int]) -> list[str]:  # type: ignore[no-untyped-def]
    adapter: MapAdapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or not set(rule.arguments) <= set(objects):
            continue
        urls.append(adapter.build(rule.endpoint, {n: objects[n] for n in rule.arguments}))
    return sorted(urls)


@pytest.mark.parametrize("number", HOSTILE_NUMBERS[:3] + HOSTILE_NUMBERS[-1:])
def test_huge_numbers_in_every_query_never_give_a_server_error(app, make_user, make_plan, number) -> None:  # type: ignore[no-untyped-def]
    author_id, _, _ = make_user()
    objects = _objects(app, make_plan, author_id)
    clients = {"anonymous": app.test_client(), "admin": app.test_client()}
    _, email, password = make_user(role="admin")
    login(clients["admin"], email, password)
    query = "&".join(f"{p}={number}" for p in NUMBER_PARAMS)
    failures, walked = [], 0
    for url in _get_routes(app, objects):
        for who, client in clients.items():
            response = client.get(f"{url}?{query}")
            walked += 1
            if response.status_code >= 500:
                failures.append(f"{who} GET {url}?… → {response.status_code}")
    assert not failures, failures
    assert walked > 60


def test_small_odd_numbers_keep_lists_usable(app, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    client = app.test_client()
    for number in HOSTILE_NUMBERS[3:-1]:
        assert client.get(f"/plans/{plan_id}?page={number}").status_code == 200
    assert client.get(f"/plans/{plan_id}?version=18446744073709551616").status_code == 200  # the current version


def _staff_client(app, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _, email, password = make_user(role="staff")
    login(client, email, password)
    return client


def test_answer_forms_with_missing_fields_say_what_is_missing(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    client = _staff_client(app, make_user)
    token = csrf_from(client.get(f"/staff/plans/{plan_id}/responses").get_data(as_text=True))
    response = client.post("/staff/templates", data={"csrf_token": token})
    assert response.status_code == 303
    assert "请填写模板名称" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"/staff/plans/{plan_id}/responses/import", data={"csrf_token": token})
    assert response.status_code == 400 and "请选择文件" in response.get_data(as_text=True)


def test_a_csv_field_over_the_limit_is_a_clear_400(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TableError, match="超过 131072 个字符"):
        read_table("letters.csv", OVERSIZED_CSV)
    plan_id = make_plan()
    client = _staff_client(app, make_user)
    token = csrf_from(client.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True))
    response = client.post(f"/staff/plans/{plan_id}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "channel": "letter", "upload": (io.BytesIO(OVERSIZED_CSV), "letters.csv")})
    assert response.status_code == 400 and "超过 131072 个字符" in response.get_data(as_text=True)


def test_xml_illegal_text_is_stripped_at_intake_and_never_breaks_an_export(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    plan_id = make_plan()
    citizen = app.test_client()
    _, email, password = make_user()
    login(citizen, email, password)
    token = csrf_from(citizen.get(f"/plans/{plan_id}").get_data(as_text=True))
    response = citizen.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": f"建议{XML_ILLEGAL}延长开放时间"})
    assert response.status_code < 400, response.get_data(as_text=True)[:2000]
    with app.app_context():
        bodies = [c.body for c in db.session.query(Comment).filter_by(plan_id=plan_id)]
        assert bodies == ["建议延长开放时间"]
        # A text stored before this fix still exports: the cell is cleaned, not the workbook refused.
        plan = db.session.get(Plan, plan_id)
        db.session.add(Comment(plan_id=plan_id, version_id=plan.current_version.id, body=f"旧意见{XML_ILLEGAL}\x01", status="published"))
        db.session.commit()
    response = _staff_client(app, make_user).get(f"/staff/plans/{plan_id}/responses/sheet.xlsx")
    assert response.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "旧意见" in cells and "建议延长开放时间" in cells
    assert read_table("t.xlsx", write_xlsx([("表", ["内容"], [[f"a{XML_ILLEGAL}b"]])])) == [{"内容": "ab"}]


def _bomb(sheet_xml_mb: int = 20) -> bytes:
    """A workbook of one repeated row: about 55 KB zipped, ``sheet_xml_mb`` MB of sheet XML."""
    row = '<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaa</t></is></c></row>'
    rows = row * (sheet_xml_mb * 1024 * 1024 // len(row))
    sheet = f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    return _workbook(sheet)


def _workbook(sheet_xml: str) -> bytes:
    buffer = io.BytesIO()
    base = io.BytesIO(write_xlsx([("表", ["内容"], [["x"]])]))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            out.writestr(item.filename, sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename))
    return buffer.getvalue()


def test_an_xlsx_bomb_is_refused_before_it_is_inflated(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    bomb = _bomb()
    assert len(bomb) < 200_000
    with pytest.raises(TableError, match="压缩比异常"):
        read_table("bomb.xlsx", bomb)
    plan_id = make_plan()
    client = _staff_client(app, make_user)
    token = csrf_from(client.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True))
    response = client.post(f"/staff/plans/{plan_id}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "channel": "letter", "upload": (io.BytesIO(bomb), "bomb.xlsx")})
    assert response.status_code == 400 and "疑似压缩炸弹" in response.get_data(as_text=True)


def test_sparse_and_wide_sheets_are_refused_while_streaming() -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    far_row = f'<worksheet {ns}><dimension ref="A1:A1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>内容</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    with pytest.raises(TableError, match="行数超过"):
        read_table("far.xlsx", _workbook(far_row))
    wide = f'<worksheet {ns}><dimension ref="A1:XFD2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>内容</t></is></c><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    with pytest.raises(TableError, match="列"):
        read_table("wide.xlsx", _workbook(wide))
    declared_only = f'<worksheet {ns}><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>内容</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>一封来信</t></is></c></row></sheetData></worksheet>'
    assert read_table("ok.xlsx", _workbook(declared_only)) == [{"内容": "一封来信"}]
