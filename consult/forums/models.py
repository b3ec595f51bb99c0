"""Discussion boards (one per plan, standing ones per reform domain), their threads, posts and support votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db

# Standing boards by reform domain: key → name shown to the public (order is the display order).
DOMAINS = {
    "economy": "经济",
    "politics": "政治",
    "culture": "文化",
    "society": "社会",
    "ecology": "生态",
    "party": "党建",
}


class Board(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of plan_id / domain is set: a plan's board or a standing domain board.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    domain: Mapped[str | None] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    closed: Mapped[bool] = mapped_column(default=False)  # closed by staff: readable, no new posts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan = relationship("Plan")


class Thread(db.Model):
    __table_args__ = (Index("ix_thread_board_activity", "board_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    author_label: Mapped[str] = mapped_column(String(80), default="")
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    # A thread merged into another keeps its row so old links redirect to where its posts went.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"))
    # Recounted from the posts after every change (never incremented): exact under concurrency.
    reply_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0)  # support for the opening post
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    board: Mapped[Board] = relationship()

    @property
    def listed(self) -> bool:
        return not self.hidden and self.merged_into_id is None


class Post(db.Model):
    __table_args__ = (
        # A double-submitted form carries the same submission id: stored once.
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_post_thread_parent", "thread_id", "parent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_opener: Mapped[bool] = mapped_column(default=False)
    # One level of nesting: a reply may answer a top-level reply, never a nested one.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    submission_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    author_label: Mapped[str] = mapped_column(String(80), default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str] = mapped_column(String(40), default="")  # "staff" or "flags"
    support_count: Mapped[int] = mapped_column(default=0)
    search_terms: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    quote = relationship("Post", remote_side=[id], foreign_keys=[quote_id])


class PostVote(db.Model):
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
