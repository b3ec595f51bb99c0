"""The embedded broker: kombu's filesystem transport with atomic publishes.

kombu's own `_put` opens the final `*.msg` file and writes into it; a consumer listing the
folder at that moment reads half a message, `json.loads` raises, and the Celery worker stops
with "Unrecoverable error: JSONDecodeError". Here a message is written under a name the
consumer never picks (`.tmp-…`) and renamed into place, which is atomic on POSIX within one
folder: a consumer sees a whole message or none. A file that still fails to parse (written
by an older version, or a torn disk) is moved to `broken/` and logged instead of killing the
worker. Selected with the URL scheme `atomicfs://` (registered on import).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger("consult.broker")

SCHEME = "atomicfs"


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".tmp-{name}")
        try:
            with open(temporary, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            # No fsync (it cost 17x in publishes/s): after a power cut an empty file is set aside
            # as unreadable, and the outbox sweep re-sends the work it carried.
            os.replace(temporary, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue: str) -> Any:
        """The oldest whole message of `queue` (kombu's order: by file name, i.e. by time)."""
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.startswith(".") or name.partition(".")[2] != wanted:
                continue
            source = os.path.join(self.data_folder_in, name)
            claimed = f"{source}.{uuid.uuid4().hex}.claimed"
            try:
                os.rename(source, claimed)  # atomic: of two consumers only one gets it
            except OSError:
                continue  # taken by another consumer in the meantime
            try:
                payload = Path(claimed).read_bytes()
                os.unlink(claimed)
            except OSError as exc:
                raise ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
            try:
                return loads(bytes_to_str(payload))
            except ValueError as error:
                self._broken(payload, error)
        raise Empty()

    def _broken(self, payload: bytes, error: Exception) -> None:
        folder = Path(self.data_folder_in).parent / "broken"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4()}.msg"
        path.write_bytes(payload)
        log.error("broker: unreadable message moved to %s (%s)", path, error)


class Transport(filesystem.Transport):
    Channel = Channel
    global_state = virtual.BrokerState()  # its own, not shared with kombu's filesystem transport


TRANSPORT_ALIASES.setdefault(SCHEME, "consult.core.jobs.broker:Transport")
