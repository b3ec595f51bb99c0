"""Registration, verification, login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts.auth import safe_target
from consult.accounts.forms import EmptyForm, LoginForm, RegisterForm, VerifyForm
from consult.extensions import db, limiter
from consult.services import ServiceError, accounts

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register() -> str | Response:
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.register(form.login.data, form.password.data, form.pseudonym.data)
            accounts.send_code(user)
            db.session.commit()
            login_user(user)
            flash(_("注册成功，验证码已发送，请输入验证码完成验证。"), "success")
            return redirect(url_for("accounts.verify", next=request.args.get("next")))
        except ServiceError as error:
            db.session.rollback()
            form.login.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("accounts/register.html", form=form), status


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def verify() -> str | Response:
    form = VerifyForm()
    status = 200
    if current_user.is_verified:
        return redirect(_safe_next(request.args.get("next")))
    if form.validate_on_submit():
        try:
            accounts.verify(current_user, form.code.data)
            db.session.commit()
            flash(_("验证成功，现在可以发表意见了。"), "success")
            return redirect(_safe_next(request.args.get("next")))
        except ServiceError as error:
            db.session.commit()  # keep the attempt count
            form.code.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("accounts/verify.html", form=form, resend=EmptyForm()), status


@bp.post("/verify/resend")
@login_required
@limiter.limit("5 per hour")
def resend() -> Response:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.verify"))
    try:
        accounts.send_code(current_user)
        db.session.commit()
        flash(_("新的验证码已发送。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("accounts.verify"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=lambda: (request.form.get("login") or "").strip().lower() or request.remote_addr or "")
@limiter.limit("30 per minute", methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        except ServiceError as error:
            form.password.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        logout_user()
    return redirect(url_for("main.home"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    if EmptyForm().validate_on_submit():
        accounts.log_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        flash(_("已在所有设备上退出登录。"), "success")
    return redirect(url_for("main.home"))
