"""JSON error replies of the HTTP API: ``{"error": {"code", "message", "hint"}}``, never a trace or a secret."""
import logging
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    BackendError,
    BackendUnavailableError,
    BusyError,
    ConfigError,
    DocumentError,
    IndexNotReadyError,
    InputError,
    RagError,
    StoreError,
    StoreUnavailableError,
)
from .schemas import ErrorResponse

__all__ = ["ApiError", "ERROR_STATUS", "rag_error_status", "error_body", "send_error", "error_response", "error_responses",
           "install_error_handlers", "Scrub"]

log = logging.getLogger("rag.http.app")

Scrub = Callable[[str | None], str | None]
"""Removes the configured secrets from text that is sent (``Settings.redactor()``)."""

# RagError subclass -> HTTP status (most specific first). Codes are the classes' stable ``.code``.
ERROR_STATUS: list[tuple[type[RagError], int]] = [
    (IndexNotReadyError, 409),
    (StoreUnavailableError, 503),
    (StoreError, 500),
    (BackendUnavailableError, 503),
    (BackendError, 502),
    (BusyError, 503),
    (DocumentError, 422),
    (InputError, 400),
    (ConfigError, 500),
    (RagError, 500),
]

_HTTP_CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "request_too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited"}

_DESCRIPTIONS = {400: "Invalid request", 401: "Missing or wrong bearer token", 404: "Not found",
                 409: "Index not ready", 413: "Request or file too large", 415: "Unsupported media or file type",
                 422: "The document cannot be used", 429: "Too many refused logins from this address",
                 500: "Internal error", 502: "The language model failed",
                 503: "Store or backend unavailable, or busy"}


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "hint"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint, self.headers = status, code, message, hint, headers


def rag_error_status(exc: RagError) -> int:
    """The HTTP status of a :class:`RagError`."""
    for cls, status in ERROR_STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(code: str, message: str, hint: str | None) -> dict[str, Any]:
    """The JSON body of an error."""
    return {"error": {"code": code, "message": message, "hint": hint}}


async def send_error(scope: dict, send: Any, status: int, code: str, message: str, hint: str | None,
                     headers: dict[str, str] | None = None) -> None:
    """Send an error reply straight from ASGI middleware (the request body is never read)."""
    await JSONResponse(error_body(code, message, hint), status_code=status, headers=headers)(scope, _no_receive, send)


async def _no_receive() -> dict:  # pragma: no cover - error replies never read the body
    return {"type": "http.disconnect"}


def error_response(scrub: Scrub, status: int, code: str, message: str, hint: str | None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """An error reply with secrets removed from its message and hint."""
    return JSONResponse(error_body(code, scrub(message) or "", scrub(hint)), status_code=status, headers=headers)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of these error statuses."""
    return {s: {"model": ErrorResponse, "description": _DESCRIPTIONS[s]} for s in statuses}


def _validation_message(exc: RequestValidationError) -> str:
    """The first few validation problems as one line."""
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(problems)


def _http_message(request: Request, exc: StarletteHTTPException) -> tuple[str, str | None]:
    """(message, hint) of a plain HTTP error; unknown routes and methods point at the schema."""
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404 and message == "Not Found":
        return f"No route {request.method} {request.url.path}.", "See /openapi.json."
    if exc.status_code == 405:
        return f"{request.method} is not allowed on {request.url.path}.", "See /openapi.json."
    return message, None


def install_error_handlers(app: FastAPI, scrub: Scrub) -> None:
    """Answer every error of ``app`` as JSON with a stable code."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(scrub, exc.status, exc.code, exc.message, exc.hint, exc.headers)

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, exc: RagError) -> JSONResponse:
        status = rag_error_status(exc)
        if status >= 500:
            log.warning("%s %s failed: %s", request.method, request.url.path, scrub(str(exc)))
        retry = {"Retry-After": str(exc.retry_after)} if isinstance(exc, BusyError) else None
        return error_response(scrub, status, exc.code, exc.message, exc.hint, retry)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(scrub, 400, "invalid_request", _validation_message(exc), "See the schema at /openapi.json.")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message, hint = _http_message(request, exc)
        return error_response(scrub, exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), message, hint,
                              getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s crashed: %s: %s", request.method, request.url.path, type(exc).__name__, scrub(str(exc)),
                  exc_info=exc)
        return error_response(scrub, 500, "internal_error", "The server failed to handle this request.",
                              "Try again; if it persists, check the server log.")
