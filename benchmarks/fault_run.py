"""The fault scenario of issue #7 on a real stack; prints its figures as one JSON object.

Same scenario as tests/faults/test_faults.py (tests/support/faults.py): private PostgreSQL,
private Redis, gunicorn with 2 workers, a Celery worker; `--rate` comments/s for `--seconds`
from `--accounts` accounts while the worker is killed mid-digest, Redis is killed twice and
PostgreSQL is stopped for 10 s; then the embedded mode on a full small filesystem. Needs root
(the private PostgreSQL runs as the postgres user; the small filesystem is a tmpfs mount).

    python benchmarks/fault_run.py [--seconds 300] [--rate 20] [--accounts 120]

p50/p95/p99 are of comment POSTs outside the fault windows (10 s margin either side).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.faults import run_scenario  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--accounts", type=int, default=120)
    parser.add_argument("--no-full-disk", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="consult-faults-") as tmp:
        report = run_scenario(Path(tmp), seconds=args.seconds, rate=args.rate, accounts=args.accounts,
                              full_disk=not args.no_full_disk, log=lambda m: print(m, file=sys.stderr, flush=True))
        print(json.dumps(report.summary(), ensure_ascii=False))


if __name__ == "__main__":
    main()
