"""Public statistics pages: /stats for the whole site and /plans/<id>/stats per plan, each figure as an
SVG chart with the table behind it and a CSV download."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from consult.core.files.spreadsheets import write_csv
from consult.stats import charts
from consult.stats.figures import plan_figures, site_figures

bp = Blueprint("stats", __name__, template_folder="templates")

CSV_TYPE = "text/csv; charset=utf-8"


def cell(key: str, value: Any) -> str:
    """A table cell as people read it: shares in per cent, a figure not published (None) as a dash."""
    if value is None:
        return "—"
    if key.endswith("share") and isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def _plan_or_404(plan_id: int) -> dict[str, Any]:
    data = plan_figures(plan_id)
    if data is None:
        abort(404, description=_("没有找到该方案。"))
    return data


def _page(data: dict[str, Any], csv_endpoint: str, **url_args: Any) -> str:
    return render_template("stats/page.html", data=data, svg=charts.svg, cell=cell, csv_endpoint=csv_endpoint, url_args=url_args)


def _csv(data: dict[str, Any], key: str, name: str) -> Response:
    figure = data["figures"].get(key)
    if figure is None:
        abort(404, description=_("没有这项统计。"))
    keys = [c["key"] for c in figure["columns"]]
    rows = [[row.get(k) if row.get(k) is not None else "" for k in keys] for row in figure["rows"]]
    response = Response(write_csv([c["label"] for c in figure["columns"]], rows), content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = f"attachment; filename={name}-{key}.csv"
    return response


@bp.get("/stats")
def site() -> str:
    return _page(site_figures(), "stats.site_csv")


@bp.get("/stats/<key>.csv")
def site_csv(key: str) -> Response:
    return _csv(site_figures(), key, "stats")


@bp.get("/plans/<int:plan_id>/stats")
def plan(plan_id: int) -> str:
    return _page(_plan_or_404(plan_id), "stats.plan_csv", plan_id=plan_id)


@bp.get("/plans/<int:plan_id>/stats/<key>.csv")
def plan_csv(plan_id: int, key: str) -> Response:
    return _csv(_plan_or_404(plan_id), key, f"plan-{plan_id}")
