"""No API response holds personal data: every GET route under /api (public and, with a token of
every scope, staff), the open data files included, is read and searched for real names, phone,
ID and card numbers and e-mail addresses, folded and joined as tests/integration/test_no_personal_data_published.py does."""

from __future__ import annotations

import io

from flask import Flask
from openpyxl import load_workbook

from tests.integration.api_helpers import PERSONAL, REAL_NAME, seed, token_for
from tests.integration.test_no_personal_data_published import TEXT, leaks

ALL = ["imports:write", "digests:read", "answers:read", "answers:write"]


def _more_personal_data(app: Flask, ids: dict, staff_id: int) -> int:
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.hearings.models import HearingApplication
    from consult.plans.models import Comment, Plan
    from consult.responses.models import Response

    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        comment = Comment(plan_id=plan.id, version_id=plan.current_version.id, body=TEXT, author_label="热心市民13812345678", user_id=ids["citizen"])
        db.session.add(comment)
        db.session.flush()
        db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status="covered", text=TEXT, reason=TEXT))
        db.session.add(HearingApplication(hearing_id=ids["hearing"], user_id=ids["citizen"], public_id="P1234", stance="support", statement=TEXT, status="selected", seat_number=1))
        digest = Digest(plan_id=plan.id, status="done", result=_result(comment.id))
        db.session.add(digest)
        db.session.commit()
        return digest.id


def _result(comment_id: int) -> dict:
    from worker.analysis.results import DigestResult, Issue, Quote, Theme

    def group(kind, **extra):  # type: ignore[no-untyped-def]
        return kind(label=TEXT, keywords=["停车"], size=1, share=1.0, representative_ids=[comment_id], representative_texts=[TEXT],
                    stance_counts={"support": 1}, clause_counts={}, member_ids=[comment_id], summary=TEXT, quotes=[Quote(comment_id, TEXT)], **extra)

    return DigestResult(themes=[group(Theme, issues=[group(Issue)])]).to_dict()


def _values(rule, ids: dict, digest_id: int) -> dict:  # type: ignore[no-untyped-def]
    known = {"plan_id": ids["plan"], "number": 1, "thread_id": ids["thread"], "hearing_id": ids["hearing"], "digest_id": digest_id}
    return {name: known[name] for name in rule.arguments}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    return response.get_data(as_text=True)


def test_no_api_response_holds_personal_data(any_app: Flask, make_plan, make_user) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    staff_id, _login, _password = make_user(role="staff")
    digest_id = _more_personal_data(any_app, ids, staff_id)
    headers = {"Authorization": f"Bearer {token_for(any_app, staff_id, ALL)}"}
    client = any_app.test_client()
    adapter = any_app.url_map.bind("localhost")
    read, failures = [], []
    for rule in any_app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or "GET" not in rule.methods:
            continue
        url = adapter.build(rule.endpoint, _values(rule, ids, digest_id))
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        text = _text(response)
        found = leaks(text) + [p for p in (*PERSONAL, REAL_NAME) if p in text]
        if found:
            failures.append((url, found))
        read.append(url)
    assert not failures, failures
    assert len(read) >= 20 and any("open-data.xlsx" in u for u in read) and any("/staff/digests/" in u for u in read)
