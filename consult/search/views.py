"""Search over plans, comments, forum posts, public suggestions and published answers."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from consult.core.web.converters import query_page
from consult.search.passages import passage
from consult.search.site import search

bp = Blueprint("search", __name__, template_folder="templates")


@bp.get("/search")
def results() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    found = search(q, page=query_page()) if q else None
    return render_template("search/results.html", q=q, found=found, passage=passage)
