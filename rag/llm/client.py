"""One OpenAI-compatible chat adapter for every backend (OpenAI, vLLM, Ollama, llama.cpp, the local server).

Backends differ only in ``base_url`` + ``model`` + key (see :data:`rag.config.BACKENDS`). Retries with backoff are
bounded; errors become :class:`~rag.errors.BackendError` with a message that never contains the API key.
"""
from __future__ import annotations

import threading
from pathlib import Path
import time
from typing import Iterator, Protocol, runtime_checkable

from ..config import Settings
from ..errors import BackendError, BackendUnavailableError, ConfigError

__all__ = ["ChatModel", "ChatClient", "chat_client_for", "shutdown_local_servers"]


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: OpenAI-style ``messages`` in, reply text out, whole or in pieces.

    Failures are raised as :class:`~rag.errors.BackendError` (the engine then answers extractively).
    :class:`ChatClient` talks to any OpenAI-compatible server; :class:`rag.testing.FakeChatModel` replies from a
    script.
    """

    model: str  # the model name reported with each answer

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None) -> Iterator[str]:
        """Reply text pieces as they are generated."""
        ...

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None) -> str:
        """The whole reply text."""
        ...


class ChatClient:
    """Chat completions through the official ``openai`` client."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 60.0,
                 max_retries: int = 2, temperature: float = 0.0, max_tokens: int = 350) -> None:
        import openai

        self.base_url = base_url
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_retries = max_retries
        self._secret = api_key or ""
        # retries are ours (bounded, with backoff, also around broken streams), not the client's
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout,
                                     max_retries=0)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None) -> str:
        """The whole reply text."""
        return "".join(self.stream(messages, max_tokens=max_tokens))

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None) -> Iterator[str]:
        """Reply text pieces as they arrive. A failure before the first piece is retried with backoff."""
        attempt = 0
        while True:
            delivered = False
            try:
                stream = self._client.chat.completions.create(
                    model=self.model, messages=messages, stream=True, temperature=self.temperature,
                    max_tokens=max_tokens or self.max_tokens,
                )
                try:
                    for chunk in stream:
                        if not chunk.choices:
                            continue
                        piece = chunk.choices[0].delta.content
                        if piece:
                            delivered = True
                            yield piece
                finally:  # a consumer that stops early (the user pressed Stop) closes the HTTP stream now
                    stream.close()
                return
            except Exception as exc:  # openai.*Error, httpx transport errors
                error = self._translate(exc)
                if delivered or attempt >= self.max_retries or not _retryable(exc):
                    raise error from exc
                attempt += 1
                time.sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))

    def _translate(self, exc: Exception) -> BackendError:
        import openai

        text = str(exc)
        if self._secret:
            text = text.replace(self._secret, "***")
        where = f"{self.base_url} (model {self.model})"
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
            return BackendError(f"The language model at {where} answered HTTP {exc.status_code}: {text[:300]}",
                                hint="Try again later.")
        return BackendError(f"The answer stream from {where} broke: {type(exc).__name__}: {text[:300]}",
                            hint="Try again.")


def _retryable(exc: Exception) -> bool:
    import openai

    if isinstance(exc, (openai.AuthenticationError, openai.NotFoundError, openai.BadRequestError,
                        openai.PermissionDeniedError)):
        return False
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return True


_local_servers: dict[str, object] = {}
_local_lock = threading.Lock()


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
                      temperature=settings.temperature, max_tokens=settings.max_tokens)


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



