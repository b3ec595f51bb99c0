"""Configuration: safe defaults in code; URLs and secrets come from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from consult.core.jobs import tasks

ROOT = Path(__file__).resolve().parent.parent


def _default_instance_path() -> Path:
    """The source checkout's instance/ (what `make run` uses); for an installed package (a wheel in
    site-packages, where nothing may be written) ./instance in the current directory."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "consult" / "__init__.py").is_file():
        return ROOT / "instance"
    return Path.cwd() / "instance"


def _instance_path() -> Path:
    return Path(os.environ.get("CONSULT_INSTANCE_PATH") or _default_instance_path()).resolve()


def _secret_key(instance: Path) -> str:
    """A stable key per installation: from the environment, else generated once into the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'consult.sqlite'}"
    if url.startswith("postgres://"):  # Heroku-style URLs
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _security_settings(testing: bool) -> dict[str, Any]:
    """Session lifetimes, password recovery, proxies and health thresholds (docs/security.md,
    docs/reliability.md). Staff sessions are short: a staff browser left open in an office
    opens every department's drafts."""
    return {
        "SESSION_IDLE_MINUTES_CITIZEN": _env_int("CONSULT_SESSION_IDLE_MINUTES_CITIZEN", 7 * 24 * 60),
        "SESSION_ABSOLUTE_HOURS_CITIZEN": _env_int("CONSULT_SESSION_ABSOLUTE_HOURS_CITIZEN", 30 * 24),
        "SESSION_IDLE_MINUTES_STAFF": _env_int("CONSULT_SESSION_IDLE_MINUTES_STAFF", 30),
        "SESSION_ABSOLUTE_HOURS_STAFF": _env_int("CONSULT_SESSION_ABSOLUTE_HOURS_STAFF", 12),
        # The cookies never outlive the longest server-side session (the server ends it sooner).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # An unverified registration holds its phone number or e-mail this long at most.
        "UNVERIFIED_ACCOUNT_HOURS": _env_int("CONSULT_UNVERIFIED_ACCOUNT_HOURS", 24),
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("CONSULT_PASSWORD_RESET_RATE_LIMIT", "5 per hour"),
        # Proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the client
        # connects directly; 1: the documented nginx TLS proxy). Wrong values let clients
        # forge their address, so it is never guessed.
        "TRUSTED_PROXY_COUNT": _env_int("CONSULT_TRUSTED_PROXY_COUNT", 0),
        # Forum reports: per account and per address a day; reports weigh by the reporter
        # (verified accounts older than REPORT_TRUSTED_ACCOUNT_DAYS count fully).
        "REPORT_ACCOUNT_DAILY_LIMIT": _env_int("CONSULT_REPORT_ACCOUNT_DAILY_LIMIT", 10),
        "REPORT_IP_DAILY_LIMIT": _env_int("CONSULT_REPORT_IP_DAILY_LIMIT", 30),
        "REPORT_TRUSTED_ACCOUNT_DAYS": _env_int("CONSULT_REPORT_TRUSTED_ACCOUNT_DAYS", 7),
        # /healthz answers 503 when owed work piles up or the worker falls silent.
        "HEALTH_OUTBOX_MAX_AGE_SECONDS": _env_int("CONSULT_HEALTH_OUTBOX_MAX_AGE_SECONDS", 600),
        "HEALTH_OUTBOX_MAX_PENDING": _env_int("CONSULT_HEALTH_OUTBOX_MAX_PENDING", 1000),
        # 0 turns the heartbeat check off (tests run no worker unless they start one).
        "HEALTH_WORKER_SILENCE_SECONDS": 0 if testing else _env_int("CONSULT_HEALTH_WORKER_SILENCE_SECONDS", 120),
        "WORKER_HEARTBEAT_SECONDS": _env_int("CONSULT_WORKER_HEARTBEAT_SECONDS", 10),
    }


def _cookie_settings(production: bool) -> dict[str, Any]:
    secure = os.environ.get("CONSULT_SECURE_COOKIES", "1" if production else "0") == "1"
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
    }


def _rate_limit_settings(redis_url: str) -> dict[str, Any]:
    env = os.environ.get
    return {
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # A Redis that is down must cost a request milliseconds, not a hang.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        if redis_url
        else {},
        # A rate-limit store that is down must not take the site down with it.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Limits on public writes (consult/core/security/abuse.py), per account, per IP address, per phone
        # number or e-mail. One office behind one NAT address is many people: the IP limits
        # are wide and stop floods only.
        "COMMENT_RATE_LIMIT": env("CONSULT_COMMENT_RATE_LIMIT", "10 per minute"),
        "COMMENT_IP_RATE_LIMIT": env("CONSULT_COMMENT_IP_RATE_LIMIT", "300 per minute"),
        "VOTE_RATE_LIMIT": env("CONSULT_VOTE_RATE_LIMIT", "60 per minute"),
        "VOTE_IP_RATE_LIMIT": env("CONSULT_VOTE_IP_RATE_LIMIT", "600 per minute"),
        "LOGIN_RATE_LIMIT": env("CONSULT_LOGIN_RATE_LIMIT", "5 per minute"),
        "LOGIN_IP_RATE_LIMIT": env("CONSULT_LOGIN_IP_RATE_LIMIT", "30 per minute"),
        "REGISTER_IP_RATE_LIMIT": env("CONSULT_REGISTER_IP_RATE_LIMIT", "10 per hour"),
        "CODE_RATE_LIMIT": env("CONSULT_CODE_RATE_LIMIT", "5 per hour"),
        # The JSON API (docs/api.md): public reads per address, staff calls per token.
        "API_RATE_LIMIT": env("CONSULT_API_RATE_LIMIT", "120 per minute"),
        "API_TOKEN_RATE_LIMIT": env("CONSULT_API_TOKEN_RATE_LIMIT", "600 per minute"),
        "API_MAX_BODY": int(env("CONSULT_API_MAX_BODY", str(1024 * 1024))),
        "OPEN_DATA_LICENCE": env("CONSULT_OPEN_DATA_LICENCE", "CC BY 4.0"),
        "OPEN_DATA_LICENCE_URL": env("CONSULT_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
    }


def _mail_settings() -> dict[str, Any]:
    """Notification e-mails: SMTP when MAIL_SERVER is set, else printed to the log."""
    env = os.environ.get
    return {
        "SITE_URL": env("CONSULT_SITE_URL", ""),  # consult.core.web.links
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": env("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_FROM": env("MAIL_FROM", "consult@localhost"),
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),
    }


def _broker_transport_options(redis_url: str, broker_dir: Path) -> dict[str, Any]:
    if redis_url:
        return {"socket_connect_timeout": 1, "socket_timeout": 2, "visibility_timeout": 3600}
    # Embedded default: kombu's filesystem transport, a real broker that needs no server.
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
        "processed_folder": str(broker_dir / "processed"),
        "store_processed": False,
        "polling_interval": 0.05,
    }


def _celery_settings(redis_url: str, broker_dir: Path) -> dict[str, Any]:
    return {
        # Embedded default: kombu's filesystem transport with atomic publishes
        # (consult/core/jobs/broker.py), a real broker that needs no server.
        "broker_url": redis_url or "atomicfs://",
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 30 * 60,
        "task_soft_time_limit": 25 * 60,
        "broker_connection_retry_on_startup": True,
        # Publishing from a web request must never hang on a broker that is down.
        "broker_connection_timeout": 2,
        "broker_transport_options": _broker_transport_options(redis_url, broker_dir),
        "task_default_queue": "celery",
        "task_routes": {tasks.BUILD_DIGEST: {"queue": "digests"}, tasks.BUILD_FEEDBACK: {"queue": "digests"}},
        "beat_schedule": {
            "sweep-outbox": {
                "task": tasks.SWEEP_OUTBOX,
                "schedule": float(os.environ.get("CONSULT_OUTBOX_SWEEP_SECONDS", "30")),
            },
            "scheduled-digests": {"task": tasks.SCHEDULED_DIGESTS, "schedule": 3600.0},
            "prune-audit": {"task": tasks.PRUNE_AUDIT, "schedule": 86400.0},
            "ledger-flags": {"task": tasks.LEDGER_FLAGS, "schedule": 86400.0},
        },
        "timezone": "Asia/Shanghai",
    }


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config. `overrides` (tests) win over the environment."""
    overrides = overrides or {}
    env = os.environ.get
    instance = Path(overrides.get("INSTANCE_PATH") or _instance_path())
    database_url = _database_url(instance)
    redis_url = env("REDIS_URL", "")
    production = bool(redis_url) or database_url.startswith("postgresql")

    config: dict[str, Any] = {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}
        if database_url.startswith("sqlite")
        else {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Comments are short text; plan uploads are at most a few MB. Anything larger is refused
        # before parsing with 413.
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        **_cookie_settings(production),
        # A form submitted back sooner than this after it was rendered came from a bot
        # (consult/core/security/abuse.py). Off in tests unless a test sets it.
        "FORM_MIN_FILL_SECONDS": 0.0
        if overrides.get("TESTING")
        else float(env("CONSULT_FORM_MIN_FILL_SECONDS", "2")),
        # Audit-log entries older than this are deleted by `consult prune-audit` and the daily
        # beat task. Ten years by default: reform files are archived for at least that long.
        "AUDIT_RETENTION_DAYS": int(env("CONSULT_AUDIT_RETENTION_DAYS", "3650")),
        # Anonymous surveys: cross-tab cells and period breakdowns with fewer answers are not shown.
        "SURVEY_MIN_GROUP": int(env("CONSULT_SURVEY_MIN_GROUP", "5")),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": env("CONSULT_TIMEZONE", "Asia/Shanghai"),
        **_rate_limit_settings(redis_url),
        "COMMENT_MAX_CHARS": 5000,
        "VERIFICATION_SENDER": env("CONSULT_VERIFICATION_SENDER", "log"),
        "DEFAULT_WINDOW_DAYS": 30,
        **_mail_settings(),
        # Outbox rows older than this and still unprocessed are re-enqueued by the sweep.
        "OUTBOX_REDELIVER_AFTER_SECONDS": int(env("CONSULT_OUTBOX_REDELIVER_SECONDS", "60")),
        # A running digest whose heartbeat is older than this was orphaned by a killed worker.
        "DIGEST_STALE_SECONDS": int(env("CONSULT_DIGEST_STALE_SECONDS", "300")),
        # A feedback publication of more opinions than this is built by the worker, smaller ones in the request.
        "FEEDBACK_INLINE_MAX": int(env("CONSULT_FEEDBACK_INLINE_MAX", "3000")),
        # Automatic clause mapping counts (workbench, public report, per-clause tables) from this
        # confidence; below it an opinion stays under 整个方案 (docs/feedback.md).
        "CLAUSE_MAP_MIN_CONFIDENCE": float(env("CONSULT_CLAUSE_MAP_MIN_CONFIDENCE", "0.5")),
        "CELERY": _celery_settings(redis_url, instance / "broker"),
        # PDF reports embed (a subset of) this CJK font: a .ttc/.otf/.ttf file, Debian's fonts-noto-cjk
        # by default; the bold face defaults to the sibling "Bold" file (docs/stats.md).
        "PDF_FONT": env("CONSULT_PDF_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        "PDF_BOLD_FONT": env("CONSULT_PDF_BOLD_FONT", ""),
    }
    config.update(_security_settings(bool(overrides.get("TESTING"))))
    config.update(overrides)
    return config
