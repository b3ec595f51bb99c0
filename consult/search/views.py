"""Search over plans and comments."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from consult.search.queries import search

bp = Blueprint("search", __name__, template_folder="templates")


@bp.get("/search")
def results() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    found = search(q) if q else None
    return render_template("search/results.html", q=q, found=found)
