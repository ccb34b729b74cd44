"""One OpenAI-compatible chat adapter for every backend (OpenAI, vLLM, Ollama, llama.cpp, the local server).

Backends differ only in ``base_url`` + ``model`` + key (see :data:`rag.config.BACKENDS`). Retries with backoff are
bounded; errors become :class:`~rag.errors.BackendError` with a message that never contains the API key.
"""
from __future__ import annotations

import queue
import threading
from pathlib import Path
import time
from typing import Any, Callable, Iterator, Protocol, runtime_checkable

from ..config import Settings
from ..deadline import Deadline
from ..errors import BackendError, BackendUnavailableError, BusyError, ConfigError

__all__ = ["ChatModel", "ChatClient", "Piece", "chat_client_for", "shutdown_local_servers", "MIN_ATTEMPT_SECONDS"]


class Piece(str):
    """A piece of reply text (one token when the server reports token probabilities) and, when asked for with
    ``top_logprobs``, the most likely ``(token, logprob)`` alternatives at that point."""

    alternatives: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, text: str, alternatives: Any = ()) -> "Piece":
        piece = cls(text)
        piece.alternatives = tuple(alternatives)
        return piece


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: OpenAI-style ``messages`` in, reply text out, whole or in pieces.

    Failures are raised as :class:`~rag.errors.BackendError` (the engine then answers extractively).
    :class:`ChatClient` talks to any OpenAI-compatible server; :class:`rag.testing.FakeChatModel` replies from a
    script.
    """

    model: str  # the model name reported with each answer

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
               deadline: Deadline | None = None, response_format: dict[str, Any] | None = None,
               top_logprobs: int = 0) -> Iterator[str]:
        """Reply text pieces as they are generated, within ``deadline`` when given; constrained to
        ``response_format`` (an OpenAI JSON-schema format) and as :class:`Piece` tokens with their ``top_logprobs``
        alternatives when asked."""
        ...

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
                 deadline: Deadline | None = None) -> str:
        """The whole reply text."""
        ...


MIN_ATTEMPT_SECONDS = 1.0
"""A call (or a retry, after its backoff) starts only when at least this much of the deadline is left."""
_CONNECT_SECONDS = 10.0
_TOLERANCE = 0.05  # a timed wait may wake a little early; this close to a limit, the limit is what cut it
_END = object()


class ChatClient:
    """Chat completions through the official ``openai`` client, bounded in time and in concurrency.

    Each attempt is cut when no answer text comes within ``first_token_timeout``, when the stream then sends nothing
    for ``stall_timeout``, after ``timeout`` in all, or at the caller's :class:`~rag.deadline.Deadline`. At most
    ``max_concurrent`` calls to one endpoint run at once in this process; a call waits ``slot_wait`` seconds for a slot, then raises
    :class:`~rag.errors.BusyError`.
    """

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 60.0,
                 max_retries: int = 2, temperature: float = 0.0, max_tokens: int = 350,
                 first_token_timeout: float = 30.0, stall_timeout: float = 15.0, max_concurrent: int = 4,
                 slot_wait: float = 5.0) -> None:
        import openai

        self.base_url = base_url
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_retries = max_retries
        self.timeout = timeout
        self.first_token_timeout = first_token_timeout
        self.stall_timeout = stall_timeout
        self.slot_wait = slot_wait
        self.max_concurrent = max_concurrent
        self.state = "unknown"
        """Outcome of the last call: unknown (none yet), ok, failing or busy; read by readiness checks."""
        self._slots = _slots_for(base_url, model, max_concurrent)
        self._secret = api_key or ""
        # retries are ours (bounded, with backoff, also around broken streams), not the client's
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout,
                                     max_retries=0)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
                 deadline: Deadline | None = None) -> str:
        """The whole reply text."""
        return "".join(self.stream(messages, max_tokens=max_tokens, deadline=deadline))

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
               deadline: Deadline | None = None, response_format: dict[str, Any] | None = None,
               top_logprobs: int = 0) -> Iterator[str]:
        """Reply text pieces as they arrive (:class:`Piece` tokens with alternatives when ``top_logprobs`` > 0,
        constrained to ``response_format`` when given). A failure before the first piece is retried with backoff
        while the ``deadline`` leaves room for the retry."""
        deadline = deadline or Deadline(None)
        if deadline.remaining() < MIN_ATTEMPT_SECONDS:
            raise self._late("no time was left for it within the request deadline")
        self._take_slot(deadline)
        extra: dict[str, Any] = {}
        if response_format is not None:
            extra["response_format"] = response_format
        if top_logprobs > 0:
            extra.update(logprobs=True, top_logprobs=top_logprobs)
        try:
            yield from self._with_retries(messages, max_tokens, deadline, extra)
        finally:
            self._slots.release()

    def _take_slot(self, deadline: Deadline) -> None:
        """Wait (at most ``slot_wait`` and never past the deadline) for a free model slot."""
        if not self._slots.acquire(timeout=min(self.slot_wait, deadline.remaining())):
            self.state = "busy"
            raise BusyError(f"All {self.max_concurrent} language-model slots stayed busy for {self.slot_wait:g} s.")

    def _with_retries(self, messages: list[dict[str, str]], max_tokens: int | None,
                      deadline: Deadline, extra: dict[str, Any]) -> Iterator[str]:
        attempt = 0
        while True:
            delivered = False
            try:
                for piece in self._attempt(messages, max_tokens, deadline, extra):
                    delivered = True
                    yield piece
                self.state = "ok"
                return
            except Exception as exc:  # openai.*Error, httpx transport errors, our own cuts
                self.state = "failing"
                error = exc if isinstance(exc, BackendError) else self._translate(exc)
                pause = min(8.0, 0.5 * 2 ** attempt)
                if (delivered or attempt >= self.max_retries or not _retryable(exc)
                        or deadline.remaining() < pause + MIN_ATTEMPT_SECONDS):  # a retry that cannot finish
                    if error is exc:
                        raise
                    raise error from exc
            attempt += 1
            time.sleep(pause)

    def _attempt(self, messages: list[dict[str, str]], max_tokens: int | None,
                 deadline: Deadline, extra: dict[str, Any]) -> Iterator[str]:
        """One call; its stream is read in a helper thread so that every wait here has a wall-clock bound."""
        import httpx

        limit = deadline.sooner(self.timeout)
        first_token = limit.sooner(self.first_token_timeout)
        budget = limit.remaining()
        pump = _Pump(lambda: self._client.chat.completions.create(
            model=self.model, messages=messages, stream=True, temperature=self.temperature,
            max_tokens=max_tokens or self.max_tokens,
            timeout=httpx.Timeout(budget, connect=min(budget, _CONNECT_SECONDS)), **extra))
        delivered = False
        try:
            while True:
                wait = min(self.stall_timeout, limit.remaining()) if delivered else first_token.remaining()
                chunk = pump.next(wait)
                if chunk is None:
                    raise self._cut(delivered, limit, deadline)
                if chunk is _END:
                    return
                for piece in _pieces(chunk):
                    delivered = True
                    yield piece
        finally:  # a consumer that stops early (the user pressed Stop) closes the HTTP stream too
            pump.cancel()

    def _cut(self, delivered: bool, limit: Deadline, deadline: Deadline) -> BackendError:
        """The error of an attempt that ran out of time."""
        if deadline.remaining() < _TOLERANCE:
            return self._late("it did not finish within the request deadline")
        if limit.remaining() < _TOLERANCE:
            return self._late(f"it took longer than {self.timeout:g} s")
        if delivered:
            return BackendError(f"The language model at {self._where()} timed out: its answer stream stalled "
                                f"(nothing for {self.stall_timeout:g} s).",
                                hint="Try again, or raise llm_stall_timeout.")
        return BackendError(f"The language model at {self._where()} timed out: no answer text within "
                            f"{self.first_token_timeout:g} s.", hint="Try again, or raise llm_first_token_timeout.")

    def _late(self, why: str) -> BackendError:
        return BackendError(f"The language model at {self._where()} timed out: {why}.",
                            hint="Try again, or raise request_deadline / llm_timeout.")

    def _where(self) -> str:
        return f"{self.base_url} (model {self.model})"

    def _translate(self, exc: Exception) -> BackendError:
        import openai

        text = str(exc)
        if self._secret:
            text = text.replace(self._secret, "***")
        where = self._where()
        if isinstance(exc, openai.APITimeoutError):
            return BackendError(f"The language model at {where} timed out.", hint="Try again, or raise llm_timeout.")
        if isinstance(exc, openai.APIConnectionError):
            return BackendUnavailableError(f"Cannot reach the language model at {where}.",
                                           hint="Start the server or check RAG_LLM_BASE_URL; `rag doctor` helps.")
        if isinstance(exc, openai.AuthenticationError):
            return BackendUnavailableError(f"The language model at {where} refused the API key.",
                                           hint="Check the key environment variable for this backend.")
        if isinstance(exc, openai.NotFoundError):
            return BackendUnavailableError(f"The model is not served at {where}.", hint="Check RAG_LLM_MODEL.")
        if isinstance(exc, openai.APIStatusError):
            error = BackendError(f"The language model at {where} answered HTTP {exc.status_code}: {text[:300]}",
                                 hint="Try again later.")
            error.status = exc.status_code
            return error
        return BackendError(f"The answer stream from {where} broke: {type(exc).__name__}: {text[:300]}",
                            hint="Try again.")


class _Pump:
    """Reads a chat stream in a daemon thread; the caller waits for each chunk with a timeout of its own.

    After :meth:`cancel` the thread closes the stream at its next chunk, or when the client's own read timeout ends
    a silent one.
    """

    def __init__(self, open_stream: Callable[[], Any]) -> None:
        self._chunks: queue.SimpleQueue = queue.SimpleQueue()
        self._cancelled = threading.Event()
        threading.Thread(target=self._run, args=(open_stream,), name="llm-stream", daemon=True).start()

    def _run(self, open_stream: Callable[[], Any]) -> None:
        stream = None
        try:
            stream = open_stream()
            for chunk in stream:
                if self._cancelled.is_set():
                    break
                self._chunks.put((chunk, None))
            self._chunks.put((_END, None))
        except Exception as exc:
            self._chunks.put((None, exc))
        finally:
            if stream is not None:
                stream.close()

    def next(self, wait: float) -> Any:
        """The next chunk, :data:`_END` at the end, None when nothing came within ``wait`` seconds."""
        try:
            chunk, error = self._chunks.get(timeout=max(0.0, wait))
        except queue.Empty:
            return None
        if error is not None:
            raise error
        return chunk

    def cancel(self) -> None:
        self._cancelled.set()


def _pieces(chunk: Any) -> list[str]:
    """The text of a stream chunk: one :class:`Piece` per token when it carries token probabilities."""
    if not chunk.choices:
        return []
    choice = chunk.choices[0]
    text = choice.delta.content if choice.delta else None
    if not text:
        return []
    tokens = getattr(getattr(choice, "logprobs", None), "content", None) or []
    if not tokens or "".join(t.token for t in tokens) != text:
        alternatives = [(a.token, a.logprob) for a in (tokens[0].top_logprobs or [])] if tokens else []
        return [Piece.of(text, alternatives)] if alternatives else [text]
    return [Piece.of(t.token, [(a.token, a.logprob) for a in (t.top_logprobs or [])]) for t in tokens]


def _retryable(exc: Exception) -> bool:
    import openai

    if isinstance(exc, BackendError):  # cut for time before any text: a retry may still fit
        return True
    if isinstance(exc, (openai.AuthenticationError, openai.NotFoundError, openai.BadRequestError,
                        openai.PermissionDeniedError)):
        return False
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return True


_local_servers: dict[str, object] = {}
_local_lock = threading.Lock()
_slot_pools: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}


def _slots_for(base_url: str, model: str, size: int) -> threading.BoundedSemaphore:
    """The model slots of one endpoint, shared by every client of it in this process (engines, front ends)."""
    with _local_lock:
        return _slot_pools.setdefault((base_url, model, size), threading.BoundedSemaphore(size))


def chat_client_for(settings: Settings, backend: str | None = None) -> ChatClient | None:
    """The chat client of ``backend`` (default: ``settings.backend``); ``None`` for the extractive backend.

    The ``local`` backend starts the packaged model on 127.0.0.1 once per process (see :mod:`rag.llm.local_server`).
    """
    backend = backend or settings.backend
    if backend == "extractive":
        return None
    if backend != settings.backend:
        settings = settings.model_copy(update={"backend": backend})
    base_url, model, key = settings.chat_endpoint()
    if backend == "local" and not settings.llm_base_url:
        base_url, model = _local_endpoint(settings)
    if not base_url or not model:
        raise ConfigError(f"The {backend} backend needs a base URL and a model.",
                          hint="Set RAG_LLM_BASE_URL and RAG_LLM_MODEL (or llm_base_url / llm_model in rag.toml).")
    if backend == "openai" and not key:
        raise ConfigError("The openai backend needs an API key.", hint="Set OPENAI_API_KEY.")
    return ChatClient(base_url, model, key, timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
                      temperature=settings.temperature, max_tokens=settings.max_tokens,
                      first_token_timeout=settings.llm_first_token_timeout,
                      stall_timeout=settings.llm_stall_timeout, max_concurrent=settings.max_concurrent_llm,
                      slot_wait=settings.llm_slot_wait)


def _local_endpoint(settings: Settings) -> tuple[str, str]:
    from . import local_server as local_llm

    name = settings.local_model
    with _local_lock:
        server = _local_servers.get(name)
        if server is None:
            cache = Path(settings.model_cache_dir)
            ok, message = local_llm.preset_status(name, cache)
            if not ok:
                raise BackendUnavailableError(message, hint="Or choose another backend: `rag doctor` lists them.")
            try:
                path = local_llm.ensure_model_file(name, cache)
                server = local_llm.LocalLLMServer(path, threads=settings.llm_threads,
                                                  ctx_size=settings.llm_ctx_size, model_alias=name)
                server.start()
            except local_llm.LocalModelError as exc:
                raise BackendUnavailableError(str(exc), hint="`rag doctor` shows what is installed.") from exc
            _local_servers[name] = server
        return server.base_url, name  # type: ignore[attr-defined]


def shutdown_local_servers() -> None:
    """Stop local model servers started by this process."""
    with _local_lock:
        for server in _local_servers.values():
            server.stop()  # type: ignore[attr-defined]
        _local_servers.clear()



