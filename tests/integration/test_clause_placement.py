"""Opinions mapped to a clause with enough confidence are answered and reported under it; guesses stay under 整个方案."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from tests.conftest import csrf_from
from tests.integration import test_digests
from tests.integration.test_digest_reports import _staff
from tests.integration.test_digests import _build

seeded = test_digests.seeded  # the same seeded plan (a pytest fixture)


def _map(app, plan_id, digest_id):  # type: ignore[no-untyped-def]
    """Two whole-plan opinions: one mapped confidently to clause 2, one guessed for clause 3 at 0.23."""
    from consult.digests.models import Digest, DigestIssueComment
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    with app.app_context():
        clauses = db.session.get(Plan, plan_id).current_version.clauses
        free = list(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id, Comment.clause_id.is_(None)).order_by(Comment.id)))
        sure, guess = free[0], free[2]
        digest = db.session.get(Digest, digest_id)
        links = dict(digest.result["clause_links"])
        links[str(sure)], links[str(guess)] = [clauses[1].id, 0.86], [clauses[2].id, 0.23]
        digest.result = {**digest.result, "clause_links": links}
        for cid, (clause, confidence) in ((sure, links[str(sure)]), (guess, links[str(guess)])):  # the rows pages read, as a build writes them
            db.session.execute(update(DigestIssueComment).where(DigestIssueComment.digest_id == digest_id, DigestIssueComment.comment_id == cid)
                               .values(clause_id=clause, confidence=confidence))
        db.session.commit()
        return sure, guess, [c.id for c in clauses]


def _section_of(page: str, comment_id: int) -> str:
    """The anchor of the public report's clause section that lists a comment."""
    at = page.index(f'id="c{comment_id}"')
    return re.findall(r'<h3 id="([^"]+)"', page[:at])[-1]


def test_confident_mapping_reaches_workbench_and_public_report_and_guesses_do_not(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    sure, guess, clause_ids = _map(app, plan_id, _build(app, plan_id))
    staff = _staff(app, make_user)
    under_two = staff.get(f"/staff/plans/{plan_id}/responses?filter=all&clause={clause_ids[1]}").get_data(as_text=True)
    assert f'id="row-{sure}"' in under_two and "自动匹配 0.86" in under_two
    under_three = staff.get(f"/staff/plans/{plan_id}/responses?filter=all&clause={clause_ids[2]}").get_data(as_text=True)
    assert f'id="row-{guess}"' not in under_three
    whole = staff.get(f"/staff/plans/{plan_id}/responses?filter=all&clause=whole").get_data(as_text=True)
    assert f'id="row-{guess}"' in whole and f'id="row-{sure}"' not in whole

    report = staff.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)  # staff preview
    assert _section_of(report, sure) == f"clause-{clause_ids[1]}"
    assert _section_of(report, guess) == "clause-all"

    from consult.digests import readable
    from consult.digests.models import Digest
    from consult.extensions import db
    from worker.analysis.pipeline import DigestResult

    with app.app_context():
        digest = db.session.scalar(select(Digest).where(Digest.plan_id == plan_id).order_by(Digest.id.desc()))
        result = DigestResult.from_dict(digest.result)
        confident = sum(1 for cid, conf in result.clause_links.values() if cid == clause_ids[2] and conf >= 0.5)
        per_clause = dict(readable.overview(result, {}, clause_ids, readable.min_confidence(), []).per_clause)
        assert per_clause.get(clause_ids[2], 0) == confident  # the 0.23 guess is not counted
        lax = dict(readable.overview(result, {}, clause_ids, 0.2, []).per_clause)
        assert lax[clause_ids[2]] >= confident + 1  # it would be at a lower threshold
    digest_page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert "置信度不低于 0.50" in digest_page


def test_staff_correction_moves_an_opinion_to_another_clause(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    app, plan_id = seeded
    sure, guess, clause_ids = _map(app, plan_id, _build(app, plan_id))
    staff = _staff(app, make_user)
    page = staff.get(f"/staff/plans/{plan_id}/responses?filter=all&clause=whole").get_data(as_text=True)
    assert f'form="fix-{guess}"' in page
    token = csrf_from(page)
    moved = staff.post(f"/staff/comments/{guess}/clause", data={"csrf_token": token, "clause_id": str(clause_ids[3])}, headers={"Referer": f"/staff/plans/{plan_id}/responses"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/staff/plans/{plan_id}/responses")
    under_four = staff.get(f"/staff/plans/{plan_id}/responses?filter=all&clause={clause_ids[3]}").get_data(as_text=True)
    assert f'id="row-{guess}"' in under_four and "已更正" in under_four
    assert _section_of(staff.get(f"/plans/{plan_id}/feedback").get_data(as_text=True), guess) == f"clause-{clause_ids[3]}"
