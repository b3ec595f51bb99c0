"""The API's description (OpenAPI document and its browsable page) and each plan's open data downloads."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, stream_with_context

from consult.api import opendata
from consult.api.guards import protect
from consult.api.paging import cached_json
from consult.api.registry import build, document
from consult.core.files.spreadsheets import write_xlsx

bp = Blueprint("api_data", __name__, template_folder="templates", url_prefix="/api")
protect(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = {"type": "string", "format": "binary"}


@bp.get("/v1/openapi.json")
@document("本 API 的 OpenAPI 3.1 描述（由代码生成）", tag="meta", response={"type": "object"})
def openapi() -> Response:
    return cached_json(build(current_app), max_age=300)


@bp.get("/docs")
@document("浏览 API 文档（Swagger UI，本站自带）", tag="meta", response={"type": "string"}, media=("text/html",))
def docs() -> str:
    return render_template("api/docs.html")


def _download(plan_id: int, suffix: str, mimetype: str, body) -> Response:  # type: ignore[no-untyped-def]
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}-open-data.{suffix}"'
    return response


@bp.get("/v1/plans/<int:plan_id>/open-data.csv")
@document("开放数据：方案的公开意见与答复（CSV，UTF-8 带 BOM）", tag="open data", response=FILE, media=("text/csv",))
def open_data_csv(plan_id: int) -> Response:
    plan = opendata.plan_for_download(plan_id)
    return _download(plan.id, "csv", "text/csv", stream_with_context(opendata.csv_stream(plan.id)))


@bp.get("/v1/plans/<int:plan_id>/open-data.json")
@document("开放数据：方案的公开意见、答复与反馈（JSON，含 schema 与 licence）", tag="open data", response={"type": "object"})
def open_data_json(plan_id: int) -> Response:
    plan = opendata.plan_for_download(plan_id)
    return _download(plan.id, "json", "application/json", stream_with_context(opendata.json_stream(plan.id)))


@bp.get("/v1/plans/<int:plan_id>/open-data.xlsx")
@document("开放数据：方案的公开意见、答复与反馈（XLSX，含说明页）", tag="open data", response=FILE, media=(XLSX,))
def open_data_xlsx(plan_id: int) -> Response:
    plan = opendata.plan_for_download(plan_id)
    return _download(plan.id, "xlsx", XLSX, write_xlsx(opendata.xlsx_sheets(plan)))
