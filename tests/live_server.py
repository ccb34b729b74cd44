"""A real uvicorn server on a free 127.0.0.1 port, shared by the API and reliability tests."""
from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx


class LiveServer:
    """``app`` served by uvicorn in a daemon thread on a free 127.0.0.1 port (``config``: more uvicorn options)."""

    def __init__(self, app: Any, lifespan: str = "off", **config: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan=lifespan, timeout_graceful_shutdown=2,
                                **config)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    def client(self, timeout: float = 60, **kwargs: Any) -> httpx.Client:
        """An httpx client for this server (no proxies from the environment)."""
        return httpx.Client(base_url=self.url, trust_env=False, timeout=timeout, **kwargs)
