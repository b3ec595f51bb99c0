"""Real PostgreSQL and Redis for tests, with no skipping in CI.

Outside CI a missing service skips the test; with CI set (CI=true) it fails it, loudly.

Context managers:
    fresh_postgres_database(base_url)  -> URL of a brand-new database, dropped afterwards
    private_redis(persistence=False)   -> a redis-server of our own on a free port

Pytest fixtures (load with ``-p tests.support.services`` or
``pytest_plugins = ["tests.support.services"]`` in the top-level conftest):
    postgres_url (session), fresh_database_url, redis_url (session), redis_server
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from .processes import free_port, log_tail, start_process, stop_process, wait_for

__all__ = [
    "DEFAULT_POSTGRES_URL",
    "DEFAULT_REDIS_URL",
    "PrivateRedis",
    "fresh_postgres_database",
    "in_ci",
    "private_redis",
    "redis_ping",
    "require_postgres_url",
    "require_redis_url",
    "service_unavailable",
    "to_psycopg_conninfo",
]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def in_ci() -> bool:
    """True when the CI variable is set to anything but an explicit false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def service_unavailable(message: str) -> None:
    """Fail (in CI) or skip (elsewhere) the current test because a service is missing."""
    if in_ci():
        pytest.fail(f"REQUIRED SERVICE MISSING (CI never skips): {message}", pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- PostgreSQL


def to_psycopg_conninfo(url: str) -> str:
    """An SQLAlchemy URL (postgresql+psycopg://...) as a libpq URI psycopg can open."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def require_postgres_url() -> str:
    """The base PostgreSQL URL (env TEST_DATABASE_URL), checked to accept connections."""
    import psycopg

    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    try:
        with psycopg.connect(to_psycopg_conninfo(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        service_unavailable(f"PostgreSQL not reachable at {url}: {exc}")
    return url


@contextlib.contextmanager
def fresh_postgres_database(base_url: str, prefix: str = "consult_test") -> Iterator[str]:
    """Create a uniquely named, empty UTF-8 database; yield its URL; drop it (WITH (FORCE)).

    The URL keeps the scheme/driver, credentials and query of `base_url`.
    """
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = to_psycopg_conninfo(base_url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    try:
        yield _with_database(base_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# --------------------------------------------------------------------------- Redis


def redis_ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """True if a Redis server answers PING with PONG (raw RESP, no client library)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = sock.recv(64)
                if not chunk:
                    break
                data += chunk
            return data.startswith(b"+PONG")
    except OSError:
        return False


def require_redis_url() -> str:
    """The shared Redis URL (env TEST_REDIS_URL), checked to answer PING."""
    url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if parts.password is None and not redis_ping(host, port, timeout=3):
        service_unavailable(f"Redis not answering PING at {url}")
    if parts.password is not None:  # AUTH needed: use the client library
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except Exception as exc:
            service_unavailable(f"Redis not answering PING at {url}: {exc}")
    return url


class PrivateRedis:
    """A redis-server of our own, in a temp dir, bound to 127.0.0.1:`port`.

    stop()/start() take it down and bring it back on the same port (and same data dir:
    with persistence=True the append-only file survives the restart). kill() is a crash
    (SIGKILL). Use through `private_redis()`, which cleans up.
    """

    host = "127.0.0.1"

    def __init__(self, persistence: bool = False, port: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_unavailable("redis-server binary not found on PATH")
        self.binary: str = binary  # type: ignore[assignment]
        self.persistence = persistence
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="private-redis-"))
        self.log_path = self.dir / "redis.log"
        self.url = f"redis://{self.host}:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    def ping(self) -> bool:
        return redis_ping(self.host, self.port)

    def _args(self) -> list[str]:
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", self.host,
            "--dir", str(self.dir),
            "--daemonize", "no",
            "--save", "",
            "--databases", "16",
            "--loglevel", "notice",
        ]  # fmt: skip
        if self.persistence:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        return args

    def start(self, timeout: float = 10.0) -> None:
        if self.running:
            return
        self.proc = start_process(self._args(), cwd=self.dir, log_path=self.log_path)
        proc = self.proc

        def ready() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {proc.returncode}")
            return self.ping()

        try:
            wait_for(ready, timeout=timeout, interval=0.05, message=f"redis on port {self.port}")
        except (TimeoutError, RuntimeError) as exc:
            stop_process(proc, timeout=2)
            raise RuntimeError(f"{exc}\n--- redis log ---\n{log_tail(proc)}") from exc

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful shutdown (SIGTERM); the port stops answering before this returns."""
        if self.proc is not None:
            stop_process(self.proc, timeout=timeout)
            self.proc = None

    def kill(self) -> None:
        """Crash it (SIGKILL): nothing is flushed beyond what appendfsync already wrote."""
        if self.proc is not None:
            import signal

            stop_process(self.proc, sig=signal.SIGKILL, timeout=5)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __repr__(self) -> str:
        return f"<PrivateRedis {self.url} pid={self.pid}>"


@contextlib.contextmanager
def private_redis(persistence: bool = False) -> Iterator[PrivateRedis]:
    """Start a private redis-server on a free port; yield it; kill it and remove its dir."""
    server = PrivateRedis(persistence=persistence)
    try:
        server.start()
        yield server
    finally:
        server.close()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Base URL of the shared PostgreSQL (fails in CI / skips elsewhere if unreachable)."""
    return require_postgres_url()


@pytest.fixture
def fresh_database_url(postgres_url: str) -> Iterator[str]:
    """URL of an empty database of this test's own, dropped after the test."""
    with fresh_postgres_database(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the shared Redis (fails in CI / skips elsewhere if it does not answer)."""
    return require_redis_url()


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    """A private redis-server for this test (stop()/start() it for outage tests)."""
    with private_redis() as server:
        yield server
