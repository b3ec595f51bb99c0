"""Registration, verification, login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts import operations as accounts
from consult.accounts import recovery
from consult.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    PseudonymForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    VerifyForm,
)
from consult.core.models import User
from consult.core.security import sessions
from consult.core.security.abuse import public_write_limits
from consult.core.security.permissions import safe_target
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates", url_prefix="/account")


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("main.home"))


# The registration waiting for its code lives in the (signed) session cookie, not in a login:
# "already registered" and "new" then look the same from outside (docs/security.md).
PENDING = "pending_registration"
NO_ACCOUNT = 0  # a login already held by a verified account: no code can succeed


def _pending_user() -> tuple[bool, User | None]:
    """(someone is verifying here, the account they verify: None when none can succeed)."""
    if current_user.is_authenticated:
        return (not current_user.is_verified), (None if current_user.is_verified else current_user)
    if PENDING not in session:
        return False, None
    user_id = session.get(PENDING)
    return True, (db.session.get(User, user_id) if user_id else None)


@bp.route("/register", methods=["GET", "POST"])
@public_write_limits(per_ip="REGISTER_IP_RATE_LIMIT", per_login="5 per hour")
def register() -> str | Response:
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = recovery.start_registration(form.login.data, form.password.data, form.pseudonym.data)
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session[PENDING] = user.id if user is not None else NO_ACCOUNT
            flash(_("验证码已发送，请输入验证码完成注册。"), "success")
            return redirect(url_for("accounts.verify", next=request.args.get("next")))
        except ServiceError as error:
            db.session.rollback()
            target = form.password if "密码" in error.message else form.login
            target.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        return rerender("accounts/register.html", form)
    return render_template("accounts/register.html", form=form), status


@bp.route("/verify", methods=["GET", "POST"])
@public_write_limits(per_account="20 per hour")
def verify() -> str | Response:
    form = VerifyForm()
    status = 200
    verifying, user = _pending_user()
    if not verifying:
        if current_user.is_authenticated:
            return redirect(_safe_next(request.args.get("next")))
        return redirect(url_for("accounts.login"))
    if form.validate_on_submit():
        try:
            if user is None:
                raise ServiceError(_("验证码不正确。"))
            accounts.verify(user, form.code.data)
            if not current_user.is_authenticated:
                sessions.start_session(user)
            db.session.commit()
            if session.pop(PENDING, None) is not None:
                login_user(user)
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
@public_write_limits(per_phone="CODE_RATE_LIMIT", per_ip="30 per hour")
def resend() -> Response:
    verifying, user = _pending_user()
    if not verifying:
        return redirect(url_for("accounts.login"))
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.verify"))
    try:
        if user is not None:
            accounts.send_code(user)
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


def _settings(status: int = 200, **forms: object) -> tuple[str, int]:
    context = {"action": EmptyForm(), "delete_form": DeleteAccountForm(), "password_form": ChangePasswordForm(),
               "name_form": PseudonymForm(pseudonym=current_user.pseudonym), **forms}
    return render_template("accounts/settings.html", **context), status


@bp.get("/")
@login_required
def settings() -> tuple[str, int]:
    return _settings()


@bp.post("/password")
@login_required
@public_write_limits(per_account="10 per hour")
def change_password() -> tuple[str, int] | Response:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _settings(400, password_form=form)
    try:
        ended = recovery.change_password(current_user, form.current.data, form.password.data)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        (form.current if error.status == 401 else form.password).errors.append(error.message)
        return _settings(error.status, password_form=form)
    flash(_("密码已修改，其他 %(n)s 个设备已退出登录。", n=ended), "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/name")
@login_required
@public_write_limits(per_account="10 per hour")
def change_name() -> tuple[str, int] | Response:
    form = PseudonymForm()
    if not form.validate_on_submit():
        return _settings(400, name_form=form)
    try:
        recovery.change_pseudonym(current_user, form.pseudonym.data)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        form.pseudonym.errors.append(error.message)
        return _settings(error.status, name_form=form)
    flash(_("昵称已修改。"), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/reset", methods=["GET", "POST"])
@public_write_limits(per_ip="PASSWORD_RESET_RATE_LIMIT", per_login="PASSWORD_RESET_RATE_LIMIT")
def reset_request() -> tuple[str, int] | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        recovery.request_reset(form.login.data)
        db.session.commit()
        # The same answer whether or not the account exists.
        flash(_("如果该账号存在，验证码已发送，10 分钟内有效。"), "success")
        return redirect(url_for("accounts.reset", login=form.login.data.strip()))
    return render_template("accounts/reset_request.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/reset/confirm", methods=["GET", "POST"])
@public_write_limits(per_ip="30 per hour", per_login="10 per hour")
def reset() -> tuple[str, int] | Response:
    form = ResetForm()
    if not form.is_submitted():
        form.login.data = request.args.get("login", "")[:254]
    status = 200
    if form.validate_on_submit():
        try:
            recovery.reset_password(form.login.data, form.code.data, form.password.data)
            db.session.commit()
            flash(_("密码已重设，所有设备已退出登录，请用新密码登录。"), "success")
            return redirect(url_for("accounts.login"))
        except ServiceError as error:
            db.session.commit()  # keep the attempt count
            (form.password if "密码" in error.message else form.code).errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("accounts/reset.html", form=form), status


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
            db.session.rollback()
            form.password.errors.append(error.message)
            return _settings(error.status, delete_form=form)
    return _settings(400, delete_form=form)
