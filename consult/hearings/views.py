"""Hearing pages: the public schedule, applying, the lottery result; staff scheduling and minutes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.core.security.permissions import staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.extensions import db, limiter
from consult.hearings import operations as service
from consult.hearings import participants_pdf as participant_list
from consult.hearings.draws import draw_result
from consult.hearings.forms import ApplyForm, DrawForm, HearingForm, MinutesForm
from consult.hearings.models import Hearing, HearingApplication, HearingMinutesPart
from consult.plans.access import can_manage_plan, managed_plan
from consult.plans.models import Plan
from worker.analysis import lottery

# Public pages under /hearings, staff pages under /staff (where the permission walk covers them).
bp = Blueprint("hearings", __name__, template_folder="templates")


@bp.app_context_processor
def _plan_hearings() -> dict[str, object]:
    """`plan_hearings(plan_id)` for the plan page header: the plan's hearings, latest first."""

    def plan_hearings(plan_id: int) -> list[Hearing]:
        return list(db.session.scalars(select(Hearing).where(Hearing.plan_id == plan_id).order_by(Hearing.starts_at.desc()).limit(5)))

    return {"plan_hearings": plan_hearings}


def _hearing_or_404(hearing_id: int) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or not hearing.plan.published:
        abort(404, description=_("没有找到该听证会。"))
    return hearing


def _managed(hearing_id: int) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None:
        abort(404, description=_("没有找到该听证会。"))
    if not can_manage_plan(current_user, hearing.plan):
        abort(403, description=_("您只能管理本部门方案的听证会。"))
    return hearing


def _now() -> datetime:
    return datetime.now(UTC)


def _mine(hearing: Hearing) -> HearingApplication | None:
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(select(HearingApplication).where(HearingApplication.hearing_id == hearing.id, HearingApplication.user_id == current_user.id))


def _apply_form(hearing: Hearing) -> ApplyForm:
    form = ApplyForm()
    form.group.choices = [(g, g) for g in hearing.groups or []]
    return form


@bp.get("/hearings/")
def index() -> str:
    hearings = list(db.session.scalars(select(Hearing).join(Plan).where(Plan.published.is_(True)).order_by(Hearing.starts_at.desc())))
    staff = current_user.is_authenticated and current_user.is_staff
    managed = {h.id for h in hearings if staff and can_manage_plan(current_user, h.plan)}
    return render_template("hearings/index.html", hearings=hearings, now=_now(), managed=managed)


@bp.get("/hearings/<int:hearing_id>")
def detail(hearing_id: int) -> str:
    return _detail_page(_hearing_or_404(hearing_id))


def _detail_page(hearing: Hearing, form: ApplyForm | None = None) -> str:
    """The hearing page; after a refused application, with the application form as it was filled in."""
    now = _now()
    public = service.participants_public(hearing, now)
    parts = list(db.session.scalars(select(HearingMinutesPart).where(HearingMinutesPart.hearing_id == hearing.id).order_by(HearingMinutesPart.position))) if hearing.minutes_published_at else []
    return render_template(
        "hearings/detail.html",
        hearing=hearing,
        now=now,
        mine=_mine(hearing),
        form=form or _apply_form(hearing),
        action=EmptyForm(),
        seated=service.seated(hearing) if public else [],
        public=public,
        parts=parts,
        quotas=service.quotas_of(hearing),
        can_manage=current_user.is_authenticated and current_user.is_staff and can_manage_plan(current_user, hearing.plan),
    )


def _apply_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.post("/hearings/<int:hearing_id>/apply")
@login_required
@limiter.limit(_apply_limit, key_func=lambda: f"user:{current_user.id}")
def apply(hearing_id: int) -> Response | tuple[str, int]:
    hearing = _hearing_or_404(hearing_id)
    form = _apply_form(hearing)
    again = partial(_detail_page, hearing)
    if not form.validate_on_submit():
        return rerender(again, form)
    user = current_user._get_current_object()
    values = {"stance": form.stance.data or "", "group": form.group.data or "", "statement": form.statement.data or "", "recipient_note": form.recipient_note.data or ""}
    try:
        application = service.seat_transaction(hearing.id, lambda locked: service.apply(locked, user, **values))
    except ServiceError as error:
        if error.field is None:  # who may apply and when: no input of theirs to show again
            return _error(hearing, error.message, error.status)
        return rerender(again, form, error)
    messages = {
        "applied": _("报名成功！您的公开编号是 %(p)s，抽签结果将另行通知。", p=application.public_id),
        "selected": _("报名成功，您已获得座位（第 %(n)s 号）。", n=application.seat_number),
        "waiting": _("名额已满，您已进入候补名单第 %(n)s 位。", n=application.waiting_position),
    }
    flash(messages.get(application.status, _("报名成功。")), "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing_id))


def _error(hearing: Hearing, message: str, status: int) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=_("报名未成功"), message=message, back=url_for("hearings.detail", hearing_id=hearing.id)), status


@bp.post("/hearings/<int:hearing_id>/withdraw")
@login_required
def withdraw(hearing_id: int) -> Response | tuple[str, int]:
    hearing = _hearing_or_404(hearing_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    mine = _mine(hearing)
    if mine is None:
        abort(404, description=_("您没有报名这场听证会。"))
    user, application_id = current_user._get_current_object(), mine.id
    try:
        service.seat_transaction(hearing.id, lambda locked: service.cancel(locked, application_id, actor=user))
    except ServiceError as error:
        return _error(hearing, error.message, error.status)
    flash(_("已取消报名；如有候补，座位已顺延给下一位。"), "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing_id))


@bp.get("/hearings/<int:hearing_id>/draw")
def result(hearing_id: int) -> str:
    hearing = _hearing_or_404(hearing_id)
    data = draw_result(hearing)
    seated = {a.public_id: a for a in service.seated(hearing)}
    return render_template("hearings/result.html", hearing=hearing, data=data, seated=seated, mine=_mine(hearing))


@bp.get("/hearings/lottery-check")
def lottery_check() -> str:
    """How anyone re-runs a public draw from its published data (the same method as docs/hearings.md)."""
    return render_template("hearings/lottery_check.html")


@bp.get("/hearings/<int:hearing_id>/participants.pdf")
def participants_pdf(hearing_id: int) -> Response:
    hearing = _hearing_or_404(hearing_id)
    if not service.participants_public(hearing, _now()):
        abort(404, description=_("参加人名单尚未公布。"))
    response = Response(participant_list.participants_pdf(hearing), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=hearing-{hearing.id}-participants.pdf"
    return response


@bp.get("/hearings/<int:hearing_id>/draw.json")
def result_json(hearing_id: int) -> Response:
    return jsonify(draw_result(_hearing_or_404(hearing_id)))


# --- staff -------------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).astimezone(UTC)


def _quotas(form: HearingForm) -> tuple[lottery.Quota, ...]:
    quotas = []
    for line in (form.group_seats.data or "").splitlines():
        if not line.strip():
            continue
        match = re.fullmatch(r"\s*(.+?)\s*[:：]\s*(\d{1,3})\s*", line)
        if not match:
            raise ServiceError(_("群体名额的格式应为“群体：名额”，例如“企业：2”。"))
        quotas.append(lottery.Quota(seats=int(match.group(2)), group=match.group(1)))
    for stance in ("oppose", "support", "other"):
        seats = getattr(form, f"{stance}_seats").data or 0
        if seats:
            quotas.append(lottery.Quota(seats=seats, stance=stance))
    return tuple(quotas)


@bp.route("/staff/plans/<int:plan_id>/hearings/new", methods=["GET", "POST"])
@staff_required
def new(plan_id: int) -> str | Response | tuple[str, int]:
    plan = managed_plan(plan_id)
    form = HearingForm()
    if form.validate_on_submit():
        try:
            data = service.ScheduleInput(
                title=form.title.data,
                description=form.description.data or "",
                starts_at=_local(form.starts_at.data),
                place=form.place.data or "",
                online_room=form.online_room.data or "",
                capacity=form.capacity.data,
                registration_opens_at=_local(form.registration_opens_at.data),
                registration_closes_at=_local(form.registration_closes_at.data),
                eligibility=form.eligibility.data,
                exclude_department_staff=bool(form.exclude_department_staff.data),
                groups=tuple(g.strip() for g in re.split(r"[、,，;；]", form.groups.data or "") if g.strip())[:20],
                quotas=_quotas(form),
                selection=form.selection.data,
                publish_days_before=form.publish_days_before.data,
            )
            hearing = service.schedule(current_user, plan, data)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.title.errors = [*form.title.errors, error.message]
            return render_template("hearings/form.html", form=form, plan=plan), error.status
        flash(_("听证会已安排。抽签种子的承诺值已公开。"), "success")
        return redirect(url_for("hearings.manage", hearing_id=hearing.id))
    status = 400 if form.is_submitted() else 200
    return render_template("hearings/form.html", form=form, plan=plan), status


@bp.get("/staff/hearings/<int:hearing_id>")
@staff_required
def manage(hearing_id: int) -> str:
    hearing = _managed(hearing_id)
    minutes_form = MinutesForm()
    minutes_form.minutes.data, minutes_form.summary.data = hearing.minutes, hearing.summary
    return _manage_page(hearing, minutes_form)


def _manage_page(hearing: Hearing, minutes_form: MinutesForm) -> str:
    """The staff page of a hearing; after refused minutes, with the minutes as they were typed."""
    applications = list(db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing.id).order_by(HearingApplication.id)))
    return render_template("hearings/manage.html", hearing=hearing, applications=applications, draw_form=DrawForm(), minutes_form=minutes_form, action=EmptyForm(), now=_now())


def _staff_action(hearing: Hearing, run, success: str) -> Response | tuple[str, int]:  # type: ignore[no-untyped-def]
    try:
        service.seat_transaction(hearing.id, run)
    except ServiceError as error:
        return render_template("errors/error.html", status=error.status, title=_("操作未成功"), message=error.message, back=url_for("hearings.manage", hearing_id=hearing.id)), error.status
    flash(success, "success")
    return redirect(url_for("hearings.manage", hearing_id=hearing.id))


@bp.post("/staff/hearings/<int:hearing_id>/draw")
@staff_required
def draw(hearing_id: int) -> Response | tuple[str, int]:
    hearing = _managed(hearing_id)
    form = DrawForm()
    if not form.validate_on_submit():
        abort(400, description=_("请填写公开随机数。"))
    actor, value = current_user._get_current_object(), form.public_value.data
    response = _staff_action(hearing, lambda locked: service.run_draw(locked, actor, value), _("抽签完成，结果已公开，入选和候补人员已收到通知。"))
    if isinstance(response, Response):
        return redirect(url_for("hearings.result", hearing_id=hearing_id))
    return response


@bp.post("/staff/hearings/<int:hearing_id>/applications/<int:application_id>/cancel")
@staff_required
def cancel(hearing_id: int, application_id: int) -> Response | tuple[str, int]:
    hearing = _managed(hearing_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    actor = current_user._get_current_object()
    return _staff_action(hearing, lambda locked: service.cancel(locked, application_id, actor=actor), _("已取消该参加人的座位，候补人员已按顺序递补。"))


@bp.post("/staff/hearings/<int:hearing_id>/minutes")
@staff_required
def minutes(hearing_id: int) -> Response | tuple[str, int]:
    hearing = _managed(hearing_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        parts = service.publish_minutes(hearing, current_user, minutes=form.minutes.data or "", summary=form.summary.data or "")
        db.session.commit()
    except ServiceError as error:
        return rerender(lambda form: _manage_page(hearing, form), form, error, default="minutes")
    flash(_("笔录和摘要已发布，共 %(n)s 段，已纳入方案的意见分析。", n=len(parts)), "success")
    return redirect(url_for("hearings.manage", hearing_id=hearing.id))
