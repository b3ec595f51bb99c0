"""The database models, one module per aggregate; imported here so Alembic sees every table."""

from consult.models.audit import AuditEntry
from consult.models.comments import Comment, CommentVote, ImportBatch
from consult.models.digests import Digest, UserWord
from consult.models.flags import Flag
from consult.models.forums import Board, Post, PostVote, Thread
from consult.models.hearings import Hearing, HearingApplication, HearingMinutesPart
from consult.models.moderation import SensitiveWord
from consult.models.notifications import Notification
from consult.models.outbox import OutboxEvent
from consult.models.plans import Clause, Plan, PlanVersion
from consult.models.responses import AnswerTemplate, FeedbackReport, Response
from consult.models.suggestions import Suggestion, SuggestionEvent
from consult.models.surveys import (
    ServiceTicket,
    Survey,
    SurveyAnswer,
    SurveyDraft,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTextDigest,
    SurveyVersion,
)
from consult.models.users import Department, LoginSession, User, VerificationCode

__all__ = [
    "AnswerTemplate",
    "AuditEntry",
    "Board",
    "Clause",
    "Comment",
    "CommentVote",
    "Department",
    "ImportBatch",
    "LoginSession",
    "Digest",
    "FeedbackReport",
    "Flag",
    "Hearing",
    "HearingApplication",
    "HearingMinutesPart",
    "Notification",
    "OutboxEvent",
    "Plan",
    "PlanVersion",
    "Response",
    "SensitiveWord",
    "Post",
    "PostVote",
    "Thread",
    "Suggestion",
    "SuggestionEvent",
    "ServiceTicket",
    "Survey",
    "SurveyAnswer",
    "SurveyDraft",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTextDigest",
    "SurveyVersion",
    "User",
    "UserWord",
    "VerificationCode",
]
