"""In Chromium: a signed-in official switches to English from the header (in sight on a phone
without opening the menu), the English nav fits a 375 px screen without sideways scrolling,
and the switch brings Chinese back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

# Anything wider than the viewport, and any nav item pushed past its right edge.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('header nav > *, header .wrap > *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => el.textContent.trim());
  return {scroll: document.documentElement.scrollWidth, width, out};
}"""


def _seed(app) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db

    with app.app_context():
        accounts.register("lang-staff@example.gov.cn", "password123", "改革办小李", role="staff")
        db.session.commit()


def test_english_nav_fits_a_phone_and_switches_back(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    _seed(live_server.app)
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/account/login")
    page.get_by_label("手机号或电子邮箱").fill("lang-staff@example.gov.cn")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.locator("header").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate(OVERFLOW)["out"] == []  # the folded header
    page.get_by_role("button", name="Menu").click()
    nav = page.locator("header nav")
    expect(nav).to_contain_text("Workbench")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(OVERFLOW)["out"] == []
    layout = page.evaluate(OVERFLOW)
    assert layout["scroll"] <= layout["width"], layout
    page.screenshot(path=str(live_server.app.instance_path) + "/nav-en-375.png", full_page=True)

    page.goto(live_server.url + "/hearings/")  # the choice holds on the next page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header").get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="菜单")).to_be_visible()
    expect(page.locator("header nav")).to_contain_text("工作台", use_inner_text=False)
