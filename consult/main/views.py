"""Home page (open consultations, closing soon first) and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from consult.main import health
from consult.plans import operations as plans

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    return render_template("main/home.html", open_plans=plans.open_plans(), closed_plans=plans.closed_plans())


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    body, status = health.check()
    return jsonify(body), status
