"""``/healthz`` (the process is alive) and ``/readyz`` (the index is open and the store answers)."""
import asyncio
import concurrent.futures
import logging
import threading
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..errors import RagError
from .auth import bearer_of, key_matches
from .context import ApiContext
from .errors import error_body, error_response, error_responses
from .schemas import HealthModel, ReadyModel

__all__ = ["health_router", "READY_WAIT"]

log = logging.getLogger("rag.http.app")

READY_WAIT = 2.0
"""Seconds /readyz waits for a fresh check before it answers from the previous one."""


class _Readiness:
    """The readiness check, run in a thread of its own (never the request threadpool), one at a time; callers wait
    for it a bounded time and otherwise get the last result, so /readyz answers while every worker is busy."""

    def __init__(self, check: Callable[[], tuple[int, dict[str, Any]]]) -> None:
        self._check = check
        self._lock = threading.Lock()
        self._running: concurrent.futures.Future | None = None
        self.last: tuple[int, dict[str, Any]] | None = None

    def _start(self) -> concurrent.futures.Future:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = concurrent.futures.Future()
                threading.Thread(target=self._run, args=(self._running,), name="readyz", daemon=True).start()
            return self._running

    def _run(self, future: concurrent.futures.Future) -> None:
        self.last = self._check()
        future.set_result(self.last)

    async def current(self, wait: float) -> tuple[int, dict[str, Any]] | None:
        """A fresh result when the check ends within ``wait`` seconds, else the last one (None before the first)."""
        future = asyncio.wrap_future(self._start())
        try:
            return await asyncio.wait_for(asyncio.shield(future), wait)
        except asyncio.TimeoutError:
            return self.last


def _readiness(ctx: ApiContext) -> tuple[int, dict[str, Any]]:
    """(status, body) of a live check: the index is open and the store answers."""
    scrub, settings = ctx.scrub, ctx.settings
    try:
        stats = ctx.engine.stats()
        ctx.engine.index.store.count()  # a live round trip to the (possibly remote) store
    except RagError as exc:
        return 503, error_body(exc.code, scrub(exc.message) or "", scrub(exc.hint))
    except Exception as exc:
        log.error("readiness check failed: %s", scrub(str(exc)), exc_info=exc)
        return 503, error_body("not_ready", "The index cannot be opened.", "Check the server log.")
    return 200, {
        "status": "ready", "articles": int(stats.get("articles", 0)), "chunks": int(stats.get("chunks", 0)),
        "backend": settings.backend, "model": ctx.default_model, "embedder": str(stats.get("embedder", "")),
        "store": "server" if settings.chroma_url else "embedded", "version": __version__,
    }


def health_router(ctx: ApiContext) -> APIRouter:
    """The health routes (never behind the token)."""
    router = APIRouter(tags=["health"])
    ready_state = _Readiness(lambda: _readiness(ctx))

    @router.get("/healthz", response_model=HealthModel)
    async def healthz() -> dict[str, str]:
        """The process is alive (never needs the token, never touches the index, never waits for a worker)."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=ReadyModel, responses=error_responses(503))
    async def readyz(request: Request) -> JSONResponse:
        """The index is open and the store answers: counts, backend, models in use and the outcome of the last
        model call (``llm``; the details only to a request with the key when ``RAG_API_KEY`` is set). 503
        otherwise. A check slower than 2 s answers from the previous one."""
        got = await ready_state.current(READY_WAIT)
        if got is None:
            return error_response(ctx.scrub, 503, "not_ready", "The first readiness check is still running.",
                                  "Try again in a few seconds.")
        status, body = got
        if status == 200 and ctx.token and not key_matches(bearer_of(request), ctx.token):
            return JSONResponse({"status": "ready"})
        if status == 200:
            body = {**body, "llm": ctx.engine.llm_state()}
        return JSONResponse(body, status_code=status)

    return router
