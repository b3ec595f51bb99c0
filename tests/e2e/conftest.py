"""A live Consult server in a thread (SQLite file, CSRF on) for the browser tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import _make_app


class _Codes(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class LiveServer:
    app: Flask
    url: str
    codes: _Codes = field(default_factory=_Codes)

    def last_code(self) -> str:
        return self.codes.messages[-1].rsplit(": ", 1)[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("e2e")
    app = _make_app(tmp, f"sqlite:///{tmp / 'e2e.sqlite'}", RATELIMIT_ENABLED=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    logger = logging.getLogger("consult.verification")
    logger.addHandler(live.codes)
    logger.setLevel(logging.INFO)
    try:
        yield live
    finally:
        logger.removeHandler(live.codes)
        server.shutdown()
