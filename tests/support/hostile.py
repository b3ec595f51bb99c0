"""The hostile-input harness: every public form and query parameter in one table, the Big List
of Naughty Strings, and one check (no 5xx, hostile text never echoed unescaped).

To cover a new form, add an `Endpoint` to ENDPOINTS (placeholders like {plan} are filled from
the `World` the test builds; `as_user` picks who posts). tests/integration/test_hostile_input.py
then sends every naughty string into every listed field, plus invalid UTF-8 and NUL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BLNS_PATH = Path(__file__).resolve().parents[1] / "data" / "blns.json"
SENTINEL = "ZqX7"  # prefixed to every hostile value so its echo can be found in the page
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def naughty_strings() -> list[str]:
    """The Big List of Naughty Strings (MIT, Max Woolf et al.), vendored in tests/data/blns.json."""
    return json.loads(BLNS_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str  # placeholders: {plan} {clause} {comment} {digest} {draft} {board} {thread} {hearing}
    fields: tuple[str, ...]  # the fields (POST) or query parameters (GET) that get hostile text
    method: str = "POST"
    fixed: dict[str, str] = field(default_factory=dict)  # the other fields, sensible values
    as_user: str = "anonymous"  # anonymous | citizen | unverified | staff
    page: str | None = None  # where the form lives (for the CSRF token); default: url
    every: int = 1  # send every n-th naughty string only (a field that costs a password hash)


ENDPOINTS: list[Endpoint] = [
    # Public pages and their query parameters.
    Endpoint("search", "/search", ("q",), method="GET"),
    Endpoint("plan page", "/plans/{plan}", ("sort", "page", "version"), method="GET"),
    Endpoint("clause page", "/plans/{plan}/clauses/{clause}", ("sort", "page"), method="GET"),
    Endpoint("login page", "/account/login", ("next",), method="GET"),
    # Public writes.
    Endpoint("register", "/account/register", ("login", "pseudonym", "password"), fixed={"password": "s3cret-pass-9", "confirm": "s3cret-pass-9"}),
    Endpoint("login", "/account/login", ("login", "password"), fixed={"password": "password123"}),
    Endpoint("verify", "/account/verify", ("code",), as_user="unverified"),
    Endpoint("comment", "/plans/{plan}/comments", ("body", "clause_id", "submission_id"), fixed={"body": "建议增加停车位"}, as_user="citizen", page="/plans/{plan}"),
    Endpoint("vote", "/plans/comments/{comment}/vote", ("value",), as_user="citizen", page="/plans/{plan}"),
    Endpoint("delete account", "/account/delete", ("password",), as_user="citizen", page="/account/", every=8),
    # Forums, hearings and the suggestion box.
    Endpoint("forum board", "/forums/boards/{board}", ("sort", "page"), method="GET"),
    Endpoint("forum search", "/forums/search", ("q", "board"), method="GET"),
    Endpoint("forum thread page", "/forums/threads/{thread}", ("page", "quote"), method="GET"),
    Endpoint("new thread", "/forums/boards/{board}/threads", ("title", "body", "submission_id"), fixed={"title": "停车难", "body": "建议增加停车位"}, as_user="citizen", every=3),
    Endpoint("forum reply", "/forums/threads/{thread}/replies", ("body", "parent_id", "quote_id"), fixed={"body": "同意"}, as_user="citizen", every=3),
    Endpoint("hearing apply", "/hearings/{hearing}/apply", ("stance", "group", "statement", "recipient_note"), fixed={"stance": "support", "statement": "支持"}, as_user="citizen", page="/hearings/{hearing}"),
    Endpoint("suggestion", "/suggestions/new", ("domain", "title", "body", "contact"), fixed={"domain": "经济", "title": "建议", "body": "减少审批"}, every=3),
    Endpoint("suggestion follow-up", "/suggestions/follow", ("tracking_number", "code")),
    # Staff forms (also reachable by anyone holding a staff account: same rules).
    Endpoint("new plan", "/staff/plans/new", ("title", "department", "summary", "body", "window_days", "short_window_reason", "moderation"),
             fixed={"title": "方案", "body": "第一条 总则。", "window_days": "30", "moderation": "post"}, as_user="staff"),
    Endpoint("draft body", "/staff/plans/{draft}/body", ("body",), as_user="staff", page="/staff/plans/{draft}"),
    Endpoint("new version", "/staff/plans/{plan}/versions", ("body", "note"), fixed={"body": "第一条 修订。"}, as_user="staff", page="/staff/plans/{plan}"),
    Endpoint("dictionary", "/staff/dictionary", ("word",), as_user="staff"),
    Endpoint("build digest", "/staff/plans/{plan}/digest", ("source",), as_user="staff"),
    Endpoint("digest page", "/staff/plans/{plan}/digest", ("source",), method="GET", as_user="staff"),
    Endpoint("import", "/staff/plans/{plan}/import", ("channel", "text_column"), fixed={"channel": "letter"}, as_user="staff"),
    Endpoint("clause correction", "/staff/comments/{comment}/clause", ("clause_id",), as_user="staff", page="/staff/plans/{plan}/digest"),
]


# Numbers no list or id can hold: past 64 bits (OverflowError in the database driver), past 32 bits
# (PostgreSQL integer), negative, zero, full-width digits, a Python int literal, too long to parse.
HOSTILE_NUMBERS = ["18446744073709551616", "9" * 40, "2147483648", "-1", "0", "１２", "1_0", "1e309", "9" * 5000]
# Query parameters that take a number somewhere on a public or staff list.
NUMBER_PARAMS = ("page", "version", "c", "board", "department", "plan", "target_id", "quote")
# Text no XLSX or DOCX can carry that the control-character guard lets through (U+FFFE, U+FFFF, a
# plane-1 noncharacter): citizens can type it, so intake strips it.
XML_ILLEGAL = "\ufffe\uffff\U0001fffe"
# One CSV field over csv.field_size_limit() (131,072 characters).
OVERSIZED_CSV = ("内容,日期\n\"" + "长" * 140_000 + "\",2024-01-01\n").encode("utf-8")


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def assert_safe(response: Any, value: str, where: str) -> None:
    """No server error, and the hostile value is never echoed with its markup intact."""
    assert response.status_code < 500, f"{where}: {response.status_code} for {value!r}"
    if not response.mimetype or "html" not in response.mimetype:
        return
    html = response.get_data(as_text=True)
    if SENTINEL not in html or not any(c in value for c in "<>\"'&"):
        return
    from worker.analysis.normalise import strip_invisible

    for shown in {value, value.strip(), strip_invisible(value).strip()}:
        if any(c in shown for c in "<>\"'"):
            assert SENTINEL + shown not in html, f"{where}: {value!r} echoed unescaped"
