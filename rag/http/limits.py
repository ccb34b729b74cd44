"""Request body limit: API bodies over the limit are answered 413 (JSON) before or while they are read."""
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import send_error

__all__ = ["BodyLimit", "BODY_OVERHEAD"]

BODY_OVERHEAD = 1 << 20
"""Multipart framing / JSON escaping allowance on top of ``max_upload_bytes``."""


class _BodyTooLarge(StarletteHTTPException):
    """Raised while reading a body over the limit; an HTTPException so FastAPI passes it through unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"The request body is over the {limit:,}-byte limit.")


def _content_length(scope: dict) -> int | None:
    """The Content-Length header as a number (ValueError when it is not one)."""
    length = None
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            length = int(value)
    return length


class BodyLimit:
    """ASGI middleware: request bodies of API paths over ``limit`` bytes are answered 413 (JSON)."""

    def __init__(self, app: Any, limit: int, prefixes: tuple[str, ...]) -> None:
        self.app, self.limit, self.prefixes = app, limit, prefixes

    def _applies(self, scope: dict) -> bool:
        path = scope.get("path", "")
        return scope["type"] == "http" and any(path == p or path.startswith(p + "/") for p in self.prefixes)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not self._applies(scope):
            return await self.app(scope, receive, send)
        try:
            length = _content_length(scope)
        except ValueError:
            return await self._reply(scope, send, 400, "invalid_request", "Invalid Content-Length header.", None)
        if length is not None and length > self.limit:
            return await self._reply(scope, send, 413, "request_too_large",
                                     f"The request body is {length:,} bytes, over the {self.limit:,}-byte limit.",
                                     "Send smaller files, one per request, or raise max_upload_bytes.")
        await self._call_limited(scope, receive, send)

    async def _call_limited(self, scope: dict, receive: Any, send: Any) -> None:
        """Run the app, stopping the body read once it passes the limit."""
        received = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge as exc:
            if started:
                raise
            await self._reply(scope, send, 413, "request_too_large", str(exc.detail), "Send a smaller request.")

    @staticmethod
    async def _reply(scope: dict, send: Any, status: int, code: str, message: str, hint: str | None) -> None:
        await send_error(scope, send, status, code, message, hint)
