"""Open data of one plan: every published comment with its answer, and the feedback report, as rows
with a documented schema (docs/api.md#open-data) and the licence (OPEN_DATA_LICENCE), masked."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import current_app

from consult.api import published, serializers
from consult.core import channels
from consult.core.files.spreadsheets import safe_cell
from consult.extensions import db
from consult.plans.models import Clause, Comment, Plan
from consult.responses import feedback, publications
from consult.responses.models import Response
from consult.responses.operations import status_labels

# (column, JSON type, meaning): the one schema of the CSV, the XLSX sheet and the JSON records.
SCHEMA: tuple[tuple[str, str, str], ...] = (
    ("plan_id", "integer", "方案编号"),
    ("plan_title", "string", "方案标题"),
    ("version", "integer", "意见针对的方案版本号"),
    ("clause_key", "string", "条款锚点（如 2.1.3），整个方案为空"),
    ("clause_label", "string", "条款编号与标题"),
    ("comment_id", "integer", "意见编号"),
    ("channel", "string", "渠道（网站留言等）"),
    ("author", "string", "发表者的昵称（已脱敏；不公开昵称的为“匿名网友”）"),
    ("created_at", "string", "发表时间（ISO 8601，UTC）"),
    ("body", "string", "意见全文（手机号、证件号、邮箱等已遮盖）"),
    ("support", "integer", "赞同数"),
    ("oppose", "integer", "反对数"),
    ("answer_status", "string", "处理结果代码：adopted / partly / not_adopted / covered，未答复为空"),
    ("answer_label", "string", "处理结果（中文）"),
    ("answer_text", "string", "答复内容"),
    ("answer_reason", "string", "理由（未采纳时必填）"),
    ("answered_at", "string", "答复时间（ISO 8601，UTC）"),
    ("licence", "string", "许可协议"),
)
COLUMNS = [name for name, _type, _meaning in SCHEMA]
BATCH = 500


def licence() -> dict[str, str]:
    return {"name": current_app.config.get("OPEN_DATA_LICENCE", "CC BY 4.0"),
            "url": current_app.config.get("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")}


def schema() -> list[dict[str, str]]:
    return [{"name": n, "type": t, "description": d} for n, t, d in SCHEMA]


def records(plan: Plan) -> Iterator[dict[str, Any]]:
    """One record per published comment, in id order, read in batches (a big plan is never held whole)."""
    labels = status_labels()
    numbers = {v.id: v.number for v in plan.versions}
    name = licence()["name"]
    after = 0
    while True:
        rows = db.session.execute(
            published.comments(plan.id).add_columns(Clause, Response)
            .outerjoin(Clause, Clause.id == Comment.clause_id).outerjoin(Response, Response.comment_id == Comment.id)
            .where(Comment.id > after).order_by(Comment.id).limit(BATCH)
        ).all()
        for comment, clause, answer in rows:
            yield {
                "plan_id": plan.id, "plan_title": plan.title, "version": numbers.get(comment.version_id),
                "clause_key": clause.key if clause else "", "clause_label": clause.label if clause else "",
                "comment_id": comment.id, "channel": channels.label(comment.source), "author": serializers.author(comment.author_label),
                "created_at": serializers.when(comment.created_at), "body": serializers.masked(comment.body),
                "support": comment.support_count, "oppose": comment.oppose_count,
                "answer_status": answer.status if answer else "", "answer_label": labels.get(answer.status, "") if answer else "",
                "answer_text": serializers.masked(answer.text) if answer else "", "answer_reason": serializers.masked(answer.reason) if answer else "",
                "answered_at": serializers.when(answer.updated_at) if answer else "", "licence": name,
            }
        if len(rows) < BATCH:
            return
        after = rows[-1][0].id
        db.session.expunge_all()  # keep memory flat however many comments the plan has


def feedback_rows(plan: Plan) -> list[dict[str, Any]]:
    if feedback.report_for(plan.id) is None:
        return []
    data = publications.view(plan)
    if data is None:
        return []
    return [{"label": row.label, "total": row.total, **{k: row.statuses.get(k, 0) for k in status_labels()}} for row in data.clauses]


def _fresh(plan_id: int) -> Plan:
    # A streamed body runs after the view returned (and its session was closed): read the plan anew.
    return published.plan_or_404(plan_id)


def csv_stream(plan_id: int) -> Iterator[str]:
    plan = _fresh(plan_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for record in records(plan):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(record[c]) for c in COLUMNS])
        yield buffer.getvalue()


def json_stream(plan_id: int) -> Iterator[str]:
    plan = _fresh(plan_id)
    head = {"licence": licence(), "schema": schema(), "plan": serializers.plan(plan), "feedback": feedback_rows(plan)}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"comments":['
    for k, record in enumerate(records(plan)):
        yield ("," if k else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def xlsx_sheets(plan: Plan) -> list[tuple[str, list[str], Any]]:
    rows = feedback_rows(plan)
    about = [["licence", licence()["name"]], ["licence_url", licence()["url"]], ["plan", plan.title]]
    about += [[f"column:{n}", f"{t} · {d}"] for n, t, d in SCHEMA]
    return [
        ("comments", COLUMNS, ([r[c] for c in COLUMNS] for r in records(plan))),
        ("feedback", ["label", "total", *status_labels()], ([r["label"], r["total"], *(r[k] for k in status_labels())] for r in rows)),
        ("about", ["key", "value"], about),
    ]


def plan_for_download(plan_id: int) -> Plan:
    return published.plan_or_404(plan_id)


