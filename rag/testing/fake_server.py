"""A fake OpenAI-compatible HTTP server, for the real client code.

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

import json
import socket
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable

from .replies import DEFAULT_REPLY, Reply, as_reply, error_body, prompt_tokens, split_pieces

__all__ = ["FakeOpenAIServer"]


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
        self._send_json(status, error_body(status, message), headers)

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
        pieces = split_pieces(reply.content)
        usage = {
            "prompt_tokens": prompt_tokens(body),
            "completion_tokens": len(pieces),
            "total_tokens": prompt_tokens(body) + len(pieces),
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
            for i, piece in enumerate(pieces if limit is None else pieces[: max(limit, 0)]):
                obj = chunk({"content": piece})
                if body.get("logprobs"):
                    obj["choices"][0]["logprobs"] = reply.logprobs(i, piece)
                send(json.dumps(obj))
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
        self._queue: deque[Reply] = deque(as_reply(r) for r in (replies or ()))
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
        converted = [as_reply(r) for r in replies]
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
            return as_reply(self.responder(body))
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
