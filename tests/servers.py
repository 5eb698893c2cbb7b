"""Real uvicorn servers in a thread, for tests whose clients need real HTTP (the SDK, the browser, the
provider layer against a fake model server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


@contextmanager
def uvicorn_in_thread(config: uvicorn.Config, what: str = "the test server") -> Iterator[str]:
    """Serve `config` (with `port=0`: a free port) in a daemon thread; yields http://127.0.0.1:PORT."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
