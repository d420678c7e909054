"""Reading ahead in worker processes must not fork a process that runs other threads (a
forked child can deadlock on a lock held by a thread it does not have)."""

from __future__ import annotations

import threading

from regionatlas.settings import BUNDLE_DIR
from regionatlas.workflows.ingest.build import iter_read

BA = BUNDLE_DIR / "ba-pendleratlas-2023-kreise"


def test_reading_beside_a_running_thread_gives_the_same_data() -> None:
    alone = [(d.file.name, d.sha256, d.row_counts()) for d in iter_read([BA], workers=2)]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        beside = [(d.file.name, d.sha256, d.row_counts()) for d in iter_read([BA], workers=2)]
    finally:
        stop.set()
        other.join()
    assert beside == alone and len(alone) == 32
