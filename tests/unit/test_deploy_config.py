"""Static checks of the deployment files (Dockerfile, entrypoint, compose.yaml, .ci/run).

No Docker engine runs on the development/CI machines and the compose plugin is absent, so
compose.yaml is checked structurally with PyYAML, and docker/entrypoint.sh is run against
stub `consult`, `gunicorn` and `celery` executables that record their arguments.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.services import service_unavailable

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    try:
        import yaml
    except ImportError:
        service_unavailable("PyYAML is needed to check compose.yaml (pip install pyyaml)")
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_all_services_with_healthchecks(compose):
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
        test = service["healthcheck"]["test"]
        assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL"), name
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    redis_cmd = services["redis"]["command"]
    assert "--appendonly" in redis_cmd
    assert redis_cmd[redis_cmd.index("--appendonly") + 1] == "yes"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_compose_app_services_env_volumes_and_dependencies(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        service = services[name]
        env = service["environment"]
        for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
            assert key in env, (name, key)
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
        assert "uploads:/app/instance" in service["volumes"], name
        assert service["command"] == [name]
        deps = service["depends_on"]
        for dep in ("db", "redis"):
            assert deps[dep]["condition"] == "service_healthy", (name, dep)
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["web"]["ports"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert {"pgdata", "uploads"} <= set(compose["volumes"])


def test_compose_variable_interpolation_is_well_formed():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    body = re.sub(r"#.*", "", text).replace("$$", "")
    for match in re.finditer(r"\$", body):
        rest = body[match.start() :]
        assert re.match(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}", rest), rest[:60]


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    assert "USER consult" in lines
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in lines
    assert "WORKDIR /app" in lines
    # The package is installed as a wheel would be (templates, static files and migrations are
    # package data), from the package sources alone; no source tree stays in the image.
    assert "pip install --no-deps /tmp/src" in text
    assert "-e ." not in text and "COPY . ." not in lines
    copied = [line.split()[1] for line in lines if line.startswith("COPY ")]
    assert {"consult", "worker", "docker"} <= set(copied)
    assert not {"templates", "static", "migrations", "tests", "."} & set(copied)
    assert "rm -rf /tmp/src" in text
    # The non-root user must be set after the last RUN that needs root.
    assert text.rindex("USER consult") > text.rindex("RUN ")


def test_pdf_font_and_poppler_are_installed_everywhere_the_readme_says():
    # PDF reports embed Noto Sans CJK; the PDF tests read them back with poppler (docs/stats.md).
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    apt = next(line for line in docker.splitlines() if "apt-get install" in line)
    assert "fonts-noto-cjk" in apt and "poppler-utils" in apt
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "packages+=(poppler-utils)" in ci and "fonts-noto-cjk" in ci
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "apt-get install chromium fonts-noto-cjk poppler-utils" in readme


def test_dockerignore_excludes_local_state():
    entries = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "instance", ".env"} <= entries
    assert "README.md" not in entries  # pyproject's readme, needed by pip install
    assert not {"consult", "worker", "docker", "pyproject.toml"} & entries
    # The top-level links into consult/ stay out of the context; consult/templates etc. do not.
    assert {"/templates", "/static", "/migrations"} <= entries
    assert not {"templates", "static", "migrations", "**/templates"} & entries


def test_babel_extracts_from_every_template_folder():
    text = (ROOT / "babel.cfg").read_text()
    assert "[jinja2: consult/**/templates/**.html]" in text
    assert "[python: consult/**.py]" in text
    assert list(ROOT.glob("consult/*/templates/*/*.html")), "feature templates live beside their feature"


def _executable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXUSR)


def test_scripts_are_executable_and_parse():
    assert _executable(ENTRYPOINT)
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)
    ci = ROOT / ".ci" / "run"
    assert _executable(ci)
    subprocess.run(["bash", "-n", str(ci)], check=True)
    text = ci.read_text()
    assert "set -euo pipefail" in text
    assert text.rstrip().splitlines()[-1] == "exec make test </dev/null"


# --------------------------------------------------------------------------- entrypoint


STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$(basename "$0")" = consult ] && [ -n "${FAIL_FIRST:-}" ] && [ ! -e "$FAIL_FIRST" ]; then
    : > "$FAIL_FIRST"
    exit 1
fi
exit 0
"""


@pytest.fixture
def run_entrypoint(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("consult", "gunicorn", "celery"):
        stub = bin_dir / name
        stub.write_text(STUB)
        stub.chmod(0o755)
    log = tmp_path / "calls.log"

    def run(*args: str, **env: str) -> list[str]:
        log.unlink(missing_ok=True)
        full_env = {
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "STUB_LOG": str(log),
            "CONSULT_ROLE_FILE": str(tmp_path / "role"),
            "HOSTNAME": "box1",
            **env,
        }
        subprocess.run(
            [shutil.which("sh"), str(ENTRYPOINT), *args],
            env=full_env,
            check=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        return log.read_text().splitlines() if log.exists() else []

    run.role_file = tmp_path / "role"  # type: ignore[attr-defined]
    return run


def test_entrypoint_web_migrates_then_starts_gunicorn(run_entrypoint):
    calls = run_entrypoint("web")
    assert calls[0] == "consult db upgrade"
    gunicorn = calls[1].split()
    assert gunicorn[:2] == ["gunicorn", "consult.wsgi:app"]
    assert gunicorn[gunicorn.index("--bind") + 1] == "0.0.0.0:8000"
    assert gunicorn[gunicorn.index("--workers") + 1] == "2"
    assert run_entrypoint.role_file.read_text().strip() == "web"

    calls = run_entrypoint("web", "--log-level", "debug", WEB_CONCURRENCY="5")
    gunicorn = calls[1].split()
    assert gunicorn[gunicorn.index("--workers") + 1] == "5"
    assert gunicorn[-2:] == ["--log-level", "debug"]


def test_entrypoint_default_is_web_and_migrations_can_be_skipped(run_entrypoint):
    assert run_entrypoint()[0] == "consult db upgrade"
    calls = run_entrypoint("web", CONSULT_SKIP_MIGRATE="1")
    assert calls[0].startswith("gunicorn consult.wsgi:app")


def test_entrypoint_retries_migrations(run_entrypoint, tmp_path):
    calls = run_entrypoint("web", FAIL_FIRST=str(tmp_path / "failed-once"), MIGRATE_RETRY_DELAY="0")
    assert calls[:2] == ["consult db upgrade", "consult db upgrade"]
    assert calls[2].startswith("gunicorn ")


def test_entrypoint_worker_and_beat(run_entrypoint):
    worker = run_entrypoint("worker", WORKER_CONCURRENCY="4")[0].split()
    assert worker[:4] == ["celery", "-A", "worker.celery_app", "worker"]
    assert worker[worker.index("-Q") + 1] == "celery,digests"
    assert worker[worker.index("--concurrency") + 1] == "4"
    assert run_entrypoint.role_file.read_text().strip() == "worker"

    health = run_entrypoint("healthcheck")[0].split()
    assert health[:4] == ["celery", "-A", "worker.celery_app", "inspect"]
    assert "celery@box1" in health

    beat = run_entrypoint("beat")[0].split()
    assert beat[:4] == ["celery", "-A", "worker.celery_app", "beat"]
    assert beat[beat.index("--schedule") + 1].startswith("/tmp/")


def test_entrypoint_passes_other_commands_through(run_entrypoint):
    assert run_entrypoint("consult", "create-user", "--admin") == ["consult create-user --admin"]
    assert run_entrypoint("migrate") == ["consult db upgrade"]


def test_entrypoint_web_healthcheck_hits_healthz(tmp_path):
    import http.server
    import threading

    from tests.support.processes import free_port

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200 if self.path == "/healthz" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, format, *args):
            pass

    role_file = tmp_path / "role"
    role_file.write_text("web\n")
    port = free_port()
    env = {**os.environ, "CONSULT_ROLE_FILE": str(role_file), "PORT": str(port)}
    cmd = ["sh", str(ENTRYPOINT), "healthcheck"]

    down = subprocess.run(cmd, env=env, timeout=30, capture_output=True)
    assert down.returncode != 0

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        up = subprocess.run(cmd, env=env, timeout=30, capture_output=True)
    finally:
        server.shutdown()
        server.server_close()
    assert up.returncode == 0, up.stderr
    assert seen == ["/healthz"]


def _compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin) or Debian's `docker-compose` (v1), whichever works."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_validates_with_compose_tool_if_installed(tmp_path):
    command = _compose_command()
    if command is None:
        pytest.skip("no docker compose plugin or docker-compose here (checked with PyYAML above)")
    empty_env_file = tmp_path / "empty.env"  # ignore any local .env
    empty_env_file.write_text("")
    env = {**os.environ, "SECRET_KEY": "test-only"}
    result = subprocess.run(
        [
            *command,
            "--env-file",
            str(empty_env_file),
            "-f",
            str(ROOT / "compose.yaml"),
            "config",
            "-q",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    env.pop("SECRET_KEY")
    missing = subprocess.run(
        [
            *command,
            "--env-file",
            str(empty_env_file),
            "-f",
            str(ROOT / "compose.yaml"),
            "config",
            "-q",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0
    assert "SECRET_KEY" in missing.stderr
