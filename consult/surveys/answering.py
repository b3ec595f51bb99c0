"""Storing a respondent's answers: once per link (or per visitor in an open survey), in one
transaction with the ledger, and without any link back to the recipient in an anonymous survey."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans import mirror as channels
from consult.surveys import questions as kinds
from consult.surveys import tickets as surveys_tickets
from consult.surveys.building import local_day, status
from consult.surveys.channel import SURVEY
from consult.surveys.invitations import check_usable, drop_draft, find
from consult.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from consult.surveys.validation import rows, validate


def _store(survey: Survey, answers: dict, *, invitation: SurveyInvitation | None, visitor_hash: str | None, today: date) -> SurveyResponse:
    version = survey.current_version
    assert version is not None
    response = SurveyResponse(
        survey_id=survey.id,
        version_id=version.id,
        invitation_id=None if survey.anonymous or invitation is None else invitation.id,
        visitor_hash=visitor_hash,
        submitted_on=today,
        month=today.strftime("%Y-%m"),
    )
    db.session.add(response)
    db.session.flush()
    questions = {q.key: q for q in version.questions}
    stored = []
    for row in rows(version.spec, answers):
        answer = SurveyAnswer(response_id=response.id, question_id=questions[row.key].id, option=row.option, value=row.value, text=row.text)
        db.session.add(answer)
        stored.append((questions[row.key], answer))
    db.session.flush()
    _follow_up(survey, invitation, stored)
    return response


def _follow_up(survey: Survey, invitation: SurveyInvitation | None, stored: list[tuple[SurveyQuestion, SurveyAnswer]]) -> None:
    """Low ratings with a reason open tickets; free text of a plan's survey feeds the plan's digests."""

    for question, answer in stored:
        if answer.text and kinds.get(question.kind).rated:
            surveys_tickets.open_if_low(survey, question, answer, contact="" if survey.anonymous or invitation is None else invitation.contact)
        if answer.text and survey.plan is not None and survey.plan.current_version is not None:
            channels.mirror(plan=survey.plan, source=SURVEY.source, body=answer.text, origin_type=SURVEY.origins[0], origin_id=answer.id, user=None, author_label="问卷")


def submit_with_token(token: str, form: Mapping[str, Sequence[str]], now: datetime | None = None) -> SurveyResponse:

    invitation = find(token)
    survey = db.session.get(Survey, invitation.survey_id) if invitation is not None else None
    check_usable(invitation, survey, now)
    assert invitation is not None and survey is not None and survey.current_version is not None
    answers = validate(survey.current_version.spec, form)
    today = local_day(now)
    # The conditional UPDATE is the lock: of two tabs submitting at once, one finds used_on set.
    claimed = db.session.execute(
        update(SurveyInvitation).where(SurveyInvitation.id == invitation.id, SurveyInvitation.used_on.is_(None)).values(used_on=today)
    ).rowcount
    if claimed != 1:
        raise ServiceError(_("这个链接已经提交过答卷，每个链接只能回答一次。感谢您的参与！"), 409)
    response = _store(survey, answers, invitation=invitation, visitor_hash=None, today=today)
    drop_draft(token)
    return response


def blur_ledger(survey_id: int, day: date) -> None:
    """Anonymous surveys, after the commit: rewrite the day's used ledger rows in one statement, so
    the row versions no longer share a transaction id with the response they came with (PostgreSQL
    keeps the writing transaction's id on each row). See docs/surveys.md for what this does not cover."""
    db.session.execute(
        update(SurveyInvitation).where(SurveyInvitation.survey_id == survey_id, SurveyInvitation.used_on == day).values(used_on=day)
    )


def visitor_hash(survey_id: int, visitor: str) -> str:
    return hashlib.sha256(f"{survey_id}:{visitor}".encode()).hexdigest()


def check_open(survey: Survey | None, now: datetime | None = None) -> Survey:
    if survey is None or not survey.published or survey.mode != "open":
        raise ServiceError(_("没有找到这份问卷。"), 404)
    state = status(survey, now)
    if state == "closed":
        raise ServiceError(_("这份问卷已于截止时间关闭，不再接受回答。"), 410)
    if state == "scheduled":
        raise ServiceError(_("这份问卷尚未开始。"), 403)
    return survey


def submit_open(survey: Survey, visitor: str, form: Mapping[str, Sequence[str]], now: datetime | None = None) -> SurveyResponse:
    """Open mode: one response per visitor (a random cookie), enforced by a unique constraint."""
    check_open(survey, now)
    assert survey.current_version is not None
    answers = validate(survey.current_version.spec, form)
    key = visitor_hash(survey.id, visitor)
    if db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id, SurveyResponse.visitor_hash == key)):
        raise ServiceError(_("您已经回答过这份问卷，感谢您的参与！"), 409)
    return _store(survey, answers, invitation=None, visitor_hash=key, today=local_day(now))
