"""JSON Schemas of what the API returns and accepts (OpenAPI components), written once beside the code."""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name: str) -> dict[str, Any]:
    """A cursor-paginated list: `next` is the URL of the following page, null on the last."""
    return {
        "type": "object",
        "required": ["data", "next"],
        "properties": {"data": {"type": "array", "items": ref(name)}, "next": {"type": ["string", "null"]}},
    }


STR = {"type": "string"}
INT = {"type": "integer"}
TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_INT = {"type": ["integer", "null"]}

COMPONENTS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": STR, "title": STR, "status": INT, "detail": STR,
            "errors": {"type": "array", "items": {"type": "object", "properties": {"field": STR, "message": STR}}},
        },
    },
    "Plan": {
        "type": "object",
        "required": ["id", "title", "status"],
        "properties": {
            "id": INT, "title": STR, "summary": STR, "status": {"enum": ["open", "closed"]}, "department": {"type": ["string", "null"]},
            "opens_at": TIME, "closes_at": TIME, "created_at": TIME, "url": STR,
            "versions": {"type": "array", "items": ref("VersionSummary")},
        },
    },
    "VersionSummary": {"type": "object", "properties": {"number": INT, "note": STR, "created_at": TIME, "url": STR}},
    "Version": {
        "type": "object",
        "properties": {
            "plan_id": INT, "number": INT, "note": STR, "body": STR, "created_at": TIME, "whole_plan_comments": INT,
            "clauses": {"type": "array", "items": ref("Clause")},
        },
    },
    "Clause": {
        "type": "object",
        "properties": {"id": INT, "key": STR, "number": STR, "title": STR, "text": STR, "level": INT, "position": INT, "comment_count": INT},
    },
    "Comment": {
        "type": "object",
        "properties": {
            "id": INT, "plan_id": INT, "version": INT, "clause_id": NULLABLE_INT, "author": STR, "body": STR,
            "channel": STR, "created_at": TIME, "support": INT, "oppose": INT, "answer": {"oneOf": [ref("Answer"), {"type": "null"}]},
        },
    },
    "Answer": {
        "type": "object",
        "properties": {
            "comment_id": INT, "plan_id": INT, "status": STR, "status_label": STR, "text": STR, "reason": STR,
            "cluster": STR, "updated_at": TIME,
        },
    },
    "Thread": {
        "type": "object",
        "properties": {
            "id": INT, "board": STR, "plan_id": NULLABLE_INT, "title": STR, "author": STR, "replies": INT,
            "support": INT, "created_at": TIME, "last_post_at": TIME, "posts": {"type": "array", "items": ref("Post")},
        },
    },
    "Post": {"type": "object", "properties": {"id": INT, "parent_id": NULLABLE_INT, "author": STR, "body": STR, "support": INT, "created_at": TIME}},
    "Hearing": {
        "type": "object",
        "properties": {
            "id": INT, "plan_id": INT, "title": STR, "description": STR, "starts_at": TIME, "place": STR, "capacity": INT,
            "selection": STR, "registration_opens_at": TIME, "registration_closes_at": TIME, "list_public_at": TIME,
            "participants": {"type": ["array", "null"], "items": ref("Participant")},
            "minutes": {"type": ["array", "null"], "items": {"type": "object", "properties": {"speaker": STR, "text": STR}}},
            "draw_url": STR,
        },
    },
    "Participant": {"type": "object", "properties": {"seat": NULLABLE_INT, "public_id": STR, "pseudonym": STR, "group": STR, "stance": STR}},
    "Draw": {"type": "object", "description": "与 /hearings/{id}/draw.json 相同：复核抽签所需的全部数据", "additionalProperties": True},
    "Suggestion": {
        "type": "object",
        "properties": {"tracking_number": STR, "domain": STR, "title": STR, "body": STR, "reply": STR, "created_at": TIME, "replied_at": TIME},
    },
    "FeedbackReport": {
        "type": "object",
        "properties": {
            "plan_id": INT, "summary": STR, "published_at": TIME, "total": INT, "totals": {"type": "object", "additionalProperties": INT},
            "clauses": {"type": "array", "items": {"type": "object", "properties": {"label": STR, "total": INT, "statuses": {"type": "object", "additionalProperties": INT}}}},
        },
    },
    "Statistics": {"type": "object", "additionalProperties": True},
    "Digest": {
        "type": "object",
        "properties": {"id": INT, "plan_id": NULLABLE_INT, "number": INT, "status": STR, "comment_count": INT, "created_at": TIME, "finished_at": TIME, "result": {"type": ["object", "null"]}},
    },
    "ImportRequest": {
        "type": "object",
        "required": ["external_id", "channel", "records"],
        "properties": {
            "external_id": {"type": "string", "minLength": 1, "maxLength": 100, "description": "调用方的唯一编号；重试时原样再发，不会重复导入"},
            "channel": {"enum": ["letter", "email", "hotline"]},
            "records": {"type": "array", "minItems": 1, "maxItems": 5000, "items": {"type": "object", "required": ["text"], "properties": {"text": STR, "date": STR}}},
        },
    },
    "ImportResult": {"type": "object", "properties": {"plan_id": INT, "external_id": STR, "rows": INT, "note": STR, "duplicate": {"type": "boolean"}}},
    "AnswerRequest": {
        "type": "object",
        "required": ["status", "text"],
        "properties": {
            "comment_ids": {"type": "array", "items": INT, "maxItems": 5000}, "cluster": STR,
            "status": {"enum": ["adopted", "partly", "not_adopted", "covered"]}, "text": STR, "reason": STR,
        },
    },
    "AnswerResult": {"type": "object", "properties": {"answered": INT}},
    "StaffAnswer": {"type": "object", "properties": {"comment_id": INT, "channel": STR, "comment": STR, "status": STR, "text": STR, "reason": STR, "updated_at": TIME}},
}
