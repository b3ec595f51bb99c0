"""Admin pages: departments (create, rename), accounts (search, role and department), audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from consult.admin import operations as service
from consult.admin.forms import DepartmentForm, RoleForm
from consult.core import audit, audit_labels
from consult.core.files.spreadsheets import write_csv, write_xlsx
from consult.core.security.permissions import roles_required
from consult.core.web.converters import bounded_int
from consult.core.web.errors import ServiceError, form_errors_text
from consult.extensions import db
from worker.analysis.normalise import mask_personal

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
admin_required = roles_required("admin")


def _int(value: str | None, name: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    number = bounded_int(value)
    if number is None:
        abort(400, description=_("参数 %(n)s 应为数字。", n=name))
    return number


def _date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=_("日期格式应为 YYYY-MM-DD。"))


def _errors(form) -> str:  # type: ignore[no-untyped-def]
    return form_errors_text(form)


@bp.route("/departments", methods=["GET", "POST"])
@admin_required
def departments() -> str | BaseResponse | tuple[str, int]:
    form = DepartmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            department = service.create_department(current_user, form.name.data)
            db.session.commit()
            flash(_("已创建部门“%(n)s”。", n=department.name), "success")
            return redirect(url_for("admin.departments"))
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("admin/departments.html", form=form, departments=service.departments(), rename=DepartmentForm(formdata=None)), status


@bp.post("/departments/<int:department_id>")
@admin_required
def rename_department(department_id: int) -> BaseResponse:
    form = DepartmentForm()
    if not form.validate_on_submit():
        abort(400, description=_errors(form))
    service.rename_department(current_user, department_id, form.name.data)
    db.session.commit()
    flash(_("已更名。"), "success")
    return redirect(url_for("admin.departments"))


@bp.get("/users")
@admin_required
def users() -> str:
    query = (request.args.get("q") or "").strip()
    if len(query) > 100:
        abort(400, description=_("搜索词最多 100 字。"))
    found, page, pages = service.search_users(query, _int(request.args.get("page"), "page") or 1)
    return render_template(
        "admin/users.html", users=found, page=page, pages=pages, q=query, form=RoleForm(formdata=None),
        departments=service.departments(), masked=service.masked_login, role_labels=service.ROLE_LABELS,
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
def set_role(user_id: int) -> BaseResponse:
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, description=_errors(form))
    user = service.set_role(current_user, user_id, form.role.data, _int(form.department.data, "department"))
    db.session.commit()
    flash(_("已更新 %(u)s 的角色。", u=service.masked_login(user)), "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


def _audit_filter() -> service.AuditFilter:
    args = request.args
    for name in ("actor", "action", "target_type"):
        if len(args.get(name) or "") > 60:
            abort(400, description=_("筛选条件过长。"))
    return service.AuditFilter(
        actor=(args.get("actor") or "").strip(),
        action=(args.get("action") or "").strip(),
        target_type=(args.get("target_type") or "").strip(),
        target_id=_int(args.get("target_id"), "target_id"),
        department_id=_int(args.get("department"), "department"),
        since=_date(args.get("since")),
        until=_date(args.get("until")),
    )


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    spec = _audit_filter()
    entries, page, pages, total = service.audit_page(spec, _int(request.args.get("page"), "page") or 1)
    return render_template(
        "admin/audit.html", entries=entries, page=page, pages=pages, total=total, spec=spec,
        actions=sorted(audit_labels.ACTIONS.items(), key=lambda kv: kv[0]), targets=list(audit_labels.TARGETS.items()),
        departments={d.id: d.name for d in service.departments()},
        mask=mask_personal,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/audit/export.<kind>")
@admin_required
def audit_export(kind: str) -> Response:
    if kind not in ("csv", "xlsx"):
        abort(404, description=_("不支持的导出格式。"))
    spec = _audit_filter()
    rows = list(service.audit_rows(spec))
    # The export itself is a staff action: logged (after the rows were read, so it is not in them).
    audit.record(current_user, "audit.export", "audit_entry", None, format=kind, rows=len(rows), filters={k: v for k, v in request.args.items()})
    db.session.commit()
    if kind == "csv":
        body, mimetype = write_csv(service.AUDIT_HEADER, rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = write_xlsx([("操作日志", service.AUDIT_HEADER, rows)]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # content_type, not mimetype: Werkzeug appends a second "; charset=utf-8" to a text/* mimetype.
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=audit-log.{kind}"
    return response
