"""Subprocess helpers for tests: free ports, process groups, waiting for readiness.

Every process started here lives in its own process group (session), so stopping it also
stops whatever it forked (gunicorn workers, celery pool children) and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = [
    "free_port",
    "log_tail",
    "start_process",
    "stop_process",
    "wait_for",
    "wait_for_http",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_process(
    args: Sequence[str | os.PathLike[str]],
    env: Mapping[str, str | None] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    log_path: str | os.PathLike[str] | None = None,
) -> subprocess.Popen:
    """Start `args` in a new session/process group, stdin closed.

    `env` is laid over a copy of os.environ; a value of None removes that variable.
    With `log_path`, stdout and stderr are appended to that file (its path is kept on the
    returned object as `.log_path`), else they go to this process's own streams.
    """
    full_env = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    log_file = None
    if log_path is not None:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
    try:
        proc = subprocess.Popen(
            [os.fspath(a) for a in args],
            env=full_env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT if log_file else None,
            start_new_session=True,
        )
    finally:
        if log_file is not None:
            log_file.close()  # the child has its own copy of the descriptor
    proc.log_path = Path(log_path) if log_path is not None else None  # type: ignore[attr-defined]
    return proc


def log_tail(proc: subprocess.Popen, chars: int = 4000) -> str:
    """The end of a process's log file, if it was started with one (for error messages)."""
    path = getattr(proc, "log_path", None)
    if not path or not Path(path).exists():
        return ""
    data = Path(path).read_bytes()[-chars:]
    return data.decode("utf-8", "replace")


def wait_for(
    predicate: Callable[[], object],
    timeout: float = 10.0,
    interval: float = 0.1,
    message: str | None = None,
) -> None:
    """Call `predicate` until it returns something truthy; TimeoutError after `timeout` s.

    Exceptions raised by the predicate count as "not yet"; the last one is chained.
    """
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            if predicate():
                return
            last_exc = None
        except Exception as exc:
            last_exc = exc
        if time.monotonic() >= deadline:
            text = message or f"condition {getattr(predicate, '__name__', predicate)!r}"
            raise TimeoutError(f"{text} not met within {timeout:g}s") from last_exc
        time.sleep(interval)


def wait_for_http(
    url: str,
    timeout: float = 30.0,
    proc: subprocess.Popen | None = None,
    interval: float = 0.2,
) -> None:
    """Wait until `url` answers with any HTTP status below 500.

    With `proc`, fail at once (RuntimeError with the log tail) if that process exits first.
    """
    deadline = time.monotonic() + timeout
    last_error: str = "no attempt"
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"process {proc.args!r} exited with {proc.returncode} before {url} answered\n"
                + log_tail(proc)
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - test URLs
                if resp.status < 500:
                    return
                last_error = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            last_error = f"HTTP {exc.code}"
        except (OSError, urllib.error.URLError) as exc:
            last_error = repr(exc)
        if time.monotonic() >= deadline:
            tail = ("\n" + log_tail(proc)) if proc is not None else ""
            raise TimeoutError(f"{url} did not answer within {timeout:g}s: {last_error}{tail}")
        time.sleep(interval)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def stop_process(
    p: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10.0
) -> int | None:
    """Send `sig` to the process group of `p`, wait up to `timeout` s, then SIGKILL the group.

    Leftover members of the group (children that outlived their parent) are SIGKILLed too.
    Returns the exit code of `p`.
    """
    if p.poll() is None:
        _signal_group(p.pid, sig)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
    # The group id is the leader's pid; sweep anything still in it.
    _signal_group(p.pid, signal.SIGKILL)
    return p.returncode
