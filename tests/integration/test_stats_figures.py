"""The public figures on known data, on SQLite and PostgreSQL: what is counted, where, and what is left out."""

from __future__ import annotations

from tests.integration.stats_fixture import seed, seed_hearing, seed_suggestions
from tests.integration.survey_helpers import GOOD, make_links, make_survey


def _rows(figure: dict, key: str) -> dict:
    return {row[key]: row for row in figure["rows"]}


def test_plan_counts_per_day_week_channel_and_clause(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.stats.figures import WHOLE_PLAN, plan_figures

    ids = seed(any_app)
    with any_app.app_context():
        data = plan_figures(ids["plan"])
    figures = data["figures"]
    assert data["summary"]["opinions"] == 6  # pending, rejected, file-imported and experts' opinions are not counted
    # 17:30 UTC on 2 November is 01:30 on 3 November in Beijing.
    assert [(r["day"], r["count"]) for r in figures["participation_daily"]["rows"]] == [("2026-11-02", 2), ("2026-11-03", 2), ("2026-11-10", 2)]
    assert [(r["week"], r["count"]) for r in figures["participation_weekly"]["rows"]] == [("2026-11-02", 4), ("2026-11-09", 2)]
    channels = _rows(figures["per_channel"], "channel")
    assert (channels["网站留言"]["count"], channels["来信"]["count"], channels["热线"]["count"], channels["论坛"]["count"], channels["电子邮件"]["count"]) == (3, 1, 1, 1, 0)
    assert not {"import", "expert"} & {r["source"] for r in figures["per_channel"]["rows"]}
    clauses = figures["per_clause"]["rows"]
    assert [r["count"] for r in clauses] == [2, 2, 0, 2] and clauses[-1]["clause"] == WHOLE_PLAN
    assert clauses[0]["clause"].startswith("第一条")


def test_adoption_per_clause_once_the_feedback_is_published(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import FeedbackReport
    from consult.stats.figures import WHOLE_PLAN, plan_figures

    ids = seed(any_app)
    with any_app.app_context():
        adoption = plan_figures(ids["plan"])["figures"]["adoption_per_clause"]
        rows = {r["clause"][:3]: r for r in adoption["rows"]}
        assert (rows["第一条"]["adopted"], rows["第一条"]["partly"], rows["第一条"]["adopted_share"]) == (1, 1, 1.0)
        assert (rows["第二条"]["adopted"], rows["第二条"]["not_adopted"], rows["第二条"]["adopted_share"]) == (1, 1, 0.5)
        whole = next(r for r in adoption["rows"] if r["clause"] == WHOLE_PLAN)
        assert (whole["covered"], whole["unanswered"], whole["total"]) == (1, 1, 2)
        db.session.query(FeedbackReport).delete()
        db.session.commit()
        hidden = plan_figures(ids["plan"])["figures"]
    assert hidden["adoption_per_clause"]["available"] is False and hidden["adoption_per_clause"]["rows"] == []
    assert hidden["stance"]["available"] is False


def test_site_counts_published_plans_only(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.stats.figures import plan_figures, site_figures

    ids = seed(any_app)
    with any_app.app_context():
        data = site_figures()
        assert plan_figures(ids["draft"]) is None  # a draft has no public figures
    assert data["summary"]["opinions"] == 6 and data["summary"]["plans"] == 1
    assert [r["plan"] for r in data["figures"]["per_plan"]["rows"]] == ["停车管理办法（征求意见稿）"]
    adoption = data["figures"]["adoption_per_plan"]["rows"]
    assert [(r["adopted"], r["partly"], r["not_adopted"], r["covered"], r["unanswered"]) for r in adoption] == [(2, 1, 1, 1, 1)]


def test_hearing_participation(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.stats.figures import plan_figures

    ids = seed(any_app)
    seed_hearing(any_app, ids["plan"])
    with any_app.app_context():
        row = plan_figures(ids["plan"])["figures"]["hearings"]["rows"][0]
    assert (row["seats"], row["applications"], row["selected"], row["waiting"], row["cancelled"], row["speakers"]) == (3, 5, 3, 1, 1, 2)


def test_suggestion_handling_buckets_and_percentiles(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.stats.figures import site_figures

    seed_suggestions(any_app, [0.5, 2, 4, 10, 40], open_count=2)
    with any_app.app_context():
        handling = site_figures()["figures"]["suggestion_handling"]
    assert [r["count"] for r in handling["rows"]] == [1, 1, 1, 1, 0, 1]
    assert handling["percentiles"]["p50"] == 4.0  # the middle of five
    assert handling["percentiles"]["p75"] == 10.0 and handling["percentiles"]["p90"] == 28.0  # interpolated as percentile_cont
    assert handling["open"] == 2


def test_satisfaction_groups_below_the_floor_are_not_shown(app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.stats.figures import site_figures
    from consult.surveys import answering

    app.config["SURVEY_MIN_GROUP"] = 3
    big = make_survey(app, department="市政务服务局")
    small = make_survey(app, department="市民政局")
    forms = {big: [GOOD, GOOD, {**GOOD, "q_overall": ["1"]}], small: [GOOD, GOOD]}
    for survey_id, answers in forms.items():
        tokens = make_links(app, survey_id, len(answers))
        with app.app_context():
            for token, form in zip(tokens, answers, strict=True):
                answering.submit_with_token(token, form)
            db.session.commit()
    try:
        with app.app_context():
            satisfaction = site_figures()["figures"]["satisfaction"]
    finally:
        app.config["SURVEY_MIN_GROUP"] = 5
    assert [r["department"] for r in satisfaction["rows"]] == ["市政务服务局"]
    row = satisfaction["rows"][0]
    # overall 4, 4, 1 and speed 5, 5, 5: six ratings from three answer sheets
    assert (row["responses"], row["answers"], row["v1"], row["v4"], row["v5"]) == (3, 6, 1, 2, 3)
    assert satisfaction["hidden_groups"] == 1 and "少于 3 份" in satisfaction["note"]


def test_digest_mapping_places_opinions_and_clusters_carry_adoption(any_app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment
    from consult.stats.figures import WHOLE_PLAN, plan_figures
    from worker.analysis.pipeline import DigestResult, Issue, Theme

    ids = seed(any_app)
    with any_app.app_context():
        comments = {c.source: c.id for c in db.session.scalars(select(Comment).where(Comment.plan_id == ids["plan"], Comment.clause_id.is_(None)))}
        members = sorted(db.session.scalars(select(Comment.id).where(Comment.plan_id == ids["plan"], Comment.status.in_(["published", "internal"]), Comment.source != "import")))
        group = {"label": "夜间停车", "keywords": [], "size": len(members), "share": 1.0, "representative_ids": [], "representative_texts": [],
                 "stance_counts": {"support": 4, "suggestion": 2}, "clause_counts": {}, "member_ids": members}
        # The hotline record maps confidently onto 第三条; the forum post only as a guess (stays 整个方案).
        links = {comments["hotline"]: (ids["clause2"], 0.9), comments["forum"]: (ids["clause2"], 0.2)}
        result = DigestResult(themes=[Theme(**group, issues=[Issue(**group)])], clause_links=links).to_dict()
        db.session.add(Digest(plan_id=ids["plan"], number=1, status="done", last_comment_id=max(members), comment_count=len(members), result=result))
        db.session.commit()
        figures = plan_figures(ids["plan"])["figures"]
    clauses = {r["clause"][:3] if r["clause"] != WHOLE_PLAN else WHOLE_PLAN: r["count"] for r in figures["per_clause"]["rows"]}
    assert clauses == {"第一条": 2, "第二条": 2, "第三条": 1, WHOLE_PLAN: 1}
    (cluster,) = figures["adoption_per_cluster"]["rows"]
    assert (cluster["ref"], cluster["total"], cluster["adopted"], cluster["unanswered"]) == ("D1-T1-I1", 6, 2, 1)
    stance = {r["stance"]: r["count"] for r in figures["stance"]["rows"]}
    assert (stance["支持"], stance["建议"], stance["反对"]) == (4, 2, 0)
