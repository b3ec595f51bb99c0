"""The embedded broker (atomicfs://) under concurrent publishers: nothing lost, nothing half-read."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from kombu import Connection
from kombu.transport import virtual

from consult.core.jobs import broker

ROOT = Path(__file__).resolve().parents[2]

PUBLISHER = """
import sys
import consult.core.jobs.broker
from kombu import Connection
folder, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder + "-control", "store_processed": False}
with Connection("atomicfs://", transport_options=options) as conn:
    queue = conn.SimpleQueue("celery")
    for i in range(count):
        # ~200 KB bodies: big enough that a write takes several system calls.
        queue.put({"id": f"{name}-{i}", "pad": "x" * 200_000})
    queue.close()
"""


@pytest.fixture(autouse=True)
def _fresh_broker_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # kombu keeps declared exchanges process-wide; each test has its own folders.
    monkeypatch.setattr(broker.Transport, "global_state", virtual.BrokerState())


def _options(tmp_path: Path) -> dict[str, object]:
    folder = tmp_path / "queue"
    folder.mkdir(exist_ok=True)
    (tmp_path / "queue-control").mkdir(exist_ok=True)
    return {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(tmp_path / "queue-control"),
            "store_processed": False, "polling_interval": 0.01}


def test_concurrent_publishers_lose_nothing_and_never_hand_out_half_a_message(tmp_path: Path) -> None:
    options = _options(tmp_path)
    publishers, per_publisher = 4, 50
    procs = [
        subprocess.Popen([sys.executable, "-c", PUBLISHER, options["data_folder_in"], f"p{n}", str(per_publisher)], cwd=ROOT)  # noqa: S603
        for n in range(publishers)
    ]
    seen: set[str] = set()
    with Connection("atomicfs://", transport_options=options) as conn:
        queue = conn.SimpleQueue("celery")
        deadline = time.monotonic() + 120
        # Consume while the publishers are still writing: this is when a reader met a half-written file.
        while len(seen) < publishers * per_publisher and time.monotonic() < deadline:
            try:
                message = queue.get(timeout=1)
            except queue.Empty:
                continue
            body = message.payload
            assert len(body["pad"]) == 200_000  # whole, not a prefix
            seen.add(body["id"])
            message.ack()
        queue.close()
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert seen == {f"p{n}-{i}" for n in range(publishers) for i in range(per_publisher)}
    assert not list(Path(options["data_folder_in"]).glob("*.msg"))


def test_an_unreadable_message_file_is_set_aside_and_the_next_one_delivered(tmp_path: Path) -> None:
    options = _options(tmp_path)
    with Connection("atomicfs://", transport_options=options) as conn:
        queue = conn.SimpleQueue("celery")
        # What kombu's own transport left behind when a writer was interrupted mid-write.
        Path(options["data_folder_in"], "1_torn.celery.msg").write_text('{"body": "eyJ')
        queue.put({"id": "after"})
        message = queue.get(timeout=5)
        assert message.payload == {"id": "after"}
        message.ack()
        with pytest.raises(queue.Empty):
            queue.get(timeout=0.2)
        queue.close()
    broken = list((tmp_path / "broken").glob("*.msg"))
    assert len(broken) == 1 and broken[0].read_text().startswith('{"body"')
