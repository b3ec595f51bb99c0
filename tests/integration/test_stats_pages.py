"""The public statistics pages: charts with the table behind them, CSV downloads, links, what stays hidden."""

from __future__ import annotations

import csv
import io
import re

from tests.integration.stats_fixture import seed, seed_hearing


def test_site_page_has_accessible_charts_tables_and_csv_links(app, client) -> None:  # type: ignore[no-untyped-def]
    ids = seed(app)
    seed_hearing(app, ids["plan"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/stats"' in home  # from the navigation and the home page
    response = client.get("/stats")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    charts = re.findall(r'<svg class="stats-chart"[^>]*>', html)
    assert len(charts) >= 4 and all('role="img"' in c and "aria-labelledby" in c for c in charts)
    assert html.count("<title id=\"chart-") == len(charts) and html.count("<desc id=\"chart-") == len(charts)
    assert '<th scope="col">渠道</th>' in html and '<th scope="row">网站留言</th>' in html
    assert "/stats/per_channel.csv" in html
    assert "草稿方案" not in html  # a draft plan is never counted or named


def test_csv_download_is_utf8_csv_with_the_table(app, client) -> None:  # type: ignore[no-untyped-def]
    seed(app)
    response = client.get("/stats/per_channel.csv")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["渠道", "意见数", "占比"]
    assert ["网站留言", "3", "0.5"] in rows and ["来信", "1", "0.1667"] in rows
    assert client.get("/stats/nothing.csv").status_code == 404


def test_plan_page_links_and_shows_clause_and_adoption_figures(app, client) -> None:  # type: ignore[no-untyped-def]
    ids = seed(app)
    plan_page = client.get(f"/plans/{ids['plan']}").get_data(as_text=True)
    assert f'href="/plans/{ids["plan"]}/stats"' in plan_page
    html = client.get(f"/plans/{ids['plan']}/stats").get_data(as_text=True)
    for title in ("每日意见数", "每周意见数", "各渠道意见数", "各条款意见数", "各条款意见采纳情况", "听证会参与情况"):
        assert title in html
    assert '<th scope="row">第一条</th>' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/plans/{ids['plan']}/stats/per_clause.csv").data.decode("utf-8-sig"))))
    assert rows[0] == ["条款", "意见数"] and rows[1] == ["第一条", "2"] and rows[-1][0].startswith("整个方案")
    adoption = list(csv.reader(io.StringIO(client.get(f"/plans/{ids['plan']}/stats/adoption_per_clause.csv").data.decode("utf-8-sig"))))
    assert adoption[0][:3] == ["条款", "意见数", "采纳"] and adoption[1][:4] == ["第一条", "2", "1", "1"]


def test_draft_and_missing_plans_have_no_statistics(app, client) -> None:  # type: ignore[no-untyped-def]
    ids = seed(app)
    assert client.get(f"/plans/{ids['draft']}/stats").status_code == 404
    assert client.get(f"/plans/{ids['draft']}/stats/per_clause.csv").status_code == 404
    assert client.get("/plans/999999/stats").status_code == 404


def test_adoption_waits_for_the_published_feedback(app, client) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import FeedbackReport

    ids = seed(app)
    with app.app_context():
        db.session.query(FeedbackReport).delete()
        db.session.commit()
    html = client.get(f"/plans/{ids['plan']}/stats").get_data(as_text=True)
    section = html[html.index('id="figure-adoption_per_clause"'):]
    section = section[: section.index("</section>")]
    assert "采纳情况反馈公布后显示" in section and "<svg" not in section and "<table" not in section
