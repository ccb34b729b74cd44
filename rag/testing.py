"""Test doubles: a fake OpenAI-compatible HTTP server, and in-memory fakes of the engine's seams.

In-memory fakes (no Chroma, no ONNX models, no HTTP), one per seam:

* :class:`FakeChatModel` (:class:`~rag.llm.client.ChatModel`): scripted replies, records every request;
* :class:`InMemoryStore` (:class:`~rag.index.store.VectorStore`): chunks and article records in dicts, numpy cosine;
* :class:`HashEmbedder` (:class:`~rag.index.embeddings.Embedder`): vectors from hashed content words, so lexically
  similar texts are near each other;
* :class:`FakeReranker` (:class:`~rag.retrieval.rerank.Reranker`): the share of the query's content words a passage
  holds, on the cross-encoder's logit scale.

:func:`engine_with_fakes` builds an :class:`~rag.engine.Engine` over them (any part can be swapped back)::

    engine = engine_with_fakes(tmp_path, chat=FakeChatModel(["Guterres met him [1]."]), backend="openai")
    engine.ingest(texts=[("a.txt", "Guterres met Luong Cuong in New York on September 22, 2025.")])
    answer = engine.ask("Who did Guterres meet?")

The fake OpenAI-compatible HTTP server, for the real client code:

The server speaks enough of the OpenAI REST API (chat completions, streaming
via server-sent events, models, errors) for the official ``openai`` Python
client -- sync and async, streaming and not -- to work against it unchanged.
It uses only the standard library and runs in a daemon thread.

Example::

    import openai
    from rag.testing import FakeOpenAIServer, Reply

    with FakeOpenAIServer(["Paris is the capital of France."]) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        out = client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "Capital?"}]
        )
        assert out.choices[0].message.content == "Paris is the capital of France."
        assert server.requests[0]["messages"][0]["content"] == "Capital?"

        server.push(Reply(status=429, error_message="slow down"))
        # -> the next call raises openai.RateLimitError("... slow down ...")

Scripted replies are consumed in order; when the queue is empty the
``responder`` callback (if any) is asked, else :data:`DEFAULT_REPLY` is sent.

A broken stream (``Reply(break_stream_after=n)``) sends ``n`` content chunks
using chunked transfer encoding and then closes the connection without the
terminating chunk, so the client sees a truncated HTTP body; with the
official client this surfaces as ``httpx.RemoteProtocolError`` while iterating.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine
    from .models import Article, Chunk

__all__ = ["DEFAULT_REPLY", "FakeOpenAIServer", "Reply", "FakeChatModel", "InMemoryStore", "HashEmbedder",
           "FakeReranker", "engine_with_fakes"]

DEFAULT_REPLY = "This is a reply from the fake OpenAI server."
"""Content sent when no scripted reply is queued and no responder is set."""

# HTTP status -> (OpenAI error "type", "code") used for error bodies.
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "service_unavailable"),
}

_PIECES = re.compile(r"\s*\S+\s*|\s+")


@dataclass
class Reply:
    """One scripted response of the fake server.

    Example::

        Reply("Hello world")                                  # plain reply
        Reply("slow", delay=2.0)                              # test client timeouts
        Reply("a b c d", chunk_delay=0.05)                    # slow stream
        Reply("a b c d", break_stream_after=2)                # stream dies after "a b "
        Reply(status=429, error_message="Rate limit", headers={"retry-after": "1"})

    Attributes:
        content: assistant message text (split into word-sized chunks when streamed).
        status: HTTP status; anything but 200 sends an OpenAI-style error body.
        delay: seconds to wait before sending the response headers.
        chunk_delay: seconds to wait between server-sent-event chunks.
        break_stream_after: when streaming, send this many content chunks (at most
            all of them) and then drop the connection abruptly: no finish chunk,
            no ``[DONE]``, truncated HTTP body.
        error_message: message of the error body for non-200 statuses.
        headers: extra response headers (e.g. ``{"retry-after": "1"}``).
        finish_reason: ``finish_reason`` of the choice (``"stop"``, ``"length"``...).
        usage: whether to report token usage (non-streaming responses always carry
            a ``usage`` object when true; streams only when the request asks for it
            via ``stream_options.include_usage``).
    """

    content: str = ""
    status: int = 200
    delay: float = 0.0
    chunk_delay: float = 0.0
    break_stream_after: int | None = None
    error_message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"
    usage: bool = True


def _as_reply(value: Reply | str) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(content=value)
    raise TypeError(f"expected Reply or str, got {type(value).__name__}")


def _error_body(status: int, message: str | None) -> dict[str, Any]:
    err_type, code = _ERROR_KINDS.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", None)
    )
    return {
        "error": {
            "message": message or f"Fake server error (HTTP {status})",
            "type": err_type,
            "param": None,
            "code": code,
        }
    }


def _split_pieces(text: str) -> list[str]:
    """Split text into word-sized pieces whose concatenation is exactly ``text``."""
    return _PIECES.findall(text)


def _count_tokens(text: str) -> int:
    return len(text.split())


def _prompt_tokens(body: dict[str, Any]) -> int:
    total = 0
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            total += _count_tokens(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += _count_tokens(part["text"])
    return total


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for slow handlers
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: FakeOpenAIServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, cancelled streams, shutdown) are expected.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeOpenAI/1.0"

    # -- plumbing -----------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_json(
        self, status: int, payload: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:24]}")
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _send_error_json(
        self, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_json(status, _error_body(status, message), headers)

    def _authorized(self) -> bool:
        key = self.server.owner.api_key
        if key is None:
            return True
        if self.headers.get("authorization", "") == f"Bearer {key}":
            return True
        self._send_error_json(
            401, "Incorrect API key provided. You can find your API key in your settings."
        )
        return False

    # -- routing ------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/health":
            self._send_json(200, {"status": "ok"})
        elif path == "/v1/models":
            if self._authorized():
                self._send_json(
                    200,
                    {"object": "list", "data": [self.server.owner._model_object()]},
                )
        elif path == f"/v1/models/{self.server.owner.model}":
            if self._authorized():
                self._send_json(200, self.server.owner._model_object())
        else:
            self._not_found()

    def do_POST(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0].rstrip("/")
        if path != "/v1/chat/completions":
            self._read_body()
            self._not_found()
            return
        raw = self._read_body()
        if not self._authorized():
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            self._send_error_json(400, "Request body is not valid JSON.")
            return
        if not isinstance(body, dict):
            self._send_error_json(400, "Request body must be a JSON object.")
            return
        owner = self.server.owner
        owner._record(body, {k.lower(): v for k, v in self.headers.items()})
        if not isinstance(body.get("messages"), list):
            self._send_error_json(400, "'messages' is a required property")
            return
        try:
            reply = owner._next_reply(body)
        except Exception as exc:  # responder failed: report it as a server error
            self._send_error_json(500, f"responder raised {type(exc).__name__}: {exc}")
            return
        self._chat_completion(body, reply)

    def do_PUT(self) -> None:  # noqa: N802
        self._read_body()
        self._not_found()

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    def _not_found(self) -> None:
        self._send_error_json(404, f"Unknown request URL: {self.command} {self.path}")

    # -- chat completions -----------------------------------------------------
    def _chat_completion(self, body: dict[str, Any], reply: Reply) -> None:
        owner = self.server.owner
        if reply.delay > 0 and owner._stopping.wait(reply.delay):
            self.close_connection = True
            return
        if reply.status != 200:
            self._send_error_json(reply.status, reply.error_message or "", reply.headers)
            return
        model = body.get("model") or owner.model
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        pieces = _split_pieces(reply.content)
        usage = {
            "prompt_tokens": _prompt_tokens(body),
            "completion_tokens": len(pieces),
            "total_tokens": _prompt_tokens(body) + len(pieces),
        }
        if not body.get("stream"):
            payload: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": reply.content,
                            "refusal": None,
                        },
                        "logprobs": None,
                        "finish_reason": reply.finish_reason,
                    }
                ],
            }
            if reply.usage:
                payload["usage"] = usage
            self._send_json(200, payload, reply.headers)
            return
        self._stream(body, reply, pieces, usage, completion_id, created, model)

    def _stream(
        self,
        body: dict[str, Any],
        reply: Reply,
        pieces: list[str],
        usage: dict[str, int],
        completion_id: str,
        created: int,
        model: str,
    ) -> None:
        owner = self.server.owner
        stream_options = body.get("stream_options") or {}
        include_usage = bool(
            isinstance(stream_options, dict) and stream_options.get("include_usage")
        )

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:24]}")
        for key, value in reply.headers.items():
            self.send_header(key, str(value))
        self.end_headers()

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict:
            obj: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if include_usage:
                obj["usage"] = None
            obj.update(extra)
            return obj

        first = True

        def send(data: str) -> None:
            nonlocal first
            if not first and reply.chunk_delay > 0:
                if owner._stopping.wait(reply.chunk_delay):
                    raise ConnectionAbortedError("server stopping")
            first = False
            frame = f"data: {data}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
            self.wfile.flush()

        try:
            send(json.dumps(chunk({"role": "assistant", "content": "", "refusal": None})))
            limit = reply.break_stream_after
            for piece in pieces if limit is None else pieces[: max(limit, 0)]:
                send(json.dumps(chunk({"content": piece})))
            if limit is None:
                send(json.dumps(chunk({}, reply.finish_reason)))
                if include_usage and reply.usage:
                    final = chunk({})
                    final["choices"] = []
                    final["usage"] = usage
                    send(json.dumps(final))
                send("[DONE]")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
            self._abort()
        except (ConnectionAbortedError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _abort(self) -> None:
        """Drop the connection without finishing the chunked body."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class FakeOpenAIServer:
    """A fake OpenAI-compatible chat completions server running in a thread.

    Example::

        with FakeOpenAIServer(["first", Reply("second", delay=0.1)]) as server:
            client = openai.OpenAI(base_url=server.base_url, api_key="x")
            ...
            server.push(Reply(status=503, error_message="overloaded"))
            assert len(server.requests) == 2

        # Dynamic replies computed from the request body:
        echo = FakeOpenAIServer(responder=lambda body: body["messages"][-1]["content"])

    Endpoints: ``POST /v1/chat/completions`` (JSON or SSE streaming),
    ``GET /v1/models``, ``GET /v1/models/<model>``, ``GET /health``; anything
    else gets a 404 with an OpenAI-style error body. When ``api_key`` is set,
    ``/v1/*`` requests without ``Authorization: Bearer <api_key>`` get a 401.
    """

    def __init__(
        self,
        replies: Iterable[Reply | str] | None = None,
        *,
        responder: Callable[[dict], Reply | str] | None = None,
        model: str = "fake-model",
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.responder = responder
        self.model = model
        self.api_key = api_key
        self.host = host
        self._requested_port = port
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque(_as_reply(r) for r in (replies or ()))
        self.requests: list[dict] = []
        """Every JSON body received on ``/v1/chat/completions``, in order."""
        self.request_headers: list[dict[str, str]] = []
        """Lower-cased request headers, parallel to :attr:`requests`."""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._created = int(time.time())

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        """Bind a port and serve in a daemon thread. Returns ``self``."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeOpenAIServer:{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open connections; returns promptly."""
        server = self._server
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on delays
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound TCP port (server must be started)."""
        if self._server is None:
            raise RuntimeError("FakeOpenAIServer is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:8765``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """OpenAI ``base_url``, e.g. ``http://127.0.0.1:8765/v1``."""
        return f"{self.url}/v1"

    # -- scripting ------------------------------------------------------------
    def push(self, *replies: Reply | str) -> None:
        """Queue replies (``Reply`` or plain strings), consumed in order."""
        converted = [_as_reply(r) for r in replies]
        with self._lock:
            self._queue.extend(converted)

    @property
    def pending(self) -> int:
        """Number of queued replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.request_headers.clear()

    # -- internals --------------------------------------------------------------
    def _next_reply(self, body: dict) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return _as_reply(self.responder(body))
        return Reply(content=DEFAULT_REPLY)

    def _record(self, body: dict, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(body)
            self.request_headers.append(headers)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _model_object(self) -> dict[str, Any]:
        return {
            "id": self.model,
            "object": "model",
            "created": self._created,
            "owned_by": "fake-openai",
        }


# ----------------------------------------------------------------------------------------------------- seam fakes
class FakeChatModel:
    """A :class:`~rag.llm.client.ChatModel` that replies from a script, in process.

    Replies are consumed in order; an exception in the script is raised instead of replying (before any piece, like
    a server that fails). When the script is empty, ``responder(request)`` is asked, else :data:`DEFAULT_REPLY`.
    Every call is recorded in :attr:`requests` as ``{"messages": [...], "max_tokens": n}``, the shape of the JSON
    body :class:`FakeOpenAIServer` records, so the same helpers read both.
    """

    def __init__(self, replies: Iterable[str | Exception] = (), *,
                 responder: Callable[[dict], str] | None = None, model: str = "fake-model") -> None:
        self.model = model
        self.responder = responder
        self._queue: deque[str | Exception] = deque(replies)
        self.requests: list[dict] = []
        self._lock = threading.Lock()

    def push(self, *replies: str | Exception) -> None:
        """Queue more scripted replies."""
        with self._lock:
            self._queue.extend(replies)

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
               deadline: Any = None) -> Iterator[str]:
        """The next reply in word-sized pieces (a scripted reply never waits, so ``deadline`` is not needed)."""
        reply = self._next(messages, max_tokens)
        if isinstance(reply, Exception):
            raise reply
        yield from _split_pieces(reply)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None, deadline: Any = None) -> str:
        """The next reply, whole."""
        return "".join(self.stream(messages, max_tokens=max_tokens))

    def _next(self, messages: list[dict[str, str]], max_tokens: int | None) -> str | Exception:
        request = {"messages": [dict(m) for m in messages], "max_tokens": max_tokens}
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        return self.responder(request) if self.responder is not None else DEFAULT_REPLY


class HashEmbedder:
    """An :class:`~rag.index.embeddings.Embedder` from hashed, stemmed content words (no model, deterministic).

    Texts sharing words get close vectors, so retrieval still finds lexically similar passages; synonyms are
    strangers.
    """

    confident_similarity = None  # uncalibrated: retrieval keeps its relevance check

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hash-{dim}"

    def vector(self, text: str) -> np.ndarray:
        """The L2-normalised vector of one text (never the zero vector)."""
        from .text import content_terms, stem

        vec = np.zeros(self.dim, dtype=np.float32)
        for term in content_terms(text):
            digest = hashlib.blake2b(stem(term).encode("utf-8", "replace"), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
        vec[0] += 1e-3
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.vector(text)


class FakeReranker:
    """A :class:`~rag.retrieval.rerank.Reranker` scoring the share of the query's content words (stemmed) that a
    passage holds, mapped to the cross-encoder's logit scale: ``scale * share - offset`` (none: -5, all: +5)."""

    def __init__(self, scale: float = 10.0, offset: float = 5.0) -> None:
        self.scale = scale
        self.offset = offset
        self.calls: list[tuple[str, list[str]]] = []

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        """One score per passage."""
        self.calls.append((query, list(passages)))
        asked = _stems(query)
        shares = [len(asked & _stems(p)) / len(asked) if asked else 0.0 for p in passages]
        return np.asarray([self.scale * s - self.offset for s in shares], dtype=np.float32)


def _stems(text: str) -> set[str]:
    from .text import content_terms, stem

    return {stem(t) for t in content_terms(text)}


class InMemoryStore:
    """A :class:`~rag.index.store.VectorStore` in dicts: exact cosine search with numpy, Chroma's metadata and
    ``where`` filters. Thread-safe; nothing is persisted."""

    def __init__(self) -> None:
        self._chunks: dict[str, tuple[np.ndarray, str, dict[str, Any]]] = {}
        self._articles: dict[str, tuple[str, dict[str, Any]]] = {}
        self._lock = threading.RLock()

    def article_records(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {doc_id: dict(meta) for doc_id, (_, meta) in self._articles.items()}

    def article_text(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        with self._lock:
            got = self._articles.get(doc_id)
        return (got[0], dict(got[1])) if got else None

    def chunk_records(self, where: dict | None = None, *, ids: list[str] | None = None,
                      documents: bool = True) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        with self._lock:
            keys = [i for i in ids if i in self._chunks] if ids is not None else list(self._chunks)
            rows = [(i, self._chunks[i]) for i in keys if matches(self._chunks[i][2], where)]
        return ([i for i, _ in rows], [text if documents else "" for _, (_, text, _) in rows],
                [dict(meta) for _, (_, _, meta) in rows])

    def chunk_ids(self) -> list[str]:
        with self._lock:
            return list(self._chunks)

    def query(self, embedding: np.ndarray, k: int, where: dict | None) -> tuple[list[str], list[float]]:
        with self._lock:
            rows = [(i, vec) for i, (vec, _, meta) in self._chunks.items() if matches(meta, where)]
        if not rows:
            return [], []
        matrix = np.vstack([vec for _, vec in rows])
        query = np.asarray(embedding, dtype=np.float32).reshape(-1)
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
        best = np.argsort(-sims, kind="stable")[:k]
        return [rows[j][0] for j in best], [float(sims[j]) for j in best]

    def count(self) -> int:
        with self._lock:
            return len(self._chunks)

    def add_articles(self, items: Sequence[tuple["Article", list["Chunk"], np.ndarray]]) -> None:
        from .index.store import article_metadata, chunk_metadata

        with self._lock:
            for article, chunks, vectors in items:
                rows = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1)
                for chunk, vec in zip(chunks, rows):
                    self._chunks[chunk.chunk_id] = (vec, chunk.text, chunk_metadata(article, chunk))
            for article, chunks, _ in items:
                self._articles[article.doc_id] = (article.text, article_metadata(article, len(chunks)))

    def delete_article(self, doc_id: str) -> None:
        with self._lock:
            self._articles.pop(doc_id, None)
            for cid in [i for i, (_, _, meta) in self._chunks.items() if meta.get("doc_id") == doc_id]:
                del self._chunks[cid]

    def delete_chunks(self, ids: list[str]) -> None:
        with self._lock:
            for cid in ids:
                self._chunks.pop(cid, None)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda v, x: v == x, "$ne": lambda v, x: v != x, "$gt": lambda v, x: v > x, "$gte": lambda v, x: v >= x,
    "$lt": lambda v, x: v < x, "$lte": lambda v, x: v <= x, "$in": lambda v, x: v in x, "$nin": lambda v, x: v not in x,
}


def matches(meta: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Does chunk metadata satisfy a Chroma ``where`` filter (``$and``/``$or`` of field conditions)?"""
    if not where:
        return True
    for key, cond in where.items():
        if key in ("$and", "$or"):
            results = (matches(meta, c) for c in cond)
            if not (all(results) if key == "$and" else any(results)):
                return False
            continue
        value = meta.get(key)
        checks = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
        if value is None or not all(_OPERATORS[op](value, x) for op, x in checks):
            return False
    return True


def engine_with_fakes(data_dir: str | Path, *, store: Any = None, embedder: Any = None, chat: Any = None,
                      reranker: Any = None, **settings: Any) -> "Engine":
    """An :class:`~rag.engine.Engine` over :class:`InMemoryStore`, :class:`HashEmbedder` and :class:`FakeReranker`
    (pass ``store=``/``embedder=``/``reranker=`` to use others, ``chat=`` for a :class:`FakeChatModel`).

    ``data_dir`` holds only the BM25 index and the writer lock. Keyword ``settings`` override :class:`Settings`
    (default: the extractive backend, reranking on).
    """
    from .config import Settings
    from .engine import Engine

    values = {"data_dir": Path(data_dir), "backend": "extractive", "rerank": True, **settings}
    return Engine(Settings.load(**values), store=store if store is not None else InMemoryStore(),
                  embedder=embedder if embedder is not None else HashEmbedder(),
                  chat=chat, reranker=reranker if reranker is not None else FakeReranker())
