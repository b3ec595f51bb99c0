"""A private PostgreSQL cluster (initdb into a temp dir, own port) that a test may stop and
start again without touching the shared server on 5432.

Debian's server binaries live in /usr/lib/postgresql/<major>/bin. PostgreSQL refuses to run as
root, so when we are root the cluster belongs to the `postgres` OS user and every command
runs through `runuser -u postgres`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .processes import free_port
from .services import service_unavailable

__all__ = ["PrivatePostgres"]


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        found = shutil.which("initdb")
        if found is None:
            service_unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
        return Path(found).parent  # type: ignore[arg-type]
    return Path(candidates[-1]).parent


class PrivatePostgres:
    host = "127.0.0.1"

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            self.root.chmod(0o700)
        self.url = f"postgresql+psycopg://postgres@{self.host}:{self.port}/consult"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True, cwd=str(self.root))  # noqa: S603

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            # Ours alone, on its own port; fsync off: this cluster is thrown away after the test.
            conf.write(f"\nport = {self.port}\nlisten_addresses = '{self.host}'\nunix_socket_directories = '{self.root}'\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n")
        self.start()
        self._run("createdb", "-h", self.host, "-p", str(self.port), "-U", "postgres", "consult")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: connections are cut at once (the outage); immediate: a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.data), "status", timeout=10)
            return True
        except subprocess.CalledProcessError:
            return False

    def close(self) -> None:
        if self.data.exists() and self.running():
            try:
                self.stop("immediate")
            except subprocess.SubprocessError:
                pid_file = self.data / "postmaster.pid"
                if pid_file.exists():
                    os.kill(int(pid_file.read_text().split()[0]), 9)
                    time.sleep(0.5)
        shutil.rmtree(self.root, ignore_errors=True)
