"""The annual statistics (年报) of evaluation: tasks by status, the on-time rate, the scorecards of
departments and tasks, satisfaction, adoption, expert and third-party results; XLSX and DOCX."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from consult.core.files.spreadsheets import safe_cell
from consult.core.models import Department
from consult.digests.reports import _a4, _table, local
from consult.evaluation import evidence as evidence_mod
from consult.evaluation import formulas as f
from consult.evaluation import scorecard
from consult.evaluation.models import ThirdPartyEvaluation
from consult.extensions import db
from consult.ledger.models import TaskStatus

STATUS_LABELS = {"planned": "未启动", "in_progress": "推进中", "completed": "已完成", "suspended": "暂停", "cancelled": "已取消"}
PCT, ONE_DECIMAL = "0.0%", "0.0"


@dataclass
class Annual:
    year: int
    statuses: list[tuple[str, int]]
    on_time: tuple[int, int]  # (completed by the deadline, tasks judged)
    departments: list[scorecard.Card]
    tasks: list[scorecard.Card]
    satisfaction: list[tuple[str, f.Value]]
    adoption: list[tuple[str, f.Value]]
    expert: list[tuple[str, f.Value]]
    third_party: list[ThirdPartyEvaluation]

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time[0] / self.on_time[1] if self.on_time[1] else None


def on_time(tasks: list, today: Any) -> tuple[int, int]:
    """Tasks judged: completed ones and open ones past their deadline; on time: completed by the deadline."""
    judged = [t for t in tasks if t.deadline and (t.status == TaskStatus.COMPLETED or t.deadline < today)]
    good = [t for t in judged if t.status == TaskStatus.COMPLETED and t.completed_on and t.completed_on <= t.deadline]
    return len(good), len(judged)


def build(year: int) -> Annual:
    everything = list(db.session.scalars(select(evidence_mod.ReformTask).where(evidence_mod.ReformTask.year == year)))
    tasks = [t for t in everything if t.status != TaskStatus.CANCELLED]
    ev = evidence_mod.load(year, tasks)
    departments, cards = scorecard.ranking(year)
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    counts = {s: sum(1 for t in everything if t.status == s) for s in STATUS_LABELS}
    return Annual(
        year=year, statuses=[(STATUS_LABELS[s], n) for s, n in counts.items()], on_time=on_time(tasks, ev.today),
        departments=departments, tasks=cards,
        satisfaction=sorted((names.get(d, "?"), f.satisfaction(dist)) for d, dist in ev.ratings.items()),
        adoption=[(_title(t), f.adoption(ev.adoption.get(t.plan_id, {}))) for t in tasks if t.plan_id],
        expert=[(_title(t), f.expert(*ev.expert[t.id])) for t in tasks if t.id in ev.expert],
        third_party=list(db.session.scalars(select(ThirdPartyEvaluation).where(ThirdPartyEvaluation.year == year).order_by(ThirdPartyEvaluation.id))),
    )


def _title(task: Any) -> str:
    return f"{task.code} {task.title}" if task.code else task.title


def _score(v: f.Value) -> float | str:
    return round(v.value, 1) if v.value is not None else "无数据"


def _card_rows(cards: list[scorecard.Card]) -> list[list[Any]]:
    return [[c.title, c.department, *[_score(r.value) for r in c.rows], *[r.value.evidence for r in c.rows],
             round(c.total.value, 1) if c.total.value is not None else "无数据", c.total.coverage] for c in cards]


def _sheets(a: Annual) -> list[tuple[str, list[str], list[list[Any]], dict[int, str]]]:
    """(title, header, rows, {column index: number format}) per sheet."""
    names = [r.indicator.name for r in (a.departments or a.tasks)[0].rows] if (a.departments or a.tasks) else []
    card_header = ["对象", "部门", *names, *[f"{n}（证据数）" for n in names], "综合得分", "权重覆盖"]
    card_formats = {**{2 + i: ONE_DECIMAL for i in range(len(names))}, 2 + 2 * len(names): ONE_DECIMAL, 3 + 2 * len(names): PCT}
    total = sum(n for _s, n in a.statuses)
    values = [("满意度", a.satisfaction, "评分数"), ("意见采纳", a.adoption, "已答复意见数"), ("专家评估", a.expert, "评分专家数")]
    return [
        ("任务状态", ["状态", "任务数", "占比"], [[s, n, n / total if total else 0] for s, n in a.statuses], {2: PCT}),
        ("按期完成率", ["按期完成", "应完成（已完成或已逾期）", "按期完成率"], [[*a.on_time, a.on_time_rate if a.on_time_rate is not None else "无数据"]], {2: PCT}),
        ("部门评分", card_header, _card_rows(a.departments), card_formats),
        ("任务评分", card_header, _card_rows(a.tasks), card_formats),
        *[(title, ["对象", "得分（0-100）", unit], [[name, _score(v), v.evidence] for name, v in rows], {1: ONE_DECIMAL}) for title, rows, unit in values],
        ("第三方评估", ["评估机构", "对象", "方法", "样本量", "得分", "状态"],
         [[e.organisation, _object(e), e.method, e.sample_size, e.score if e.score is not None else "无数据", e.status] for e in a.third_party], {4: ONE_DECIMAL}),
    ]


def _object(e: ThirdPartyEvaluation) -> str:
    if e.scope == "task":
        return _title(e.task) if e.task else "（任务已删除）"
    return e.department.name if e.department else "（部门已删除）"


def xlsx(a: Annual) -> bytes:
    """Numbers stay numbers; shares are fractions with a percent format, scores one decimal."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows, formats in _sheets(a):
        sheet = workbook.create_sheet(title)
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        for col, fmt in formats.items():
            for (cell,) in sheet.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
                if isinstance(cell.value, int | float):
                    cell.number_format = fmt
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fmt(value: Any, fmt: str | None) -> str:
    if isinstance(value, float) and fmt == PCT:
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _compact(card: scorecard.Card) -> list[str]:
    cells = [f"{r.value.value:.1f}（{r.value.evidence}）" if r.value.value is not None else "无数据" for r in card.rows]
    total = f"{card.total.value:.1f}" if card.total.value is not None else "无数据"
    return [card.title, *cells, f"{total}（覆盖 {card.total.coverage:.0%}）"]


def docx(a: Annual, title: str | None = None) -> bytes:
    """A4 in the office layout of the digest reports: 标题, 一、二、 sections, one table each."""
    from docx import Document

    document = Document()
    _a4(document)
    document.add_heading(title or f"{a.year} 年度改革绩效考核统计报告", level=0)
    document.add_paragraph(f"生成时间：{local(datetime.now(UTC))}（北京时间）")
    rate = f"{a.on_time_rate:.1%}" if a.on_time_rate is not None else "无数据"
    document.add_paragraph(f"本年度共有改革任务 {sum(n for _s, n in a.statuses)} 项；按期完成率 {rate}"
                           f"（按期完成 {a.on_time[0]} 项，应完成 {a.on_time[1]} 项）。“无数据”表示没有证据，其权重已按比例分给其他指标。")
    for number, (heading, header, rows, formats) in zip("一二三四五六七八九十", _sheets(a), strict=False):
        document.add_heading(f"{number}、{heading}", level=1)
        cards = {"部门评分": a.departments, "任务评分": a.tasks}.get(heading)
        if cards:  # A4 is too narrow for a column per evidence count: "86.0（12）" instead
            _table(document, ["对象", *[r.indicator.name for r in cards[0].rows], "综合得分"], [_compact(c) for c in cards])
        elif rows:
            _table(document, header, [[_fmt(v, formats.get(i)) for i, v in enumerate(row)] for row in rows])
        else:
            document.add_paragraph("无数据。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
