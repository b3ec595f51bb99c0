"""The digest engine, the same for every scope: queue a digest idempotently, claim it atomically,
report progress (the heartbeat), build it with the pure pipeline, or record why it failed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from consult.core.jobs import outbox, tasks
from consult.digests import plan_scope, scopes
from consult.digests.models import CLAIMABLE, Digest, DigestStatus
from consult.extensions import db
from consult.plans.intake import current_segmenter
from worker.analysis.results import DigestResult

log = logging.getLogger(__name__)

BUILD_TASK = tasks.BUILD_DIGEST
# Survey digests had their own task before they moved onto this engine; messages of it still in a
# broker carry ids of the dropped survey_text_digest table (see worker.tasks.build_survey_digest).
LEGACY_SURVEY_TASK = tasks.BUILD_SURVEY_DIGEST

# The default scope lives in this package; other features register theirs when imported.
scopes.register(plan_scope.PlanScope())

STAGE_LABELS = {
    "campaigns": _l("识别批量（雷同）意见"),
    "clustering": _l("归纳主题与问题"),
    "stance": _l("判断立场"),
    "clauses": _l("对应条款"),
    "describing": _l("提炼标签与代表意见"),
    "assembling": _l("汇总"),
    "done": _l("完成"),
}


def _same(scope: str, scope_key: str, plan_id: int | None, sources_key: str):  # type: ignore[no-untyped-def]
    plan = Digest.plan_id.is_(None) if plan_id is None else Digest.plan_id == plan_id
    return (Digest.scope == scope, Digest.scope_key == scope_key, plan, Digest.sources_key == sources_key)


def enqueue(scope: str, *, last: int, scope_key: str = "", plan_id: int | None = None,
            sources_key: str = plan_scope.ALL_SOURCES, trigger: str = "manual") -> tuple[Digest, bool]:
    """Queue a digest of the scope's documents up to `last`; asking twice gives one digest, and a
    failed one is queued again in place. Owes the build through the outbox (flushes, no commit)."""
    scopes.get(scope)  # an unknown scope is refused before anything is written
    same = _same(scope, scope_key, plan_id, sources_key)
    existing = db.session.scalar(select(Digest).where(*same, Digest.last_comment_id == last))
    if existing is not None and existing.status != DigestStatus.FAILED:
        return existing, False
    if existing is not None:
        existing.status, existing.progress, existing.error, existing.stage = DigestStatus.QUEUED, 0.0, "", ""
        digest = existing
    else:
        number = (db.session.scalar(select(func.max(Digest.number)).where(*same[:3])) or 0) + 1
        digest = Digest(plan_id=plan_id, scope=scope, scope_key=scope_key, number=number, trigger=trigger,
                        sources_key=sources_key, last_comment_id=last, status=DigestStatus.QUEUED)
        try:
            with db.session.begin_nested():  # flushes; a unique violation undoes only this insert
                db.session.add(digest)
        except IntegrityError:
            # Two staff pressed "build" at once: the other request's digest is this one.
            raced = db.session.scalar(select(Digest).where(*same, Digest.last_comment_id == last))
            if raced is None:
                raise
            return raced, False
    db.session.flush()
    outbox.add(BUILD_TASK, digest.id)
    return digest, True


def claim(digest_id: int) -> bool:
    """Atomically take the digest (commits): queued or failed, or running with a stale heartbeat
    (its worker was killed). Two workers racing for it leave one result."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=current_app.config["DIGEST_STALE_SECONDS"])
    claimed = db.session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            or_(
                Digest.status.in_(CLAIMABLE),
                (Digest.status == DigestStatus.RUNNING) & or_(Digest.heartbeat_at.is_(None), Digest.heartbeat_at < stale),
            ),
        )
        .values(status=DigestStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0.0, stage="", error="")
    ).rowcount
    db.session.commit()
    return claimed == 1


def heartbeat(digest_id: int) -> Callable[[float, str], None]:
    """A progress callback: stores progress and stage and refreshes the heartbeat (commits)."""

    def report(fraction: float, stage: str) -> None:
        label = str(STAGE_LABELS.get(stage, stage))  # the pipeline names its steps in English
        db.session.execute(
            update(Digest)
            .where(Digest.id == digest_id)
            .values(progress=round(min(max(fraction, 0.0), 1.0), 3), stage=label[:80], heartbeat_at=datetime.now(UTC))
        )
        db.session.commit()

    return report


def fail(digest_id: int, error: BaseException) -> None:
    """Record why a build failed (commits); the digest may be claimed again, the outbox stays owed."""
    db.session.rollback()
    log.exception("digest %s failed", digest_id)
    db.session.execute(
        update(Digest).where(Digest.id == digest_id).values(status=DigestStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    )
    db.session.commit()


def _finish(digest_id: int, result, count: int) -> None:  # type: ignore[no-untyped-def]
    digest = db.session.get(Digest, digest_id)
    digest.result = result.to_dict()  # the pipeline masks every text it keeps
    digest.comment_count = count
    digest.status, digest.progress, digest.stage = DigestStatus.DONE, 1.0, _("完成")
    digest.finished_at = datetime.now(UTC)
    if digest.scope == plan_scope.PlanScope.name:
        store_rows(digest, result)
    outbox.mark_done(BUILD_TASK, digest_id)
    db.session.commit()


def previous_done(digest: Digest) -> Digest | None:
    """The version before ``digest`` of the same plan and sources (what lineage marks compare with)."""
    return db.session.scalar(
        select(Digest)
        .where(Digest.plan_id == digest.plan_id, Digest.sources_key == digest.sources_key, Digest.status == DigestStatus.DONE,
               Digest.number < digest.number)
        .order_by(Digest.number.desc())
        .limit(1)
    )


def store_rows(digest: Digest, result: DigestResult) -> None:
    """Write the rows the plan digest's pages read (``consult.digests.store``), once, at the end of
    the build: phrasing the labels and matching the previous version used to be the first view's work."""
    from consult.digests import page_data, readable, store
    from consult.plans.models import Plan

    plan = db.session.get(Plan, digest.plan_id)
    labels = {c.id: c.label for v in plan.versions for c in v.clauses}
    opinions = page_data.opinions(page_data.shown_ids(result, readable.SAMPLE), labels)
    previous = previous_done(digest)
    before = DigestResult.from_dict(previous.result) if previous is not None and previous.result else None
    rows = store.describe_rows(result, digest.number, {i: o.text for i, o in opinions.items()}, readable.min_confidence(),
                               before, previous.number if before is not None else None)
    store.write(db.session.connection(), digest.id, rows)


def build(digest_id: int, worker: str = "") -> str:
    """Build a digest of any scope; returns its status. Safe to call again at any point: a done
    digest is left as it is, one another worker is building is left to it. `worker` (the Celery
    hostname) is kept in the result's stats with the loading time: which machine built which
    digest, and how long reading the comments took beside the pipeline's own steps."""
    # numpy/scikit-learn come with the pipeline: loaded where a worker builds, not by every page
    from worker.analysis.pipeline import build_digest

    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.is_done:
        outbox.mark_done(BUILD_TASK, digest_id)
        db.session.commit()
        return DigestStatus.DONE.value if digest else "missing"
    if not claim(digest_id):
        # Another worker has it; the outbox stays owed, so if that worker dies the sweep brings
        # the task back and it is claimed again once the heartbeat is stale.
        db.session.refresh(digest)
        return digest.status
    report = heartbeat(digest_id)
    try:
        report(0.01, _("读取意见"))
        scope = scopes.get(digest.scope)
        started = time.perf_counter()
        docs, clauses = scope.load(digest, current_segmenter()[0])
        loaded_s = round(time.perf_counter() - started, 3)
        previous = scope.previous(digest)
        result = build_digest(
            docs,
            clauses=clauses,
            previous=DigestResult.from_dict(previous.result) if previous is not None and previous.result else None,
            seed=0,
            progress=lambda f, stage: report(0.05 + 0.9 * f, stage),
        )
        result.stats.update(load_seconds=loaded_s, worker=worker)
        _finish(digest_id, result, len(docs))
        return DigestStatus.DONE.value
    except Exception as error:
        fail(digest_id, error)
        raise
