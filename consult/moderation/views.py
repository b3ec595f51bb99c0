"""The staff moderation queue and sensitive-word list; the public flag ("举报") button."""

from __future__ import annotations

from datetime import date
from functools import partial
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from consult.core import audit, channels
from consult.core.security.permissions import roles_required, safe_target, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import bounded_int
from consult.core.web.errors import ServiceError, form_errors_text
from consult.core.web.forms import rerender
from consult.extensions import db, limiter
from consult.moderation import operations as service
from consult.moderation import originals
from consult.moderation.forms import DecisionForm, FlagForm, WordsForm
from consult.plans.models import Comment, CommentStatus, Plan

bp = Blueprint("moderation", __name__, template_folder="templates", url_prefix="/staff/moderation")
public = Blueprint("flags", __name__, template_folder="templates")


def _int_arg(name: str, args: MultiDict[str, str] | None = None) -> int | None:
    value = ((request.args if args is None else args).get(name) or "").strip()
    if not value:
        return None
    number = bounded_int(value)
    if number is None:
        abort(400, description=_("参数 %(n)s 应为数字。", n=name))
    return number


def _date_arg(name: str, args: MultiDict[str, str] | None = None) -> date | None:
    value = ((request.args if args is None else args).get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=_("日期格式应为 YYYY-MM-DD。"))


def _filter(args: MultiDict[str, str] | None = None) -> service.QueueFilter:
    args = request.args if args is None else args
    status = args.get("status") or "pending"
    if status not in service.QUEUE_FILTERS:
        abort(400, description=_("未知的筛选状态。"))
    source = args.get("source") or ""
    if source and channels.get(source) is None:
        abort(400, description=_("未知的来源。"))
    return service.QueueFilter(status=status, plan_id=_int_arg("plan", args), source=source, since=_date_arg("since", args), until=_date_arg("until", args))


def _plans() -> list[Plan]:
    query = select(Plan).order_by(Plan.created_at.desc())
    scope = service.visible_plan_ids(current_user)
    if scope is not None:
        query = query.where(Plan.id.in_(scope))
    return list(db.session.scalars(query))


@bp.get("/")
@staff_required
def queue() -> str:
    return _queue_page(DecisionForm())


def _queue_page(form: DecisionForm, back: str | None = None, chosen: tuple[str, ...] = ()) -> str:
    """The queue; after a refused decision, the queue it was made on with the choices kept."""
    args = MultiDict(parse_qsl(urlsplit(back).query)) if back else request.args
    spec = _filter(args)
    items, page, pages = service.queue_page(current_user, spec, _int_arg("page", args) or 1)
    plans = {p.id: p for p in _plans()}
    return render_template(
        "moderation/queue.html",
        next_url=back,
        chosen=chosen,
        items=items,
        page=page,
        pages=pages,
        spec=spec,
        plans=plans,
        flags=service.open_flags([c.id for c in items]),
        form=form,
        filters=service.QUEUE_FILTERS,
        sources=[c.source for c in channels.moderated()],
        source_labels=channels.labels(),
        args={k: v for k, v in args.items() if k != "page"},
    )


@bp.post("/decide")
@staff_required
def decide() -> Response | tuple[str, int]:
    form = DecisionForm()
    back = safe_target(request.form.get("next"), url_for("moderation.queue"))
    raw_ids = tuple(request.form.getlist("ids"))
    again = partial(_queue_page, back=back, chosen=raw_ids)
    if not form.validate_on_submit():
        return rerender(again, form)
    try:
        if any(not v.isdigit() or len(v) > 12 for v in raw_ids):
            raise ServiceError(_("所选意见编号无效。"))
        done = service.moderate(current_user, [int(v) for v in raw_ids], form.action.data, form.reason.data or "")
        db.session.commit()
    except ServiceError as error:
        return rerender(again, form, error)
    flash(_("已审核 %(n)s 条意见。", n=len(done)), "success")
    return redirect(back, 303)


@bp.route("/words", methods=["GET", "POST"])
@roles_required("staff", "admin")
def words() -> str | Response | tuple[str, int]:
    form = WordsForm()
    status = 200
    if form.validate_on_submit():
        try:
            added, skipped = service.add_words(form.words.data, current_user)
            db.session.commit()
            message = _("已添加 %(a)s 个词语。", a=len(added))
            if skipped:
                message += _("（%(s)s 个已在词表中，未重复添加）", s=len(skipped))
            flash(message, "success")
            return redirect(url_for("moderation.words"))
        except ServiceError as error:
            db.session.rollback()
            form.words.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("moderation/words.html", form=form, words=service.words(), action=EmptyForm()), status


@bp.post("/words/<int:word_id>/delete")
@roles_required("staff", "admin")
def delete_word(word_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("页面已过期，请刷新后重试。"))
    entry = service.remove_word(word_id, current_user)
    db.session.commit()
    flash(_("已删除“%(w)s”。", w=entry.word), "success")
    return redirect(url_for("moderation.words"))


@public.post("/comments/<int:comment_id>/flag")
@login_required
@limiter.limit("30 per hour")
def flag(comment_id: int) -> Response:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.status != CommentStatus.PUBLISHED:
        abort(404, description=_("没有找到该意见。"))
    form = FlagForm()
    if not form.validate_on_submit():
        abort(400, description=form_errors_text(form))
    _entry, created = service.flag_comment(current_user, comment, form.reason.data or "")
    db.session.commit()
    flash(_("感谢举报，工作人员会尽快复核。") if created else _("您已举报过这条意见。"), "success")
    target = url_for("plans.clause", plan_id=comment.plan_id, clause_id=comment.clause_id) if comment.clause_id else url_for("plans.detail", plan_id=comment.plan_id)
    return redirect(f"{target}#comment-{comment.id}", 303)


@bp.post("/original/<any(comment, post, suggestion, application):kind>/<int:object_id>")
@staff_required
def show_original(kind: str, object_id: int) -> tuple[str, int, dict[str, str]]:
    """显示原文: the unmasked text, once, for staff who may manage the object; every look is audited."""
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("请从页面上的“显示原文”按钮查看。"))
    try:
        found = originals.original_of(current_user, kind, object_id)
    except ServiceError as error:
        abort(error.status, description=error.message)
    audit.record(current_user, "personal.reveal", kind, object_id, department_id=found.department_id)
    db.session.commit()
    # Shown once: never cached by the browser or a proxy, never put into a URL or a log line.
    return render_template("moderation/original.html", found=found, back=safe_target(request.form.get("next"), url_for("moderation.queue"))), 200, {"Cache-Control": "no-store"}
