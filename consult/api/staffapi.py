"""What staff tokens do: import records into a plan (idempotent on the caller's external id), read
digests and answers, write answers; each scoped to the token's account exactly as on the web."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from consult.api.models import ApiImport, ApiToken
from consult.api.serializers import masked_deep
from consult.core import audit, channels
from consult.core.web.errors import ServiceError
from consult.digests.models import Digest
from consult.extensions import db
from consult.plans import imports
from consult.plans.access import can_manage_plan
from consult.plans.models import Comment, Plan
from consult.responses import operations as answers
from consult.responses.models import Response
from worker.analysis.privacy import mask_text

MAX_RECORDS = 5000


def require(token: ApiToken, scope: str) -> None:
    if scope not in (token.scopes or []):
        abort(403, description=_("该令牌没有 %(s)s 权限。", s=scope))


def managed_plan(token: ApiToken, plan_id: int) -> Plan:
    """The plan if the token's account may manage it; another department's plan is a 404 (not revealed)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not can_manage_plan(token.user, plan):
        abort(404, description=_("没有找到该方案。"))
    return plan


def _field(errors: list[dict[str, str]], name: str, message: str) -> None:
    errors.append({"field": name, "message": message})


def _records(data: dict[str, Any]) -> tuple[str, str, list[dict[str, str]]]:
    """Validated (external id, channel, records) or a 422 naming every wrong field."""
    errors: list[dict[str, str]] = []
    external = data.get("external_id")
    if not isinstance(external, str) or not external.strip() or len(external) > 100:
        _field(errors, "external_id", _("external_id 须为 1 到 100 个字符的字符串。"))
    channel = data.get("channel")
    allowed = [c.source for c in channels.imported()]
    if channel not in allowed:
        _field(errors, "channel", _("channel 须为 %(c)s 之一。", c="、".join(allowed)))
    records = data.get("records")
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        _field(errors, "records", _("records 须为 1 到 %(n)s 条记录的数组。", n=MAX_RECORDS))
        records = []
    for k, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not isinstance(record.get("date", ""), str):
            _field(errors, f"records[{k}]", _("每条记录须为含字符串 text（可选 date）的对象。"))
            if len(errors) >= 20:
                break
    if errors:
        raise ApiFieldErrors(errors)
    return str(external).strip(), str(channel), records


class ApiFieldErrors(Exception):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _as_csv(records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["text", "date"])
    for record in records:
        writer.writerow([record["text"], record.get("date", "")])
    return buffer.getvalue().encode("utf-8")


def previous_import(plan: Plan, external_id: str) -> ApiImport | None:
    return db.session.scalar(select(ApiImport).where(ApiImport.plan_id == plan.id, ApiImport.external_id == external_id))


def import_records(token: ApiToken, plan: Plan, data: dict[str, Any]) -> tuple[ApiImport, bool]:
    """(the import, created): a retry with the same external id returns the first import unchanged."""
    external, channel, records = _records(data)
    found = previous_import(plan, external)
    if found is not None:
        return found, False
    batch = imports.import_records(plan, filename=f"api-{external}.csv", data=_as_csv(records), channel=channel, text_column="text")
    entry = ApiImport(plan_id=plan.id, external_id=external, batch_id=batch.id, token_id=token.id, rows=batch.rows, detail={"note": batch.note})
    db.session.add(entry)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ServiceError(_("同一 external_id 的导入正在进行，请稍后重试。"), 409) from None
    audit.record(token.user, "comments.import", "import_batch", batch.id, department_id=plan.department_id,
                 plan_id=plan.id, channel=channel, rows=batch.rows, via="api", token_id=token.id, external_id=external[:100])
    return entry, True


def digests(plan: Plan) -> Select[Any]:
    return select(Digest).where(Digest.plan_id == plan.id)


def digest_data(digest: Digest, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": digest.id, "plan_id": digest.plan_id, "number": digest.number, "status": digest.status,
        "comment_count": digest.comment_count, "created_at": digest.created_at.isoformat(),
        "finished_at": digest.finished_at.isoformat() if digest.finished_at else None,
    }
    if full:
        data["result"] = masked_deep(digest.result) if digest.result else None
    return data


def digest_for(token: ApiToken, digest_id: int) -> Digest:
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.plan_id is None:
        abort(404, description=_("没有找到该摘要。"))
    managed_plan(token, digest.plan_id)
    return digest


def answers_query(plan: Plan) -> Select[Any]:
    return select(Response).where(Response.plan_id == plan.id)


def answer_data(items: list[Response]) -> list[dict[str, Any]]:
    ids = [r.comment_id for r in items]
    found = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))} if ids else {}
    return [
        {"comment_id": r.comment_id, "channel": channels.label(found[r.comment_id].source) if r.comment_id in found else "",
         "comment": mask_text(found[r.comment_id].body) if r.comment_id in found else "", "status": r.status,
         "text": mask_text(r.text), "reason": mask_text(r.reason), "cluster": r.cluster_ref, "updated_at": r.updated_at.isoformat()}
        for r in items
    ]


def write_answers(token: ApiToken, plan: Plan, data: dict[str, Any]) -> int:
    """The workbench's rules (answers.respond / respond_cluster): same checks, same audit entry."""
    errors: list[dict[str, str]] = []
    for name in ("status", "text", "reason", "cluster"):
        if name in data and not isinstance(data[name], str):
            _field(errors, name, _("%(n)s 须为字符串。", n=name))
    ids = data.get("comment_ids", [])
    if not isinstance(ids, list) or any(not isinstance(i, int) or isinstance(i, bool) or not 0 < i < 2**31 for i in ids):
        _field(errors, "comment_ids", _("comment_ids 须为正整数数组。"))
    if errors:
        raise ApiFieldErrors(errors)
    status, text, reason, cluster = (str(data.get(k, "")) for k in ("status", "text", "reason", "cluster"))
    if cluster.strip() and not ids:
        return answers.respond_cluster(token.user, plan, cluster, status=status, text=text, reason=reason)
    return answers.respond(token.user, plan, ids, status=status, text=text, reason=reason)
