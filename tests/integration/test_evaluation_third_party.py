"""Third-party evaluations: the import (bad rows, hostile files, nothing half imported), the
evaluator's own space (it sees and edits only what is assigned to it), the office's review."""

from __future__ import annotations

import io
import zipfile

from flask import Flask

from tests.conftest import csrf_from, login
from tests.integration import evaluation_world as world_mod

HEADER = "评估机构,评估方账号,年度,对象类型,任务编号,部门,评估方法,样本量,得分,评价分布,开始日期,结束日期,结论摘要\n"


def _client(app: Flask, account: tuple):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, account[1], account[2])
    return client


def _upload(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/staff/evaluation/third-party").get_data(as_text=True))
    return client.post("/staff/evaluation/third-party/import", data={"csrf_token": token, "upload": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(app: Flask) -> int:
    from consult.evaluation.models import ThirdPartyEvaluation
    from consult.extensions import db

    with app.app_context():
        return db.session.query(ThirdPartyEvaluation).count()


def test_import_adds_every_row_for_review(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    y = world["year"]
    body = HEADER + (f"某大学调查中心,{world['evaluator'][1]},{y},任务,T-1,,入户问卷,300,86.5,满意:240；基本满意:45；不满意:15,{y}-10-01,{y}-10-31,总体满意\n"
                     f"社科院,,{y},部门,,市场监管局,座谈,40,72,,,,\n")
    response = _upload(_client(app, world["office"]), "第三方评估.csv", body.encode("utf-8"))
    assert response.status_code == 302
    from consult.evaluation.models import ThirdPartyEvaluation
    from consult.extensions import db

    with app.app_context():
        rows = db.session.query(ThirdPartyEvaluation).order_by(ThirdPartyEvaluation.id).all()
        assert [(r.organisation, r.scope, r.score, r.sample_size, r.status) for r in rows] == [
            ("某大学调查中心", "task", 86.5, 300, "submitted"), ("社科院", "department", 72.0, 40, "submitted")]
        assert rows[0].distribution == {"满意": 240, "基本满意": 45, "不满意": 15} and rows[0].evaluator_id == world["evaluator"][0]
        assert rows[0].source.endswith("第 2 行")


def test_import_from_xlsx_reads_numbers_and_dates(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from openpyxl import Workbook

    world = world_mod.build(app, make_user, make_plan)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["某大学调查中心", "", world["year"], "任务", "T-2", "", "电话调查", 120, 64.25, "满意:60；不满意:60", datetime(world["year"], 9, 1), None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(_client(app, world["office"]), "eval.xlsx", buffer.getvalue()).status_code == 302
    from consult.evaluation.models import ThirdPartyEvaluation
    from consult.extensions import db

    with app.app_context():
        row = db.session.query(ThirdPartyEvaluation).one()
        assert (row.score, row.sample_size, row.starts_on.month) == (64.25, 120, 9)


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    y = world["year"]
    body = HEADER + (f"好机构,,{y},任务,T-1,,问卷,100,80,,,,\n"
                     f"坏机构,,{y},任务,T-404,,问卷,100,180,满意 很多,,,\n"
                     f",,abc,项目,,,,,-1,,,,\n"
                     f"机构,{world['office'][1]},{y},部门,,不存在的局,,x,50,,{y}-12-01,{y}-11-01,\n")
    response = _upload(_client(app, world["office"]), "bad.csv", body.encode("utf-8"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "没有导入任何一行" in page
    assert "第 3 行：没有编号为“T-404”的改革任务；得分应为 0-100 的数字；评价分布“满意 很多”" in page
    assert "第 4 行：缺少“评估机构”" in page
    assert "第 5 行：" in page and "没有名为“不存在的局”的部门" in page and "样本量应为整数" in page and "评估方账号不存在或不是第三方评估账号" in page
    assert "第 2 行" not in page
    assert _count(app) == 0


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<c>1</c>" * 2_000_000)
    return buffer.getvalue()


def test_hostile_or_unreadable_files_are_refused_with_a_4xx(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    client = _client(app, world["office"])
    cases = [
        ("bomb.xlsx", _bomb(), "压缩炸弹"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "无法读取该 .xlsx 文件"),
        ("report.exe", b"MZ\x90\x00", "只支持 .csv 和 .xlsx 文件"),
        ("empty.csv", b"", "文件是空的"),
        ("other.csv", "姓名,电话\n张三,13800000000\n".encode(), "缺少“评估机构”“得分”等列"),
        ("gbk.csv", "评估机构,年度,对象类型,任务编号,得分\n某机构,2026,任务,T-1,80\n".encode("gb18030") + b"\xff\xfe\xfa", ""),
    ]
    for name, data, message in cases:
        response = _upload(client, name, data)
        assert 400 <= response.status_code < 500, (name, response.status_code)
        if message:
            assert message in response.get_data(as_text=True), name
    assert _count(app) == 0


def test_evaluator_sees_and_edits_only_its_own_evaluations(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    mine = world_mod.evaluation(app, world)
    theirs = world_mod.evaluation(app, world, evaluator=world["other_evaluator"][0], task="other")
    client = _client(app, world["evaluator"])
    listing = client.get("/evaluator/").get_data(as_text=True)
    assert "一网通办全覆盖" in listing and "双随机一公开" not in listing
    assert client.get(f"/evaluator/{theirs}").status_code == 404
    token = csrf_from(client.get(f"/evaluator/{mine}").get_data(as_text=True))
    assert client.post(f"/evaluator/{theirs}", data={"csrf_token": token, "score": "10", "action": "submit"}).status_code == 404
    assert client.post(f"/evaluator/{theirs}/report", data={"csrf_token": token, "report": (io.BytesIO(b"%PDF-1.4"), "r.pdf")},
                       content_type="multipart/form-data").status_code == 404
    assert client.get(f"/evaluator/{theirs}/report").status_code == 404
    # Nothing of the office or the ledger is open to an evaluator account.
    for url in ("/staff/evaluation/", "/staff/evaluation/third-party", f"/staff/evaluation/tasks/{world['done']}", "/staff/evaluation/mine", "/staff/"):
        assert client.get(url).status_code == 403, url
    from consult.evaluation.models import ThirdPartyEvaluation
    from consult.extensions import db

    with app.app_context():
        assert db.session.get(ThirdPartyEvaluation, theirs).score is None


def test_evaluator_fills_in_submits_and_the_office_accepts(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    mine = world_mod.evaluation(app, world)
    client = _client(app, world["evaluator"])
    token = csrf_from(client.get(f"/evaluator/{mine}").get_data(as_text=True))
    form = {"csrf_token": token, "method": "入户问卷", "sample_size": "300", "score": "", "distribution": "满意:240；不满意:60",
            "summary": "群众认可", "action": "submit"}
    refused = client.post(f"/evaluator/{mine}", data=form)
    assert refused.status_code == 400 and "提交前请填写得分" in refused.get_data(as_text=True)
    assert "群众认可" in refused.get_data(as_text=True)  # what was typed is kept
    bad = client.post(f"/evaluator/{mine}", data={**form, "score": "88", "distribution": "很多人满意"})
    assert bad.status_code == 400 and "评价分布应写成" in bad.get_data(as_text=True)
    upload = client.post(f"/evaluator/{mine}/report", data={"csrf_token": token, "report": (io.BytesIO(b"%PDF-1.4 report"), "评估报告.pdf")},
                         content_type="multipart/form-data")
    assert upload.status_code == 302
    wrong = client.post(f"/evaluator/{mine}/report", data={"csrf_token": token, "report": (io.BytesIO(b"x"), "a.html")}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and "只支持 PDF、DOCX、XLSX" in wrong.get_data(as_text=True)
    assert client.post(f"/evaluator/{mine}", data={**form, "score": "88"}).status_code == 302
    assert client.post(f"/evaluator/{mine}", data={**form, "score": "99"}).status_code == 409  # submitted: no more edits

    office = _client(app, world["office"])
    token = csrf_from(office.get(f"/staff/evaluation/third-party/{mine}").get_data(as_text=True))
    no_note = office.post(f"/staff/evaluation/third-party/{mine}", data={"csrf_token": token, "decision": "return", "note": ""})
    assert no_note.status_code == 400 and "退回时请写明原因" in no_note.get_data(as_text=True)
    assert office.get(f"/staff/evaluation/third-party/{mine}/report").data == b"%PDF-1.4 report"
    assert office.post(f"/staff/evaluation/third-party/{mine}", data={"csrf_token": token, "decision": "accept", "note": ""}).status_code == 302
    card = office.get(f"/staff/evaluation/tasks/{world['done']}").get_data(as_text=True)
    assert "88.0" in card and "1 项评估" in card
    assert office.post(f"/staff/evaluation/third-party/{mine}", data={"csrf_token": token, "decision": "accept"}).status_code == 409


def test_office_assigns_an_evaluation_to_an_evaluator_account(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    office = _client(app, world["office"])
    token = csrf_from(office.get("/staff/evaluation/third-party").get_data(as_text=True))
    not_evaluator = office.post("/staff/evaluation/third-party/assign", data={
        "csrf_token": token, "organisation": "某研究院", "evaluator_id": world["office"][0], "year": world["year"], "scope": "task",
        "task_id": world["late"], "department_id": 0})
    assert not_evaluator.status_code == 400 and "请选择一个第三方评估账号" in not_evaluator.get_data(as_text=True)
    assert 'value="某研究院"' in not_evaluator.get_data(as_text=True)
    ok = office.post("/staff/evaluation/third-party/assign", data={
        "csrf_token": token, "organisation": "某研究院", "evaluator_id": world["evaluator"][0], "year": world["year"], "scope": "task",
        "task_id": world["late"], "department_id": 0})
    assert ok.status_code == 302
    assert "证照分离改革" in _client(app, world["evaluator"]).get("/evaluator/").get_data(as_text=True)
