"""WCAG 2.1 AA in Chromium: the vendored axe-core (tests/support/vendor/axe-core) runs on every main page
for each role and finds no serious or critical violation; the skip link is the first stop of the
keyboard and moves focus to the main content; focus is visible; a refused form names its message on
the field; and the English interface shows no Chinese in its chrome (nav, headings, labels, buttons)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.stats_fixture import seed, seed_hearing, seed_suggestions
from tests.integration.survey_helpers import make_links, make_survey
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "password123"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')),
  }));
}"""
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The interface's own words, not what people wrote: a label's own text (not the options of the select it
# wraps), column headers, headings of feature pages, buttons, the nav without the signed-in name.
CHROME = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const copy = el.cloneNode(true);
  copy.querySelectorAll('select, option, textarea, input, .who, .user-content').forEach(x => x.remove());
  return (el.tagName + ': ' + (el.getAttribute('aria-label') || '') + ' ' + copy.textContent).replace(/\\s+/g, ' ').trim();
})"""
CHROME_SELECTOR = ("header nav > a, header nav button, .menu-toggle, .skip-link, main h1, main h2, main thead th, main label, "
                   "main button, main legend, main caption, svg.stats-chart > title, input[placeholder]")


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.gov.cn"


def _seed(app) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.core.security.hashing import hash_secret
    from consult.experts import pool
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.ledger.operations import TaskFields, create_task
    from consult.plans import comments
    from consult.plans import operations as plans
    from consult.surveys.models import Survey

    ids: dict[str, Any] = seed(app)  # a closed plan with answers and a published feedback report
    ids["hearing"] = seed_hearing(app, ids["plan"])
    seed_suggestions(app, [0.5, 3, 12])
    ids["survey"] = make_survey(app, department="市交通局")
    ids["token"] = make_links(app, ids["survey"], 1)[0]
    logins = {role: _unique(f"a11y-{role}") for role in ("citizen", "staff", "admin", "evaluator", "expert")}
    with app.app_context():
        users = {}
        for role in ("citizen", "staff", "admin", "evaluator"):
            users[role] = accounts.register(logins[role], PASSWORD, f"无障碍{role}", role=role)
            users[role].verified_at = datetime.now(UTC)
        plan = plans.create_plan(author=users["staff"], title="无障碍走查用的公共服务方案（征求意见稿）", department="市交通局", summary="三条举措。",
                                 body="第一条 公共服务窗口提供无障碍通道。\n第二条 网上办事页面支持读屏软件。\n第三条 本办法自发布之日起施行。", window_days=30)
        plans.publish(plan)
        db.session.flush()
        ids["open"], ids["clause"] = plan.id, plan.current_version.clauses[1].id
        comments.post_comment(user=users["citizen"], plan=plan, body="建议网上办事页面支持放大字体。", clause_id=ids["clause"])
        thread, _ = forums.start_thread(user=users["citizen"], board=forums.plan_board(plan), title="读屏软件能用吗？", body="想问问大家的使用体验。")
        ids["thread"] = thread.id
        create_task(users["staff"], TaskFields(title="网上办事无障碍改造", year=date.today().year, plan_id=plan.id,
                                               lead_department_id=plan.department_id, deadline=date.today() + timedelta(days=60)))
        expert = pool.create_expert(users["staff"], logins["expert"], pool.Profile(name="赵专家", organisation="市社科院", fields=("law",)))
        expert.user.password_hash = hash_secret(PASSWORD)
        ids["survey"] = db.session.get(Survey, ids["survey"]).id
        db.session.commit()
    ids["logins"] = logins
    return ids


def pages(ids: dict[str, Any]) -> dict[str, list[str]]:
    closed, opened = ids["plan"], ids["open"]
    anonymous = [
        "/", f"/plans/{opened}", f"/plans/{closed}", f"/plans/{opened}/clauses/{ids['clause']}", "/forums/", f"/forums/threads/{ids['thread']}",
        "/hearings/", f"/hearings/{ids['hearing']}", "/suggestions/", "/suggestions/new", f"/s/{ids['token']}", "/search?q=%E5%81%9C%E8%BD%A6",
        "/stats", f"/plans/{closed}/stats", f"/plans/{closed}/feedback", "/account/login", "/account/register", "/reforms/", f"/reforms/{opened}",
    ]
    return {
        "anonymous": anonymous,
        "citizen": ["/", f"/plans/{opened}", "/account/comments", "/account/notifications", "/account/", "/suggestions/mine"],
        "staff": [
            "/staff/", "/staff/moderation/", f"/staff/plans/{closed}", f"/staff/plans/{closed}/digest", f"/staff/plans/{closed}/responses",
            "/staff/suggestions/", "/staff/surveys/", f"/staff/surveys/{ids['survey']}/edit", f"/staff/surveys/{ids['survey']}/results",
            "/staff/ledger/", "/staff/experts/", "/staff/evaluation/", "/staff/evaluation/mine", "/account/api-tokens/",
        ],
        "admin": ["/admin/audit", "/admin/users", "/admin/departments", "/staff/moderation/words"],
        "expert": ["/expert/"],
        "evaluator": ["/evaluator/"],
    }


@pytest.fixture(scope="module")
def site(live_server) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return _seed(live_server.app)


@pytest.fixture
def context_for(chromium_browser: Browser) -> Iterator[Any]:
    made = []

    def make(width: int = 1366, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
        # The site's CSP (script-src 'self' + nonce) would refuse the injected axe script: bypassed in the test browser only.
        context = chromium_browser.new_context(locale=locale, timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}, bypass_csp=True)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)


def _report(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for path, violations in found.items():
        for v in violations:
            lines.append(f"{path}: {v['id']} [{v['impact']}] {v['help']}")
            lines += [f"    {node}" for node in v["nodes"]]
    return "\n".join(lines)


def _login(page: Page, url: str, role: str, ids: dict[str, Any]) -> None:
    if role != "anonymous":
        log_in(page, url, ids["logins"][role], PASSWORD)
        expect(page.locator("form[action$='/account/logout']")).to_be_attached()  # signed in (folded away on a phone)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "staff", "admin", "expert", "evaluator"])
def test_no_serious_axe_violations(live_server, site, context_for, role: str) -> None:  # type: ignore[no-untyped-def]
    page = context_for()
    _login(page, live_server.url, role, site)
    found = {}
    for path in pages(site)[role]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        violations = _axe(page)
        if violations:
            found[path] = violations
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)


def test_phone_menu_open_and_refused_form_pass_axe(live_server, site, context_for) -> None:  # type: ignore[no-untyped-def]
    page = context_for(width=375)
    _login(page, live_server.url, "citizen", site)
    page.goto(f"{live_server.url}/plans/{site['open']}")
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#site-nav")).to_be_visible()
    found = {"phone menu": _axe(page)}
    # An empty comment is refused: the text box is marked invalid and names the message beside it.
    page.get_by_role("button", name="提交意见").click()
    box = page.locator("textarea[name=body]")
    expect(box).to_have_attribute("aria-invalid", "true")
    described = box.get_attribute("aria-describedby") or ""
    message = page.locator(f"#{described.split()[-1]}")
    expect(message).to_be_visible()
    expect(message).to_contain_text("意见")
    found["refused comment"] = _axe(page)
    found = {k: v for k, v in found.items() if v}
    assert not found, _report(found)


def test_skip_link_comes_first_and_focus_is_visible(live_server, site, context_for) -> None:  # type: ignore[no-untyped-def]
    page = context_for()
    page.goto(f"{live_server.url}/plans/{site['open']}")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("跳到主要内容")
    expect(skip).to_be_visible()  # hidden until focused, then on screen
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the header and nav
    assert page.evaluate("() => !!document.activeElement.closest('main')")
    # A nav link in the red header gets a white outline (visible on #b0232a).
    page.locator("#site-nav a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    colour = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert colour == "rgb(255, 255, 255)", colour
    shots = Path(live_server.app.instance_path)
    page.screenshot(path=str(shots / "a11y-focus-1366.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/plans/{site['open']}")
    page.keyboard.press("Tab")
    page.screenshot(path=str(shots / "a11y-skip-375.png"))


def test_english_chrome_has_no_chinese(live_server, site, context_for) -> None:  # type: ignore[no-untyped-def]
    ids = site
    feature_pages = {
        "anonymous": ["/", "/forums/", "/hearings/", "/suggestions/", "/suggestions/new", "/stats", f"/plans/{ids['plan']}/stats",
                      "/search?q=%E5%81%9C%E8%BD%A6", "/account/login", "/account/register", "/reforms/"],
        "staff": ["/staff/", "/staff/moderation/", "/staff/suggestions/", "/staff/surveys/", "/staff/ledger/", "/staff/experts/",
                  "/staff/evaluation/", "/account/api-tokens/", "/account/notifications", "/account/comments"],
    }
    found = {}
    for role, paths in feature_pages.items():
        page = context_for(locale="en-GB")
        page.goto(f"{live_server.url}/account/login?lang=en")  # the choice is kept in a cookie
        if role != "anonymous":
            page.get_by_label("Phone number or e-mail").fill(ids["logins"][role])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator("form[action$='/account/logout']")).to_be_attached()
        for path in paths:
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute("lang", "en")
            texts = [t for t in page.evaluate(CHROME, CHROME_SELECTOR) if CJK.search(t)]
            placeholders = [p for p in page.eval_on_selector_all("input[placeholder]", "els => els.map(e => e.placeholder)") if CJK.search(p)]
            if texts or placeholders:
                found[f"{role} {path}"] = texts + placeholders
    assert not found, "Chinese left in the English interface:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
