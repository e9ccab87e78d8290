"""Fixtures for the Excel add-in tests.

xlwings Server (``xlwings.server``) needs ``XLWINGS_LICENSE_KEY``; the tests use ``noncommercial``
(free for non-commercial use) unless a key is already set.  It must be set before xlwings is imported.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import socket
import threading
import time
from typing import Any

import httpx
import pytest


@pytest.fixture(scope="session")
def live_server() -> Any:
    """The add-in app under uvicorn on a free loopback port (in a thread); yields its base URL."""
    import uvicorn
    from tierkit_addin.server import create_app

    from .helpers import FIXTURES

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(rules_dir=FIXTURES), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:  # pragma: no cover
        raise RuntimeError("the add-in server did not start")
    yield base
    server.should_exit = True
    thread.join(timeout=10)
