"""What the digest page reads from the database: only the opinions it quotes, and counts in SQL.

A digest of 100,000 opinions used to load every comment (and put every id into one ``IN (…)``,
which PostgreSQL refuses above 65,535 parameters) to show a few hundred quotes and three tables
of counts.
"""

from __future__ import annotations

import copy
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, literal, select

from consult.digests import plan_scope, reports
from consult.digests.models import Digest
from consult.extensions import db
from consult.plans.models import Comment, Plan
from consult.responses.models import Response as Answer
from worker.analysis.normalise import mask_personal
from worker.analysis.results import DigestResult

CHUNK = 10_000
_MEMO: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMO_SIZE = 8  # per worker process: the parsed results and described themes of the last few digests  # ids per query: far below the driver's 65,535 parameters


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def shown_ids(result: DigestResult, sample: int) -> list[int]:
    """Ids whose texts the page can quote: representatives and the first members of every theme and issue."""
    out: dict[int, None] = {}
    for theme in result.themes:
        for group in (theme, *theme.issues):
            out.update(dict.fromkeys([*group.representative_ids, *group.member_ids[:sample]]))
            out.update(dict.fromkeys(int(getattr(q, "id", 0)) for q in getattr(group, "quotes", None) or []))
    return list(out)


def opinions(ids: list[int], labels: dict[int, str]) -> dict[int, reports.Opinion]:
    """Masked opinions by id (column loads, in chunks)."""
    out: dict[int, reports.Opinion] = {}
    columns = (Comment.id, Comment.body, Comment.created_at, Comment.source, Comment.clause_id)
    for batch in chunks(ids):
        for cid, body, created_at, source, clause_id in db.session.execute(select(*columns).where(Comment.id.in_(batch))):
            out[cid] = reports.Opinion(cid, mask_personal(body), created_at, source, labels.get(clause_id, "") if clause_id else "")
    return out


def _scope(digest: Digest):  # type: ignore[no-untyped-def]
    return plan_scope.analysed(digest.plan_id, digest.sources_key).where(Comment.id <= digest.last_comment_id)


def _local_day():  # type: ignore[no-untyped-def]
    zone = reports.local_zone()
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(zone.key, Comment.created_at), "YYYY-MM-DD")
    offset = datetime.now(UTC).astimezone(zone).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return func.date(Comment.created_at, literal(f"{hours:+d} hours"))


def daily_counts(digest: Digest) -> list[tuple[str, int]]:
    """Opinions per local day, counted in SQL."""
    day = _local_day().label("day")
    query = _scope(digest).with_only_columns(day, func.count()).group_by(day).order_by(day)
    return [(str(d), int(n)) for d, n in db.session.execute(query)]


def channel_counts(digest: Digest) -> Counter[str]:
    query = _scope(digest).with_only_columns(Comment.source, func.count()).group_by(Comment.source)
    return Counter({str(s): int(n) for s, n in db.session.execute(query)})


def answered_ids(plan: Plan) -> set[int]:
    return set(db.session.scalars(select(Answer.comment_id).where(Answer.plan_id == plan.id)))


def memo(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    value = _MEMO[key] = build()
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return value


def parsed(digest: Digest) -> DigestResult | None:
    """The digest's result, parsed once per worker process: a finished digest never changes."""
    if not digest.is_done:
        return DigestResult.from_dict(digest.result) if digest.result else None
    return memo(("result", digest.id, digest.finished_at), lambda: DigestResult.from_dict(digest.result) if digest.result else None)


def described(digest: Digest, build: Callable[[], Any]) -> Any:
    """What ``build`` makes of a finished digest (its readable themes, lineage included), made once per
    process; a copy, since the page adds its answered counts to it."""
    return copy.deepcopy(memo(("described", digest.id, digest.finished_at), build))


def counted(digest: Digest) -> tuple[list[tuple[str, int]], Counter[str]]:
    """Per-day and per-channel counts of the digest's opinions (fixed once it is done: counted once per process)."""
    if not digest.is_done:
        return daily_counts(digest), channel_counts(digest)
    return memo(("counted", digest.id, digest.finished_at), lambda: (daily_counts(digest), channel_counts(digest)))  # type: ignore[no-any-return]
