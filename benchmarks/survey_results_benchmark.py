"""Survey results benchmark: a survey with N responses (every question type) in a fresh
PostgreSQL database, then the time to render the whole staff results page (view + SQL + template)
through the test client, plus the cross-tab and the scorecard pages.

    python -m benchmarks.survey_results_benchmark --responses 100000 [--url postgresql://127.0.0.1:5432/test]

Prints one JSON line: responses, answer_rows, load_seconds and the median / max page times of
`--runs` renders after one warm-up render.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

SPEC = {
    "questions": [
        {"key": "done", "type": "single", "title": "事情办成了吗", "options": ["办成了", "没有办成"]},
        {"key": "why", "type": "multiple", "title": "原因", "options": ["材料不全", "系统故障", "推诿", "其他"], "min": 1, "max": 4, "show_if": {"q": "done", "any_of": ["没有办成"]}},
        {"key": "overall", "type": "satisfaction", "title": "总体评价", "reason": True},
        {"key": "speed", "type": "rating", "title": "办理速度"},
        {"key": "nps", "type": "nps", "title": "推荐度"},
        {"key": "aspects", "type": "matrix", "title": "是否同意", "rows": ["一次告知", "无需重复提交", "态度好"]},
        {"key": "advice", "type": "textarea", "title": "建议", "required": False},
    ]
}


@contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"consult_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def load(app, n: int) -> tuple[int, int, float]:  # type: ignore[no-untyped-def]
    """The survey through the services; the responses by set-based INSERT … SELECT (seconds, not hours)."""
    from sqlalchemy import text

    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.surveys import building
    from consult.surveys import invitations as invites

    started = time.perf_counter()
    with app.app_context():
        staff = accounts.register("bench@example.gov.cn", "password123", "改革办", role="staff")
        survey = building.create(staff, title="基准问卷", description="", department="市政务服务局", service="不动产登记",
                                 plan_id=None, anonymous=True, mode="invite", opens_at=None, closes_at=None, spec=SPEC)
        building.publish(staff, survey)
        invites.issue(survey, [("", "")] * min(n + n // 4, 20_000), actor=staff)  # links sent (capped; rate is a figure only)
        db.session.commit()
        q = {question.key: question.id for question in survey.current_version.questions}
        params = {"s": survey.id, "v": survey.current_version.id, "n": n, **{f"q_{k}": v for k, v in q.items()}}
        statements = [
            "INSERT INTO survey_response (id, survey_id, version_id, submitted_on, month) "
            "SELECT g, :s, :v, date '2026-01-01' + (g % 300), to_char(date '2026-01-01' + (g % 300), 'YYYY-MM') FROM generate_series(1, :n) g",
            "INSERT INTO survey_answer (response_id, question_id, option) SELECT g, :q_done, CASE WHEN random() < 0.8 THEN '1' ELSE '2' END FROM generate_series(1, :n) g",
            "INSERT INTO survey_answer (response_id, question_id, option) SELECT a.response_id, :q_why, o::text FROM survey_answer a, generate_series(1, 4) o "
            "WHERE a.question_id = :q_done AND a.option = '2' AND (o = 1 OR random() < 0.3)",
            "INSERT INTO survey_answer (response_id, question_id, option, value, text) SELECT g, :q_overall, '', v, CASE WHEN v <= 2 AND random() < 0.3 THEN '排队时间太长，窗口少' END "
            "FROM (SELECT g, (CASE WHEN random() < 0.6 THEN 5 WHEN random() < 0.6 THEN 4 ELSE 1 + floor(random() * 3) END)::float AS v FROM generate_series(1, :n) g) t",
            "INSERT INTO survey_answer (response_id, question_id, option, value) SELECT g, :q_speed, '', (1 + floor(random() * 5))::float FROM generate_series(1, :n) g",
            "INSERT INTO survey_answer (response_id, question_id, option, value) SELECT g, :q_nps, '', floor(random() * 11)::float FROM generate_series(1, :n) g",
            "INSERT INTO survey_answer (response_id, question_id, option, value) SELECT g, :q_aspects, r::text, (1 + floor(random() * 5))::float FROM generate_series(1, :n) g, generate_series(1, 3) r",
            "INSERT INTO survey_answer (response_id, question_id, option, text) SELECT g, :q_advice, '', '建议增加周末窗口，材料清单在网上一次说清楚' FROM generate_series(1, :n) g WHERE random() < 0.15",
        ]
        for statement in statements:
            db.session.execute(text(statement), params)
        db.session.commit()
        # What autovacuum does soon after a bulk load: statistics and the visibility map.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE survey_answer"))
            conn.execute(text("VACUUM ANALYZE survey_response"))
        rows = db.session.execute(text("SELECT count(*) FROM survey_answer")).scalar_one()
        return survey.id, rows, time.perf_counter() - started


def timed(client, url: str, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    assert client.get(url).status_code == 200, url  # warm-up: imports, template compile, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"))
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    with fresh_database(args.url) as url, tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = url.replace("postgresql://", "postgresql+psycopg://", 1)
        from consult import create_app

        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]})
        with app.app_context():
            upgrade()
        survey_id, rows, load_seconds = load(app, args.responses)
        client = app.test_client()
        login = client.post("/account/login", data={"login": "bench@example.gov.cn", "password": "password123"})
        assert login.status_code == 302, "login failed"
        figures = {
            "responses": args.responses,
            "answer_rows": rows,
            "load_seconds": round(load_seconds, 1),
            "results_page": timed(client, f"/staff/surveys/{survey_id}/results", args.runs),
            "results_page_period_filter": timed(client, f"/staff/surveys/{survey_id}/results?from=2026-03&to=2026-06", args.runs),
            "crosstab_page": timed(client, f"/staff/surveys/{survey_id}/results?x=done&y=overall", args.runs),
            "scorecard_page": timed(client, "/staff/surveys/scorecard", args.runs),
        }
        with app.app_context():
            from consult.extensions import db

            db.session.remove()
            db.engine.dispose()
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
