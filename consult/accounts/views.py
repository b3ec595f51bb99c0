"""Registration, verification, login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts import operations as accounts
from consult.accounts.forms import DeleteAccountForm, LoginForm, RegisterForm, VerifyForm
from consult.core import sessions
from consult.core.abuse import public_write_limits
from consult.core.buttons import EmptyForm
from consult.core.errors import ServiceError
from consult.core.forms import rerender
from consult.core.permissions import safe_target
from consult.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates", url_prefix="/account")


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@public_write_limits(per_ip="REGISTER_IP_RATE_LIMIT", per_login="5 per hour")
def register() -> str | Response:
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.register(form.login.data, form.password.data, form.pseudonym.data)
            accounts.send_code(user)
            sessions.start_session(user)
            db.session.commit()
            login_user(user)
            flash(_("注册成功，验证码已发送，请输入验证码完成验证。"), "success")
            return redirect(url_for("accounts.verify", next=request.args.get("next")))
        except ServiceError as error:
            return rerender("accounts/register.html", form, error, default="login")
    elif form.is_submitted():
        return rerender("accounts/register.html", form)
    return render_template("accounts/register.html", form=form), status


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@public_write_limits(per_account="20 per hour")
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
@public_write_limits(per_phone="CODE_RATE_LIMIT", per_ip="30 per hour")
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
@public_write_limits(per_login="LOGIN_RATE_LIMIT", per_ip="LOGIN_IP_RATE_LIMIT")
def login() -> str | Response:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
            sessions.start_session(user)
            db.session.commit()
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        except ServiceError as error:
            return rerender("accounts/login.html", form, error, default="password")
    elif form.is_submitted():
        return rerender("accounts/login.html", form)
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            # The server forgets this session, so a copy of the cookie is worthless too.
            sessions.end_session(current_user.session_token)
            db.session.commit()
        logout_user()
    return redirect(url_for("main.home"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    if EmptyForm().validate_on_submit():
        sessions.log_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        flash(_("已在所有设备上退出登录。"), "success")
    return redirect(url_for("main.home"))


@bp.get("/")
@login_required
def settings() -> str:
    return render_template("accounts/settings.html", action=EmptyForm(), delete_form=DeleteAccountForm())


@bp.post("/delete")
@login_required
@public_write_limits(per_account="5 per hour")
def delete() -> str | Response | tuple[str, int]:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            kept = accounts.delete_account(current_user, form.password.data)
            db.session.commit()
            logout_user()
            flash(_("账号已注销。您发表的 %(n)s 条意见仍作为公众意见保留，但不再与您关联。", n=kept), "success")
            return redirect(url_for("main.home"))
        except ServiceError as error:
            return rerender("accounts/settings.html", form, error, default="password", action=EmptyForm(), delete_form=form)
    return render_template("accounts/settings.html", action=EmptyForm(), delete_form=form), 400
