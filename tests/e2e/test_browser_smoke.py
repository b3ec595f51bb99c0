"""Debian chromium through Playwright: load a local page, click, read the DOM, screenshot."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from tests.support.processes import free_port

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>冒烟测试</title></head>
<body>
  <p id="status">尚未点击</p>
  <button id="go" onclick="document.getElementById('status').textContent = '已点击'">提交意见</button>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def local_site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", free_port()), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.e2e
def test_chromium_clicks_and_screenshots(local_site, tmp_path, chromium_browser):
    # The session's browser: a second sync_playwright() in the same process refuses to start.
    shot = tmp_path / "smoke.png"
    page = chromium_browser.new_page()
    try:
        page.goto(local_site)
        assert page.title() == "冒烟测试"
        assert page.text_content("#status") == "尚未点击"
        page.get_by_role("button", name="提交意见").click()
        page.wait_for_function("document.getElementById('status').textContent === '已点击'", timeout=5000)
        assert page.text_content("#status") == "已点击"
        data = page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.read_bytes() == data
    assert len(data) > 1000
