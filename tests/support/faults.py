"""The fault scenario of issue #7, shared by tests/faults/test_faults.py (which asserts) and
benchmarks/fault_run.py (which prints the figures).

A real stack as processes of our own: a private PostgreSQL cluster, private redis-servers,
gunicorn with 2 workers and a Celery worker with beat. A load generator (threads with
`requests`, one session per account, CSRF token and submission id on every POST) posts
`rate` comments/s from many accounts while a schedule kills the Celery worker mid-digest,
kills Redis twice (without, then with persistence) and stops PostgreSQL for 10 s. Then the
stack must converge: every comment segmented, the outbox empty, and a digest (requested twice
at once) covering every accepted comment exactly once. A second, embedded-mode phase fills a
small filesystem holding the SQLite file and the broker folder.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from .pgcluster import PrivatePostgres
from .processes import free_port, log_tail, start_process, stop_process, wait_for, wait_for_http
from .services import PrivateRedis, service_unavailable

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ["停车难", "学校门口拥堵", "医保报销慢", "公交线路太少", "菜市场卫生", "充电桩不足", "物业收费不透明", "垃圾分类", "养老服务", "噪音扰民"]
ASKS = ["建议尽快解决", "希望加强监管", "请问何时落实", "反对一刀切", "支持这项改革"]


# --------------------------------------------------------------------------- the stack


def _env(tmp: Path, db_url: str, redis_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CONSULT_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "fault-test",
        "CONSULT_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "CONSULT_FORM_MIN_FILL_SECONDS": "0",
        # Faults are under test here, not the limits: room for the load from one address.
        "CONSULT_COMMENT_RATE_LIMIT": "1000 per minute",
        "CONSULT_COMMENT_IP_RATE_LIMIT": "100000 per minute",
        "CONSULT_LOGIN_IP_RATE_LIMIT": "100000 per minute",
        "CONSULT_OUTBOX_SWEEP_SECONDS": "3",
        "CONSULT_OUTBOX_REDELIVER_SECONDS": "15",
        "CONSULT_DIGEST_STALE_SECONDS": "5",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


@contextlib.contextmanager
def _app(env: dict[str, str]) -> Iterator[Any]:
    """The app in this process (to migrate, seed and inspect), on the stack's database."""
    from flask_migrate import upgrade

    from consult import create_app

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app({"RATELIMIT_ENABLED": False})
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        from consult.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed(app: Any, accounts: int, bulk: int) -> dict[str, Any]:
    """An open plan for the load, a second plan with `bulk` stored comments (so its digest runs
    long enough to be killed), office staff, and `accounts` verified citizens."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from consult.accounts import operations as account_service
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Comment

    # A cheap hash: a hundred logins must not cost the test a minute of CPU.
    password_hash = generate_password_hash("password123", method="pbkdf2:sha256:1000")
    with app.app_context():
        staff = account_service.register("staff@example.com", "password123", "工作人员", role="staff")
        staff.verified_at = datetime.now(UTC)
        load_plan = plans.create_plan(author=staff, title="负载方案", department="", summary="", body="第一条 总则。\n第二条 停车。\n第三条 附则。", window_days=30)
        plans.publish(load_plan)
        digest_plan = plans.create_plan(author=staff, title="摘要方案", department="", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(digest_plan)
        db.session.flush()
        db.session.execute(insert(User), [
            {"email": f"load{i}@example.com", "password_hash": password_hash, "pseudonym": f"网友{i}", "role": "citizen",
             "verified_at": datetime.now(UTC), "created_at": datetime.now(UTC), "session_version": 1}
            for i in range(accounts)
        ])
        rng = random.Random(7)
        now = datetime.now(UTC)
        version_id = digest_plan.current_version.id
        for start in range(0, bulk, 5000):
            db.session.execute(insert(Comment), [
                {"plan_id": digest_plan.id, "version_id": version_id, "body": f"{rng.choice(ASKS)}{rng.choice(TOPICS)}{rng.choice(TOPICS)}{i}",
                 "tokens": [rng.choice(ASKS), rng.choice(TOPICS), rng.choice(TOPICS), "问题"], "segmented_at": now, "status": "published",
                 "source": "web", "created_at": now - timedelta(seconds=i), "author_label": "网友", "search_terms": "", "show_pseudonym": True,
                 "reject_reason": "", "support_count": 0, "oppose_count": 0, "dictionary_version": 0}
                for i in range(start, min(bulk, start + 5000))
            ])
        db.session.commit()
        return {"load_plan": load_plan.id, "digest_plan": digest_plan.id}


class Stack:
    """PostgreSQL, Redis, gunicorn (2 workers) and a Celery worker, each a process of ours."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis(persistence=False)
        self.web_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.workers_started = 0
        # Production runs the worker under a supervisor (compose: restart: unless-stopped).
        # Celery/kombu can die with "Unrecoverable error" when Redis vanishes under it (an
        # upstream bug class, e.g. celery/kombu#582), so we supervise it the same way.
        self.crashes: list[int] = []
        self._worker_lock = threading.Lock()
        self._supervising = False
        self._supervisor: threading.Thread | None = None

    @property
    def env(self) -> dict[str, str]:
        return _env(self.tmp, self.pg.url, self.redis.url)

    def start_web(self) -> None:
        self.web = start_process(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{self.web_port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning", "consult.wsgi:app"],
            env=self.env, cwd=str(ROOT), log_path=str(self.tmp / "gunicorn.log"),
        )
        wait_for_http(f"{self.base}/healthz", timeout=120, proc=self.web)

    def supervise(self) -> None:
        self._supervising = True

        def loop() -> None:
            while self._supervising:
                with self._worker_lock:
                    if self.worker is not None and self.worker.poll() is not None:
                        self.crashes.append(self.worker.returncode)
                        stop_process(self.worker)
                        self.start_worker()
                time.sleep(1.0)

        self._supervisor = threading.Thread(target=loop, daemon=True)
        self._supervisor.start()

    def start_worker(self) -> None:
        self.workers_started += 1
        self.worker = start_process(
            [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-B", "--concurrency", "2", "-Q", "celery,digests",
             "--loglevel", "INFO", "--schedule", str(self.tmp / f"beat-{self.workers_started}")],
            env=self.env, cwd=str(ROOT), log_path=str(self.tmp / f"worker-{self.workers_started}.log"),
        )

    def kill_worker(self) -> None:
        """SIGKILL to the worker's whole process group: main process, pool and beat."""
        assert self.worker is not None
        with self._worker_lock:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)
            stop_process(self.worker)
            self.worker = None

    def restart_worker(self) -> None:
        with self._worker_lock:
            self.start_worker()

    def close(self) -> None:
        self._supervising = False
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for proc in (self.web, self.worker):
            if proc is not None:
                stop_process(proc, timeout=15)
        self.redis.close()
        self.pg.close()


# --------------------------------------------------------------------------- the load


@dataclass
class Attempt:
    job: int
    started: float  # seconds since the load began
    latency: float
    status: int  # HTTP status, or 0 for no answer (connection refused, timeout)
    retry_after: str = ""
    error: str = ""  # the client's exception when there was no answer


@dataclass
class Job:
    number: int
    account: int
    body: str
    submission_id: str
    attempts: int = 0


class Load:
    """Open-loop load: job n is due at n / rate seconds whatever the server does."""

    def __init__(self, base: str, plan_id: int, accounts: int, rate: float, seconds: float, threads: int = 48) -> None:
        self.base, self.plan_id, self.rate, self.seconds = base, plan_id, rate, seconds
        self.sessions = [self._login(i) for i in range(accounts)]
        self.locks = [threading.Lock() for _ in range(accounts)]
        self.attempts: list[Attempt] = []
        self.jobs: list[Job] = []
        self.retries: queue.Queue[tuple[float, Job]] = queue.Queue()
        self.threads = threads
        self.t0 = 0.0
        self._lock = threading.Lock()

    def _login(self, i: int) -> tuple[requests.Session, str]:
        session = requests.Session()
        session.headers["Accept"] = "application/json"
        page = session.get(f"{self.base}/account/login", headers={"Accept": "text/html"}, timeout=30).text
        token = _csrf(page)
        response = session.post(f"{self.base}/account/login", data={"csrf_token": token, "login": f"load{i}@example.com", "password": "password123"},
                                headers={"Accept": "text/html"}, allow_redirects=False, timeout=30)
        assert response.status_code == 302, (response.status_code, response.text[:300])
        page = session.get(f"{self.base}/plans/{self.plan_id}", headers={"Accept": "text/html"}, timeout=30).text
        return session, _csrf(page)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def _post(self, job: Job) -> None:
        session, token = self.sessions[job.account]
        started = self.now()
        status, retry_after, error = 0, "", ""
        with self.locks[job.account]:
            try:
                response = session.post(
                    f"{self.base}/plans/{self.plan_id}/comments",
                    data={"csrf_token": token, "body": job.body, "submission_id": job.submission_id, "show_pseudonym": "y"},
                    timeout=(3, 20),
                )
                status, retry_after = response.status_code, response.headers.get("Retry-After", "")
            except requests.RequestException as exc:
                status, error = 0, type(exc).__name__
        with self._lock:
            self.attempts.append(Attempt(job.number, started, self.now() - started, status, retry_after, error))
        job.attempts += 1
        # A person whose post failed tries again a little later with the same form (same
        # submission id): the server must store it once.
        if status not in (201, 409) and job.attempts < 4:
            self.retries.put((self.now() + 3.0 * job.attempts, job))

    def run(self, on_tick: Any = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        rng = random.Random(11)
        self.t0 = time.monotonic()
        total = int(self.rate * self.seconds)
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            pending_retries: list[tuple[float, Job]] = []
            for n in range(total):
                due = n / self.rate
                while (wait := due - self.now()) > 0:
                    time.sleep(min(wait, 0.05))
                job = Job(n, n % len(self.sessions), f"第{n}条意见：{rng.choice(TOPICS)}，{rng.choice(ASKS)}。", uuid.uuid4().hex)
                self.jobs.append(job)
                pool.submit(self._post, job)
                while not self.retries.empty():
                    pending_retries.append(self.retries.get())
                for item in [r for r in pending_retries if r[0] <= self.now()]:
                    pending_retries.remove(item)
                    pool.submit(self._post, item[1])
                if on_tick is not None:
                    on_tick(self.now())
            # Let the last retries run after the load ends.
            deadline = self.now() + 30
            while self.now() < deadline:
                while not self.retries.empty():
                    pending_retries.append(self.retries.get())
                for item in [r for r in pending_retries if r[0] <= self.now()]:
                    pending_retries.remove(item)
                    pool.submit(self._post, item[1])
                if not pending_retries and self.retries.empty() and pool._work_queue.empty():  # noqa: SLF001
                    break
                time.sleep(0.2)


def _csrf(html: str) -> str:
    from .hostile import csrf_token

    return csrf_token(html)


# --------------------------------------------------------------------------- the scenario


@dataclass
class Window:
    name: str
    start: float
    end: float = float("inf")


@dataclass
class Report:
    seconds: float
    rate: float
    jobs: int = 0
    attempts: int = 0
    accepted: int = 0  # jobs with a 201
    stored: int = 0
    lost: list[int] = field(default_factory=list)
    duplicates: int = 0
    comments_without_outbox: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    unexpected: list[tuple[str, int, float, str]] = field(default_factory=list)  # (window, status, at, error)
    no_answer: int = 0  # attempts the client gave up on (then retried with the same submission id)
    load_average: list[float] = field(default_factory=list)  # of the machine, before and after
    windows: list[Window] = field(default_factory=list)
    redis_down_max_latency: float = 0.0
    redis_down_statuses: dict[str, int] = field(default_factory=dict)
    db_down_statuses: dict[str, int] = field(default_factory=dict)
    db_down_without_retry_after: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    outside_windows: int = 0
    converged_after_s: float = -1.0
    digest_rows_from_two_requests: int = 0
    digest_covers_each_once: bool = False
    digest_comment_count: int = 0
    killed_digest_done: bool = False
    killed_digest_was_running: bool = False
    workers_started: int = 0
    worker_crashes: list[int] = field(default_factory=list)  # exit codes of crashes the supervisor restarted
    full_disk: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("windows", "lost", "unexpected") and not k.startswith("_")}
        data["lost"] = len(self.lost)
        data["unexpected"] = self.unexpected[:20]
        data["windows"] = [(w.name, round(w.start, 1), round(w.end, 1)) for w in self.windows]
        return data


def _count(statuses: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in statuses:
        counts[str(s)] = counts.get(str(s), 0) + 1
    return dict(sorted(counts.items()))


class Schedule:
    """The faults, at fractions of the load's length (5 min in the issue)."""

    def __init__(self, stack: Stack, app: Any, ids: dict[str, Any], seconds: float) -> None:
        self.stack, self.app, self.ids, self.seconds = stack, app, ids, seconds
        self.windows: list[Window] = []
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.killed_digest_id = 0
        self.killed_while_running = False
        self.persistent: PrivateRedis | None = None

    def _at(self, fraction: float, load: Load) -> None:
        while load.now() < fraction * self.seconds:
            time.sleep(0.05)

    def _digest_status(self, digest_id: int) -> str:
        from consult.digests.models import Digest
        from consult.extensions import db

        with self.app.app_context():
            db.session.remove()
            return db.session.get(Digest, digest_id).status

    def run(self, load: Load) -> None:
        try:
            self._run(load)
        except BaseException as error:  # noqa: BLE001 - reported by the scenario
            self.error = error

    def _run(self, load: Load) -> None:
        from consult.digests import operations as digests
        from consult.extensions import db
        from consult.plans.models import Plan

        stack = self.stack
        # 1. Kill the Celery worker in the middle of a digest.
        self._at(0.08, load)
        with self.app.app_context():
            digest, _ = digests.request_digest(db.session.get(Plan, self.ids["digest_plan"]))
            db.session.commit()
            self.killed_digest_id = digest.id
        window = Window("worker killed mid-digest", load.now())
        self.windows.append(window)
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: self._digest_status(self.killed_digest_id) == "running", timeout=90, interval=0.05)
        self.killed_while_running = self._digest_status(self.killed_digest_id) == "running"
        stack.kill_worker()
        time.sleep(3)
        stack.restart_worker()
        window.end = load.now()

        # 2. Kill Redis, started without persistence: queued messages are lost with it.
        self._at(0.25, load)
        window = Window("redis killed (no persistence)", load.now())
        self.windows.append(window)
        port = stack.redis.port
        stack.redis.kill()
        time.sleep(max(5.0, 0.05 * self.seconds))
        self.persistent = PrivateRedis(persistence=True, port=port)
        self.persistent.start()
        window.end = load.now()

        # 3. Kill Redis again, now with an append-only file: it comes back with its data.
        self._at(0.45, load)
        window = Window("redis killed (appendonly)", load.now())
        self.windows.append(window)
        self.persistent.kill()
        time.sleep(max(5.0, 0.035 * self.seconds))
        self.persistent.start()
        window.end = load.now()

        # 4. Stop PostgreSQL for 10 seconds.
        self._at(0.65, load)
        window = Window("postgres stopped", load.now())
        self.windows.append(window)
        stack.pg.stop("fast")
        stopped = load.now()
        time.sleep(10)
        window.stopped = (stopped, load.now())  # type: ignore[attr-defined]
        stack.pg.start()
        window.end = load.now()


def run_scenario(tmp: Path, *, seconds: float = 300, rate: float = 20, accounts: int = 120, bulk: int = 30_000,
                 converge_timeout: float = 600, full_disk: bool = True, log: Any = print) -> Report:
    report = Report(seconds=seconds, rate=rate, load_average=[round(os.getloadavg()[0], 2)])
    stack = Stack(tmp)
    schedule: Schedule | None = None
    try:
        log("starting PostgreSQL and Redis")
        stack.pg.init()
        stack.redis.start()
        with _app(stack.env) as app:
            ids = _seed(app, accounts, bulk)
            log("starting gunicorn and the Celery worker")
            stack.start_web()
            stack.start_worker()
            stack.supervise()
            load = Load(stack.base, ids["load_plan"], accounts, rate, seconds)
            schedule = Schedule(stack, app, ids, seconds)
            log(f"load: {rate}/s for {seconds:.0f} s from {accounts} accounts, faults on a schedule")
            started = threading.Event()

            def tick(now: float) -> None:
                if not started.is_set():
                    started.set()
                    schedule.thread = threading.Thread(target=schedule.run, args=(load,), daemon=True)
                    schedule.thread.start()

            load.run(on_tick=tick)
            if schedule.thread is not None:
                schedule.thread.join(timeout=120)
            if schedule.error is not None:
                raise schedule.error
            report.windows = schedule.windows
            report.workers_started = stack.workers_started  # updated again after convergence
            report.killed_digest_was_running = schedule.killed_while_running
            report.load_average.append(round(os.getloadavg()[0], 2))
            _judge_load(report, load)
            _write_attempts(tmp / "attempts.csv", load)
            log("load done; waiting for the stack to converge")
            try:
                _converge(report, app, stack, ids, schedule, converge_timeout)
            finally:
                report.worker_crashes = list(stack.crashes)
                report.workers_started = stack.workers_started
    finally:
        if schedule is not None and schedule.persistent is not None:
            schedule.persistent.close()
        if stack.worker is not None and stack.worker.poll() is not None and stack.worker.returncode not in (0, -9, -15):
            log(log_tail(stack.worker))
        stack.close()
    if full_disk:
        log("embedded mode on a small filesystem: filling it")
        report.full_disk = run_full_disk(tmp / "disk")
    return report


def _judge_load(report: Report, load: Load) -> None:
    attempts = sorted(load.attempts, key=lambda a: a.started)
    report.jobs, report.attempts = len(load.jobs), len(attempts)
    report.statuses = _count([a.status for a in attempts])

    def window_of(a: Attempt, margin: float = 0.0) -> Window | None:
        """The fault an attempt overlapped (in flight when it began counts too)."""
        return next((w for w in report.windows if a.started <= w.end + margin and a.started + a.latency >= w.start - margin), None)

    redis = [a for a in attempts if (w := window_of(a)) and w.name.startswith("redis")]
    report.redis_down_max_latency = max((a.latency for a in redis), default=0.0)
    report.redis_down_statuses = _count([a.status for a in redis])
    db_window = next(w for w in report.windows if w.name == "postgres stopped")
    stopped_from, stopped_to = getattr(db_window, "stopped", (db_window.start, db_window.end))
    db_down = [a for a in attempts if stopped_from + 0.5 <= a.started and a.started + a.latency <= stopped_to]
    report.db_down_statuses = _count([a.status for a in db_down])
    report.db_down_without_retry_after = sum(1 for a in db_down if a.status == 503 and not a.retry_after)
    for a in attempts:
        w = window_of(a)
        ok = a.status in (201, 409) or (w is not None and w.name == "postgres stopped" and a.status == 503)
        if not ok:
            report.unexpected.append((w.name if w else "no fault", a.status, round(a.started, 2), a.error))
    report.no_answer = sum(1 for a in attempts if a.status == 0)
    quiet = [a.latency for a in attempts if window_of(a, margin=10.0) is None and a.status in (201, 409)]
    report.outside_windows = len(quiet)
    if len(quiet) >= 20:
        cuts = statistics.quantiles(quiet, n=100)
        report.p50_ms, report.p95_ms, report.p99_ms = (round(cuts[k] * 1000, 1) for k in (49, 94, 98))
    report.accepted = len({a.job for a in attempts if a.status == 201})
    report._accepted_bodies = {load.jobs[a.job].body for a in attempts if a.status == 201}  # type: ignore[attr-defined]


def _write_attempts(path: Path, load: Load) -> None:
    with open(path, "w") as out:
        out.write("job,started_s,latency_ms,status,error\n")
        for a in sorted(load.attempts, key=lambda a: a.started):
            out.write(f"{a.job},{a.started:.3f},{a.latency * 1000:.1f},{a.status},{a.error}\n")


def _converge(report: Report, app: Any, stack: Stack, ids: dict[str, Any], schedule: Schedule, timeout: float) -> None:
    from sqlalchemy import func, select

    from consult.core.jobs import outbox
    from consult.core.models import OutboxEvent
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = ids["load_plan"]
    began = time.monotonic()

    def settled() -> bool:
        with app.app_context():
            db.session.remove()
            unsegmented = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.plan_id == plan_id, Comment.segmented_at.is_(None)))
            killed_done = db.session.get(Digest, schedule.killed_digest_id).status == "done"
            return unsegmented == 0 and outbox.pending_count() == 0 and killed_done

    wait_for(settled, timeout=timeout, interval=2, message="every comment segmented, the outbox empty, the killed digest done")
    with app.app_context():
        db.session.remove()
        bodies = list(db.session.scalars(select(Comment.body).where(Comment.plan_id == plan_id)))
        ids_in_plan = set(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id)))
        report.stored = len(bodies)
        report.duplicates = len(bodies) - len(set(bodies))
        accepted = report._accepted_bodies  # type: ignore[attr-defined]
        report.lost = sorted(int(b[1:].split("条", 1)[0]) for b in accepted - set(bodies))
        with_event = set(db.session.scalars(select(OutboxEvent.ref_id).where(OutboxEvent.task == "consult.segment_comment")))
        report.comments_without_outbox = len(ids_in_plan - with_event)
        report.killed_digest_done = db.session.get(Digest, schedule.killed_digest_id).status == "done"
        before = db.session.scalar(select(func.count()).select_from(Digest).where(Digest.plan_id == plan_id)) or 0

    # Two staff press "build digest" at the same moment.
    staff = [requests.Session() for _ in range(2)]
    for session in staff:
        page = session.get(f"{stack.base}/account/login", timeout=30).text
        session.post(f"{stack.base}/account/login", data={"csrf_token": _csrf(page), "login": "staff@example.com", "password": "password123"}, timeout=30)
    tokens = [_csrf(s.get(f"{stack.base}/staff/plans/{plan_id}/digest", timeout=30).text) for s in staff]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def press(session: requests.Session, token: str) -> None:
        barrier.wait()
        codes.append(session.post(f"{stack.base}/staff/plans/{plan_id}/digest", data={"csrf_token": token}, allow_redirects=False, timeout=60).status_code)

    pressers = [threading.Thread(target=press, args=(s, t)) for s, t in zip(staff, tokens, strict=True)]
    for t in pressers:
        t.start()
    for t in pressers:
        t.join()
    report.statuses["two digest requests"] = codes  # type: ignore[assignment]

    def digest_done() -> bool:
        with app.app_context():
            db.session.remove()
            latest = digests.latest(plan_id)
            return latest is not None and latest.last_comment_id == max(ids_in_plan)

    wait_for(digest_done, timeout=timeout, interval=2, message="the digest of the load plan")
    report.converged_after_s = round(time.monotonic() - began, 1)
    with app.app_context():
        db.session.remove()
        rows = db.session.scalar(select(func.count()).select_from(Digest).where(Digest.plan_id == plan_id)) or 0
        report.digest_rows_from_two_requests = rows - before
        latest = digests.latest(plan_id)
        members = [m for t in latest.result["themes"] for i in t["issues"] for m in i["member_ids"]]
        report.digest_comment_count = latest.comment_count
        report.digest_covers_each_once = sorted(members) == sorted(ids_in_plan)


# --------------------------------------------------------------------------- full disk


def run_full_disk(mount_point: Path, size_kb: int = 6144) -> dict[str, Any]:
    """Embedded mode (SQLite + filesystem broker) on a tmpfs of `size_kb`, filled up."""
    import sqlite3

    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount_point)], capture_output=True, text=True)  # noqa: S603, S607
    if mounted.returncode != 0:
        service_unavailable(f"cannot mount a small tmpfs for the full-disk phase: {mounted.stderr.strip()}")
    result: dict[str, Any] = {}
    web = None
    try:
        instance = mount_point / "instance"
        env = {"CONSULT_INSTANCE_PATH": str(instance), "SECRET_KEY": "disk-test", "CONSULT_FORM_MIN_FILL_SECONDS": "0",
               "DATABASE_URL": None, "REDIS_URL": None, "CONSULT_COMMENT_RATE_LIMIT": "100000 per minute", "CONSULT_COMMENT_IP_RATE_LIMIT": "100000 per minute"}
        with _app({k: v for k, v in env.items() if v is not None} | {"DATABASE_URL": f"sqlite:///{instance / 'consult.sqlite'}"}) as app:
            ids = _seed(app, 1, 0)
        port = free_port()
        web = start_process([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "consult.wsgi:app"], env=env, cwd=str(ROOT), log_path=str(mount_point.parent / "disk-gunicorn.log"))
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/healthz", timeout=120, proc=web)
        load = Load(base, ids["load_plan"], 1, 1, 1)
        session, token = load.sessions[0]
        accepted: set[str] = set()
        statuses: list[int] = []

        def post(n: int) -> int:
            body = f"第{n}条：" + "满盘测试" * 400
            response = session.post(f"{base}/plans/{ids['load_plan']}/comments", data={"csrf_token": token, "body": body, "submission_id": uuid.uuid4().hex}, timeout=30)
            if response.status_code == 201:
                accepted.add(body)
            if response.status_code == 503:
                result.setdefault("retry_after", response.headers.get("Retry-After", ""))
            statuses.append(response.status_code)
            return response.status_code

        for n in range(5):
            post(n)
        # Fill the filesystem, leaving a few pages free.
        free = os.statvfs(mount_point).f_bavail * os.statvfs(mount_point).f_frsize
        filler = mount_point / "filler"
        with open(filler, "wb") as handle, contextlib.suppress(OSError):
            handle.write(b"\0" * max(0, free - 48 * 1024))
        full_statuses = [post(n) for n in range(5, 80)]
        result["statuses_while_full"] = _count(full_statuses)
        filler.unlink()
        after = [post(n) for n in range(80, 85)]
        result["statuses_after_freeing"] = _count(after)
        stop_process(web)
        web = None
        with contextlib.closing(sqlite3.connect(str(instance / "consult.sqlite"))) as conn:
            result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
            stored = {row[0] for row in conn.execute("SELECT body FROM comment")}
            rows = conn.execute("SELECT count(*) FROM comment").fetchone()[0]
        result["accepted"] = len(accepted)
        result["lost"] = len(accepted - stored)
        result["duplicates"] = rows - len(stored)
    finally:
        if web is not None:
            stop_process(web)
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)  # noqa: S603, S607
    return result
