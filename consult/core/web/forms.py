"""Forms that survive a refusal: on a ServiceError the same page is rendered again with the
bound form (what the person typed is kept) and the message beside the field it is about."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, jsonify, render_template
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field
from wtforms.meta import DefaultMeta

from consult.core.web.errors import ServiceError, wants_json
from consult.extensions import db

F = TypeVar("F", bound=FlaskForm)
Renderer = Callable[..., str]


def attach(form: FlaskForm, error: ServiceError, default: str | None = None) -> None:
    """Put the message beside `error.field` (else `default`), or above the form when neither is a field."""
    name = error.field or default
    target = form._fields.get(name) if name else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def rerender(template: str | Renderer, form: FlaskForm, error: ServiceError | None = None, *, status: int = 400,
             default: str | None = None, **context: Any) -> tuple[str, int] | tuple[Response, int]:
    """Roll back, then answer a refused submission with the same page (or JSON for a script).

    Without `error` the form's own validation failed and its messages are already on their fields.
    """
    db.session.rollback()
    if error is not None:
        status = error.status
        attach(form, error, default)
    if wants_json():
        messages = {name: [str(e) for e in errs] for name, errs in form.errors.items() if name}
        first = error.message if error is not None else next((m[0] for m in messages.values() if m), "")
        return jsonify(error=first, field=error.field if error is not None else None, errors=messages, status=status), status
    if callable(template):
        return template(form=form, **context), status
    return render_template(template, form=form, **context), status


def form_view(template: str | Renderer, form_factory: Callable[..., F], *, default: str | None = None,
              context: Callable[..., dict[str, Any]] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view taking `form` first: a ServiceError it raises re-renders `template` with that form.

    `form_factory(**view_kwargs)` builds the bound form; `context(**view_kwargs)` what else the
    page needs; `template` may be a callable `(form=..., **context) -> html` for pages built in code.
    `default` names the field a message without its own field belongs to.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            form = form_factory(**kwargs)
            try:
                return view(form, **kwargs)
            except ServiceError as error:
                extra = context(**kwargs) if context else {}
                return rerender(template, form, error, default=default, **extra)

        return wrapper

    return decorator


def error_id(field: Field) -> str:
    """The id of the element holding `field`'s messages (`_forms.html` `errors(f)` writes it)."""
    return f"{field.id}-error"


def _render_with_errors(meta: DefaultMeta, field: Field, render_kw: dict[str, Any]) -> Markup:
    # A field with messages is marked invalid and names its messages, so a screen reader announces them
    # with the field (WCAG 3.3.1, 1.3.1). Groups of radios or checkboxes (a list widget) carry the
    # message on their fieldset instead: aria-invalid is not allowed on a list.
    if field.errors and not getattr(field.widget, "html_tag", None) and field.type not in ("HiddenField", "CSRFTokenField"):
        described = " ".join(filter(None, [render_kw.get("aria-describedby", render_kw.get("aria_describedby")), error_id(field)]))
        render_kw = {**render_kw, "aria-invalid": "true", "aria-describedby": described}
        render_kw.pop("aria_describedby", None)
    return _default_render_field(meta, field, render_kw)


_default_render_field = DefaultMeta.render_field


def link_errors_to_fields() -> None:
    """Every form of the app renders its invalid fields with aria-invalid and aria-describedby.

    Set once on Flask-WTF's Meta (which every form inherits) rather than on a base class each of the
    forty form classes would have to name; calling it again changes nothing.
    """
    FlaskForm.Meta.render_field = _render_with_errors  # type: ignore[method-assign]
