"""The embedded worker's supervisor: `consult run` starts its Celery worker through this, and
a worker that dies (crash, kill, unrecoverable broker error) is started again with back-off.

Each start and restart is logged; /healthz reads `healthy()` so the time between a death and a
working replacement shows as 503 rather than "ok".
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess  # nosec B404  # starts our own Celery worker, never user input
import threading
import time
from collections.abc import Callable

log = logging.getLogger("consult.supervisor")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0  # a worker that ran this long resets the back-off


class WorkerSupervisor:
    def __init__(self, argv: list[str], env: dict[str, str], echo: Callable[[str], None] = print) -> None:
        self.argv, self.env, self.echo = argv, env, echo
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="consult-worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.argv, start_new_session=True, env=self.env)  # noqa: S603  # nosec B603  # fixed argv
        self.started_at = time.time()
        self.echo(f"Celery worker started (pid {self.process.pid})")

    def _watch(self) -> None:
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            assert self.process is not None
            code = self.process.poll()
            if code is None:
                self._stop.wait(0.5)
                continue
            ran = time.time() - self.started_at
            # A worker killed outright leaves its pool children and embedded beat behind, still
            # in its process group: end them before the replacement starts, or they pile up.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            if ran >= STABLE_AFTER:
                delay = BACKOFF_FIRST
            self.restarts += 1
            message = f"Celery worker (pid {self.process.pid}) exited with code {code} after {ran:.0f} s; restart #{self.restarts} in {delay:.0f} s"
            log.error(message)
            self.echo(message)
            if self._stop.wait(delay):
                return
            self._spawn()
            delay = min(BACKOFF_MAX, delay * 2)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self, last_heartbeat: float | None) -> bool:
        """Running, and has beaten since it (re)started: a fresh process is not ready yet."""
        return self.running() and last_heartbeat is not None and last_heartbeat >= self.started_at

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
