"""One-time invitation links: issuing them (N links or a recipient list), looking a token up,
and progress saved against a link. Only SHA-256 hashes of tokens are stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from consult.core import audit, clock
from consult.core.files.spreadsheets import TableError, read_table
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.surveys.building import status
from consult.surveys.models import Survey, SurveyDraft, SurveyInvitation
from worker.analysis.normalise import mask_personal

MAX_LINKS = 20_000
NAME_COLUMNS = ("姓名", "name", "对象", "recipient")
CONTACT_COLUMNS = ("联系方式", "手机", "手机号", "电话", "邮箱", "email", "phone", "contact")


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: not guessable


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def draft_key(token: str) -> str:
    # A different hash from the ledger's: a saved draft cannot be joined to the recipient list
    # by anyone who does not hold the link itself.
    return hashlib.sha256(("draft:" + token).encode("utf-8")).hexdigest()


@dataclass
class IssuedLink:
    recipient: str
    contact: str
    token: str


def issue(survey: Survey, recipients: list[tuple[str, str]], *, actor: User | None, expires_days: int | None = 30,
          batch: str = "", ticket_id: int | None = None) -> list[IssuedLink]:
    """One invitation per (recipient, contact). The raw tokens are returned once and never stored."""
    if not survey.published:
        raise ServiceError(_("问卷发布后才能生成邀请链接。"), 409)
    if survey.mode != "invite":
        raise ServiceError(_("公开问卷不需要邀请链接。"), 409)
    if not recipients:
        raise ServiceError(_("没有可生成链接的对象。"))
    if len(recipients) > MAX_LINKS:
        raise ServiceError(_("一次最多生成 %(n)s 个链接。", n=MAX_LINKS))
    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    if survey.closes_at is not None:
        expires = min(expires, survey.closes_at) if expires else survey.closes_at
    batch = batch or clock.now_local().strftime("%Y%m%d%H%M%S")
    links = []
    rows = []
    # An anonymous survey keeps no recipient list: the names and contacts go into the file of links
    # handed out once, and the ledger holds hashes and use days only, with nobody to match them to.
    keep = not survey.anonymous
    for recipient, contact in recipients:
        token = new_token()
        links.append(IssuedLink(recipient[:120], contact[:254], token))
        rows.append({"survey_id": survey.id, "token_hash": token_hash(token), "recipient": recipient[:120] if keep else "",
                     "contact": contact[:254] if keep else "",
                     "batch": batch, "created_at": datetime.now(UTC), "expires_at": expires, "ticket_id": ticket_id})
    db.session.execute(SurveyInvitation.__table__.insert(), rows)
    audit.record(actor, "survey.invitations", "survey", survey.id, department_id=survey.department_id, count=len(rows), batch=batch)
    return links


def recipients_from_file(filename: str, data: bytes) -> list[tuple[str, str]]:
    """(name, contact) pairs from a CSV/XLSX recipient list with a header row."""
    try:
        table = read_table(filename, data)
    except TableError as error:
        raise ServiceError(error.message) from None
    if not table:
        raise ServiceError(_("名单中没有数据行。"))
    columns = list(table[0])
    name_col = next((c for c in columns if c.lower() in NAME_COLUMNS), None)
    contact_col = next((c for c in columns if c.lower() in CONTACT_COLUMNS), None)
    if contact_col is None:
        raise ServiceError(_("名单需要“联系方式”（或“手机号”“邮箱”）列。"))
    out = [((row.get(name_col or "", "") or "").strip(), (row.get(contact_col) or "").strip()) for row in table]
    out = [(n, c) for n, c in out if c]
    if not out:
        raise ServiceError(_("名单中没有填写联系方式的行。"))
    return out


def find(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_hash == token_hash(token)))


def check_usable(invitation: SurveyInvitation | None, survey: Survey | None, now: datetime | None = None) -> None:
    """Raise the refusal a respondent should see: forged 404, expired or closed 410, not yet open 403.

    Whether the link was used is deliberately not checked here: opening a link (GET) must look the
    same used or not, or whoever holds the list of links (staff) could learn who answered. Only
    submitting answers tells, through the ledger's conditional UPDATE (409)."""

    now = now or datetime.now(UTC)
    if invitation is None or survey is None or not survey.published:
        raise ServiceError(_("链接无效：没有找到这份问卷邀请，请检查链接是否完整。"), 404)
    state = status(survey, now)
    if state == "closed":
        raise ServiceError(_("这份问卷已于截止时间关闭，不再接受回答。"), 410)
    if state == "scheduled":
        raise ServiceError(_("这份问卷尚未开始，请在开始后再打开链接。"), 403)
    if invitation.expires_at is not None and now >= invitation.expires_at:
        raise ServiceError(_("这个邀请链接已过期，不再接受回答。"), 410)


def save_draft(survey: Survey, token: str, data: dict[str, list[str]]) -> None:
    key = draft_key(token)
    draft = db.session.scalar(select(SurveyDraft).where(SurveyDraft.key_hash == key))
    if draft is None:
        draft = SurveyDraft(key_hash=key, survey_id=survey.id, data=data, updated_on=date.today())
        db.session.add(draft)
    else:
        draft.data, draft.updated_on = data, date.today()
    db.session.flush()


def load_draft(token: str) -> dict[str, list[str]]:
    draft = db.session.scalar(select(SurveyDraft).where(SurveyDraft.key_hash == draft_key(token)))
    return dict(draft.data) if draft is not None else {}


def drop_draft(token: str) -> None:
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.key_hash == draft_key(token)))


def masked_contact(contact: str) -> str:
    return mask_personal(contact)
