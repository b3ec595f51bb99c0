"""Staff digest pages: build with live progress, read themes → issues → comments, export, import."""

from __future__ import annotations

from types import SimpleNamespace

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from consult.core import audit, channels
from consult.core.security.permissions import safe_target, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import query_page
from consult.core.web.errors import ServiceError
from consult.digests import engine, page_data, readable, reports, store
from consult.digests import operations as digests
from consult.digests.forms import ImportForm
from consult.digests.models import Digest
from consult.extensions import db
from consult.plans import imports
from consult.plans.access import managed_plan
from consult.plans.models import Clause, Comment, Plan
from consult.responses.models import Response as Answer
from worker.analysis.normalise import mask_personal
from worker.analysis.results import DigestResult

bp = Blueprint("digests", __name__, template_folder="templates", url_prefix="/staff")


def _digest(digest_id: int) -> tuple[Digest, Plan]:
    digest = db.session.get(Digest, digest_id)
    if digest is None:
        abort(404, description=_("没有找到该摘要。"))
    return digest, managed_plan(digest.plan_id)


def _opinions(result: DigestResult, plan: Plan) -> dict[int, reports.Opinion]:
    """Every opinion of the digest (the exports list them all)."""
    return page_data.opinions([int(i) for i in result.assignments], digests.clause_labels(plan))


def _previous(digest: Digest) -> Digest | None:
    """The version before ``digest`` of the same plan and sources (what lineage marks compare with)."""
    return engine.previous_done(digest)


def stored_view(digest: Digest, plan: Plan, clause_labels: dict[int, str]) -> dict:
    """The page from the digest's rows (``consult.digests.store``): themes and issues as described at
    build time, answered counts and per-day/channel counts in SQL; the result itself is not read.

    A finished digest's rows never change, so per process are kept: its themes with their answered
    counts and the themes' HTML (both while the plan's set of answers is the same: their number and
    newest id, one index-only aggregate; and per language and clause labels), and its overview."""
    answers = select(Answer.comment_id).where(Answer.plan_id == plan.id)
    n, newest = db.session.execute(select(func.count(), func.max(Answer.id)).where(Answer.plan_id == plan.id)).one()

    def described() -> list[readable.ThemeView]:
        themes = store.themes_view(db.session, digest)
        # Answered counts join 100k memberships with the answers (~0.25 s at 100k).
        store.add_answers(themes, store.answered_counts(db.session, digest, answers))
        return themes

    order = [c.id for v in plan.versions for c in v.clauses]
    daily, channels = page_data.counted(digest)
    if not digest.is_done:  # rows of a digest still being finished: nothing kept
        themes = described()
        overview, campaigns = store.overview(db.session, digest, order, daily, channels)
        return {"themes_view": themes, "overview": overview, "previous": _previous(digest), "daily": daily,
                "result": store.PageResult(campaigns, themes)}
    key = (digest.id, digest.finished_at, n, newest)
    themes = page_data.memo(("themes", *key), described)
    overview, campaigns = page_data.memo(("overview", digest.id, digest.finished_at, tuple(order)),
                                         lambda: store.overview(db.session, digest, order, daily, channels))
    render = get_template_attribute("digests/_theme.html", "readable_themes")
    html = page_data.memo(("themes_html", *key, str(get_locale()), tuple(sorted(clause_labels.items()))),
                          lambda: render(themes, digest, clause_labels, reports.stance_text))  # a macro's output is Markup
    return {"themes_view": themes, "themes_html": html, "overview": overview, "previous": _previous(digest), "daily": daily,
            "result": store.PageResult(campaigns, themes)}


def readable_view(digest: Digest, result: DigestResult, plan: Plan) -> dict:
    """Themes with readable issues (lineage, answered counts) and the overview. Only the opinions the
    themes quote are read (once per process for a finished digest); the overview counts come from SQL."""
    threshold = readable.min_confidence()
    previous = _previous(digest)

    def describe() -> list[readable.ThemeView]:
        opinions = page_data.opinions(page_data.shown_ids(result, readable.SAMPLE), digests.clause_labels(plan))
        themes = readable.describe(result, digest.number, {i: o.text for i, o in opinions.items()}, threshold)
        if previous is not None and previous.result:
            readable.add_lineage(themes, result, DigestResult.from_dict(previous.result), previous.number)
        return themes

    themes = page_data.described(digest, describe) if digest.is_done else describe()
    readable.add_answers(themes, result, page_data.answered_ids(plan))
    order = [c.id for v in plan.versions for c in v.clauses]
    daily, channels = page_data.counted(digest)
    return {
        "themes_view": themes,
        "overview": page_data.memo(("overview", digest.id, digest.finished_at, threshold, tuple(order)),
                                   lambda: readable.overview(result, {}, order, threshold, daily, channels)),
        "previous": previous,
        "daily": daily,
    }


@bp.get("/plans/<int:plan_id>/digest")
@staff_required
def page(plan_id: int) -> str:
    plan = managed_plan(plan_id)
    source = request.args.get("source", digests.ALL_SOURCES)
    key = digests.sources_key(source.split(","))
    history = list(db.session.scalars(select(Digest).where(Digest.plan_id == plan.id).order_by(Digest.id.desc()).limit(20)))
    pending = next((d for d in history if d.is_pending), None)
    digest = digests.latest(plan.id, key)
    clause_labels = digests.clause_labels(plan)
    if digest is not None and store.has_rows(db.session, digest):
        extra = stored_view(digest, plan, clause_labels)
    else:  # a digest of a scope without rows (or one not converted): from its result, as before
        result = page_data.parsed(digest) if digest else None
        extra = {**readable_view(digest, result, plan), "result": result} if digest and result else {"daily": [], "result": None}
    return render_template(
        "digests/page.html",
        **extra,
        reliability=readable.reliability(),
        plan=plan,
        digest=digest,
        history=history,
        pending=pending,
        source=key,
        sources=channels.sources(),
        source_labels=channels.labels(),
        clause_labels=clause_labels,
        stance_text=reports.stance_text,
        form=EmptyForm(),
    )


@bp.post("/plans/<int:plan_id>/digest")
@staff_required
def build(plan_id: int) -> Response:
    plan = managed_plan(plan_id)
    EmptyForm().validate_on_submit()
    sources = [s for s in request.form.getlist("source") if s in channels.sources()]
    try:
        digest, created = digests.request_digest(plan, trigger="manual", sources=sources)
        if created:
            audit.record(current_user, "digest.build", "digest", digest.id, department_id=plan.department_id, plan_id=plan.id, sources=sources)
        db.session.commit()
        flash(_("已开始生成意见摘要。") if created else _("没有新的意见，摘要已是最新（或正在生成）。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("digests.page", plan_id=plan.id))


@bp.get("/digests/<int:digest_id>/status")
@staff_required
def status(digest_id: int) -> Response:
    digest, _plan_ = _digest(digest_id)
    return jsonify(status=digest.status, progress=digest.progress, stage=digest.stage, error=digest.error)


@bp.get("/digests/<int:digest_id>/themes/<int:theme>/issues/<int:issue>")
@staff_required
def issue(digest_id: int, theme: int, issue: int) -> str:
    digest, plan = _digest(digest_id)
    if store.has_rows(db.session, digest):
        return _stored_issue(digest, plan, theme, issue)
    result = DigestResult.from_dict(digest.result or {})
    if not (0 <= theme < len(result.themes) and 0 <= issue < len(result.themes[theme].issues)):
        abort(404, description=_("没有找到该问题。"))
    item = result.themes[theme].issues[issue]
    page_no = query_page()
    ids = item.member_ids[(page_no - 1) * readable.ISSUE_PAGE : page_no * readable.ISSUE_PAGE]
    return _issue_page(plan, digest, theme, issue, theme_view=result.themes[theme], issue_view=item, ids=ids, page_no=page_no,
                       pages=max(1, -(-len(item.member_ids) // readable.ISSUE_PAGE)), links=result.clause_links)


def _stored_issue(digest: Digest, plan: Plan, theme: int, issue: int) -> str:
    """The issue page from rows: the issue row and one page of its membership, by rank."""
    found = store.issue(db.session, digest, theme, issue)
    if found is None:
        abort(404, description=_("没有找到该问题。"))
    theme_row, item = found
    page_no = query_page()
    members = store.members_page(db.session, item.id, page_no, readable.ISSUE_PAGE)
    ids = [m for m, _c, _f in members]
    return _issue_page(
        plan, digest, theme, issue, theme_view=SimpleNamespace(label=theme_row.raw_label),
        issue_view=SimpleNamespace(label=item.raw_label, size=item.size, keywords=item.keywords, stance_counts=item.stance_counts),
        ids=ids, page_no=page_no, pages=max(1, -(-store.member_count(db.session, item.id) // readable.ISSUE_PAGE)),
        links={m: (c, f) for m, c, f in members if c is not None},
    )


def _issue_page(plan: Plan, digest: Digest, theme: int, issue: int, *, theme_view: object, issue_view: object, ids: list[int],
                page_no: int, pages: int, links: dict) -> str:
    """One page of an issue's opinions, whether the issue was read from rows or from the stored result."""
    comments = digests.comments_by_id(ids)
    return render_template(
        "digests/issue.html", plan=plan, digest=digest, theme=theme_view, issue=issue_view,
        comments=[comments[i] for i in ids if i in comments], page=page_no, pages=pages, links=links,
        clause_labels=digests.clause_labels(plan), clauses=list(plan.current_version.clauses), stance_text=reports.stance_text,
        mask=mask_personal, form=EmptyForm(), theme_index=theme, issue_index=issue,
    )


@bp.post("/comments/<int:comment_id>/clause")
@staff_required
def correct_clause(comment_id: int) -> Response:
    """Staff correct the clause a comment is mapped to; the next digest uses the correction."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, description=_("没有找到该意见。"))
    plan = managed_plan(comment.plan_id)
    EmptyForm().validate_on_submit()
    value = request.form.get("clause_id", "")
    clause = db.session.get(Clause, int(value)) if value.isdigit() else None
    if value and (clause is None or clause.version.plan_id != plan.id):
        abort(400, description=_("所选条款不属于该方案。"))
    comment.clause_override_id = clause.id if clause else None
    audit.record(current_user, "comment.correct_clause", "comment", comment.id, department_id=plan.department_id, clause_id=comment.clause_override_id)
    db.session.commit()
    flash(_("已更正条款归属：答复和采纳情况反馈立即按新条款归类，摘要在下次生成时更新。"), "success")
    return redirect(safe_target(request.referrer, url_for("digests.page", plan_id=plan.id)))


def _export(digest_id: int, kind: str) -> Response:
    digest, plan = _digest(digest_id)
    if not digest.is_done or not digest.result:
        abort(409, description=_("摘要尚未生成完成。"))
    result = DigestResult.from_dict(digest.result)
    opinions = _opinions(result, plan)
    labels = digests.clause_labels(plan)
    order = [c.id for v in plan.versions for c in v.clauses]
    title = f"关于《{plan.title}》征求意见情况的报告（第 {digest.number} 版）"
    audit.record(current_user, "digest.export", "digest", digest.id, department_id=plan.department_id, plan_id=plan.id, format=kind)
    db.session.commit()
    if kind == "docx":
        body, mimetype = reports.docx_report(title, result, opinions, labels, number=digest.number, clause_order=order), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif kind == "pdf":
        body, mimetype = reports.pdf_report(title, result, opinions, labels, number=digest.number, clause_order=order), "application/pdf"
    elif kind == "xlsx":
        body, mimetype = reports.xlsx_report(result, opinions, labels, digest.number), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        return Response(reports.html_report(title, result, opinions, labels, number=digest.number, clause_order=order), mimetype="text/html")
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=digest-{plan.id}-{digest.number}.{kind}"
    return response


@bp.get("/digests/<int:digest_id>/export.<kind>")
@staff_required
def export(digest_id: int, kind: str) -> Response:
    if kind not in ("docx", "pdf", "xlsx", "html"):
        abort(404, description=_("不支持的导出格式。"))
    return _export(digest_id, kind)


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
@staff_required
def import_records(plan_id: int) -> str | Response | tuple[str, int]:
    plan = managed_plan(plan_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.upload.data
        try:
            batch = imports.import_records(plan, filename=upload.filename or "", data=upload.read(), channel=form.channel.data, text_column=(form.text_column.data or "").strip() or None)
            audit.record(current_user, "comments.import", "import_batch", batch.id, department_id=plan.department_id, plan_id=plan.id, channel=batch.channel, rows=batch.rows, filename=batch.filename[:200])
            db.session.commit()
            flash(batch.note, "success")
            return redirect(url_for("digests.page", plan_id=plan.id))
        except ServiceError as error:
            db.session.rollback()
            form.upload.errors.append(error.message)
            return render_template("digests/import.html", plan=plan, form=form), error.status
    status = 400 if form.is_submitted() else 200
    return render_template("digests/import.html", plan=plan, form=form), status
