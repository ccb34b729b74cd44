"""A bound on guessing the API key: a client whose credentials were refused ``max_failed_logins`` times within
``failed_login_window`` seconds is answered 429 (with ``Retry-After``) until the oldest of those failures leaves
the window.

One ASGI middleware serves every way in of `rag serve`: a request carrying a bearer token (HTTP API) that is
answered 401, and a login form post (the web app, any path ending in ``/login``) that is answered 400 or 401, count
as failures of the client's address. Requests without credentials are not counted (they guess nothing), and
routes that need no key (health, the API schema) are never locked.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from typing import Any, Callable

from .errors import send_error

__all__ = ["FailedLogins", "LoginThrottle"]

_LOGIN_REFUSED = frozenset({400, 401})  # Gradio answers a wrong password 400, a bad token 401


class FailedLogins:
    """Refused credential attempts per client within a sliding window; memory bounded by ``max_clients``
    (the least recently refused clients are forgotten first)."""

    def __init__(self, limit: int, window: float, *, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.max_clients, self.clock = limit, window, max_clients, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds ``client`` must wait before its next attempt is heard (0: it may try now)."""
        with self._lock:
            times = self._recent(client)
            if times is None or len(times) < self.limit:
                return 0.0
            return max(0.0, times[0] + self.window - self.clock())

    def refused(self, client: str) -> None:
        """Count one refused attempt of ``client``."""
        with self._lock:
            times = self._recent(client) or deque(maxlen=self.limit)
            times.append(self.clock())
            self._failures[client] = times
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def _recent(self, client: str) -> deque[float] | None:
        """The failures of ``client`` still inside the window (older ones dropped)."""
        times = self._failures.get(client)
        if times is None:
            return None
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times


class LoginThrottle:
    """ASGI middleware: 429 for a client over the failed-login bound; counts the refusals it sees go out."""

    def __init__(self, app: Any, failures: FailedLogins, prefixes: tuple[str, ...]) -> None:
        self.app, self.failures, self.prefixes = app, failures, prefixes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        refused_statuses = _credential_attempt(scope, self.prefixes)
        if not refused_statuses:
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown",))[0]
        wait = self.failures.retry_after(client)
        if wait > 0:
            return await _too_many(scope, send, wait)

        async def counting_send(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] in refused_statuses:
                self.failures.refused(client)
            await send(message)

        await self.app(scope, receive, counting_send)


def _credential_attempt(scope: dict, prefixes: tuple[str, ...]) -> frozenset[int]:
    """The statuses that mean "credentials refused" for this request; empty when it carries no credentials or goes
    to a route that needs none (health stays open to every address)."""
    if scope["type"] != "http":
        return frozenset()
    path = scope.get("path", "")
    if scope.get("method") == "POST" and path.rstrip("/").endswith("/login"):
        return _LOGIN_REFUSED
    protected = any(path == p or path.startswith(p + "/") for p in prefixes)
    if protected and any(key == b"authorization" for key, _ in scope.get("headers", [])):
        return frozenset({401})
    return frozenset()


async def _too_many(scope: dict, send: Any, wait: float) -> None:
    """429 in the API's JSON error shape, with the seconds to wait."""
    seconds = max(1, math.ceil(wait))
    await send_error(scope, send, 429, "too_many_failed_logins",
                     f"Too many refused logins from this address; try again in {seconds} s.",
                     "Check the API key (RAG_API_KEY): it is the bearer token of the API and the web app's password.",
                     headers={"Retry-After": str(seconds)})
