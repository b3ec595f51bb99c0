"""Self-tests of tests/support: the helpers other tests build on must themselves work."""

from __future__ import annotations

import signal
import sys

import psycopg
import pytest

from tests.support.processes import (
    free_port,
    start_process,
    stop_process,
    wait_for,
    wait_for_http,
)
from tests.support.services import (
    fresh_postgres_database,
    private_redis,
    redis_ping,
    require_postgres_url,
    require_redis_url,
    to_psycopg_conninfo,
)


@pytest.mark.redis
def test_private_redis_stop_start_keeps_port_and_answers_ping():
    import redis

    with private_redis() as server:
        port, first_pid = server.port, server.pid
        assert first_pid is not None
        assert server.url == f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(server.url, socket_timeout=2, socket_connect_timeout=1)
        assert client.ping()
        client.set("k", "v")

        server.stop()
        assert server.pid is None
        assert not redis_ping("127.0.0.1", port)
        with pytest.raises(redis.exceptions.ConnectionError):
            client.ping()

        server.start()
        assert server.port == port
        assert server.pid is not None and server.pid != first_pid
        assert client.ping()
        assert client.get("k") is None  # no persistence: a restart loses data
    assert not redis_ping("127.0.0.1", port)


@pytest.mark.redis
def test_private_redis_with_persistence_survives_restart_and_crash():
    import redis

    with private_redis(persistence=True) as server:
        client = redis.Redis.from_url(server.url, socket_timeout=2)
        client.set("durable", "1")
        server.restart()
        assert client.get("durable") == b"1"
        client.set("after-crash", "2")
        server.kill()
        server.start()
        assert client.get("after-crash") == b"2"


@pytest.mark.redis
def test_shared_redis_answers():
    assert redis_ping("127.0.0.1", int(require_redis_url().rsplit(":", 1)[1].split("/")[0]))


@pytest.mark.postgres
def test_fresh_postgres_database_is_usable_and_dropped():
    base = require_postgres_url()
    with fresh_postgres_database(base) as url:
        assert url.startswith("postgresql+psycopg://")
        name = url.rsplit("/", 1)[1]
        assert name != base.rsplit("/", 1)[1]
        with psycopg.connect(to_psycopg_conninfo(url)) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == name
            assert conn.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
            conn.execute("CREATE TABLE t (id serial PRIMARY KEY, body text)")
            conn.execute("INSERT INTO t (body) VALUES (%s)", ["第一条 意见"])
            assert conn.execute("SELECT body FROM t").fetchone()[0] == "第一条 意见"
        # A connection still open at the end must not block the drop (WITH (FORCE)).
        lingering = psycopg.connect(to_psycopg_conninfo(url))
    try:
        with psycopg.connect(to_psycopg_conninfo(base)) as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            assert row is None
    finally:
        lingering.close()


@pytest.mark.postgres
def test_two_fresh_databases_are_distinct():
    base = require_postgres_url()
    with fresh_postgres_database(base) as a, fresh_postgres_database(base) as b:
        assert a != b


def test_process_helpers_start_wait_and_stop_a_process_group(tmp_path):
    port = free_port()
    log = tmp_path / "http.log"
    proc = start_process(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        log_path=log,
        env={"PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=20, proc=proc)
        wait_for(lambda: log.read_text(), timeout=5)
    finally:
        code = stop_process(proc, sig=signal.SIGTERM, timeout=5)
    assert code is not None
    assert proc.poll() is not None


def test_stop_process_escalates_to_sigkill_and_wait_for_times_out():
    # A process that ignores SIGTERM, with a child in the same group.
    script = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = start_process([sys.executable, "-c", script])
    try:
        with pytest.raises(TimeoutError):
            wait_for(lambda: proc.poll() is not None, timeout=0.5, interval=0.1)
    finally:
        code = stop_process(proc, timeout=1)
    assert code == -signal.SIGKILL


def test_wait_for_http_reports_early_exit():
    proc = start_process([sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(RuntimeError, match="exited with 3"):
        wait_for_http(f"http://127.0.0.1:{free_port()}/", timeout=10, proc=proc)
    stop_process(proc)
