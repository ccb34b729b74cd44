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
import asyncio
import concurrent.futures
import hmac
import json
import logging
import math
import re
import threading
import time
import unicodedata
import uuid
from dataclasses import asdict
from typing import Annotated, Any, Callable, Iterator, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import BACKENDS, QUESTION_CHARS_CEILING, Settings
from ..engine import Engine, StreamEvent
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
from ..models import Answer
from ..redact import secret_text

__all__ = ["create_http_app", "ERROR_STATUS", "API_PREFIXES"]

log = logging.getLogger("rag.http.app")

API_PREFIXES = ("/v1", "/api", "/healthz", "/readyz", "/openapi.json")
"""Every path this app serves starts with one of these; ``/`` is left free for a UI."""

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

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
_BODY_OVERHEAD = 1 << 20  # multipart framing / JSON escaping allowance on top of max_upload_bytes
_DATE = r"^[1-9][0-9]{3}(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12][0-9]|3[01]))?)?$"
_VISIBLE = r"[^\s\x00-\x1f\x7f]"  # at least one visible character (patterns match anywhere)
_DOC_ID = r"^[^/\\\s\x00-\x1f\x7f.]([^/\\\x00-\x1f\x7f]*[^/\\\s\x00-\x1f\x7f])?$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------------------- errors
class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "hint"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint, self.headers = status, code, message, hint, headers


class _BodyTooLarge(StarletteHTTPException):
    """Raised while reading a body over the limit; an HTTPException so FastAPI passes it through unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"The request body is over the {limit:,}-byte limit.")


_HTTP_CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "request_too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited"}


def rag_error_status(exc: RagError) -> int:
    """The HTTP status of a :class:`RagError`."""
    for cls, status in ERROR_STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def _key_matches(given: str | None, token: str) -> bool:
    """Whether ``given`` is the API key (constant-time comparison)."""
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _bearer_of(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _error_body(code: str, message: str, hint: str | None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint}}


# ---------------------------------------------------------------------------------------------------------- models
class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable error code, e.g. invalid_input, document_not_found.")
    message: str = Field(description="What went wrong.")
    hint: str | None = Field(None, description="What to do about it.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    """A question about the indexed articles."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=QUESTION_CHARS_CEILING, pattern=_VISIBLE,
                          description="The question (the server's max_question_chars applies).")
    history: list[Turn] = Field(default_factory=list, max_length=50,
                                description="Earlier turns, oldest first; follow-ups are rewritten to stand alone.")
    since: str | None = Field(None, pattern=_DATE, description="Only articles from this date on (YYYY[-MM[-DD]]).")
    until: str | None = Field(None, pattern=_DATE, description="Only articles up to this date (YYYY[-MM[-DD]]).")
    top_k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve and answer from.")
    backend: str | None = Field(None, description="Answer backend for this request (one the server enables).")
    retrieval_only: bool = Field(False, description="Return the retrieved passages without composing an answer.")
    language: str | None = Field(None, min_length=1, max_length=40, description="Answer language, e.g. English.")


class CitationModel(BaseModel):
    number: int
    doc_id: str
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    chunk_id: str
    start: int = Field(description="Offset of the quote in the article text (GET /api/documents/{doc_id}).")
    end: int
    quote: str
    flags: list[tuple[int, int]] = Field(default_factory=list, description=(
        "Sentences of the cited passage that read as instructions to an AI (article offsets): shown, never evidence."))


class SentenceModel(BaseModel):
    text: str
    citations: list[int]
    score: float | None
    supported: bool
    note: str | None = None


class PassageModel(BaseModel):
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    score: float | None = 0.0
    scores: dict[str, float | None] = Field(default_factory=dict)
    sentences: list[tuple[int, int]] = Field(default_factory=list)
    flags: list[tuple[int, int]] = Field(default_factory=list, description=(
        "Sentences that read as instructions to an AI (article offsets): shown, never evidence."))


class AnswerModel(BaseModel):
    question: str
    text: str = Field(description="Markdown with [n] markers pointing at `citations`.")
    citations: list[CitationModel]
    sentences: list[SentenceModel]
    refused: bool = Field(description="True when the articles do not hold the answer.")
    standalone_question: str
    related: list[PassageModel]
    passages: list[PassageModel]
    timings: dict[str, float | None]
    backend: str
    model: str
    notice: str | None = None


class DocumentText(BaseModel):
    """An article given as text."""

    model_config = ConfigDict(extra="forbid")
    doc_id: str = Field(min_length=1, max_length=200, pattern=_DOC_ID,
                        description="Document id: a plain file name such as my-article.txt (no folders).")
    text: str = Field(min_length=1, pattern=_VISIBLE, description="The article text.")


class IngestReportModel(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    failed: dict[str, str]
    chunks_embedded: int
    seconds: float


class DocumentInfoModel(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    chunks: int
    content_hash: str
    chars: int


class DocumentListModel(BaseModel):
    documents: list[DocumentInfoModel]


class DocumentModel(DocumentInfoModel):
    text: str = Field(description="The full article text; citation offsets point into it.")


class DeletedModel(BaseModel):
    doc_id: str
    deleted: bool


class HealthModel(BaseModel):
    status: Literal["ok"]


class ReadyModel(BaseModel):
    """With ``RAG_API_KEY`` set, only ``status`` is sent to a request without the key."""

    status: Literal["ready"]
    articles: int | None = None
    chunks: int | None = None
    backend: str | None = None
    model: str | None = None
    embedder: str | None = None
    store: Literal["embedded", "server"] | None = None
    version: str | None = None
    llm: Literal["unknown", "ok", "failing", "busy"] | None = Field(
        None, description="Outcome of the last model call (unknown: none yet); from memory, never a new call.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "newsrag"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class TextPart(BaseModel):
    type: Literal["text"]
    text: str = Field(max_length=20_000)


class QuestionPart(BaseModel):
    type: Literal["text"]
    text: str = Field(min_length=1, max_length=QUESTION_CHARS_CEILING // 4, pattern=_VISIBLE)


class UserMessage(BaseModel):
    """A user turn: a question (the last one is answered)."""

    model_config = ConfigDict(extra="allow")
    role: Literal["user"]
    content: Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS_CEILING, pattern=_VISIBLE)] | Annotated[
        list[QuestionPart], Field(min_length=1, max_length=4)] = Field(description="Text, or a list of text parts.")


class OtherMessage(BaseModel):
    """An assistant turn (history), or a system/developer/tool message (ignored: the answer rules are fixed)."""

    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "assistant", "tool"]
    content: str | list[TextPart] | None = Field(None, description="Text, or a list of text parts.")


ChatMessage = Annotated[UserMessage | OtherMessage, Field(discriminator="role")]


class ChatCompletionRequest(BaseModel):
    """OpenAI chat-completions request. Other OpenAI parameters (temperature, max_tokens, …) are accepted and
    ignored; the fields after ``stream`` are extensions (send them with the openai client's ``extra_body``)."""

    model_config = ConfigDict(extra="allow")
    model: str | None = Field(None, max_length=200,
                              description="Any name; a backend name (see GET /v1/models) selects that backend.")
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=200, json_schema_extra={"contains": {"type": "object", "required": ["role"],
                                                                      "properties": {"role": {"const": "user"}}}},
        description="The conversation; the last user message is the question, the user and assistant turns "
                    "before it are the history.")
    stream: bool = False
    since: str | None = Field(None, pattern=_DATE)
    until: str | None = Field(None, pattern=_DATE)
    top_k: int | None = Field(None, ge=1, le=50)
    backend: str | None = None
    language: str | None = Field(None, min_length=1, max_length=40)
    draft: bool = Field(True, description="Stream a generative backend's draft as it is generated (default); "
                                          "false streams only the verified answer.")


class ChatMessageOut(BaseModel):
    role: Literal["assistant"]
    content: str
    citations: list[CitationModel]
    refused: bool


class ChatChoice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: Literal["stop"]
    logprobs: None = None


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChatChoice]
    citations: list[CitationModel]
    refused: bool
    answer: AnswerModel


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    citations: list[CitationModel] | None = Field(None, description="Only in the final chunk.")
    refused: bool | None = Field(None, description="Only in the final chunk.")


class ChunkChoice(BaseModel):
    index: int
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent event of a streamed completion; the last one (``finish_reason: "stop"``) carries
    ``citations``, ``refused``, ``answer`` and ``text_changed``."""

    id: str
    object: Literal["chat.completion.chunk"]
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationModel] | None = None
    refused: bool | None = None
    answer: AnswerModel | None = None
    text_changed: bool | None = Field(None, description="True when answer.text differs from the streamed content.")


_SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "description": "`data:` lines of chat.completion.chunk JSON objects, then `data: [DONE]`; an error after the "
                   "stream started is sent as `data: {\"error\": {...}}`.",
    "properties": {"data": {"oneOf": [
        {"type": "string", "const": "[DONE]"},
        {"type": "string", "contentMediaType": "application/json",
         "contentSchema": {"anyOf": [{"$ref": "#/components/schemas/ChatCompletionChunk"},
                                     {"$ref": "#/components/schemas/ErrorResponse"}]}},
    ]}},
}


def _responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {400: "Invalid request", 401: "Missing or wrong bearer token", 404: "Not found",
                    409: "Index not ready", 413: "Request or file too large", 415: "Unsupported media or file type",
                    422: "The document cannot be used", 500: "Internal error", 502: "The language model failed",
                    503: "Store or backend unavailable, or busy"}
    return {s: {"model": ErrorResponse, "description": descriptions[s]} for s in statuses}


# ---------------------------------------------------------------------------------------------------------- helpers
def _finite(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _answer_dict(answer: Answer, scrub: Any = None) -> dict[str, Any]:
    data = _finite(answer.to_dict())
    if scrub is not None:
        data["notice"] = scrub(data.get("notice"))
    return data


def safe_upload_name(raw: str | None) -> str:
    """A file name reduced to its base name (``../../x.txt`` -> ``x.txt``); refuses names that stay unsafe."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").split("/")[-1]
    name = _CONTROL.sub("", name).strip()
    if not name or name in (".", "..") or name.startswith("."):
        raise ApiError(400, "invalid_file_name", f"Unusable file name {raw!r}.",
                       "Give the file a plain name such as article.txt.")
    if len(name) > 200:
        raise ApiError(400, "invalid_file_name", "The file name is longer than 200 characters.", "Shorten it.")
    return name


def _check_suffix(name: str) -> None:
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise ApiError(415, "unsupported_file_type", f"{name}: unsupported file type {suffix or '(none)'}.",
                       f"Upload {', '.join(UPLOAD_SUFFIXES)} files.")


def _content_text(content: str | list[TextPart] | list[QuestionPart] | None) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.text for part in content)


def _pieces(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` exactly."""
    return re.findall(r"\s*\S+\s*|\s+", text)


def _sse(data: Any) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(',', ':'))}\n\n"


class _BodyLimit:
    """ASGI middleware: request bodies of API paths over ``limit`` bytes are answered 413 (JSON)."""

    def __init__(self, app: Any, limit: int, prefixes: tuple[str, ...]) -> None:
        self.app, self.limit, self.prefixes = app, limit, prefixes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not any(path == p or path.startswith(p + "/") for p in self.prefixes):
            return await self.app(scope, receive, send)
        length = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return await self._reply(scope, send, 400, "invalid_request", "Invalid Content-Length header.",
                                             None)
        if length is not None and length > self.limit:
            return await self._reply(scope, send, 413, "request_too_large",
                                     f"The request body is {length:,} bytes, over the {self.limit:,}-byte limit.",
                                     "Send smaller files, one per request, or raise max_upload_bytes.")
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
        await JSONResponse(_error_body(code, message, hint), status_code=status)(scope, _no_receive, send)


async def _no_receive() -> dict:  # pragma: no cover - error replies never read the body
    return {"type": "http.disconnect"}


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


# ------------------------------------------------------------------------------------------------------------- app
def create_http_app(engine: Engine, settings: Settings | None = None, *,
                    backends: list[str] | None = None) -> FastAPI:
    """The FastAPI app of the HTTP API over ``engine``.

    ``settings`` (default: ``engine.settings``) gives ``api_key`` (bearer token required on ``/v1`` and ``/api``
    when set), ``cors_origins`` and ``max_upload_bytes``. ``backends`` lists the backends a request may choose
    (default: the configured one and ``extractive``, so clients cannot switch the server to another, possibly paid,
    model).
    """
    settings = settings or engine.settings
    allowed = list(dict.fromkeys(backends or [settings.backend, "extractive"]))
    for name in allowed:
        if name not in BACKENDS:
            raise ConfigError(f"Unknown backend {name!r}.", hint=f"Use one of {', '.join(sorted(BACKENDS))}.")
    scrub = settings.redactor()
    max_upload = settings.max_upload_bytes
    default_model = _model_name(settings)

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
    app.state.settings = settings

    # -------------------------------------------------------------- errors
    def error_response(status: int, code: str, message: str, hint: str | None,
                       headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(_error_body(code, scrub(message) or "", scrub(hint)), status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.hint, exc.headers)

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, exc: RagError) -> JSONResponse:
        status = rag_error_status(exc)
        if status >= 500:
            log.warning("%s %s failed: %s", request.method, request.url.path, scrub(str(exc)))
        retry = {"Retry-After": str(exc.retry_after)} if isinstance(exc, BusyError) else None
        return error_response(status, exc.code, exc.message, exc.hint, retry)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(400, "invalid_request", "Invalid request: " + "; ".join(problems),
                              "See the schema at /openapi.json.")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message, hint = f"No route {request.method} {request.url.path}.", "See /openapi.json."
        elif exc.status_code == 405:
            message, hint = f"{request.method} is not allowed on {request.url.path}.", "See /openapi.json."
        else:
            hint = None
        return error_response(exc.status_code, code, message, hint, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s crashed: %s: %s", request.method, request.url.path, type(exc).__name__, scrub(str(exc)),
                  exc_info=exc)
        return error_response(500, "internal_error", "The server failed to handle this request.",
                              "Try again; if it persists, check the server log.")

    # ---------------------------------------------------------------- auth
    dependencies: list[Any] = []
    token = secret_text(settings.api_key)
    if token:
        bearer = HTTPBearer(auto_error=False, description="RAG_API_KEY")

        def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
            if not credentials or not _key_matches(credentials.credentials, token):
                raise ApiError(401, "unauthorized", "Missing or invalid API key.",
                               "Send the header 'Authorization: Bearer <RAG_API_KEY>'.",
                               headers={"WWW-Authenticate": "Bearer"})

        dependencies.append(Depends(require_token))
    common = (400, 401, 413, 500) if dependencies else (400, 413, 500)

    v1 = APIRouter(prefix="/v1", dependencies=dependencies, tags=["OpenAI-compatible"])
    api = APIRouter(prefix="/api", dependencies=dependencies, tags=["API"])

    def pick_backend(requested: str | None, model: str | None = None) -> str | None:
        if requested is None and model in allowed:
            requested = model
        if requested is None:
            return None
        if requested not in allowed:
            raise ApiError(400, "backend_not_allowed", f"The backend {requested!r} is not enabled on this server.",
                           f"Use one of: {', '.join(allowed)}.")
        return requested

    # ------------------------------------------------------------------ /v1
    @v1.get("/models", response_model=ModelList, responses=_responses(*common))
    def list_models() -> dict[str, Any]:
        """The model names accepted in ``model``: the default, then each backend a request may choose."""
        ids = list(dict.fromkeys([default_model, *allowed]))
        return {"object": "list", "data": [{"id": i, "object": "model", "created": 0, "owned_by": "newsrag"}
                                           for i in ids]}

    @v1.post(
        "/chat/completions",
        response_model=ChatCompletionResponse,
        responses={
            200: {"description": "A chat completion, or with `stream: true` server-sent events of "
                                 "`chat.completion.chunk` objects ending with `data: [DONE]`.",
                  "content": {"text/event-stream": {"schema": _SSE_EVENT}}},
            **_responses(*common, 409, 502, 503),
        },
    )
    def chat_completions(body: ChatCompletionRequest) -> Any:
        """Answer the last user message from the articles; earlier user/assistant turns are the history."""
        turns = [m for m in body.messages if m.role in ("user", "assistant")]
        while turns and turns[-1].role != "user":
            turns.pop()
        if not turns:
            raise ApiError(400, "invalid_input", "The conversation has no user message.",
                           "Send the question as a user message.")
        question = _content_text(turns[-1].content)
        history = [{"role": m.role, "content": _content_text(m.content)} for m in turns[:-1]]
        backend = pick_backend(body.backend, body.model)
        events = engine.stream(question, history=history, since=body.since, until=body.until, top_k=body.top_k,
                               backend=backend, language=body.language)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        # The first event (retrieval done: a draft token or the final answer) is awaited here, so that input,
        # index and store errors become proper HTTP errors instead of a broken stream.
        first = next(events)
        if not body.stream:
            answer = first.answer if first.type == "answer" else _last_answer(first, events)
            return JSONResponse(_completion(completion_id, created, answer, scrub))
        if first.type == "answer" and first.answer is not None:
            model = first.answer.model or first.answer.backend
        else:
            model = default_model if (backend or settings.backend) == settings.backend else str(backend)
        stream = _chat_stream(completion_id, created, first, events, body.draft, model)
        return StreamingResponse(stream, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    def _chat_stream(completion_id: str, created: int, first: StreamEvent, events: Iterator[StreamEvent],
                     draft: bool, model: str) -> Iterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
            return _sse({"id": completion_id, "object": "chat.completion.chunk", "created": created,
                         "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                                      "logprobs": None}], **extra})

        streamed: list[str] = []
        try:
            yield chunk({"role": "assistant", "content": ""})
            event: StreamEvent | None = first
            answer: Answer | None = None
            while event is not None:
                if event.type == "token" and event.text:
                    if draft:
                        streamed.append(event.text)
                        yield chunk({"content": event.text})
                    else:
                        yield ": generating\n\n"  # SSE comment: keeps the connection alive, ignored by clients
                elif event.type == "answer":
                    answer = event.answer
                event = next(events, None)
            assert answer is not None
            model = answer.model or answer.backend or model
            if not streamed:
                for piece in _pieces(answer.text):
                    streamed.append(piece)
                    yield chunk({"content": piece})
            citations = _finite([asdict(c) for c in answer.citations])
            yield chunk({"citations": citations, "refused": answer.refused}, "stop", citations=citations,
                        refused=answer.refused, answer=_answer_dict(answer, scrub),
                        text_changed="".join(streamed) != answer.text)
            yield "data: [DONE]\n\n"
        except RagError as exc:
            log.warning("chat stream failed: %s", scrub(str(exc)))
            yield _sse(_error_body(exc.code, scrub(exc.message) or "", scrub(exc.hint)))
        except Exception as exc:  # never a trace on the wire
            log.error("chat stream crashed: %s", scrub(str(exc)), exc_info=exc)
            yield _sse(_error_body("internal_error", "The answer stream failed.", "Try again."))

    # ----------------------------------------------------------------- /api
    @api.post("/ask", response_model=AnswerModel, responses=_responses(*common, 409, 502, 503))
    def ask(body: AskRequest) -> JSONResponse:
        """Answer a question with verified citations (or refuse), as the whole Answer object."""
        answer = engine.ask(body.question, history=[t.model_dump() for t in body.history], since=body.since,
                            until=body.until, top_k=body.top_k, backend=pick_backend(body.backend),
                            retrieval_only=body.retrieval_only, language=body.language)
        return JSONResponse(_answer_dict(answer, scrub))

    upload_body = {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["files"],
                "properties": {"files": {"type": "array", "minItems": 1, "maxItems": 50,
                                         "items": {"type": "string", "format": "binary"},
                                         "description": "One or more .txt, .md or .html files (UTF-8)."}},
            }, "encoding": {"files": {"headers": {"Content-Disposition": {
                "schema": {"type": "string"}, "example": 'form-data; name="files"; filename="article.txt"'}}}}},
            "application/json": {"schema": DocumentText.model_json_schema()},
        },
    }

    @api.post("/documents", response_model=IngestReportModel, openapi_extra={"requestBody": upload_body},
              responses=_responses(*common, 409, 415, 422, 503))
    async def add_documents(request: Request) -> JSONResponse:
        """Add or replace articles: multipart upload of files, or JSON ``{doc_id, text}``. Re-adding an
        unchanged article is a no-op. Each file may be at most ``max_upload_bytes``; nothing is ingested when one
        of the files is refused."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        items: list[tuple[str, str]] = []
        if content_type == "application/json":
            try:
                doc = DocumentText.model_validate_json(await request.body())
            except ValueError as exc:
                raise RequestValidationError(getattr(exc, "errors", lambda: [{"msg": "invalid JSON"}])()) from exc
            name = unicodedata.normalize("NFC", doc.doc_id)
            if name != safe_upload_name(name):
                raise ApiError(400, "invalid_input", f"Invalid document id {doc.doc_id!r}.",
                               "Use a plain name such as my-article.txt (no folders).")
            if len(doc.text.encode("utf-8")) > max_upload:
                raise ApiError(413, "file_too_large", f"{name}: the text is over the {max_upload:,}-byte limit.",
                               "Split it or raise max_upload_bytes.")
            items.append((name, _decode(doc.text.encode("utf-8"), name)))
        elif content_type == "multipart/form-data":
            form = await request.form(max_files=50, max_fields=50)
            try:
                uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
                if not uploads:
                    raise ApiError(400, "invalid_input", "No file in the upload.",
                                   "Send the files in the multipart field 'files'.")
                for upload in uploads:
                    name = safe_upload_name(upload.filename)
                    _check_suffix(name)
                    data = await upload.read(max_upload + 1)
                    if len(data) > max_upload:
                        raise ApiError(413, "file_too_large", f"{name}: over the {max_upload:,}-byte limit.",
                                       "Split it or raise max_upload_bytes.")
                    items.append((name, _decode(data, name)))
            finally:
                await form.close()
            if len({n for n, _ in items}) != len(items):
                raise ApiError(400, "invalid_input", "Two uploaded files have the same name.",
                               "Give every file its own name.")
        else:
            raise ApiError(415, "unsupported_media_type", "Send multipart/form-data files or an application/json "
                           "{doc_id, text} body.", "Set the Content-Type header.")
        report = await run_in_threadpool(engine.ingest, texts=items)
        if report.failed and not (report.added or report.updated or report.unchanged):
            doc_id, message = next(iter(report.failed.items()))
            raise ApiError(422, "invalid_document", message, "Check the file content.")
        return JSONResponse(_finite(asdict(report)))

    @api.get("/documents", response_model=DocumentListModel, responses=_responses(*common, 503))
    def list_documents() -> JSONResponse:
        """The indexed articles, newest first."""
        return JSONResponse({"documents": [asdict(d) for d in engine.documents()]})

    @api.get("/documents/{doc_id:path}", response_model=DocumentModel, responses=_responses(*common, 404, 503))
    def get_document(doc_id: str) -> JSONResponse:
        """An article's metadata and full text (citation ``start``/``end`` offsets point into ``text``)."""
        got = engine.article(doc_id)
        if got is None:
            raise _not_found(doc_id)
        text, info = got
        return JSONResponse({**asdict(info), "text": text})

    @api.delete("/documents/{doc_id:path}", response_model=DeletedModel, responses=_responses(*common, 404, 503))
    def delete_document(doc_id: str) -> JSONResponse:
        """Remove an article from the index."""
        if not engine.delete(doc_id):
            raise _not_found(doc_id)
        return JSONResponse({"doc_id": doc_id, "deleted": True})

    # ---------------------------------------------------------------- health
    @app.get("/healthz", response_model=HealthModel, tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is alive (never needs the token, never touches the index, never waits for a worker)."""
        return {"status": "ok"}

    def readiness() -> tuple[int, dict[str, Any]]:
        """(status, body) of a live check: the index is open and the store answers."""
        try:
            stats = engine.stats()
            engine.index.store.count()  # a live round trip to the (possibly remote) store
        except RagError as exc:
            return 503, _error_body(exc.code, scrub(exc.message) or "", scrub(exc.hint))
        except Exception as exc:
            log.error("readiness check failed: %s", scrub(str(exc)), exc_info=exc)
            return 503, _error_body("not_ready", "The index cannot be opened.", "Check the server log.")
        return 200, {
            "status": "ready", "articles": int(stats.get("articles", 0)), "chunks": int(stats.get("chunks", 0)),
            "backend": settings.backend, "model": default_model, "embedder": str(stats.get("embedder", "")),
            "store": "server" if settings.chroma_url else "embedded", "version": __version__,
        }

    ready_state = _Readiness(readiness)

    @app.get("/readyz", response_model=ReadyModel, tags=["health"], responses=_responses(503))
    async def readyz(request: Request) -> JSONResponse:
        """The index is open and the store answers: counts, backend, models in use and the outcome of the last
        model call (``llm``; the details only to a request with the key when ``RAG_API_KEY`` is set). 503
        otherwise. A check slower than 2 s answers from the previous one."""
        got = await ready_state.current(READY_WAIT)
        if got is None:
            return error_response(503, "not_ready", "The first readiness check is still running.",
                                  "Try again in a few seconds.")
        status, body = got
        if status == 200 and token and not _key_matches(_bearer_of(request), token):
            return JSONResponse({"status": "ready"})
        if status == 200:
            body = {**body, "llm": engine.llm_state()}
        return JSONResponse(body, status_code=status)

    app.include_router(v1)
    app.include_router(api)

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type"], allow_credentials=False, max_age=600)
    app.add_middleware(_BodyLimit, limit=max_upload + _BODY_OVERHEAD, prefixes=("/v1", "/api"))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _tidy_openapi(
                get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes),
                allowed)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _not_found(doc_id: str) -> ApiError:
    return ApiError(404, "document_not_found", f"No indexed document {doc_id!r}.", "List them with GET /api/documents.")


def _decode(data: bytes, name: str) -> str:
    from ..ingest.articles import decode_article_bytes

    return decode_article_bytes(data, name, html_input=name.lower().endswith((".html", ".htm")))


def _last_answer(first: StreamEvent, events: Iterator[StreamEvent]) -> Answer:
    answer = first.answer
    for event in events:
        if event.type == "answer":
            answer = event.answer
    assert answer is not None
    return answer


def _completion(completion_id: str, created: int, answer: Answer, scrub: Any) -> dict[str, Any]:
    citations = _finite([asdict(c) for c in answer.citations])
    return {
        "id": completion_id, "object": "chat.completion", "created": created,
        "model": answer.model or answer.backend,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": answer.text, "citations": citations,
                                 "refused": answer.refused}}],
        "citations": citations, "refused": answer.refused, "answer": _answer_dict(answer, scrub),
    }


def _model_name(settings: Settings) -> str:
    if settings.backend == "extractive":
        return "extractive"
    if settings.backend == "local" and not settings.llm_base_url:
        return settings.local_model
    return settings.chat_endpoint()[1] or settings.backend


def _tidy_openapi(schema: dict[str, Any], allowed: list[str]) -> dict[str, Any]:
    """FastAPI's schema, made exact: our 400 error instead of its 422 validation error, and the backend enum."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            fastapi_422 = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if fastapi_422.get("$ref", "").endswith("/HTTPValidationError"):
                responses.pop("422")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    chunk = ChatCompletionChunk.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in chunk.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["ChatCompletionChunk"] = chunk
    for name in ("AskRequest", "ChatCompletionRequest"):
        prop = components.get(name, {}).get("properties", {}).get("backend")
        if prop is not None:
            prop.pop("anyOf", None)
            prop.update({"anyOf": [{"type": "string", "enum": allowed}, {"type": "null"}]})
    return schema
