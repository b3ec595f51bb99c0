"""Scorecards as the office and departments see them; the public partial; the 年报 read back."""

from __future__ import annotations

import io

from flask import Flask, render_template_string

from tests.conftest import csrf_from, login
from tests.integration import evaluation_world as world_mod


def _office(app: Flask, world: dict):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, world["office"][1], world["office"][2])
    return client


def test_task_scorecard_shows_each_indicator_with_evidence_and_no_data(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    client = _office(app, world)
    page = client.get(f"/staff/evaluation/tasks/{world['done']}").get_data(as_text=True)
    # progress 100 (completed), timeliness 100, adoption 3/4 = 75, expert (80 + 90) / 2 = 85; no third party, no survey.
    assert "一网通办全覆盖" in page
    assert "75.0" in page and "85.0" in page and "采纳或部分采纳 3 / 4" in page
    assert page.count("无数据") >= 2
    # Weights 30+20+20+10 with data out of 100: total (30×100 + 20×100 + 20×75 + 10×85) / 80 = 91.875, coverage 80 %.
    assert "91.9" in page and "80%" in page
    assert "<svg" in page and "数据表" in page  # distributions drawn, with the table behind them


def test_overdue_task_loses_timeliness_by_the_week(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    page = _office(app, world).get(f"/staff/evaluation/tasks/{world['late']}").get_data(as_text=True)
    # Deadline 10 days ago and still open: 100 − 10 × 2 = 80; its milestone was done on time (100); mean 90.
    assert "90.0" in page and "按期 1 / 2" in page
    assert "60.0" in page  # the accepted progress report


def test_overview_ranks_departments_and_tasks(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    page = _office(app, world).get("/staff/evaluation/").get_data(as_text=True)
    ranking = page[page.index('id="department-ranking"'):page.index('id="task-ranking"')]
    assert "发改委" in ranking and "市场监管局" in ranking
    tasks = page[page.index('id="task-ranking"'):]
    assert tasks.index("一网通办全覆盖") < tasks.index("证照分离改革")


def test_department_sees_its_own_scorecard_only(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    client = app.test_client()
    login(client, world["dept_b_user"][1], world["dept_b_user"][2])
    assert client.get(f"/staff/evaluation/departments/{world['dept_a']}").status_code == 403
    assert client.get(f"/staff/evaluation/tasks/{world['done']}").status_code == 403
    assert client.get("/staff/evaluation/").status_code == 403
    assert client.get("/staff/evaluation/annual.xlsx").status_code == 403
    mine = client.get("/staff/evaluation/mine")
    assert mine.status_code == 302 and f"/departments/{world['dept_b']}" in mine.headers["Location"]
    own = client.get(mine.headers["Location"]).get_data(as_text=True)
    assert "市场监管局" in own and "双随机一公开" in own and "一网通办" not in own
    assert client.get(f"/staff/evaluation/tasks/{world['other']}").status_code == 200


def test_indicator_form_refusal_keeps_what_was_typed(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    client = _office(app, world)
    token = csrf_from(client.get("/staff/evaluation/indicators").get_data(as_text=True))
    response = client.post("/staff/evaluation/indicators", data={"csrf_token": token, "year": world["year"], "name": "群众获得感",
                                                                 "kind": "manual", "weight": "0", "direction": "higher"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "权重应为大于 0" in page and 'value="群众获得感"' in page
    clash = client.post("/staff/evaluation/indicators", data={"csrf_token": token, "year": world["year"], "name": "任务进度",
                                                              "kind": "task_progress", "weight": "5", "direction": "higher"})
    assert clash.status_code == 409 and "同名指标" in clash.get_data(as_text=True)
    ok = client.post("/staff/evaluation/indicators", data={"csrf_token": token, "year": world["year"], "name": "群众获得感",
                                                           "kind": "manual", "weight": "10", "direction": "higher"})
    assert ok.status_code == 302


def test_manual_scores_count_on_the_task(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.evaluation.models import Indicator
    from consult.extensions import db

    world = world_mod.build(app, make_user, make_plan)
    with app.app_context():
        indicator = Indicator(year=world["year"], name="创新性", kind="manual", weight=10, direction="higher", description="")
        db.session.add(indicator)
        db.session.commit()
        indicator_id = indicator.id
    client = _office(app, world)
    token = csrf_from(client.get("/staff/evaluation/indicators").get_data(as_text=True))
    bad = client.post(f"/staff/evaluation/indicators/{indicator_id}/scores", data={"csrf_token": token, "task_code": "不存在", "value": "70"})
    assert bad.status_code == 404 and "没有编号为“不存在”的改革任务" in bad.get_data(as_text=True)
    good = client.post(f"/staff/evaluation/indicators/{indicator_id}/scores", data={"csrf_token": token, "task_code": "T-3", "value": "70"})
    assert good.status_code == 302
    assert "1 条录入" in client.get(f"/staff/evaluation/tasks/{world['other']}").get_data(as_text=True)


def _public(app: Flask, task_id: int) -> str:
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    with app.test_request_context("/"):
        return render_template_string('{% include "evaluation/_public_results.html" %}', task=db.session.get(ReformTask, task_id))


def test_public_partial_shows_published_years_and_accepted_evaluations_only(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    world = world_mod.build(app, make_user, make_plan)
    world_mod.evaluation(app, world, status="accepted", score=88.0)
    pending = world_mod.evaluation(app, world, status="submitted", score=23.7)
    assert "考核评估结果" not in _public(app, world["done"])  # not published yet
    client = _office(app, world)
    token = csrf_from(client.get("/staff/evaluation/").get_data(as_text=True))
    assert client.post(f"/staff/evaluation/publish?year={world['year']}", data={"csrf_token": token, "publish": "1"}).status_code == 302
    html = _public(app, world["done"])
    assert "考核评估结果" in html and "某大学社会调查中心" in html and "88.0" in html and "满意" in html
    assert "23.7" not in html, pending  # a submitted, not yet accepted evaluation stays out
    with app.test_request_context("/"):
        from consult.extensions import db
        from consult.plans.models import Plan

        by_plan = render_template_string('{% include "evaluation/_public_results.html" %}', plan=db.session.get(Plan, world["plan"]))
    assert "一网通办全覆盖" in by_plan and "证照分离改革" in by_plan


def test_annual_xlsx_keeps_numbers_as_numbers(any_app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    """On SQLite and PostgreSQL: every query behind the scorecards runs on both."""
    from openpyxl import load_workbook

    app = any_app
    world = world_mod.build(app, make_user, make_plan)
    world_mod.evaluation(app, world, status="accepted", score=88.0)
    response = _office(app, world).get(f"/staff/evaluation/annual.xlsx?year={world['year']}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["任务状态", "按期完成率", "部门评分", "任务评分", "满意度", "意见采纳", "专家评估", "第三方评估"]
    statuses = {row[0].value: row for row in book["任务状态"].iter_rows(min_row=2)}
    assert statuses["已完成"][1].value == 1 and statuses["推进中"][1].value == 2
    assert abs(statuses["已完成"][2].value - 1 / 3) < 1e-9 and statuses["已完成"][2].number_format == "0.0%"
    on_time = list(book["按期完成率"].iter_rows(min_row=2, values_only=True))[0]
    assert on_time[:2] == (1, 2) and on_time[2] == 0.5  # T-1 on time; T-2 overdue; T-3 not due
    tasks = {row[0].value: row for row in book["任务评分"].iter_rows(min_row=2)}
    # With the accepted third-party score of 88: (3000 + 2000 + 1500 + 850 + 880) / 90 = 91.44
    assert tasks["T-1 一网通办全覆盖"][-2].value == 91.4
    assert isinstance(tasks["T-1 一网通办全覆盖"][-1].value, float) and tasks["T-1 一网通办全覆盖"][-1].number_format == "0.0%"
    adoption = list(book["意见采纳"].iter_rows(min_row=2, values_only=True))
    assert ("T-1 一网通办全覆盖", 75.0, 4) in adoption
    assert list(book["第三方评估"].iter_rows(min_row=2, values_only=True))[0][4] == 88.0


def test_annual_docx_is_a4_with_the_sections(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.shared import Mm

    world = world_mod.build(app, make_user, make_plan)
    response = _office(app, world).get(f"/staff/evaluation/annual.docx?year={world['year']}")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    assert abs(document.sections[0].page_width - Mm(210)) < Mm(1) and abs(document.sections[0].page_height - Mm(297)) < Mm(1)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "一、任务状态" in headings and "三、部门评分" in headings and "八、第三方评估" in headings
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "发改委" in text and "91.9" in text and "按期完成率" in "\n".join(p.text for p in document.paragraphs)
