"""A wheel built from the repository installs outside it and serves pages with their CSS.

Templates, static files and migrations are package data (pyproject.toml), so nothing may be
read from the source tree: the wheel is built from a copy of the package sources alone and
installed into a fresh venv in a temporary folder, and every command runs there with the
repository off sys.path. The dependencies are not downloaded again: the fresh venv sees the
test environment's site-packages through a .pth file (listed after its own site-packages, and
that folder's own .pth files, such as the editable install of the repository, are not run), so
the consult package it imports can only be the installed wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = r"""
import json, re, sys
import consult
from consult import create_app

app = create_app()
client = app.test_client()
home = client.get("/")
login = client.get("/account/login")
english = client.get("/account/login?lang=en")
css_href = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.get_data(as_text=True)).group(1)
css = client.get(css_href)
print(json.dumps({
    "package": consult.__file__,
    "instance": app.instance_path,
    "home": home.status_code,
    "home_html": home.get_data(as_text=True)[:4000],
    "login": login.status_code,
    "login_html": login.get_data(as_text=True),
    "english_html": english.get_data(as_text=True),
    "css_href": css_href,
    "css": css.status_code,
    "css_type": css.content_type,
    "css_bytes": len(css.data),
}))
"""


def run(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy holding only what the wheel may use (no top-level links, no tests)."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("consult", "worker"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    # Offline: the build backend (setuptools, a dev dependency) comes from this environment.
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist), str(src)],
        cwd=src,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (built,) = dist.glob("consult-*.whl")
    return built


def test_wheel_holds_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "consult/templates/base.html" in names
    assert "consult/accounts/templates/accounts/login.html" in names
    assert "consult/static/css/site.css" in names
    assert "consult/migrations/env.py" in names
    assert "consult/migrations/alembic.ini" in names
    assert "consult/translations/en/LC_MESSAGES/messages.mo" in names  # English without a compile step
    assert any(n.startswith("consult/migrations/versions/") and n.endswith(".py") for n in names)
    assert "worker/analysis/resources/" in {n[: len("worker/analysis/resources/")] for n in names}
    assert not any(n.startswith(("tests/", "benchmarks/", "templates/", "static/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the fresh venv, an environment without the repository, a database URL or a broker)."""
    venv = tmp_path_factory.mktemp("wheel") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test-environment-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONHOME", "CONSULT_INSTANCE_PATH"}
    }
    env |= {"SECRET_KEY": "wheel-test", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)], cwd=venv, env=env)
    return venv, env


def test_installed_wheel_migrates_and_serves_a_page_with_its_css(installed, tmp_path):
    venv, env = installed
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"  # neither the repository nor the venv
    work.mkdir()
    instance = tmp_path / "instance"
    env = {**env, "CONSULT_INSTANCE_PATH": str(instance)}
    run([str(venv / "bin" / "consult"), "db", "upgrade"], cwd=work, env=env)

    with sqlite3.connect(instance / "consult.sqlite") as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert revision
    assert {"plan", "comment", "digest", "user"} <= tables, tables

    page = json.loads(run([str(python), "-c", CHECK], cwd=work, env=env).stdout.strip().splitlines()[-1])
    assert Path(page["package"]).is_relative_to(venv), page["package"]
    assert Path(page["instance"]) == instance
    assert page["home"] == 200
    assert "<html" in page["home_html"]
    assert page["login"] == 200
    assert 'name="csrf_token"' in page["login_html"]  # a feature's own template, from its package
    assert '<html lang="en"' in page["english_html"] and ">Sign in<" in page["english_html"]
    assert page["css_href"].startswith("/static/")
    assert page["css"] == 200
    assert page["css_type"].startswith("text/css")
    assert page["css_bytes"] > 1000


def test_installed_package_defaults_to_instance_in_the_current_directory(installed, tmp_path):
    venv, env = installed
    work = tmp_path / "site"
    work.mkdir()
    found = run([str(venv / "bin" / "python"), "-c", "from consult import create_app; print(create_app().instance_path)"], cwd=work, env=env)
    assert Path(found.stdout.strip().splitlines()[-1]) == work / "instance"
    assert (work / "instance").is_dir()  # created there, not inside site-packages
    assert not list(venv.glob("lib/python*/site-packages/instance"))
