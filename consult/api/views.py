"""The public, read-only API under /api/v1: plans, comments, answers, forum threads, hearings,
suggestions, feedback reports and statistics. Cursor pages, ETags, problem+json errors."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from consult.api import published, serializers
from consult.api import schemas as s
from consult.api.guards import protect
from consult.api.paging import LIST_PARAMS, PLAN, cached_json, int_arg, keyset, page, page_args
from consult.api.registry import document
from consult.extensions import db
from consult.forums.models import Thread
from consult.hearings.draws import draw_result
from consult.hearings.models import Hearing
from consult.plans.models import Comment, Plan
from consult.responses import publications
from consult.responses.models import FeedbackReport
from consult.responses.models import Response as Answer
from consult.stats import figures
from consult.suggestions.models import Suggestion

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect(bp)

CLAUSE = {"name": "clause", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "只看这一条款的意见"}


@bp.get("/")
@document("API 入口：各资源的链接", tag="meta", response={"type": "object"})
def index() -> Response:
    names = ("plans", "comments", "answers", "threads", "hearings", "suggestions", "feedback_reports", "statistics")
    links = {name: url_for(f"api.{name}") for name in names}
    return cached_json({"version": "v1", "links": links, "openapi": url_for("api_data.openapi"), "docs": url_for("api_data.docs")})


@bp.get("/plans")
@document("已发布的方案", tag="plans", response=s.page_of("Plan"), params=LIST_PARAMS)
def plans() -> Response:
    items, last = keyset(published.plans(), Plan.id, Plan.opens_at, page_args())
    return cached_json(page([serializers.plan(p) for p in items], last))


@bp.get("/plans/<int:plan_id>")
@document("一个方案及其各版本", tag="plans", response=s.ref("Plan"))
def plan(plan_id: int) -> Response:
    return cached_json(serializers.plan(published.plan_or_404(plan_id), full=True))


@bp.get("/plans/<int:plan_id>/versions/<int:number>")
@document("一个版本的全文与条款，以及每条的公开意见数", tag="plans", response=s.ref("Version"))
def version(plan_id: int, number: int) -> Response:
    found = next((v for v in published.plan_or_404(plan_id).versions if v.number == number), None)
    if found is None:
        abort(404, description=_("没有找到该版本。"))
    return cached_json(serializers.version(found))


def _comments(plan_id: int | None) -> Response:
    query = published.comments(plan_id)
    clause = int_arg("clause")
    if clause is not None:
        query = query.where(Comment.clause_id == clause)
    items, last = keyset(query, Comment.id, Comment.created_at, page_args())
    return cached_json(page(serializers.comments(items), last))


@bp.get("/plans/<int:plan_id>/comments")
@document("一个方案已公开的意见（含答复）", tag="comments", response=s.page_of("Comment"), params=(*LIST_PARAMS, CLAUSE))
def plan_comments(plan_id: int) -> Response:
    return _comments(published.plan_or_404(plan_id).id)


@bp.get("/comments")
@document("所有方案已公开的意见", tag="comments", response=s.page_of("Comment"), params=(*LIST_PARAMS, PLAN, CLAUSE))
def comments() -> Response:
    plan_id = int_arg("plan")
    return _comments(published.plan_or_404(plan_id).id if plan_id else None)


@bp.get("/answers")
@document("已公开意见的答复（采纳情况）", tag="comments", response=s.page_of("Answer"), params=(*LIST_PARAMS, PLAN))
def answers() -> Response:
    plan_id = int_arg("plan")
    query = published.answers(published.plan_or_404(plan_id).id if plan_id else None)
    items, last = keyset(query, Answer.id, Answer.updated_at, page_args())
    return cached_json(page([serializers.answer(r) for r in items], last))


@bp.get("/threads")
@document("论坛主题（不含隐藏和已合并的）", tag="forums", response=s.page_of("Thread"), params=(*LIST_PARAMS, PLAN))
def threads() -> Response:
    plan_id = int_arg("plan")
    query = published.threads(published.plan_or_404(plan_id).id if plan_id else None)
    items, last = keyset(query, Thread.id, Thread.created_at, page_args())
    return cached_json(page([serializers.thread(t) for t in items], last))


@bp.get("/threads/<int:thread_id>")
@document("一个论坛主题及其公开的帖子", tag="forums", response=s.ref("Thread"))
def thread(thread_id: int) -> Response:
    found = published.thread_or_404(thread_id)
    return cached_json(serializers.thread(found, published.posts(found)))


@bp.get("/hearings")
@document("听证会", tag="hearings", response=s.page_of("Hearing"), params=(*LIST_PARAMS, PLAN))
def hearings() -> Response:
    plan_id = int_arg("plan")
    query = published.hearings(published.plan_or_404(plan_id).id if plan_id else None)
    items, last = keyset(query, Hearing.id, Hearing.starts_at, page_args())
    now = datetime.now(UTC)
    return cached_json(page([serializers.hearing(h, now) for h in items], last))


@bp.get("/hearings/<int:hearing_id>")
@document("一场听证会：公布后的参加人名单与纪要", tag="hearings", response=s.ref("Hearing"))
def hearing(hearing_id: int) -> Response:
    return cached_json(serializers.hearing(published.hearing_or_404(hearing_id), datetime.now(UTC), full=True))


@bp.get("/hearings/<int:hearing_id>/draw")
@document("抽签记录（与 draw.json 相同，可据此复核）", tag="hearings", response=s.ref("Draw"))
def hearing_draw(hearing_id: int) -> Response:
    return cached_json(draw_result(published.hearing_or_404(hearing_id)), max_age=30)


@bp.get("/suggestions")
@document("公开的改革建议及答复", tag="suggestions", response=s.page_of("Suggestion"), params=LIST_PARAMS)
def suggestions() -> Response:
    items, last = keyset(published.suggestions(), Suggestion.id, Suggestion.replied_at, page_args())
    return cached_json(page([serializers.suggestion(x) for x in items], last))


def _report(report: FeedbackReport) -> dict[str, object]:
    plan = db.session.get(Plan, report.plan_id)
    data = publications.view(plan)
    if data is None:  # its first version is still being built
        return {"plan_id": report.plan_id, "summary": serializers.masked(report.summary), "published_at": serializers.when(report.published_at),
                "total": 0, "totals": {}, "clauses": [], "clusters": []}
    return {
        "plan_id": report.plan_id, "summary": serializers.masked(report.summary), "published_at": serializers.when(report.published_at),
        "total": data.total, "totals": dict(data.totals),
        "clauses": [{"label": row.label, "total": row.total, "statuses": dict(row.statuses)} for row in data.clauses],
        "clusters": [{"label": serializers.masked(row.label), "ref": row.anchor, "total": row.total, "statuses": dict(row.statuses)} for row in data.clusters],
    }


@bp.get("/feedback-reports")
@document("已公布的采纳情况反馈报告", tag="feedback", response=s.page_of("FeedbackReport"), params=(*LIST_PARAMS, PLAN))
def feedback_reports() -> Response:
    plan_id = int_arg("plan")
    query = published.feedback_reports(published.plan_or_404(plan_id).id if plan_id else None)
    items, last = keyset(query, FeedbackReport.id, FeedbackReport.published_at, page_args())
    return cached_json(page([_report(r) for r in items], last))


@bp.get("/plans/<int:plan_id>/feedback")
@document("一个方案的采纳情况反馈报告", tag="feedback", response=s.ref("FeedbackReport"))
def plan_feedback(plan_id: int) -> Response:
    found = db.session.scalar(published.feedback_reports(published.plan_or_404(plan_id).id))
    if found is None:
        abort(404, description=_("该方案的采纳情况反馈尚未公布。"))
    return cached_json(_report(found))




def _statistics(raw: dict[str, object]) -> Response:
    # The figures hold no personal data by design; cluster labels come from citizens' words, so masked anyway.
    data = serializers.masked_deep(raw)
    return cached_json(data, max_age=300, etag_basis={k: v for k, v in data.items() if k != "generated_at"})


@bp.get("/statistics")
@document("公开统计：参与、渠道、采纳、听证、建议办理、满意度（每项一张表）", tag="statistics", response=s.ref("Statistics"))
def statistics() -> Response:
    return _statistics(figures.site_figures())


@bp.get("/plans/<int:plan_id>/statistics")
@document("一个方案的公开统计（每条款、立场、采纳、听证、满意度）", tag="statistics", response=s.ref("Statistics"))
def plan_statistics(plan_id: int) -> Response:
    data = figures.plan_figures(published.plan_or_404(plan_id).id)
    if data is None:
        abort(404, description=_("没有找到该方案。"))
    return _statistics(data)
