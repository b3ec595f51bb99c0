"""A third-party evaluation's report file as a download (never shown inline)."""

from __future__ import annotations

from urllib.parse import quote

from flask import abort
from werkzeug.wrappers import Response

from consult.evaluation.models import ThirdPartyEvaluation


def report_response(evaluation: ThirdPartyEvaluation) -> Response:
    if not evaluation.report_filename:
        abort(404, description="还没有上传评估报告。")
    name = quote(evaluation.report_filename)
    return Response(evaluation.report_data, mimetype=evaluation.report_content_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "X-Content-Type-Options": "nosniff"})
