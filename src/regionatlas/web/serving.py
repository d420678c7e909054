"""Serve an ASGI app with uvicorn in a background thread on a free loopback port.

For browser tests and benchmarks that need a real HTTP server in the same interpreter (so the
app object stays inspectable); production serving goes through ``regionatlas serve``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app, timeout: float = 120.0) -> Iterator[str]:
    """Run ``app`` under uvicorn until the block ends; yields the base URL. The server starts
    once the app's start-up (the cache warm-up, seconds on a real store) is done.

    Raises ``TimeoutError`` when the server has not started within ``timeout`` seconds.
    """
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() >= deadline or not thread.is_alive():
                raise TimeoutError(f"uvicorn did not start on 127.0.0.1:{port} within {timeout} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
