"""Importing letters, e-mails and hotline records into a plan as internal (never public) comments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import channels
from consult.core.files.spreadsheets import TableError, read_table
from consult.core.jobs import outbox, tasks
from consult.core.text import search_terms
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, ImportBatch, Plan
from worker.analysis.normalise import strip_invisible

TEXT_COLUMNS = ("text", "内容", "意见", "留言", "正文", "content", "body", "message")
DATE_COLUMNS = ("date", "日期", "时间", "created_at", "time")
MAX_TEXT = 20_000


def _pick(header: list[str], wanted: tuple[str, ...], explicit: str | None) -> str | None:
    if explicit:
        if explicit not in header:
            raise ServiceError(_("文件中没有名为“%(col)s”的列。", col=explicit))
        return explicit
    lowered = {h.lower(): h for h in header}
    return next((lowered[w] for w in wanted if w in lowered), None)


def _date(value: str) -> datetime | None:
    value = (value or "").strip().replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value[:19], fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def import_records(plan: Plan, *, filename: str, data: bytes, channel: str, text_column: str | None = None) -> ImportBatch:
    if channel not in {c.source for c in channels.imported()}:
        names = "、".join(str(c.label) for c in channels.imported())
        raise ServiceError(_("请选择来源渠道（%(names)s）。", names=names), field="channel")
    digest = hashlib.sha256(data).hexdigest()
    if any((b.meta or {}).get("sha256") == digest for b in db.session.scalars(select(ImportBatch).where(ImportBatch.plan_id == plan.id))):
        raise ServiceError(_("这个文件已经导入过了，不会重复导入。"), 409)
    try:
        rows = read_table(filename, data)
    except TableError as error:
        raise ServiceError(error.message) from None
    header = list(rows[0]) if rows else []
    column = _pick(header, TEXT_COLUMNS, text_column)
    if column is None:
        raise ServiceError(_("找不到意见内容所在的列，请指定列名（如“内容”）。"))
    date_column = _pick(header, DATE_COLUMNS, None)
    version = plan.current_version
    # Only a label for provenance (the file is never written to disk): keep the bare name, so
    # "../../etc/x.csv" or "C:\\x.csv" cannot pose as a path anywhere it is shown or reused.
    label = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    batch = ImportBatch(plan_id=plan.id, filename=label, channel=channel, meta={"sha256": digest, "column": column})
    db.session.add(batch)
    db.session.flush()
    skipped = 0
    for row in rows:
        text = strip_invisible(row.get(column, "")).strip()[:MAX_TEXT]
        if not text:
            skipped += 1
            continue
        comment = Comment(
            plan_id=plan.id,
            version_id=version.id,
            source=channel,
            body=text,
            author_label=channels.label(channel),
            status=CommentStatus.INTERNAL,
            search_terms=search_terms(text),
            created_at=(_date(row.get(date_column, "")) if date_column else None) or datetime.now(UTC),
        )
        db.session.add(comment)
        db.session.flush()
        outbox.add(tasks.SEGMENT_COMMENT, comment.id)
        batch.rows += 1
    if batch.rows == 0:
        raise ServiceError(_("文件中没有可导入的意见内容。"))
    batch.note = _("导入 %(n)s 条，跳过空行 %(s)s 条。", n=batch.rows, s=skipped)
    return batch
