"""Hearings: scheduling, applications, the seat rules (lottery or first come), cancellations.

Seats are never double-booked: every change of seats runs in `seat_transaction`, which takes a
lock on the hearing row first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite a write as the
transaction's first statement, which takes the database's single write lock), and the unique
constraint (hearing_id, seat_number) is the backstop. A conflict rolls back and retries.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from consult.core import audit, clock, notifications
from consult.core.database import is_postgres
from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.hearings.channel import HEARING, STATEMENT

# Minutes live in consult/hearings/minutes.py; views and the demo publish them through here.
from consult.hearings.minutes import publish_minutes as publish_minutes
from consult.hearings.models import (
    Hearing,
    HearingApplication,
    SeatStatus,
    Stance,
)
from consult.plans import mirror as channels
from consult.plans.models import Plan
from worker.analysis import lottery

T = TypeVar("T")
STATEMENT_MAX = 500
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: ids are read aloud and copied


@dataclass
class ScheduleInput:
    title: str
    starts_at: datetime
    registration_opens_at: datetime
    registration_closes_at: datetime
    capacity: int
    place: str = ""
    online_room: str = ""
    description: str = ""
    eligibility: str = "anyone"
    exclude_department_staff: bool = True
    groups: tuple[str, ...] = ()
    quotas: tuple[lottery.Quota, ...] = ()
    selection: str = lottery.LOTTERY
    publish_days_before: int = 15


def commitment_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def schedule(author: User, plan: Plan, data: ScheduleInput, *, demo_key: str | None = None) -> Hearing:
    if not plan.published or plan.current_version is None:
        raise ServiceError(_("只能为已发布的方案安排听证会。"))
    title = clean_text(data.title, field=_("听证会名称"), max_chars=200)
    if not (data.place.strip() or data.online_room.strip()):
        raise ServiceError(_("请填写听证地点或线上会议室。"))
    if not 1 <= data.capacity <= 500:
        raise ServiceError(_("名额应在 1 到 500 之间。"))
    if data.registration_closes_at <= data.registration_opens_at:
        raise ServiceError(_("报名截止时间应晚于报名开始时间。"))
    if not 0 <= data.publish_days_before <= 60:
        raise ServiceError(_("名单公布提前天数应在 0 到 60 之间。"))
    if data.registration_closes_at > data.starts_at - timedelta(days=data.publish_days_before):
        raise ServiceError(_("报名须在听证会前 %(n)s 天（名单公布日）之前截止。", n=data.publish_days_before))
    if data.selection not in (lottery.LOTTERY, lottery.FIRST_COME):
        raise ServiceError(_("未知的遴选方式。"))
    if data.eligibility not in ("anyone", "recipients"):
        raise ServiceError(_("未知的报名资格。"))
    for quota in data.quotas:
        if quota.stance and quota.stance not in set(Stance):
            raise ServiceError(_("名额分配中的立场无效。"))
        if quota.group and quota.group not in data.groups:
            raise ServiceError(_("名额分配中的群体“%(g)s”不在利益群体列表中。", g=quota.group))
    if sum(q.seats for q in data.quotas) > data.capacity:
        raise ServiceError(_("预留名额之和超过了总名额。"))
    secret = secrets.token_hex(16)
    hearing = Hearing(
        plan_id=plan.id,
        department_id=plan.department_id,
        title=title,
        description=data.description.strip()[:5000],
        starts_at=data.starts_at,
        place=data.place.strip()[:200],
        online_room=data.online_room.strip()[:300],
        capacity=data.capacity,
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        eligibility=data.eligibility,
        exclude_department_staff=data.exclude_department_staff,
        groups=list(data.groups),
        quotas=[{"seats": q.seats, "group": q.group, "stance": q.stance} for q in data.quotas],
        selection=data.selection,
        publish_days_before=data.publish_days_before,
        seed_secret=secret,
        seed_commitment=commitment_of(secret),
        created_by_id=author.id,
        demo_key=demo_key,
    )
    db.session.add(hearing)
    db.session.flush()
    audit.record(author, "hearing.schedule", "hearing", hearing.id, department_id=plan.department_id, plan_id=plan.id, seed_commitment=hearing.seed_commitment)
    return hearing


def quotas_of(hearing: Hearing) -> list[lottery.Quota]:
    return [lottery.Quota(seats=int(q["seats"]), group=q.get("group", ""), stance=q.get("stance", "")) for q in hearing.quotas or []]


# --- the seat lock ------------------------------------------------------------------------


def lock(hearing_id: int) -> Hearing:
    """Lock the hearing row for the rest of the transaction (call it first in the transaction)."""
    if not is_postgres():
        # SQLite: a write as the first statement takes the single write lock (waiting on busy_timeout).
        db.session.execute(update(Hearing).where(Hearing.id == hearing_id).values(capacity=Hearing.capacity).execution_options(synchronize_session=False))
    hearing = db.session.scalar(select(Hearing).where(Hearing.id == hearing_id).with_for_update().execution_options(populate_existing=True))
    if hearing is None:
        raise ServiceError(_("没有找到该听证会。"), 404)
    return hearing


def seat_transaction(hearing_id: int, action: Callable[[Hearing], T], attempts: int = 8) -> T:
    """Run `action(locked hearing)` in a transaction of its own, commit it, retry on a conflict.

    This is the one place the hearings service commits: the lock must be the transaction's
    first statement, so the caller's (read-only) transaction is ended first."""
    for attempt in range(attempts):
        db.session.rollback()
        try:
            result = action(lock(hearing_id))
            db.session.commit()
        except ServiceError:
            db.session.rollback()
            raise
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == attempts - 1:
                raise ServiceError(_("报名人数较多，请稍后重试。"), 409) from None
            continue
        return result
    raise AssertionError("unreachable")


def _check_eligible(hearing: Hearing, user: User, now: datetime) -> None:
    if not user.is_verified:
        raise ServiceError(_("请先完成手机号或邮箱验证，再报名参加听证会。"), 403)
    if hearing.exclude_department_staff and hearing.department_id is not None and user.department_id == hearing.department_id:
        raise ServiceError(_("起草部门的工作人员不能报名旁听或发言，以保证听证的中立。"), 403)
    if now < hearing.registration_opens_at:
        raise ServiceError(_("报名尚未开始。"), 400)
    if not hearing.registration_open(now):
        raise ServiceError(_("报名已经截止，不能再报名。"), 400)


def _new_public_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(6))


def apply(hearing: Hearing, user: User, *, stance: str, group: str, statement: str, recipient_note: str = "", now: datetime | None = None) -> HearingApplication:
    """Call inside `seat_transaction` (the hearing is locked). First come: seat or waiting list at once."""
    now = now or datetime.now(UTC)
    _check_eligible(hearing, user, now)
    if stance not in set(Stance):
        raise ServiceError(_("请选择您的立场（支持、反对或其他）。"), field="stance")
    groups = list(hearing.groups or [])
    if groups and group not in groups:
        raise ServiceError(_("请选择您所属的利益群体。"), field="group")
    text = clean_text(statement, field=_("发言要点"), max_chars=STATEMENT_MAX, key="statement")
    note = ""
    if hearing.eligibility == "recipients":
        note = clean_text(recipient_note, field=_("服务对象说明"), max_chars=300, key="recipient_note")
    exists = db.session.scalar(select(HearingApplication.id).where(HearingApplication.hearing_id == hearing.id, HearingApplication.user_id == user.id))
    if exists is not None:
        raise ServiceError(_("您已经报名了这场听证会，不能重复报名。"), 409)
    application = HearingApplication(hearing_id=hearing.id, user_id=user.id, public_id=_new_public_id(), stance=stance, group=group if groups else "", statement=text, recipient_note=note, created_at=now)
    db.session.add(application)
    db.session.flush()
    if hearing.selection == lottery.FIRST_COME:
        reason = _free_reason(hearing, application)
        if reason:
            _seat(hearing, application, _free_seat_number(hearing), reason, now)
        else:
            _to_waiting(hearing, application, now)
    return application


def _active(hearing_id: int, status: str) -> list[HearingApplication]:
    order = HearingApplication.seat_number if status == SeatStatus.SELECTED else HearingApplication.waiting_position
    return list(db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing_id, HearingApplication.status == status).order_by(order, HearingApplication.id)))


def _free_reason(hearing: Hearing, application: HearingApplication) -> str:
    """The seat this applicant may take now without moving anyone: a matching quota, else an open seat."""
    seated = _active(hearing.id, SeatStatus.SELECTED)
    if len(seated) >= hearing.capacity:
        return ""
    used: dict[str, int] = {}
    for other in seated:
        used[other.seat_reason] = used.get(other.seat_reason, 0) + 1
    quotas = quotas_of(hearing)
    candidate = lottery.Applicant(application.public_id, application.stance, application.group)
    for number, quota in enumerate(quotas, start=1):
        if quota.matches(candidate) and used.get(f"quota:{number}", 0) < quota.seats:
            return f"quota:{number}"
    # Seats not reserved: capacity minus every quota's reservation (used or not).
    if used.get("open", 0) < hearing.capacity - sum(q.seats for q in quotas):
        return "open"
    return ""


def _free_seat_number(hearing: Hearing) -> int:
    taken = set(db.session.scalars(select(HearingApplication.seat_number).where(HearingApplication.hearing_id == hearing.id, HearingApplication.seat_number.is_not(None))))
    return next(n for n in range(1, hearing.capacity + 1) if n not in taken)


def _link(hearing: Hearing) -> str:
    return f"/hearings/{hearing.id}"


def _seat(hearing: Hearing, application: HearingApplication, number: int, reason: str, now: datetime) -> None:
    application.status, application.seat_number, application.seat_reason = SeatStatus.SELECTED, number, reason
    application.waiting_position, application.decided_at = None, now
    db.session.flush()  # the unique (hearing, seat) constraint speaks here, inside the lock
    notifications.notify(application.user_id, "hearing", _("您已入选听证会：%(t)s", t=hearing.title), _("座位号 %(n)s。听证时间：%(at)s。", n=number, at=clock.local(hearing.starts_at)), _link(hearing))
    channels.mirror(plan=hearing.plan, source=HEARING.source, body=application.statement, origin_type=STATEMENT, origin_id=application.id, user=application.user, author_label=f"听证参加人 {application.public_id}")


def _to_waiting(hearing: Hearing, application: HearingApplication, now: datetime, position: int | None = None) -> None:
    if position is None:
        position = (db.session.scalar(select(func.max(HearingApplication.waiting_position)).where(HearingApplication.hearing_id == hearing.id)) or 0) + 1
    application.status, application.waiting_position, application.decided_at = SeatStatus.WAITING, position, now
    notifications.notify(application.user_id, "hearing", _("您在听证会候补名单中：%(t)s", t=hearing.title), _("候补第 %(n)s 位；有人放弃时将按顺序递补并通知您。", n=position), _link(hearing))


# --- the draw -----------------------------------------------------------------------------


def lottery_input(hearing: Hearing) -> list[lottery.Applicant]:
    """The published applicant list: everyone who applied (cancelled before the draw excluded), in order."""
    rows = db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing.id, HearingApplication.status != SeatStatus.CANCELLED).order_by(HearingApplication.id))
    return [lottery.Applicant(public_id=a.public_id, stance=a.stance, group=a.group, order=i) for i, a in enumerate(rows, start=1)]


def run_draw(hearing: Hearing, actor: User, public_value: str, now: datetime | None = None) -> lottery.Draw:
    """Call inside `seat_transaction`. Reveal the committed secret, combine it with the public value, draw."""
    now = now or datetime.now(UTC)
    if hearing.selection != lottery.LOTTERY:
        raise ServiceError(_("这场听证会按报名先后确定参加人，不需要抽签。"), 409)
    if hearing.drawn_at is not None:
        raise ServiceError(_("已经抽过签了，结果不能重抽。"), 409)
    if now < hearing.registration_closes_at:
        raise ServiceError(_("报名尚未截止，不能抽签。"), 409)
    value = clean_text(public_value, field=_("公开随机数"), max_chars=200)
    hearing.public_value = value
    hearing.seed = f"{hearing.seed_secret}:{value}"
    hearing.drawn_at = now
    applicants = lottery_input(hearing)
    result = lottery.draw(hearing.seed, applicants, quotas_of(hearing), hearing.capacity)
    hearing.draw_record = {
        "applicants": [{"public_id": a.public_id, "stance": a.stance, "group": a.group, "order": a.order} for a in applicants],
        "selected": result.selected,
        "waiting": result.waiting,
    }
    by_public = {a.public_id: a for a in db.session.scalars(select(HearingApplication).where(HearingApplication.hearing_id == hearing.id, HearingApplication.status == SeatStatus.APPLIED))}
    for seat, public_id in enumerate(result.selected, start=1):
        _seat(hearing, by_public[public_id], seat, result.reason[public_id], now)
    for position, public_id in enumerate(result.waiting, start=1):
        _to_waiting(hearing, by_public[public_id], now, position)
    audit.record(actor, "hearing.draw", "hearing", hearing.id, department_id=hearing.department_id, seed=hearing.seed, applicants=len(applicants), selected=len(result.selected))
    return result


# --- cancelling and promotion ---------------------------------------------------------------


def cancel(hearing: Hearing, application_id: int, *, actor: User, now: datetime | None = None) -> HearingApplication | None:
    """Call inside `seat_transaction`. Frees the seat and promotes the next on the waiting list (returned)."""
    now = now or datetime.now(UTC)
    application = db.session.scalar(select(HearingApplication).where(HearingApplication.id == application_id, HearingApplication.hearing_id == hearing.id).execution_options(populate_existing=True))
    if application is None:
        raise ServiceError(_("没有找到该报名。"), 404)
    if actor.id != application.user_id and not actor.is_staff:
        raise ServiceError(_("只能取消自己的报名。"), 403)
    if application.status == SeatStatus.CANCELLED:
        raise ServiceError(_("该报名已经取消。"), 409)
    if now >= hearing.starts_at:
        raise ServiceError(_("听证会已经开始，不能再取消。"), 409)
    freed, reason = application.seat_number, application.seat_reason
    application.status, application.seat_number, application.waiting_position = SeatStatus.CANCELLED, None, None
    application.decided_at = now
    db.session.flush()
    channels.withdraw(STATEMENT, application.id)
    if actor.id != application.user_id:
        audit.record(actor, "hearing.cancel_seat", "hearing_application", application.id, department_id=hearing.department_id, hearing_id=hearing.id)
        notifications.notify(application.user_id, "hearing", _("您的听证会报名已被取消：%(t)s", t=hearing.title), "", _link(hearing))
    if freed is None:
        return None
    return _promote(hearing, freed, reason, now)


def _promote(hearing: Hearing, seat: int, reason: str, now: datetime) -> HearingApplication | None:
    waiting = _active(hearing.id, SeatStatus.WAITING)
    quotas = quotas_of(hearing)
    if reason.startswith("quota:"):
        quota = quotas[int(reason.split(":")[1]) - 1]
        match = next((a for a in waiting if quota.matches(lottery.Applicant(a.public_id, a.stance, a.group))), None)
        if match is not None:
            _seat(hearing, match, seat, reason, now)
            return match
    if not waiting:
        return None
    _seat(hearing, waiting[0], seat, "open", now)
    return waiting[0]


# --- publication ---------------------------------------------------------------------------


def participants_public(hearing: Hearing, now: datetime | None = None) -> bool:
    return (now or datetime.now(UTC)) >= hearing.list_public_at and (hearing.drawn_at is not None or hearing.selection == lottery.FIRST_COME)


def seated(hearing: Hearing) -> list[HearingApplication]:
    return _active(hearing.id, SeatStatus.SELECTED)


def waiting(hearing: Hearing) -> list[HearingApplication]:
    return _active(hearing.id, SeatStatus.WAITING)
