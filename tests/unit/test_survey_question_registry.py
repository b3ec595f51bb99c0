"""The registry of survey question kinds (consult/surveys/questions/): every registered kind
round-trips a definition through parse → read an answer → stored rows → results → export cells
and renders its partial; an unknown kind is a clear 400."""

from __future__ import annotations

from collections import Counter

import pytest

from consult.core.web.errors import ServiceError
from consult.surveys import questions
from consult.surveys.models import SurveyQuestion
from consult.surveys.questions.choice import Single
from consult.surveys.results import QuestionResult
from consult.surveys.spec import parse
from consult.surveys.validation import validate

# One definition and one answer per answered kind, with the export cells the answer must give.
# A new kind without a sample here fails test_every_kind_has_a_sample.
SAMPLES = {
    "single": ({"options": ["甲", "乙"]}, {"q_k": ["2"]}, {"": "乙"}),
    "multiple": ({"options": ["甲", "乙", "丙"], "min": 1, "max": 2}, {"q_k": ["1", "3"]}, {"": "甲、丙"}),
    "rating": ({"reason": True}, {"q_k": ["2"], "q_k_reason": ["太慢，电话13812345678"]}, {"": "2", "reason": "太慢，电话138****5678"}),
    "satisfaction": ({}, {"q_k": ["4"]}, {"": "满意"}),
    "nps": ({}, {"q_k": ["9"]}, {"": "9"}),
    "matrix": ({"rows": ["一次告知", "无需重复"]}, {"q_k_1": ["4"], "q_k_2": ["5"]}, {"1": "同意", "2": "非常同意"}),
    "text": ({}, {"q_k": ["很好"]}, {"": "很好"}),
    "textarea": ({}, {"q_k": ["希望多开窗口"]}, {"": "希望多开窗口"}),
}


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield app


def test_every_kind_has_a_sample() -> None:
    assert set(questions.names(where="answered")) == set(SAMPLES)
    assert "section" in questions.names() and "section" not in SAMPLES


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_kind_round_trips_parse_validate_aggregate_export(ctx, name: str) -> None:  # type: ignore[no-untyped-def]
    fields, form, expected_cells = SAMPLES[name]
    spec = parse({"questions": [{"type": "section", "title": "一节"}, {"key": "k", "type": name, "title": "题目", "required": True, **fields}]})
    q = spec["questions"][1]
    kind = questions.get(name)
    answers = validate(spec, form)
    rows = kind.rows(q, answers["k"])
    assert rows and all(r.key == "k" for r in rows)
    grouped = [(option, value, n) for (option, value), n in Counter((r.option, r.value) for r in rows).items()]
    result = QuestionResult(question=SurveyQuestion(key="k", kind=name, title="题目", spec=q))
    result.answered = kind.respondents(grouped) or 1  # None: counted in SQL, one response here
    kind.shape(result, grouped)
    assert result.answered == 1
    aggregate = kind.aggregate_rows(result)
    assert aggregate and all(row[0] == "k" for row in aggregate)
    assert sum(row[3] for row in aggregate) == (len(rows) if name in ("multiple", "matrix") else 1)
    cells: dict[str, list[str]] = {}
    for r in rows:
        for part, cell in kind.export_cells(q, r.option, r.value, r.text):
            cells.setdefault(part, []).append(cell)
    assert {part: "、".join(v) for part, v in cells.items()} == expected_cells
    assert set(cells) <= {part for _, part in kind.export_columns(q)}
    # Required and left empty: refused with the question named.
    with pytest.raises(ServiceError, match="题目"):
        validate(spec, {})


def test_every_kind_renders_its_partial_with_the_answer_kept(ctx) -> None:  # type: ignore[no-untyped-def]
    from flask import render_template_string

    items = [{"type": "section", "title": "第一节"}]
    values: dict[str, list[str]] = {}
    for name, (fields, form, _) in SAMPLES.items():
        items.append({"key": f"k_{name}", "type": name, "title": f"题目{name}", **fields})
        values.update({key.replace("q_k", f"q_k_{name}", 1): v for key, v in form.items()})
    spec = parse({"questions": items})
    html = render_template_string('{% from "surveys/_questions.html" import questions %}{{ questions(spec, values) }}', spec=spec, values=values)
    assert '<h2 class="survey-section">第一节</h2>' in html
    for name in SAMPLES:
        assert f'id="question-k_{name}"' in html and f'data-type="{name}"' in html
    assert html.count(" checked") == 1 + 2 + 1 + 1 + 1 + 2  # single, multiple, rating, satisfaction, nps, matrix
    assert "很好" in html and "希望多开窗口" in html and "太慢" in html
    assert [f"{n}." for n in range(1, len(SAMPLES) + 1)] == [part.split("</span>")[0] for part in html.split('<span class="qnum">')[1:]]


def test_unknown_kind_is_a_clear_service_error(ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as unknown:
        questions.get("ranking")
    assert unknown.value.status == 400 and "ranking" in unknown.value.message and "single" in unknown.value.message
    with pytest.raises(ServiceError) as in_spec:
        parse({"questions": [{"key": "a", "type": "ranking", "title": "排序"}]})
    assert in_spec.value.status == 400 and "第 1 项" in in_spec.value.message and "不支持" in in_spec.value.message
    with pytest.raises(ServiceError):
        questions.get(None)


def test_a_kind_registers_once() -> None:
    with pytest.raises(ValueError):
        questions.register(Single())
