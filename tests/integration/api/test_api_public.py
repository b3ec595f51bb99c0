"""The public API on PostgreSQL: what is published and nothing else, cursor pages, filters, ETags."""

from __future__ import annotations

from flask import Flask

from tests.integration.api_helpers import DRAFT_TITLE, seed

JSON = "application/json"


def _get(client, url: str, **headers: str):  # type: ignore[no-untyped-def]
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    assert response.mimetype == JSON
    return response


def test_the_index_links_to_every_collection(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    seed(any_app, make_plan)
    client = any_app.test_client()
    links = _get(client, "/api/v1/").get_json()["links"]
    for url in links.values():
        body = _get(client, url).get_json()
        assert "data" in body or "figures" in body


def test_plans_list_only_published_plans_with_versions_and_clause_counts(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    listed = _get(client, "/api/v1/plans").get_json()["data"]
    assert [p["id"] for p in listed] == [ids["plan"]]
    assert DRAFT_TITLE not in client.get("/api/v1/plans").get_data(as_text=True)
    plan = _get(client, f"/api/v1/plans/{ids['plan']}").get_json()
    assert plan["status"] == "open" and plan["department"] == "部门甲" and plan["versions"][0]["number"] == 1
    version = _get(client, plan["versions"][0]["url"]).get_json()
    counts = {c["id"]: c["comment_count"] for c in version["clauses"]}
    # One published comment on the first clause; one on the whole plan. Pending, rejected, letters and forum copies do not count.
    assert counts[ids["clause"]] == 1 and version["whole_plan_comments"] == 1
    assert client.get(f"/api/v1/plans/{ids['plan']}/versions/9").status_code == 404


def test_comments_are_the_published_ones_of_public_channels_masked_with_their_answer(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    data = _get(client, f"/api/v1/plans/{ids['plan']}/comments").get_json()["data"]
    assert [c["id"] for c in data] == [ids["public"], ids["second"]]
    first = data[0]
    assert first["author"] == "热心市民" and first["channel"] == "网站留言"
    assert "13912345678" not in first["body"] and "139****5678" in first["body"]
    assert first["answer"]["status"] == "adopted" and "13912345678" not in first["answer"]["text"]
    everywhere = _get(client, "/api/v1/comments").get_json()["data"]
    assert {c["id"] for c in everywhere} == {ids["public"], ids["second"]}
    answers = _get(client, "/api/v1/answers").get_json()["data"]
    assert [a["comment_id"] for a in answers] == [ids["public"]]  # the letter's answer stays internal


def test_cursor_pages_follow_next_links_without_gaps_or_repeats(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        make_plan(title=f"方案{n}")
    client = any_app.test_client()
    seen, url = [], "/api/v1/plans?limit=2"
    while url:
        body = _get(client, url).get_json()
        assert len(body["data"]) <= 2
        seen += [p["id"] for p in body["data"]]
        url = body["next"]
        assert url is None or "limit=2" in url
    assert len(seen) == 5 == len(set(seen)) and seen == sorted(seen)


def test_filters_by_date_plan_and_clause(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    recent = _get(client, "/api/v1/comments", **{}).get_json()
    assert len(recent["data"]) == 2
    since = client.get("/api/v1/comments", query_string={"since": two_days_ago}).get_json()["data"]
    until = client.get("/api/v1/comments", query_string={"until": two_days_ago}).get_json()["data"]
    assert [c["id"] for c in since] == [ids["second"]] and [c["id"] for c in until] == [ids["public"]]
    by_clause = client.get("/api/v1/comments", query_string={"plan": ids["plan"], "clause": ids["clause"]}).get_json()["data"]
    assert [c["id"] for c in by_clause] == [ids["public"]]
    assert client.get(f"/api/v1/comments?plan={ids['draft']}").status_code == 404
    assert _get(client, f"/api/v1/threads?plan={ids['plan']}").get_json()["data"][0]["id"] == ids["thread"]


def test_etag_and_if_none_match_answer_304_until_something_changes(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    url = f"/api/v1/plans/{ids['plan']}/comments"
    first = _get(client, url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with any_app.app_context():
        db.session.get(Comment, ids["second"]).support_count = 7
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    stats = _get(client, "/api/v1/statistics")
    assert client.get("/api/v1/statistics", headers={"If-None-Match": stats.headers["ETag"]}).status_code == 304


def test_draft_plans_and_everything_on_them_are_invisible(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    draft = ids["draft"]
    for url in (f"/api/v1/plans/{draft}", f"/api/v1/plans/{draft}/versions/1", f"/api/v1/plans/{draft}/comments", f"/api/v1/plans/{draft}/feedback",
                f"/api/v1/plans/{draft}/statistics", f"/api/v1/plans/{draft}/open-data.csv", f"/api/v1/plans/{draft}/open-data.json",
                f"/api/v1/plans/{draft}/open-data.xlsx", f"/api/v1/threads/{ids['draft_thread']}", f"/api/v1/hearings/{ids['draft_hearing']}",
                f"/api/v1/hearings/{ids['draft_hearing']}/draw", f"/api/v1/threads?plan={draft}", f"/api/v1/hearings?plan={draft}"):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "application/problem+json", url
    for url in ("/api/v1/plans", "/api/v1/comments", "/api/v1/threads", "/api/v1/hearings", "/api/v1/feedback-reports", "/api/v1/statistics"):
        text = _get(client, url).get_data(as_text=True)
        assert DRAFT_TITLE not in text and "草案上的意见" not in text and "草案讨论" not in text and "草案听证" not in text, url


def test_forum_threads_hearings_suggestions_and_feedback(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    threads = _get(client, "/api/v1/threads").get_json()["data"]
    assert [t["id"] for t in threads] == [ids["thread"]]
    assert client.get(f"/api/v1/threads/{ids['hidden_thread']}").status_code == 404
    posts = _get(client, f"/api/v1/threads/{ids['thread']}").get_json()["posts"]
    assert [p["body"] for p in posts] == ["开帖，电话 139****5678"]
    hearing = _get(client, f"/api/v1/hearings/{ids['hearing']}").get_json()
    assert hearing["participants"] is None and hearing["minutes"] is None  # the list is not public yet
    draw = _get(client, hearing["draw_url"]).get_json()
    assert draw == client.get(f"/hearings/{ids['hearing']}/draw.json").get_json() and draw["seed_secret"] is None
    suggestions = _get(client, "/api/v1/suggestions").get_json()["data"]
    assert [x["title"] for x in suggestions] == ["公开建议"] and "contact" not in suggestions[0]
    report = _get(client, f"/api/v1/plans/{ids['plan']}/feedback").get_json()
    assert report["summary"] == "反馈摘要" and report["totals"] == {"adopted": 1, "partly": 1} and report["total"] == 4
    assert [r["plan_id"] for r in _get(client, "/api/v1/feedback-reports").get_json()["data"]] == [ids["plan"]]
    plan_stats = _get(client, f"/api/v1/plans/{ids['plan']}/statistics").get_json()
    assert plan_stats["scope"]["plan_id"] == ids["plan"] and plan_stats["figures"]


def test_open_data_downloads_carry_schema_licence_and_masked_rows(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io
    import json

    from openpyxl import load_workbook

    ids = seed(any_app, make_plan)
    client = any_app.test_client()
    base = f"/api/v1/plans/{ids['plan']}/open-data"
    response = client.get(f"{base}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(r["comment_id"]) for r in rows] == [ids["public"], ids["second"]]
    assert rows[0]["licence"] == "CC BY 4.0" and rows[0]["answer_status"] == "adopted" and "13912345678" not in response.get_data(as_text=True)
    document = json.loads(client.get(f"{base}.json").get_data(as_text=True))
    assert document["licence"]["name"] == "CC BY 4.0" and {c["name"] for c in document["schema"]} == set(rows[0])
    assert [c["comment_id"] for c in document["comments"]] == [ids["public"], ids["second"]] and document["feedback"]
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").get_data()), read_only=True)
    assert book.sheetnames == ["comments", "feedback", "about"]
    assert len(list(book["comments"].iter_rows())) == 3
    page = client.get(f"/plans/{ids['plan']}").get_data(as_text=True)
    assert f"{base}.csv" in page and f"{base}.xlsx" in page and f"{base}.json" in page


def test_open_data_of_a_large_plan_streams_every_row(any_app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    plan_id = make_plan()
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        db.session.add_all([Comment(plan_id=plan.id, version_id=plan.current_version.id, body=f"意见{k}", author_label="网友") for k in range(1203)])
        db.session.commit()
    response = any_app.test_client().get(f"/api/v1/plans/{plan_id}/open-data.csv")
    assert response.is_streamed
    assert response.get_data(as_text=True).count("\n") == 1204
