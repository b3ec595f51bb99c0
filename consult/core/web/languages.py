"""Which language a page is shown in: zh-CN by default, English on request (docs/i18n.md).

A visitor's explicit choice (`?lang=en` from the switch in the footer, then kept in a cookie)
wins; without one, the browser's Accept-Language may pick English; a browser that says nothing,
or asks for a language we do not have, gets zh-CN. Times stay in the site's time zone whatever
the language (templating.local_time).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale

from worker.analysis.privacy import mask_text

COOKIE = "lang"
# Locale code (as Babel spells it) → the BCP 47 tag for `<html lang>` and the switch's label,
# which is written in its own language so a reader who cannot read the other one finds it.
LANGUAGES = {"zh_CN": ("zh-CN", "中文"), "en": ("en", "English")}
DEFAULT = "zh_CN"
_TAGS = {"zh-CN": "zh_CN", "zh": "zh_CN", "en": "en"}  # what browsers and the switch send
_CODES = {**_TAGS, "zh_CN": "zh_CN"}
_COOKIE_DAYS = 365


def N_(text: str) -> str:  # noqa: N802 - babel's conventional name, in its default keywords
    """Mark a msgid for extraction where the text is translated later, with `_(value)` at display."""
    return text


def _chosen() -> str | None:
    return _CODES.get(request.args.get("lang", "")) or _CODES.get(request.cookies.get(COOKIE, ""))


def select_locale() -> str:
    """The locale for this request (Flask-Babel's locale selector).

    Flask-Babel also asks outside requests (Celery tasks, CLI commands render e-mails and
    notifications in an app context): those are written in the default language.
    """
    if not has_request_context():
        return DEFAULT
    chosen = _chosen()
    if chosen:
        return chosen
    best = request.accept_languages.best_match(list(_TAGS))
    return _TAGS[best] if best else DEFAULT


def current() -> str:
    """This request's locale code; Babel spells zh_CN as zh_Hans_CN, so compare languages."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else DEFAULT


def html_lang() -> str:
    return LANGUAGES[current()][0]


def switch_links() -> list[tuple[str, str, str, bool]]:
    """(tag, label, url, current) for each language: this page again with `lang` set."""
    here = current()
    # Masked like every echo of what someone typed: a search for a phone number must not put it in a link.
    args = [(k, mask_text(v)) for k, v in request.args.items(multi=True) if k != "lang"]
    links = []
    for code, (tag, label) in LANGUAGES.items():
        url = request.path + "?" + urlencode([*args, ("lang", tag)])
        links.append((tag, label, url, code == here))
    return links


def remember_choice(response: Response) -> Response:
    """Keep an explicit `?lang=` for later pages; pages differ by language, so say so to caches."""
    code = _CODES.get(request.args.get("lang", ""))
    if code:
        response.set_cookie(
            COOKIE, LANGUAGES[code][0], max_age=_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],  # as the session cookie (config.py)
        )
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    app.after_request(remember_choice)

    @app.context_processor
    def _language() -> dict[str, object]:
        return {"html_lang": html_lang, "language_links": switch_links}
