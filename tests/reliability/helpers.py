"""Helpers of the reliability tests: engines over copied seed indexes, live servers, a real `chroma run`,
bounded calls, and index snapshots/consistency checks."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
from live_server import LiveServer  # noqa: F401  (re-exported for the tests)
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FASTRAG = Path(__file__).with_name("fastrag.py")
QUESTION = "When did Luong Cuong meet Guterres?"
GUTERRES_DOC = "000_1aff578a148f58fe.txt"
ARTICLE = ("Hanoi opens a new river bridge\n\n"
           "HANOI – The city opened the Tran Hung Dao bridge over the Red River on 3 March 2025. "
           "The bridge is 2.5 kilometres long and carries six lanes of traffic.\n\n"
           "Officials said it cuts the trip between the two banks to ten minutes.")


def settings_for(data_dir: Path, **overrides: Any):
    """Extractive settings over ``data_dir`` (ignores the developer's rag.toml and RAG_* variables' backend)."""
    from rag import Settings

    return Settings.load(**{"backend": "extractive", "data_dir": data_dir, **overrides})


def engine_for(data_dir: Path, **overrides: Any):
    from rag import Engine

    return Engine(settings_for(data_dir, **overrides))


def copy_index(source: Path, target: Path) -> None:
    """Copy a quiescent index folder (Chroma + lexical cache)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1",
           "PYTHONUNBUFFERED": "1"}
    env.pop("RAG_CONFIG", None)
    env.update(extra)
    return env


# ------------------------------------------------------------------------------------------------ bounded calls
def within(seconds: float, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, failing the test if it does not return within ``seconds`` (never a hang)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{getattr(fn, '__name__', fn)} did not return within {seconds}s (hang)")
    box["seconds"] = time.monotonic() - started
    if "error" in box:
        raise box["error"]
    return box["value"]


def timed(seconds: float, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """(result, elapsed seconds) of a bounded call."""
    started = time.monotonic()
    value = within(seconds, fn, *args, **kwargs)
    return value, time.monotonic() - started


# ------------------------------------------------------------------------------------------------ index state
def snapshot(engine: Any) -> tuple:
    """What must not change after a refused input: the articles (id, hash, chunks), the chunk ids, the lexical ids."""
    index = engine.index
    index.refresh(force=True)
    docs = sorted((d.doc_id, d.content_hash, d.chunks) for d in engine.documents())
    ids = sorted(index.store.chunk_records()[0])
    return docs, ids, sorted(index.lexical.chunk_ids()), index.store.count()


def assert_consistent_state(state: dict) -> None:
    """Raw index state (``fastrag.py inspect``): Chroma chunks, article records and the lexical index agree."""
    ids = state["chunk_ids"]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]  # no duplicate chunk ids
    assert state["count"] == len(ids)
    records = state["records"]
    per_doc = Counter(state["chunk_docs"])
    assert set(per_doc) == set(records), "orphan chunks or articles without chunks"
    for doc_id, record in records.items():
        assert per_doc[doc_id] == int(record["chunks"]), doc_id  # every record's count is what Chroma holds
    hashes = {(d, h) for d, h in zip(state["chunk_docs"], state["chunk_hashes"])}
    assert hashes == {(d, r["content_hash"]) for d, r in records.items()}  # chunks of the committed version only
    assert state["lexical_ids"] is not None and sorted(state["lexical_ids"]) == sorted(ids)
    assert state["dense_lost"] == []


# ------------------------------------------------------------------------------------------------ servers


def answers_while_running(url: str, process: subprocess.Popen, timeout: float, every: float = 0.2) -> bool:
    """Poll ``url`` until it answers 200 (True), or ``process`` exits or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=5) as http:
        while True:
            try:
                if http.get(url).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(every)


@contextmanager
def served_process(args: list[str], log: Path, *, port: int, what: str, timeout: float = 180,
                   **popen: Any) -> Iterator[str]:
    """Run ``args`` (a server listening on 127.0.0.1:``port``, its output in ``log``) until its ``/healthz``
    answers, yield its URL, and stop it at the end (terminate, then kill). Fails the test with the log's tail when
    the server exits or does not answer within ``timeout`` seconds."""
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **popen)
        try:
            if not answers_while_running(f"{url}/healthz", process, timeout):
                pytest.fail(f"{what} did not start: {log.read_text(errors='replace')[-2000:]}")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


class ChromaServer:
    """A real ``chroma run --path DIR --port PORT --host 127.0.0.1``; can be killed and restarted on the same
    port and path."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        exe = Path(sys.executable).with_name("chroma")
        self.exe = str(exe) if exe.exists() else shutil.which("chroma")
        if self.exe is None:
            pytest.fail("the `chroma` command of the chromadb package is missing")

    def start(self, timeout: float = 90) -> float:
        """Start and wait for the heartbeat; returns the seconds it took."""
        started = time.monotonic()
        log = (self.path.parent / f"chroma-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [self.exe, "run", "--path", str(self.path), "--port", str(self.port), "--host", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env())
        log.close()
        if answers_while_running(f"{self.url}/api/v2/heartbeat", self.process, timeout, every=0.1):
            return time.monotonic() - started
        self.kill()
        tail = (self.path.parent / f"chroma-{self.port}.log").read_text(errors="replace")[-2000:]
        pytest.fail(f"chroma run did not start: {tail}")

    def kill(self) -> None:
        """``kill -9`` the server (no graceful shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(15)

    def __enter__(self) -> "ChromaServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


# ------------------------------------------------------------------------------------------------ figures
ARTIFACTS = ROOT / "tests" / "artifacts"


def record_figure(name: str, value: Any) -> None:
    """Keep a measured figure in tests/artifacts/reliability.json (gitignored) and print it."""
    import json

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "reliability.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = value
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"\n[figure] {name}: {value}")
