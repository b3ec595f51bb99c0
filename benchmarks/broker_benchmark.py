"""Publish and consume N small messages on the embedded broker (atomicfs://) and on kombu's
stock filesystem transport; prints one JSON line of messages per second.

    PYTHONPATH=. python benchmarks/broker_benchmark.py 2000
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from kombu import Connection

import consult.core.jobs.broker  # noqa: F401  # registers atomicfs://


def run(scheme: str, n: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    (folder / "q").mkdir()
    (folder / "c").mkdir()
    options = {"data_folder_in": str(folder / "q"), "data_folder_out": str(folder / "q"), "control_folder": str(folder / "c"), "store_processed": False}
    with Connection(f"{scheme}://", transport_options=options) as conn:
        queue = conn.SimpleQueue("celery")
        start = time.perf_counter()
        for i in range(n):
            queue.put({"task": "consult.segment_comment", "ref_id": i})
        published = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(n):
            queue.get(timeout=5).ack()
        consumed = time.perf_counter() - start
        queue.close()
    return {"publish_per_s": round(n / published), "consume_per_s": round(n / consumed)}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(json.dumps({scheme: run(scheme, count) for scheme in ("atomicfs", "filesystem")}))
