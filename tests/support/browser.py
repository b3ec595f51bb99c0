"""Debian chromium driven by Playwright; Playwright never downloads a browser here.

    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = launch_chromium(pw)

or the session fixture ``chromium_browser`` (load with ``-p tests.support.browser`` or
``pytest_plugins``), plus ``browser_page`` for a fresh context + page per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .services import service_unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

__all__ = ["CHROMIUM_ARGS", "chromium_path", "launch_chromium"]

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Without the background-networking flags chromium keeps dialling Google hosts, which this
# closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """Path of the chromium executable (env CHROMIUM_PATH), or fail (CI) / skip."""
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        service_unavailable(f"chromium not found at {path} (apt-get install chromium)")
    return path


def launch_chromium(playwright: Playwright, headless: bool = True, **kwargs: Any) -> Browser:
    """Launch chromium with the flags above.

    Playwright's launch() gives every browser a fresh temporary user-data dir of its own
    (and refuses --user-data-dir in args), removed when the browser closes.
    Extra keyword arguments go to ``playwright.chromium.launch``; ``args`` are appended.
    """
    extra_args = list(kwargs.pop("args", []))
    kwargs.setdefault("timeout", 60_000)
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=headless,
        args=[*CHROMIUM_ARGS, *extra_args],
        **kwargs,
    )


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One chromium for the whole session (tests get their own contexts)."""
    chromium_path()  # skip/fail before starting Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (own cookies/storage), zh-CN locale."""
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page: Page, url: str, login: str, password: str = "password123") -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{url}/account/login")
    page.get_by_label("手机号或电子邮箱").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def screenshots(page: Page, folder: str, name: str, widths: tuple[int, ...] = (1366, 375)) -> None:
    """Full-page screenshots at each width; nothing may stick out sideways (a phone scrolls sideways otherwise)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, width)
    page.set_viewport_size({"width": widths[0], "height": 900})
