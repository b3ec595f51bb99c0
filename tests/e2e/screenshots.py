"""Screenshots of the main pages for every role at 1366 px and 375 px, and a walk that flags problems.

    PYTHONPATH=$PWD python tests/e2e/screenshots.py --out /tmp/consult-shots [--no-images]

Builds a throw-away app on SQLite, loads the demo content, creates one account per role, serves it
and opens each role's pages in Chromium. Every page is checked for a 5xx, a raw internal code and
English words on the zh-CN interface; the problems are printed (exit status 1 if any) and the PNGs
are written to ``--out/<role>/<width>/<page>.png`` for a person to look at."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import make_server

WIDTHS = (1366, 375)
PASSWORD = "walk-password-2026"
NAMES = {"citizen": "走查市民", "department": "走查部门", "staff": "走查改革办", "admin": "走查管理员", "expert": "走查专家", "evaluator": "走查评估方"}
ROLES = ("anonymous", "citizen", "department", "staff", "admin", "expert", "evaluator")
# Internal codes that must never reach a reader (labels exist for each of them).
RAW = re.compile(r"\b(web|forum|hearing_statement|suggestion\.[a-z_]+|comment\.[a-z_]+|response\.[a-z_]+|plan\.[a-z_]+|ledger\.[a-z_]+|evaluation\.[a-z_]+|api_token\.[a-z_]+|expert\.(?:opinion|conclusion|invite|create|update|score|accept|withdraw|conflict)[a-z_]*|not_adopted|partly|adopted|covered|pending|published|rejected|withdrawn|cluster=None|comment_ids=|来源 all)\b")
# Latin words allowed on the zh-CN interface: names, formats and units.
ALLOWED = {"consult", "xlsx", "csv", "docx", "json", "excel", "word", "pdf", "nps", "id", "ip", "url", "sha", "js", "api", "a4", "ok", "utc", "d", "t", "i", "wcag", "ukey", "demo", "invalid", "example", "gov", "cn", "com",
           "english", "cc", "by", "md", "txt", "jy", "ctrl"}  # the language switch names its language; CC BY; file types; 建议 numbers JY-…
WORD = re.compile(r"[A-Za-z]{2,}")


def _app(tmp: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.conftest import _make_app

    return _make_app(tmp, f"sqlite:///{tmp / 'walk.sqlite'}", RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True)


def _seed(app) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.accounts import operations as accounts
    from consult.core.models import Department
    from consult.demo import loader
    from consult.extensions import db
    from consult.forums.models import Thread
    from consult.hearings.models import Hearing
    from consult.plans.models import Plan
    from consult.surveys.models import Survey

    with app.app_context():
        loader.load()
        db.session.commit()
        department = db.session.scalar(select(Department).order_by(Department.id))
        for role in ROLES[1:]:
            user = accounts.register(f"walk-{role}@example.gov.cn", PASSWORD, NAMES[role], role=role)
            user.verified_at = datetime.now(UTC)
            if role == "department" and department is not None:
                user.department_id = department.id
        db.session.commit()
        plans = list(db.session.scalars(select(Plan).order_by(Plan.id)))
        now = datetime.now(UTC)
        open_plan = next((p for p in plans if p.closes_at and p.closes_at > now), plans[0])
        closed_plan = next((p for p in plans if p.closes_at and p.closes_at <= now), plans[-1])
        return {
            "open": open_plan.id, "closed": closed_plan.id,
            "clause": open_plan.current_version.clauses[0].id,
            "survey": db.session.scalar(select(Survey.id).order_by(Survey.id)) or 0,
            "thread": db.session.scalar(select(Thread.id).order_by(Thread.id)) or 0,
            "hearing": db.session.scalar(select(Hearing.id).order_by(Hearing.id)) or 0,
        }


def pages(ids: dict[str, object]) -> dict[str, list[tuple[str, str]]]:
    o, c = ids["open"], ids["closed"]
    public = [
        ("home", "/"), ("plan-open", f"/plans/{o}"), ("plan-closed", f"/plans/{c}"), ("plan-closed-v1", f"/plans/{c}?version=1"),
        ("clause", f"/plans/{o}/clauses/{ids['clause']}"), ("feedback", f"/plans/{c}/feedback"), ("forums", "/forums/"),
        ("hearings", "/hearings/"), ("suggestion-new", "/suggestions/new"), ("search", "/search?q=%E8%90%A5%E5%95%86"),
        ("reforms", "/reforms/"), ("stats", "/stats"), ("plan-stats", f"/plans/{c}/stats"),
    ]
    if ids["thread"]:
        public.append(("thread", f"/forums/threads/{ids['thread']}"))
    if ids["hearing"]:
        public.append(("hearing", f"/hearings/{ids['hearing']}"))
    citizen = [*public, ("notifications", "/account/notifications"), ("my-comments", "/account/comments"), ("settings", "/account/settings"), ("my-suggestions", "/suggestions/mine")]
    staff = [
        *citizen, ("staff", "/staff/"), ("moderation", "/staff/moderation/"), ("responses", f"/staff/plans/{c}/responses"),
        ("digest", f"/staff/plans/{c}/digest"), ("staff-plan", f"/staff/plans/{c}"), ("suggestion-queue", "/staff/suggestions/"),
        ("surveys", "/staff/surveys/"), ("scorecard", "/staff/surveys/scorecard"), ("tickets", "/staff/surveys/tickets"),
        ("ledger", "/staff/ledger/"), ("ledger-major", "/staff/ledger/major"), ("ledger-new", "/staff/ledger/new"),
        ("ledger-import", "/staff/ledger/import"), ("experts", "/staff/experts/"), ("evaluation", "/staff/evaluation/"),
        ("indicators", "/staff/evaluation/indicators"), ("third-party", "/staff/evaluation/third-party"),
    ]
    if ids["survey"]:
        staff += [("survey", f"/staff/surveys/{ids['survey']}"), ("survey-edit", f"/staff/surveys/{ids['survey']}/edit"), ("survey-results", f"/staff/surveys/{ids['survey']}/results")]
    admin = [*staff, ("audit", "/admin/audit"), ("users", "/admin/users"), ("departments", "/admin/departments"), ("words", "/staff/moderation/words")]
    return {"anonymous": public, "citizen": citizen, "department": staff, "staff": staff, "admin": admin, "expert": [*citizen, ("expert-space", "/expert/")],
            "evaluator": [*citizen, ("evaluator-space", "/evaluator/")]}


def _problems(page, status: int) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    if status >= 500:
        found.append(f"HTTP {status}")
    text = page.evaluate("() => document.body.innerText")
    for match in RAW.finditer(text):
        found.append(f"raw code {match.group(0)!r}: …{text[max(0, match.start() - 20):match.end() + 20]!r}…")
    prose = re.sub(r"\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", " ", text)  # hashes (lottery seed commitments) are not words
    english = sorted({w for w in WORD.findall(prose) if w.lower() not in ALLOWED and not re.fullmatch(r"[A-Z]\d*", w)})
    if english:
        at = re.search(rf"\b{re.escape(english[0])}\b", prose)
        where = prose[max(0, at.start() - 25):at.end() + 25] if at else ""
        found.append(f"English: {', '.join(english[:12])} (…{where!r}…)")
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if wide > 2:
        found.append(f"wider than the screen by {wide}px")
    return found


def walk(out: Path, images: bool, only: tuple[str, ...] = ()) -> int:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.browser import launch_chromium

    tmp = Path(tempfile.mkdtemp(prefix="consult-walk-"))
    app = _app(tmp)
    ids = _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for role, todo in pages(ids).items():
            if only and role not in only:
                continue
            for width in WIDTHS:
                context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900})
                page = context.new_page()
                if role != "anonymous":
                    page.goto(f"{url}/account/login")
                    page.get_by_label("手机号或电子邮箱").fill(f"walk-{role}@example.gov.cn")
                    page.get_by_label("密码").fill(PASSWORD)
                    page.get_by_role("button", name="登录").click()
                    page.wait_for_load_state()
                for name, path in todo:
                    response = page.goto(url + path)
                    status = response.status if response else 0
                    for problem in _problems(page, status):
                        problems.append(f"{role} {width}px {path}: {problem}")
                    if images:
                        target = out / role / str(width) / f"{name}.png"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(target), full_page=True)
                context.close()
        browser.close()
    server.shutdown()
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s); screenshots in {out}" if images else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--no-images", action="store_true")
    parser.add_argument("--roles", default="", help="comma-separated roles (default: all): " + ", ".join(ROLES))
    args = parser.parse_args()
    sys.exit(walk(args.out, not args.no_images, tuple(r for r in args.roles.split(",") if r)))
