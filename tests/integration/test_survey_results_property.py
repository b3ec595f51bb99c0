"""Property: the SQL aggregates equal a direct recount of the raw answers, for random surveys,
random answers and random period filters."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import _truncate

KINDS = ["single", "multiple", "rating", "satisfaction", "nps", "matrix", "text"]
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


@st.composite
def survey_and_answers(draw):  # type: ignore[no-untyped-def]
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))
    questions = []
    for i, kind in enumerate(kinds):
        q = {"key": f"q{i}", "type": kind, "title": f"题{i}", "required": False}
        if kind in ("single", "multiple"):
            q["options"] = [f"选项{j}" for j in range(draw(st.integers(2, 5)))]
        if kind == "matrix":
            q["rows"] = [f"行{j}" for j in range(draw(st.integers(1, 3)))]
        questions.append(q)
    forms = []
    for _ in range(draw(st.integers(0, 25))):
        form: dict[str, list[str]] = {}
        for q in questions:
            name = f"q_{q['key']}"
            if not draw(st.booleans()):
                continue  # left empty (every question optional)
            kind = q["type"]
            if kind == "single":
                form[name] = [str(draw(st.integers(1, len(q["options"]))))]
            elif kind == "multiple":
                form[name] = [str(i) for i in sorted(draw(st.sets(st.integers(1, len(q["options"])), min_size=1)))]
            elif kind in ("rating", "satisfaction"):
                form[name] = [str(draw(st.integers(1, 5)))]
            elif kind == "nps":
                form[name] = [str(draw(st.integers(0, 10)))]
            elif kind == "matrix":
                for r in range(1, len(q["rows"]) + 1):
                    form[f"{name}_{r}"] = [str(draw(st.integers(1, 5)))]
            else:
                form[name] = [draw(st.sampled_from(["好", "太慢了", "材料要求不清楚"]))]
        forms.append((form, draw(st.sampled_from(MONTHS))))
    period = draw(st.tuples(st.sampled_from([None, *MONTHS]), st.sampled_from([None, *MONTHS])))
    return {"questions": questions}, forms, period


def _recount(version, survey_id, period):  # type: ignore[no-untyped-def]
    """Count straight from the raw rows, in Python."""
    from sqlalchemy import select

    from consult.extensions import db
    from consult.surveys.models import SurveyAnswer, SurveyResponse

    rows = db.session.execute(select(SurveyAnswer, SurveyResponse.month).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(SurveyResponse.survey_id == survey_id)).all()
    keep = [a for a, month in rows if (period[0] is None or month >= period[0]) and (period[1] is None or month <= period[1])]
    months = db.session.scalars(select(SurveyResponse.month).where(SurveyResponse.survey_id == survey_id)).all()
    responses = sum(1 for m in months if (period[0] is None or m >= period[0]) and (period[1] is None or m <= period[1]))
    return keep, responses


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=survey_and_answers())
def test_aggregates_equal_recount(any_app, data) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys import results as surveys_results
    from consult.surveys import satisfaction as surveys_index
    from consult.surveys.models import Survey
    from tests.integration.survey_helpers import make_survey

    app = any_app
    spec, forms, period = data
    try:
        survey_id = make_survey(app, mode="open", spec=spec, closes_in_days=None)
        with app.app_context():
            survey = db.session.get(Survey, survey_id)
            survey.opens_at = datetime(2025, 1, 1, tzinfo=UTC)
            for n, (form, month) in enumerate(forms):
                day = date.fromisoformat(month + "-10")
                answering.submit_open(survey, f"visitor-{n}", form, now=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1))
            db.session.commit()
            version = survey.current_version
            result = surveys_results.results(survey, version, period)
            raw, responses = _recount(version, survey_id, period)
            assert result.responses == responses
            for qr in result.questions:
                q = qr.question
                mine = [a for a in raw if a.question_id == q.id]
                assert qr.answered == len({a.response_id for a in mine})
                if q.kind in ("single", "multiple"):
                    counts = Counter(a.option for a in mine)
                    assert [n for _, n in qr.distribution] == [counts.get(str(i), 0) for i in range(1, len(q.spec["options"]) + 1)]
                elif q.kind in ("rating", "satisfaction", "nps"):
                    values = [a.value for a in mine]
                    assert sum(n for _, n in qr.distribution) == len(values)
                    if values:
                        assert abs(qr.mean - sum(values) / len(values)) < 1e-9
                        low = sum(1 for v in values if (v <= 2 if q.kind == "nps" else v <= 2))
                        assert abs(qr.low_share - low / len(values)) < 1e-9
                        if q.kind == "nps":
                            nps = (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values) * 100
                            assert abs(qr.nps - nps) < 1e-9
                    else:
                        assert qr.mean is None
                elif q.kind == "matrix":
                    for r, (_, cells, _) in enumerate(qr.matrix, start=1):
                        counts = Counter(a.value for a in mine if a.option == str(r))
                        assert [n for _, n in cells] == [counts.get(float(c), 0) for c in range(1, 6)]
                else:
                    assert qr.text_count == len(mine)
            # The rows themselves match what was submitted.
            submitted = sum(
                1 for form, month in forms for name in form
                if (period[0] is None or month >= period[0]) and (period[1] is None or month <= period[1])
                for _ in form[name]
            )
            assert len(raw) == submitted
            # Satisfaction index per month: the mean of (value-1)*25 over rating and satisfaction answers.
            index_kinds = {q.id for q in version.questions if q.kind in ("rating", "satisfaction")}
            all_raw, _ = _recount(version, survey_id, (None, None))
            lines = surveys_index.scorecard()
            expected = {}
            from consult.surveys.models import SurveyResponse

            month_of = dict(db.session.execute(db.select(SurveyResponse.id, SurveyResponse.month)).all())
            for a in all_raw:
                if a.question_id in index_kinds:
                    expected.setdefault(month_of[a.response_id], []).append((a.value - 1) * 25)
            got = {c.month: c for line in lines for c in line.months}
            assert set(got) == set(expected)
            for month, scores in expected.items():
                assert got[month].answers == len(scores)
                assert abs(got[month].index - sum(scores) / len(scores)) < 1e-9
    finally:
        _truncate(app)


def test_crosstab_equals_recount(any_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys import results as surveys_results
    from consult.surveys.models import Survey, SurveyResponse
    from tests.integration.survey_helpers import make_survey

    spec = {"questions": [
        {"key": "a", "type": "single", "title": "A", "options": ["甲", "乙"]},
        {"key": "b", "type": "satisfaction", "title": "B"},
        {"key": "c", "type": "multiple", "title": "C", "options": ["x", "y", "z"], "required": False},
    ]}
    app = any_app
    survey_id = make_survey(app, mode="open", spec=spec)
    answers = [("1", "5", ["1", "2"]), ("1", "5", []), ("2", "1", ["3"]), ("2", "2", ["1"]), ("1", "1", ["2", "3"])]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for n, (a, b, c) in enumerate(answers):
            answering.submit_open(survey, f"v{n}", {"q_a": [a], "q_b": [b], "q_c": c})
        db.session.commit()
        qa, qb, qc = survey.current_version.questions
        table = surveys_results.crosstab(survey, qa, qb)
        assert table["columns"] == ["非常满意", "满意", "一般", "不满意", "非常不满意"]
        assert table["rows"] == [("甲", [2, 0, 0, 0, 1]), ("乙", [0, 0, 0, 1, 1])]
        by_choice = surveys_results.crosstab(survey, qc, qa)
        assert by_choice["rows"] == [("x", [1, 1]), ("y", [2, 0]), ("z", [1, 1])]
        month = db.session.scalar(db.select(SurveyResponse.month))
        assert surveys_results.crosstab(survey, qa, qb, (month, month))["rows"] == table["rows"]
        assert all(sum(cells) == 0 for _, cells in surveys_results.crosstab(survey, qa, qb, (None, "2000-01"))["rows"])
