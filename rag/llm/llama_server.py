"""The local model's HTTP server: xllamacpp's built-in llama.cpp server for one GGUF file, in a child process.

Importing this module is cheap: xllamacpp is imported only by the server's child process.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Any

from .local_models import LocalModelError

__all__ = ["LocalLLMServer"]

# Runs in the child process (``python -c``), so it imports nothing from this package. It starts
# xllamacpp's built-in llama.cpp HTTP server, reports the listening address as one JSON line on
# the original stdout, then waits for stdin to reach EOF (the parent closed it, or died) and exits.
_CHILD_CODE = r"""
import json, os, sys
cfg = json.loads(sys.argv[1])
proto = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # stray native prints go to stderr and cannot corrupt the protocol line

def reply(**fields):
    proto.write(json.dumps(fields) + "\n")
    proto.flush()

try:
    import xllamacpp as xlc
    params = xlc.CommonParams()
    for key, value in cfg["params"].items():
        *path, last = key.split(".")
        target = params
        for attr in path:
            target = getattr(target, attr)
        setattr(target, last, set(value) if last == "model_alias" else value)
    server = xlc.Server(params)  # returns once the model is loaded and the socket listens
    address = str(server.listening_address)
except BaseException as exc:
    reply(error=f"{type(exc).__name__}: {exc}")
    sys.exit(1)
reply(address=address, pid=os.getpid())
try:
    while sys.stdin.buffer.read(65536):
        pass
except BaseException:
    pass
# No state to flush; the C++ destructor would wait for in-flight requests, so exit at once.
os._exit(0)
"""

def _port_free(host: str, port: int) -> bool:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return True  # let llama.cpp report the bad host
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if os.name == "posix":  # as llama.cpp does: TIME_WAIT leftovers do not block a bind
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError:
            return False
    return True


_LIVE: weakref.WeakSet[LocalLLMServer] = weakref.WeakSet()
_ATEXIT_REGISTERED = False


def _stop_all() -> None:
    """Stop the servers still running when the interpreter exits."""
    for server in list(_LIVE):
        try:
            server.stop()
        except Exception:
            pass


class LocalLLMServer:
    """llama.cpp's OpenAI-compatible HTTP server (built into xllamacpp) for one GGUF file.

    ``start()`` loads the model and returns the ``base_url`` (``http://127.0.0.1:PORT/v1``) for the
    ``openai`` client; ``stop()`` (or leaving the ``with`` block) ends it. The server runs in a child
    Python process: xllamacpp holds the GIL while it loads a model and while its server shuts down
    (which waits for in-flight requests), so in-process it would freeze the application; as a child
    it is stopped at once, cannot outlive this process (it exits when its stdin pipe closes), and
    gets ``OMP_WAIT_POLICY=PASSIVE`` before OpenMP loads.

    Requests without ``max_tokens`` are capped at ``default_max_tokens``; ``n_parallel`` slots share
    ``ctx_size``. ``extra_params`` sets further ``xllamacpp.CommonParams`` fields by dotted name
    (JSON values), e.g. ``{"n_ubatch": 256, "sampling.temp": 0.2}``.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        threads: int | None = None,
        ctx_size: int = 4096,
        port: int = 0,
        host: str = "127.0.0.1",
        model_alias: str,
        n_parallel: int = 1,
        default_max_tokens: int = 1024,
        chat_template: str | None = None,
        extra_params: dict[str, Any] | None = None,
        verbose: bool = False,
    ) -> None:
        if threads is not None and threads < 1:
            raise ValueError("threads must be >= 1, or None for llama.cpp's default")
        if ctx_size < 256:
            raise ValueError("ctx_size must be >= 256")
        if n_parallel < 1:
            raise ValueError("n_parallel must be >= 1")
        if not 0 <= port <= 65535:
            raise ValueError("port must be in 0..65535 (0 picks a free port)")
        self.model_path = Path(model_path)
        self.threads = threads
        self.ctx_size = ctx_size
        self.port = port
        self.host = host
        self.model_alias = model_alias
        self.n_parallel = n_parallel
        self.default_max_tokens = default_max_tokens
        self.chat_template = chat_template
        self.extra_params = dict(extra_params or {})
        self.verbose = verbose
        self._proc: subprocess.Popen[bytes] | None = None
        self._base_url: str | None = None
        self._lock = threading.RLock()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1`` of the running server; RuntimeError if it is not running."""
        if self._base_url is None:
            raise RuntimeError("the local LLM server is not running; call start() first")
        return self._base_url

    @property
    def running(self) -> bool:
        """Whether the server process is up (it may still be loading during start())."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the server process, if started."""
        return self._proc.pid if self._proc is not None else None

    def server_params(self) -> dict[str, Any]:
        """The ``xllamacpp.CommonParams`` settings (dotted names) the server is started with."""
        params: dict[str, Any] = {
            "model.path": str(self.model_path),
            "model_alias": [self.model_alias],
            "n_ctx": self.ctx_size,
            "n_parallel": self.n_parallel,
            "n_predict": self.default_max_tokens,
            "hostnames": [self.host],
            "port": self.port,  # 0: llama.cpp binds a free port itself and reports it
            "ui": False,  # the prebuilt wheels carry no web UI assets
            "verbosity": 3 if self.verbose else 1,  # 1: errors only
        }
        if self.threads is not None:
            params["cpuparams.n_threads"] = self.threads
            params["cpuparams_batch.n_threads"] = self.threads
        if self.chat_template:
            params["chat_template"] = self.chat_template
        params.update(self.extra_params)
        return params

    def start(self, timeout: float = 120) -> str:
        """Start the server, wait until ``/health`` answers ok, and return the base_url (ending in ``/v1``)."""
        with self._lock:
            if self.running and self._base_url is not None:
                return self._base_url
            self.stop()
            if not self.model_path.is_file():
                raise LocalModelError(f"Model file not found: {self.model_path}")
            if self.port and not _port_free(self.host, self.port):
                raise LocalModelError(f"Port {self.port} on {self.host} is in use; pick another or use port=0.")
            if importlib.util.find_spec("xllamacpp") is None:
                raise LocalModelError(
                    f"The local backend needs xllamacpp: {sys.executable} -m pip install xllamacpp"
                )
            deadline = time.monotonic() + timeout
            env = dict(os.environ)
            # OpenMP reads this when libgomp loads: spinning worker threads make small models
            # on few cores several times slower.
            env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            cmd = [sys.executable, "-c", _CHILD_CODE, json.dumps({"params": self.server_params()})]
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                start_new_session=os.name == "posix",  # the parent decides when it stops
            )
            self._proc = proc
            global _ATEXIT_REGISTERED
            if not _ATEXIT_REGISTERED:
                atexit.register(_stop_all)
                _ATEXIT_REGISTERED = True
            _LIVE.add(self)
            try:
                reply = self._read_reply(proc, deadline)
                if "error" in reply:
                    raise LocalModelError(
                        f"llama.cpp could not start on {self.model_path.name} (host {self.host}, "
                        f"port {self.port or 'auto'}): {str(reply['error']).rstrip('.')}. The file "
                        "may be damaged (delete it to have it re-assembled) or the port may be in "
                        "use; verbose=True shows llama.cpp's log."
                    )
                address = str(reply["address"]).rstrip("/")
                self._wait_healthy(proc, address, deadline)
            except BaseException:
                self.stop()
                raise
            self._base_url = address + "/v1"
            return self._base_url

    def _read_reply(self, proc: subprocess.Popen[bytes], deadline: float) -> dict[str, Any]:
        assert proc.stdout is not None
        result: list[bytes] = []
        reader = threading.Thread(
            target=lambda: result.append(proc.stdout.readline()),  # type: ignore[union-attr]
            name="local-llm-start",
            daemon=True,
        )
        reader.start()
        reader.join(max(0.0, deadline - time.monotonic()))
        if reader.is_alive():
            raise LocalModelError(f"The local LLM server did not load {self.model_path.name} in time.")
        line = result[0] if result else b""
        if not line:
            code = proc.wait()
            raise LocalModelError(
                f"The local LLM server process exited (code {code}) while loading {self.model_path.name}; "
                "verbose=True shows llama.cpp's log."
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    @staticmethod
    def _wait_healthy(proc: subprocess.Popen[bytes], address: str, deadline: float) -> None:
        last: object = None
        while True:
            try:
                with urllib.request.urlopen(address + "/health", timeout=5) as resp:
                    body = json.loads(resp.read() or b"{}")
                    if resp.status == 200 and body.get("status") == "ok":
                        return
                    last = body
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last = exc
            if proc.poll() is not None:
                raise LocalModelError(f"The local LLM server process exited (code {proc.returncode}).")
            if time.monotonic() >= deadline:
                raise LocalModelError(f"The local LLM server at {address} did not become healthy: {last}")
            time.sleep(0.1)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server process (killing it after ``timeout`` seconds); idempotent."""
        with self._lock:
            proc, self._proc = self._proc, None
            self._base_url = None
            _LIVE.discard(self)
            if proc is None:
                return
            try:
                if proc.stdin is not None:
                    proc.stdin.close()  # EOF tells the child to exit
            except OSError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()

    def __enter__(self) -> LocalLLMServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __del__(self) -> None:
        try:
            self.stop()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = self._base_url or "stopped"
        return f"LocalLLMServer({self.model_path.name!r}, alias={self.model_alias!r}, {state})"
