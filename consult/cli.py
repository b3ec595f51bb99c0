"""The `consult` command: a Flask CLI group over the app factory."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from consult import create_app
from consult.accounts import operations as accounts
from consult.core import audit
from consult.core.files.spreadsheets import TableError
from consult.core.jobs.supervisor import WorkerSupervisor
from consult.core.web.errors import ServiceError
from consult.demo import loader as demo
from consult.digests import reports
from consult.extensions import db
from consult.plans import intake
from consult.search.reindex import reindex


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True, add_version_option=False)
def main() -> None:
    """Consult: public consultation platform for reform offices."""


def _worker_args(concurrency: int, beat: bool) -> list[str]:
    instance = Path(current_app.instance_path)
    args = [
        sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker",
        # WARNING by default: at INFO every segmented comment logs two lines and buries the
        # verification codes (CONSULT_WORKER_LOGLEVEL=INFO brings them back).
        "--loglevel", os.environ.get("CONSULT_WORKER_LOGLEVEL", "WARNING"), "-Q", "celery,digests", "--concurrency", str(concurrency),
    ]
    if beat:
        args += ["-B", "--schedule", str(instance / "celerybeat-schedule")]
    return args


def _worker_env(site_url: str = "") -> dict[str, str]:
    # One BLAS/OpenMP thread per worker process: Celery already runs a process per core, and
    # nested thread pools made clustering several times slower under load (docs/performance.md).
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    if site_url:
        env["CONSULT_SITE_URL"] = site_url  # links in the worker's e-mails name the port served
    return env


def _site_url(host: str, port: int) -> str:
    """The address links in e-mails use: CONSULT_SITE_URL when set, else where `consult run` serves."""
    configured = os.environ.get("CONSULT_SITE_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104  # nosec B104  # a bind-all address is no link
    return f"http://{shown}:{port}"


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Serve the web app only (run `consult worker` elsewhere).")
@with_appcontext
def run_command(host: str, port: int, no_worker: bool) -> None:
    """Serve the site and start a Celery worker (with beat) beside it."""
    from werkzeug.serving import run_simple

    site_url = _site_url(host, port)
    current_app.config["SITE_URL"] = site_url
    supervisor = None
    if not no_worker:
        # Supervised: a worker that dies is started again (with back-off), and /healthz says
        # 503 until the replacement beats (docs/reliability.md).
        supervisor = WorkerSupervisor(_worker_args(1, beat=True), _worker_env(site_url), echo=click.echo)
        current_app.extensions["worker_supervisor"] = supervisor
        supervisor.start()
        click.echo(f"broker: {_broker_label()}")
    # `kill` of this process must stop the worker too, not orphan it.
    signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"Consult is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)  # type: ignore[attr-defined]
    finally:
        if supervisor is not None:
            supervisor.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _broker_label() -> str:
    url = current_app.config["CELERY"]["broker_url"]
    return "Redis" if url.startswith("redis") else "kombu filesystem transport (no server needed)"


@main.command("worker")
@click.option("--concurrency", default=2, show_default=True, type=int)
@click.option("--beat/--no-beat", default=False, help="Also run the periodic scheduler in this process.")
@with_appcontext
def worker_command(concurrency: int, beat: bool) -> None:
    """Run a Celery worker for this app."""
    os.execve(sys.executable, _worker_args(concurrency, beat), _worker_env())  # noqa: S606  # nosec B606  # fixed argv: this interpreter running celery


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo plans, accounts and comments (safe to run twice)."""

    report = demo.load()
    db.session.commit()
    click.echo(json.dumps(report, ensure_ascii=False))


@main.command("create-user")
@click.option("--login", required=True, help="E-mail address or mobile number.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(["citizen", "department", "staff", "admin", "evaluator"]), required=True)
@click.option("--name", default="", help="Real name (kept in the back end).")
@click.option("--department", default="", help="Department name (required for --role department).")
@with_appcontext
def create_user_command(login: str, password: str, role: str, name: str, department: str) -> None:
    """Create (or update) a verified account with the given role."""

    if role == "department" and not department:
        raise click.UsageError("--department is required for --role department")
    try:
        user = accounts.create_staff(login, password, role, name=name, department=department)

        audit.record(None, "user.role", "user", user.id, department_id=user.department_id, new_role=role, via="cli")
        db.session.commit()
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"user {user.id} ({user.login_name}) has role {user.role}")


@main.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Re-enqueue owed work from the outbox now (the worker's beat does this every 30 s)."""

    click.echo(f"re-enqueued {intake.sweep()} event(s)")


@main.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Recompute stored search terms (once after an upgrade that changes segmentation)."""
    changed = reindex()
    click.echo("re-indexed " + ", ".join(f"{n} {kind}" for kind, n in changed.items()))


@main.command("prune-audit")
@with_appcontext
def prune_audit_command() -> None:
    """Delete audit-log entries older than AUDIT_RETENTION_DAYS (beat does it daily)."""

    days = current_app.config["AUDIT_RETENTION_DAYS"]
    deleted = audit.prune(days)
    db.session.commit()
    click.echo(f"deleted {deleted} audit entries older than {days} days")


@main.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-col", default="text", show_default=True)
@click.option("--label-col", default="label", show_default=True)
@click.option("--baseline", is_flag=True, help="jieba + TF-IDF + KMeans with k = the true number of labels.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--stability", is_flag=True, help="Also: 5 seeds, traditional conversion, the set replicated with light edits.")
@click.option("--replicate", default=20, show_default=True, type=int, help="Copies of the set for --stability.")
def evaluate_command(path: str, text_col: str, label_col: str, baseline: bool, seed: int, stability: bool, replicate: int) -> None:
    """Cluster a labelled CSV/XLSX and print one JSON line of quality figures."""
    from worker.analysis.evaluate import evaluate_file, stability_figures

    out = evaluate_file(path, text_col, label_col, baseline=baseline, seed=seed)
    if stability:
        out["stability"] = stability_figures(path, text_col, label_col, replicate=replicate)
    click.echo(json.dumps(out, ensure_ascii=False))


@main.command("benchmark")
@click.option("--comments", "n", default=100_000, show_default=True, type=int)
def benchmark_command(n: int) -> None:
    """Segment and digest N synthetic comments; print one JSON line of timings and memory."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.digest_benchmark import run

    click.echo(json.dumps(run(n), ensure_ascii=False))


@main.command("analyze")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-col", required=True, help="Column holding the opinion text.")
@click.option("--date-col", default=None, help="Optional column with dates (YYYY-MM-DD).")
@click.option("--out", "out", default=None, help="report.html, report.docx, report.pdf or report.json (default: JSON to stdout).")
@with_appcontext
def analyze_command(path: str, text_col: str, date_col: str | None, out: str | None) -> None:
    """Build a digest of a spreadsheet of opinions offline (no database needed)."""

    data = Path(path).read_bytes()
    try:
        result, docs = reports.analyze_table(Path(path).name, data, text_col=text_col, date_col=date_col)
    except (TableError, ValueError) as error:
        raise click.ClickException(getattr(error, "message", str(error))) from None
    title = f"意见摘要报告：{Path(path).stem}"
    if out is None or out.endswith(".json"):
        payload = json.dumps(reports.masked_dict(result), ensure_ascii=False, indent=1)
        if out:
            Path(out).write_text(payload, encoding="utf-8")
        else:
            click.echo(payload)
    elif out.endswith(".docx"):
        Path(out).write_bytes(reports.docx_report(title, result, docs))
    elif out.endswith(".pdf"):
        try:
            Path(out).write_bytes(reports.pdf_report(title, result, docs))
        except ServiceError as error:  # the CJK font is missing: say which and how to fix it
            raise click.ClickException(error.message) from None
    elif out.endswith(".html"):
        Path(out).write_text(reports.html_report(title, result, docs), encoding="utf-8")
    else:
        raise click.UsageError("--out must end with .html, .docx, .pdf or .json")
    if out:
        click.echo(f"wrote {out}: {len(docs)} opinions, {len(result.themes)} themes")
