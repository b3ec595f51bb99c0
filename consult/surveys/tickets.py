"""Service tickets (好差评 差评整改): a low rating with a reason is routed to the department,
which must call back and close it within 15 working days; overdue tickets are flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, clock, notifications
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.surveys import questions as kinds
from consult.surveys.building import local_day
from consult.surveys.invitations import issue, token_hash
from consult.surveys.models import (
    ServiceTicket,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)

DEADLINE_WORKING_DAYS = 15


def add_working_days(start: date, days: int) -> date:
    """Skips Saturdays and Sundays. Public holidays and 调休 working weekends are not modelled."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def open_if_low(survey: Survey, question: SurveyQuestion, answer: SurveyAnswer, *, contact: str = "") -> ServiceTicket | None:
    kind = kinds.get(question.kind)
    if answer.value is None or not (answer.text or "").strip() or not kind.is_low(answer.value):
        return None
    today = local_day()
    ticket = ServiceTicket(
        survey_id=survey.id, department_id=survey.department_id, answer_id=answer.id,
        rating=kind.value_label(answer.value), reason=answer.text or "", contact=contact,
        opened_on=today, due_on=add_working_days(today, DEADLINE_WORKING_DAYS),
    )
    db.session.add(ticket)
    db.session.flush()
    if survey.department_id is not None:
        staff = db.session.scalars(select(User.id).where(User.role == "department", User.department_id == survey.department_id))
        notifications.notify_many(
            list(staff), "survey_ticket", _("差评工单：%(title)s", title=survey.title),
            _("评价“%(rating)s”，原因：%(reason)s。请于 %(due)s 前回访并办结。", rating=ticket.rating, reason=ticket.reason[:200], due=ticket.due_on.isoformat()),
            f"/staff/surveys/tickets/{ticket.id}",
        )
    return ticket


def visible_to(user: User):  # type: ignore[no-untyped-def]
    query = select(ServiceTicket)
    if user.role == "department":
        query = query.where(ServiceTicket.department_id == user.department_id)
    return query


def can_handle(user: User, ticket: ServiceTicket) -> bool:
    return user.role in ("staff", "admin") or (user.role == "department" and user.department_id is not None and user.department_id == ticket.department_id)


def record_callback(user: User, ticket: ServiceTicket, notes: str) -> None:
    if ticket.status == "closed":
        raise ServiceError(_("工单已办结，不能再修改。"), 409)
    notes = (notes or "").strip()
    if not notes or len(notes) > 5000:
        raise ServiceError(_("请填写回访记录（不超过 5000 字）。"))
    stamp = datetime.now(UTC)
    ticket.callback_notes = (ticket.callback_notes + "\n" if ticket.callback_notes else "") + f"[{clock.local(stamp)}] {notes}"
    ticket.called_at, ticket.status = stamp, "called"
    audit.record(user, "ticket.callback", "service_ticket", ticket.id, department_id=ticket.department_id)


def close(user: User, ticket: ServiceTicket) -> str | None:
    """Close after a call-back; returns a one-time follow-up link to send (None if not possible)."""

    if ticket.status == "closed":
        raise ServiceError(_("工单已经办结。"), 409)
    if ticket.status != "called":
        raise ServiceError(_("请先填写回访记录再办结。"), 409)
    ticket.status, ticket.closed_at = "closed", datetime.now(UTC)
    followup = ticket.survey.followup_survey_id and db.session.get(Survey, ticket.survey.followup_survey_id) or ticket.survey
    token = None
    # Only a named survey has someone to send the follow-up to; an anonymous rating stays anonymous.
    if followup.published and followup.mode == "invite" and ticket.contact:
        links = issue(followup, [(_("工单 %(n)s 回访", n=ticket.id), ticket.contact)], actor=user, batch=f"ticket-{ticket.id}", ticket_id=ticket.id)
        token = links[0].token
        ticket.followup_invitation_id = db.session.scalar(select(SurveyInvitation.id).where(SurveyInvitation.token_hash == token_hash(token)))
    audit.record(user, "ticket.close", "service_ticket", ticket.id, department_id=ticket.department_id)
    return token


def overdue_tickets(today: date | None = None, department_id: int | None = None) -> list[ServiceTicket]:
    """Open tickets past their deadline (for the office dashboard)."""
    today = today or local_day()
    query = select(ServiceTicket).where(ServiceTicket.status != "closed", ServiceTicket.due_on < today)
    if department_id is not None:
        query = query.where(ServiceTicket.department_id == department_id)
    return list(db.session.scalars(query.order_by(ServiceTicket.due_on)))
