"""Hearing minutes (笔录): split into speaker turns and published into the plan's comment store."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit
from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.hearings.channel import HEARING, MINUTES
from consult.hearings.models import Hearing, HearingMinutesPart
from consult.plans import mirror as channels

MINUTES_MAX = 200_000
PART_MAX = 2_000

_SPEAKER = re.compile(r"^\s*([^\s：:]{1,20})[：:]\s*(.+)$", re.S)


def split_minutes(text: str) -> list[tuple[str, str]]:
    """Paragraphs (blank-line or line separated); a leading "姓名：" marks a speaker turn.
    A paragraph longer than PART_MAX is cut at sentence ends so each part is opinion-sized."""
    parts: list[tuple[str, str]] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        match = _SPEAKER.match(paragraph)
        speaker, body = (match.group(1), match.group(2).strip()) if match else ("", paragraph)
        while len(body) > PART_MAX:
            cut = max(body.rfind(mark, 0, PART_MAX) for mark in "。！？；") + 1 or PART_MAX
            parts.append((speaker, body[:cut]))
            body = body[cut:].strip()
        if body:
            parts.append((speaker, body))
    return parts


def publish_minutes(hearing: Hearing, actor: User, *, minutes: str, summary: str, now: datetime | None = None) -> list[HearingMinutesPart]:
    """Store the minutes (笔录) and summary and mirror each paragraph into the plan's comment store.
    Publishing again replaces the text: parts that disappeared leave the analysis."""
    now = now or datetime.now(UTC)
    if now < hearing.starts_at:
        raise ServiceError(_("听证会尚未举行，不能发布笔录。"), 409)
    text = clean_text(minutes, field=_("听证笔录"), max_chars=MINUTES_MAX, key="minutes")
    hearing.summary = clean_text(summary, field=_("听证摘要"), max_chars=10_000, key="summary")
    hearing.minutes, hearing.minutes_published_at = text, now
    old = list(db.session.scalars(select(HearingMinutesPart).where(HearingMinutesPart.hearing_id == hearing.id).order_by(HearingMinutesPart.position)))
    parts = split_minutes(text)
    for position, (speaker, body) in enumerate(parts):
        if position < len(old):
            part = old[position]
            part.speaker, part.text = speaker, body
            channels.restore(MINUTES, part.id)
        else:
            part = HearingMinutesPart(hearing_id=hearing.id, position=position, speaker=speaker, text=body)
            db.session.add(part)
            db.session.flush()
        channels.mirror(plan=hearing.plan, source=HEARING.source, body=body, origin_type=MINUTES, origin_id=part.id, author_label=speaker or "听证笔录", created_at=now)
    for part in old[len(parts):]:
        channels.withdraw(MINUTES, part.id)  # the copy stays, out of the analysis
        db.session.delete(part)
    db.session.flush()
    audit.record(actor, "hearing.publish_minutes", "hearing", hearing.id, department_id=hearing.department_id, parts=len(parts))
    return list(db.session.scalars(select(HearingMinutesPart).where(HearingMinutesPart.hearing_id == hearing.id).order_by(HearingMinutesPart.position)))
