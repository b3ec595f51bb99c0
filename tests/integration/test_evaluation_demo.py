"""The demo: indicators with weights, third-party evaluations imported from the demo file, scorecards visible."""

from __future__ import annotations

from flask import Flask

from tests.conftest import login


def test_demo_evaluation_loads_once_and_the_scorecard_shows_it(app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.demo import evaluation as evaluation_demo
    from consult.demo import surveys as surveys_demo
    from consult.evaluation.models import Indicator, PublishedYear, ThirdPartyEvaluation
    from consult.extensions import db
    from consult.plans.operations import department_named

    with app.app_context():
        surveys_demo.load()  # the departments and the satisfaction answers the scorecards read
        department_named("市发展改革委")  # a demo plan's department
        first = evaluation_demo.load()
        db.session.commit()
        assert first == {"indicators_created": 7, "third_party_imported": 2}
        assert evaluation_demo.load() == {"indicators_created": 0, "third_party_imported": 0}
        db.session.commit()
        assert sum(i.weight for i in db.session.query(Indicator)) == 100
        evaluations = db.session.query(ThirdPartyEvaluation).order_by(ThirdPartyEvaluation.id).all()
        assert [(e.status, e.score, e.sample_size) for e in evaluations] == [("accepted", 82.4, 600), ("accepted", 76.5, 240)]
        assert evaluations[0].evaluator.role == "evaluator"
        assert db.session.query(PublishedYear).count() == 1
        department = evaluations[0].department_id
    _, email, password = make_user(role="staff")
    client = app.test_client()
    login(client, email, password)
    overview = client.get("/staff/evaluation/").get_data(as_text=True)
    assert "市政务服务数据管理局" in overview and "市发展改革委" in overview
    card = client.get(f"/staff/evaluation/departments/{department}").get_data(as_text=True)
    assert "82.4" in card and "600" in card  # the imported score and its sample
    assert "群众满意度" in card and "个评分" in card  # the demo survey's ratings
