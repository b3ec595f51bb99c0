"""Celery bound to the Flask app (every task runs inside an application context), and the
worker's heartbeat that /healthz reads: a file in the instance folder on the embedded broker,
a Redis key in production."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import redis
from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown
from flask import Flask

import consult.core.jobs.broker  # noqa: F401  # registers the atomicfs:// transport with kombu

log = logging.getLogger("consult.worker")

HEARTBEAT_KEY = "consult:worker-heartbeat"
_stop = threading.Event()


def heartbeat_path(app: Flask) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "worker-heartbeat"


def _redis(app: Flask) -> redis.Redis:
    return redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=0.5)


def beat(app: Flask) -> None:
    """Record that a worker is alive now."""
    now = time.time()
    if app.config.get("REDIS_URL"):
        # No expiry: a key that vanished would read as "no worker ever ran" instead of "died".
        _redis(app).set(HEARTBEAT_KEY, repr(now))
    else:
        path = heartbeat_path(app)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(repr(now))
        temporary.replace(path)


def last_heartbeat(app: Flask) -> float | None:
    """When a worker last said it was alive (epoch seconds), None if never or unknown."""
    try:
        if app.config.get("REDIS_URL"):
            value = _redis(app).get(HEARTBEAT_KEY)
            return float(value) if value else None
        return float(heartbeat_path(app).read_text())
    except (OSError, ValueError, redis.RedisError):
        return None


def _heartbeat_loop(app: Flask) -> None:
    interval = max(1, app.config["WORKER_HEARTBEAT_SECONDS"])
    while not _stop.is_set():
        try:
            beat(app)
        except (OSError, redis.RedisError) as error:  # the next beat may succeed; silence shows in /healthz
            log.warning("worker heartbeat failed: %s", error)
        _stop.wait(interval)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    options = app.config["CELERY"]["broker_transport_options"]
    for key in ("data_folder_in", "control_folder", "processed_folder"):
        if key in options:  # the filesystem transport expects its folders to exist
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    # The consumer (main worker process) beats; its death or hang stops the beats.
    def _ready(**_kwargs: object) -> None:
        _stop.clear()
        threading.Thread(target=_heartbeat_loop, args=(app,), name="consult-heartbeat", daemon=True).start()

    def _shutdown(**_kwargs: object) -> None:
        _stop.set()

    worker_ready.connect(_ready, weak=False)
    worker_shutdown.connect(_shutdown, weak=False)
    return celery_app
