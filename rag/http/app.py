"""The HTTP API: an OpenAI-compatible ``/v1/chat/completions`` plus a small JSON API under ``/api``.

>>> from rag import Engine, Settings, create_http_app                  # doctest: +SKIP
>>> app = create_http_app(Engine(Settings.load(backend="extractive")))  # doctest: +SKIP
>>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8000)       # doctest: +SKIP

Routes live under ``/v1``, ``/api``, ``/healthz``, ``/readyz`` (and ``/openapi.json``, ``/api/docs``) only, so a web
UI can be mounted at ``/`` of the same app. Every error is JSON: ``{"error": {"code", "message", "hint"}}`` with a
stable ``code``; no stack trace or secret is ever sent.

Answers carry verified ``[n]`` citations. Over ``/v1/chat/completions`` they travel in extra fields that the official
``openai`` client keeps (``completion.choices[0].message.model_extra["citations"]``, ``chunk.model_extra``):

* non-streaming: ``choices[0].message.citations`` / ``.refused``, and top-level ``citations``, ``refused``,
  ``answer`` (the whole :meth:`rag.Answer.to_dict`);
* streaming: content deltas, then one final chunk with ``finish_reason="stop"``, ``choices[0].delta.citations`` /
  ``.refused`` and top-level ``citations``, ``refused``, ``answer`` and ``text_changed``. With the extractive backend
  (and for refusals built before any generation) the verified answer is computed first and then streamed in pieces,
  so the streamed content *is* ``answer.text``. With a generative backend the model's draft is streamed as it is
  generated; verification may then drop unsupported sentences or renumber citations, so ``answer.text`` in the final
  chunk is authoritative and ``text_changed`` says whether it differs from what was streamed. Send ``"draft": false``
  to stream only the verified text (after generation and verification), so that content always equals ``answer.text``.
"""
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __version__
from ..config import Settings
from ..engine import Engine
from .ask import add_ask_route
from .auth import token_dependencies
from .context import ApiContext
from .documents import add_document_routes
from .errors import ERROR_STATUS, install_error_handlers
from .health import health_router
from .limits import BODY_OVERHEAD, BodyLimit
from .openai_routes import openai_router
from .schemas import AnswerModel, tidy_openapi
from .throttle import FailedLogins, LoginThrottle

__all__ = ["create_http_app", "ERROR_STATUS", "API_PREFIXES", "AnswerModel"]

API_PREFIXES = ("/v1", "/api", "/healthz", "/readyz", "/openapi.json")
"""Every path this app serves starts with one of these; ``/`` is left free for a UI."""
KEYED_PREFIXES = ("/v1", "/api")
"""The routes behind the API key."""


def create_http_app(engine: Engine, settings: Settings | None = None, *,
                    backends: list[str] | None = None) -> FastAPI:
    """The FastAPI app of the HTTP API over ``engine``.

    ``settings`` (default: ``engine.settings``) gives ``api_key`` (bearer token required on ``/v1`` and ``/api``
    when set), ``cors_origins`` and ``max_upload_bytes``. ``backends`` lists the backends a request may choose
    (default: the configured one and ``extractive``, so clients cannot switch the server to another, possibly paid,
    model).
    """
    ctx = ApiContext.create(engine, settings or engine.settings, backends)
    app = FastAPI(
        title="newsrag API",
        version=__version__,
        description="Questions answered from news articles, with verified [n] citations. "
                    "OpenAI-compatible /v1/chat/completions; documents and answers under /api.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.engine = engine
    app.state.settings = ctx.settings
    install_error_handlers(app, ctx.scrub)
    _add_routes(app, ctx)
    _add_middleware(app, ctx.settings, ctx.token)
    _use_tidy_openapi(app, ctx.allowed)
    return app


def _add_routes(app: FastAPI, ctx: ApiContext) -> None:
    """Health routes (open), then ``/v1`` and ``/api`` (behind the token when one is set)."""
    dependencies = token_dependencies(ctx.token)
    app.include_router(health_router(ctx))
    app.include_router(openai_router(ctx, dependencies))
    api = APIRouter(prefix="/api", dependencies=dependencies, tags=["API"])
    add_ask_route(api, ctx)
    add_document_routes(api, ctx)
    app.include_router(api)


def _add_middleware(app: FastAPI, settings: Settings, token: str | None) -> None:
    """CORS for the configured origins, the request body limit of ``/v1`` and ``/api``, and (with an API key) the
    bound on refused logins of every way in, the web app mounted later included."""
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type"], allow_credentials=False, max_age=600)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + BODY_OVERHEAD, prefixes=KEYED_PREFIXES)
    if token:  # outermost: a client over the bound is answered before any other work
        failures = FailedLogins(settings.max_failed_logins, settings.failed_login_window)
        app.add_middleware(LoginThrottle, failures=failures, prefixes=KEYED_PREFIXES)


def _use_tidy_openapi(app: FastAPI, allowed: list[str]) -> None:
    """Serve FastAPI's schema with our error responses and the backend enum (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy_openapi(
                get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes),
                allowed)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
