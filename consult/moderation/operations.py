"""Moderation: the sensitive-word screen, the staff queue with bulk decisions, and user flags.

A post that matches a listed word is never dropped: it is stored as pending with the matched
words in ``held_reason`` and waits in the queue, whatever the plan's moderation mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from consult.core import audit, notifications
from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.moderation import flags
from consult.moderation.models import Flag, SensitiveWord
from consult.plans.models import Comment, CommentStatus, Plan
from worker.analysis.sensitive import Automaton, fold_word

HELD_WORD = "word"
HELD_FLAGS = "flags"
FLAG_HIDE_THRESHOLD = 3  # open reports that take a published comment out of view until reviewed
WORD_MAX_CHARS = 50
WORDS_PER_PASTE = 1000
BULK_MAX = 200
REASON_MAX_CHARS = 500
QUEUE_PAGE_SIZE = 50
QUEUE_FILTERS = ("pending", "flagged", "word", "rejected", "published")
SPLIT = re.compile(r"[\n,，、;；\t]+")


# --- sensitive words ---------------------------------------------------------------------


def words_version() -> int:
    """Changes whenever a word is added or removed (count and newest id together)."""
    count, newest = db.session.execute(select(func.count(SensitiveWord.id), func.max(SensitiveWord.id))).one()
    return int(count or 0) * 1_000_000 + int(newest or 0)


_cache: dict[int, Automaton] = {}


def current_automaton() -> Automaton:
    """Built once per list version and process; adding or removing a word bumps the version."""
    version = words_version()
    automaton = _cache.get(version)
    if automaton is None:
        automaton = Automaton(db.session.scalars(select(SensitiveWord.word).order_by(SensitiveWord.id)))
        _cache.clear()
        _cache[version] = automaton
    return automaton


def screen(text: str) -> list[str]:
    """The listed sensitive words found in ``text`` (after normalisation), in order of appearance.

    For every channel that posts publicly (comments, forum, hearings, suggestions): a non-empty
    result means the post must be stored as pending with the words as its held reason."""
    return current_automaton().find(text or "")


def hold_if_sensitive(comment: Comment) -> list[str]:
    found = screen(comment.body)
    if found:
        comment.status = CommentStatus.PENDING
        comment.held_kind = HELD_WORD
        comment.held_reason = "、".join(found)[:2000]
    return found


def add_words(raw: str, user: User) -> tuple[list[str], list[str]]:
    """Add one word per line (or separated by commas/、). Returns (added, already listed)."""
    text = clean_text(raw, field=_("敏感词"), max_chars=WORDS_PER_PASTE * (WORD_MAX_CHARS + 1))
    candidates = [w.strip() for w in SPLIT.split(text) if w.strip()]
    if not candidates:
        raise ServiceError(_("请至少填写一个词语。"))
    if len(candidates) > WORDS_PER_PASTE:
        raise ServiceError(_("一次最多添加 %(n)s 个词语。", n=WORDS_PER_PASTE))
    for word in candidates:
        if len(word) > WORD_MAX_CHARS:
            raise ServiceError(_("词语“%(w)s…”过长（最多 %(n)s 个字）。", w=word[:10], n=WORD_MAX_CHARS))
        if len(fold_word(word)) < 2:
            raise ServiceError(_("词语“%(w)s”过短：去掉空格和标点后至少要有 2 个字。", w=word))
    listed = set(db.session.scalars(select(SensitiveWord.folded)))
    added: list[str] = []
    skipped: list[str] = []
    for word in candidates:
        folded = fold_word(word)
        if folded in listed:
            skipped.append(word)
            continue
        listed.add(folded)
        db.session.add(SensitiveWord(word=word, folded=folded, created_by_id=user.id))
        added.append(word)
    db.session.flush()
    if added:
        audit.record(user, "sensitive_word.add", "sensitive_word", None, words=added[:50], count=len(added))
    return added, skipped


def remove_word(word_id: int, user: User) -> SensitiveWord:
    entry = db.session.get(SensitiveWord, word_id)
    if entry is None:
        raise ServiceError(_("词表中没有这个词。"), 404)
    db.session.delete(entry)
    db.session.flush()
    audit.record(user, "sensitive_word.remove", "sensitive_word", word_id, word=entry.word)
    return entry


def words() -> list[SensitiveWord]:
    return list(db.session.scalars(select(SensitiveWord).order_by(SensitiveWord.folded)))


# --- the queue -----------------------------------------------------------------------------


def visible_plan_ids(user: User) -> Select | None:
    """None for office staff and admins (every plan); department staff: their department's plans."""
    if user.role in ("staff", "admin"):
        return None
    return select(Plan.id).where(Plan.department_id == (user.department_id if user.department_id is not None else -1))


def may_moderate(user: User, comment: Comment) -> bool:
    if user.role in ("staff", "admin"):
        return True
    plan = db.session.get(Plan, comment.plan_id)
    return user.role == "department" and user.department_id is not None and plan is not None and plan.department_id == user.department_id


@dataclass
class QueueFilter:
    status: str = "pending"
    plan_id: int | None = None
    source: str = ""
    since: date | None = None
    until: date | None = None


def _open_flagged() -> Select:
    return select(Flag.target_id).where(Flag.target_type == "comment", Flag.resolved_at.is_(None))


def queue_query(user: User, spec: QueueFilter) -> Select:
    # Mirrored channel copies are moderated in their own channel; internal records are never public.
    query = select(Comment).where(Comment.origin_type.is_(None), Comment.status != CommentStatus.INTERNAL)
    scope = visible_plan_ids(user)
    if scope is not None:
        query = query.where(Comment.plan_id.in_(scope))
    if spec.status == "pending":
        query = query.where(Comment.status == CommentStatus.PENDING)
    elif spec.status == "word":
        query = query.where(Comment.status == CommentStatus.PENDING, Comment.held_kind == HELD_WORD)
    elif spec.status == "flagged":
        query = query.where(Comment.id.in_(_open_flagged()))
    elif spec.status in ("rejected", "published"):
        query = query.where(Comment.status == spec.status)
    if spec.plan_id is not None:
        query = query.where(Comment.plan_id == spec.plan_id)
    if spec.source:
        query = query.where(Comment.source == spec.source)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if spec.since is not None:
        query = query.where(Comment.created_at >= datetime.combine(spec.since, time(), zone))
    if spec.until is not None:
        query = query.where(Comment.created_at < datetime.combine(spec.until + timedelta(days=1), time(), zone))
    return query


def queue_page(user: User, spec: QueueFilter, page: int) -> tuple[list[Comment], int, int]:
    query = queue_query(user, spec)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // QUEUE_PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(query.order_by(Comment.created_at.desc(), Comment.id.desc()).offset((page - 1) * QUEUE_PAGE_SIZE).limit(QUEUE_PAGE_SIZE)))
    return items, page, pages


def open_flags(comment_ids: list[int]) -> dict[int, list[str]]:
    """Comment id → the reasons of its open reports (an empty reason counts too)."""
    result: dict[int, list[str]] = {}
    if not comment_ids:
        return result
    rows = db.session.execute(
        select(Flag.target_id, Flag.reason).where(Flag.target_type == "comment", Flag.target_id.in_(comment_ids), Flag.resolved_at.is_(None)).order_by(Flag.id)
    )
    for target_id, reason in rows:
        result.setdefault(target_id, []).append(reason)
    return result


def moderate(user: User, comment_ids: list[int], action: str, reason: str = "") -> list[Comment]:
    """Approve or reject a batch. The whole batch is refused if any id is unknown or not the user's."""
    if action not in ("approve", "reject"):
        raise ServiceError(_("无效的审核操作。"), field="action")
    ids = list(dict.fromkeys(comment_ids))
    if not ids:
        raise ServiceError(_("请先选择要审核的意见。"))
    if len(ids) > BULK_MAX:
        raise ServiceError(_("一次最多审核 %(n)s 条意见。", n=BULK_MAX))
    text = ""
    if action == "reject":
        if not (reason or "").strip():
            raise ServiceError(_("不予通过时必须填写理由（理由会告知作者）。"), field="reason")
        text = clean_text(reason, field=_("理由"), max_chars=REASON_MAX_CHARS, key="reason")
    elif (reason or "").strip():
        text = clean_text(reason, field=_("理由"), max_chars=REASON_MAX_CHARS, key="reason")
    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    if len(comments) != len(ids):
        raise ServiceError(_("所选意见中有不存在的条目，本次操作未执行。"), 404)
    if any(not may_moderate(user, c) for c in comments):
        raise ServiceError(_("所选意见中有不属于本部门方案的条目，本次操作未执行。"), 403)
    if any(c.origin_type is not None or c.status == CommentStatus.INTERNAL for c in comments):
        raise ServiceError(_("所选条目中有内部记录或其他栏目的内容，不能在此审核，本次操作未执行。"), 409)
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_({c.plan_id for c in comments})))}
    for comment in comments:
        plan = plans[comment.plan_id]
        link = f"/account/comments#comment-{comment.id}"
        was = comment.status
        if action == "approve":
            comment.status = CommentStatus.PUBLISHED
            comment.reject_reason = ""
            comment.held_kind = ""
            flags.resolve("comment", comment.id, "kept")
            title = _("您在《%(t)s》上的意见已通过审核并公开", t=plan.title[:60])
        else:
            comment.status = CommentStatus.REJECTED
            comment.reject_reason = text
            comment.held_kind = ""
            flags.resolve("comment", comment.id, "removed")
            title = _("您在《%(t)s》上的意见未通过审核", t=plan.title[:60])
        audit.record(user, f"comment.{action}", "comment", comment.id, department_id=plan.department_id, plan_id=plan.id, reason=text)
        if comment.user_id and comment.status != was:  # keeping a public comment public is no news
            body = _("理由：%(r)s", r=text) if text else ""
            notifications.notify(comment.user_id, "moderation", title, body, link)
            notify_reply(comment)
    db.session.flush()
    return comments


def notify_reply(reply: Comment) -> None:
    """Once a reply is public its parent's author hears of it in the inbox (not when replying to oneself)."""
    if reply.parent_id is None or reply.status != CommentStatus.PUBLISHED:
        return
    parent = db.session.get(Comment, reply.parent_id)
    if parent is None or not parent.user_id or parent.user_id == reply.user_id:
        return
    plan = db.session.get(Plan, reply.plan_id)
    page = f"/plans/{reply.plan_id}/clauses/{reply.clause_id}" if reply.clause_id else f"/plans/{reply.plan_id}"
    title = _("有人回复了您在《%(t)s》上的意见", t=(plan.title if plan else "")[:60])
    notifications.notify(parent.user_id, "reply", title, reply.body[:200], f"{page}#comment-{reply.id}")


# --- flags ---------------------------------------------------------------------------------


def flag_comment(user: User, comment: Comment, reason: str = "") -> tuple[Flag, bool]:
    """A user reports a public comment; enough open reports take it out of view until reviewed."""
    if comment.status != CommentStatus.PUBLISHED:
        raise ServiceError(_("没有找到该意见。"), 404)
    if comment.user_id == user.id:
        raise ServiceError(_("不能举报自己的意见。"))
    entry, created = flags.flag(user, "comment", comment.id, reason)
    if created and flags.open_count("comment", comment.id) >= FLAG_HIDE_THRESHOLD:
        comment.status = CommentStatus.PENDING
        comment.held_kind = HELD_FLAGS
        comment.held_reason = _("被多人举报")
    db.session.flush()
    return entry, created


# --- what the author sees ------------------------------------------------------------------


def author_status(comment: Comment) -> str:
    """The status of a comment in words its author understands (categories, not the word list)."""
    if comment.status == CommentStatus.PUBLISHED:
        return _("已公开")
    if comment.status == CommentStatus.REJECTED:
        return _("未通过审核")
    if comment.status == CommentStatus.WITHDRAWN:
        return _("已撤回")
    if comment.status == CommentStatus.PENDING:
        if comment.held_kind == HELD_WORD:
            return _("待审核：内容含需人工复核的词语")
        if comment.held_kind == HELD_FLAGS:
            return _("待审核：被举报，复核中")
        return _("待审核：本方案先审后发")
    return _("内部记录")


def my_comments(user: User, page: int, per_page: int = 20) -> tuple[list[Comment], int, int]:
    query = select(Comment).where(Comment.user_id == user.id, Comment.origin_type.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(query.order_by(Comment.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return items, page, pages
