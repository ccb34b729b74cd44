"""The web app's login when ``RAG_API_KEY`` is set: Gradio's login form (any user name, the key as password) and an
ASGI guard that answers 401 to every web-app request without a logged-in session, except the login page itself.

Gradio's own ``auth=`` protects most of its routes; the guard closes the rest (``/gradio_api/cancel``,
``/gradio_api/heartbeat``, ``/gradio_api/startup-events``, ``/gradio_api/stream/…``, …) and keeps the endpoint list
out of the login page. The HTTP API (``rag.API_PREFIXES``) keeps its own bearer-token check.
"""
from __future__ import annotations

import hmac
import json
import re
from typing import Any, Callable

__all__ = ["key_login", "WebGuard", "gradio_app_of", "LOGIN_MESSAGE"]

LOGIN_MESSAGE = "Log in with any user name and the server's API key (RAG_API_KEY) as the password."

PUBLIC_PATHS = frozenset({"/", "/login", "/login/", "/logout", "/theme.css", "/gradio_api/theme.css", "/favicon.ico",
                          "/robots.txt", "/manifest.json"})
"""What a browser needs to show the login form (the page is served without the app's endpoint list)."""
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon")
_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.S)


def key_login(api_key: str) -> Callable[[str, str], bool]:
    """A Gradio ``auth`` function: any user name, ``api_key`` as the password (compared in constant time)."""
    expected = api_key.encode()

    def check(username: str, password: str) -> bool:
        return hmac.compare_digest((password or "").encode(), expected)

    return check


def gradio_app_of(app: Any) -> Any:
    """The Gradio sub-app mounted in the FastAPI ``app`` (it holds the login sessions)."""
    for route in getattr(app, "routes", []):
        inner = getattr(route, "app", None)
        if hasattr(inner, "tokens") and hasattr(inner, "cookie_id"):
            return inner
    raise LookupError("no Gradio app is mounted here")


class WebGuard:
    """ASGI middleware: web-app requests need a logged-in Gradio session; ``open_prefixes`` pass untouched."""

    def __init__(self, app: Any, gradio_app: Any, mount_path: str = "/", open_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.gradio_app = gradio_app
        self.mount = mount_path.rstrip("/")
        self.open_prefixes = open_prefixes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or self._open(scope["path"]) or self._logged_in(scope):
            await self.app(scope, receive, send)
        elif self._login_page(scope):
            await self.app(scope, receive, _without_api_info(send))
        else:
            await _unauthorized(scope, send)

    def _open(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.open_prefixes)

    def _relative(self, path: str) -> str | None:
        if not self.mount:
            return path
        if path == self.mount or path.startswith(self.mount + "/"):
            return path[len(self.mount):] or "/"
        return None

    def _login_page(self, scope: dict) -> bool:
        path = self._relative(scope["path"])
        return path is not None and (path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES))

    def _logged_in(self, scope: dict) -> bool:
        from starlette.requests import HTTPConnection

        cookies = HTTPConnection(scope).cookies
        cookie_id = self.gradio_app.cookie_id
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
        return bool(token) and token in self.gradio_app.tokens


def _without_api_info(send: Any) -> Any:
    """``send`` that removes the inline endpoint list from an HTML page (buffered; the page is small)."""
    state: dict[str, Any] = {"start": None, "body": b""}

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            state["start"] = message
            return
        if message["type"] != "http.response.body" or state["start"] is None:
            await send(message)
            return
        state["body"] += message.get("body", b"")
        if message.get("more_body"):
            return
        start, body = state["start"], state["body"]
        if _is_html(start):
            body = _API_INFO.sub(b"window.gradio_api_info = {};</script>", body)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def _is_html(start: dict) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in start.get("headers", []))


async def _unauthorized(scope: dict, send: Any) -> None:
    """401 with the API's JSON error shape (a websocket is closed instead)."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": {"code": "login_required", "message": "Log in to use the web app.",
                                 "hint": "Open / in a browser and log in: " + LOGIN_MESSAGE}}).encode()
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
