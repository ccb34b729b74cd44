"""The same engine behaviour with the embedded Chroma store and with a real Chroma server (`chroma run`)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag import Engine, Settings, create_http_app

from .conftest import GUTERRES_DOC, QUESTION, SEEDS, serve

DELETED_DOC = "001_b510b4b12c9ffde5.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run` (the CLI of the chromadb package) on a free 127.0.0.1 port, stopped on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "ChromaServer":
        exe = Path(sys.executable).with_name("chroma")
        chroma = str(exe) if exe.exists() else shutil.which("chroma")
        if chroma is None:
            pytest.fail("the `chroma` command of the chromadb package is missing")
        self.log = (self.path.parent / f"chroma-{self.port}.log").open("wb")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [chroma, "run", "--path", str(self.path), "--port", str(self.port), "--host", "127.0.0.1"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False, timeout=2) as http:
            while True:
                try:
                    if http.get(f"{self.url}/api/v2/heartbeat").status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"chroma run did not start: {(self.path.parent / f'chroma-{self.port}.log').read_text()[-2000:]}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module", params=["embedded", "server"])
def store(request, tmp_path_factory):
    """(mode, settings factory, first ingest report) with the seeds ingested; one index per mode."""
    base = tmp_path_factory.mktemp(f"store-{request.param}")
    server = ChromaServer(base / "chroma-server") if request.param == "server" else None
    if server:
        server.__enter__()

    def make_settings(name: str = "app1") -> Settings:
        return Settings.load(backend="extractive", data_dir=base / name, chroma_url=server.url if server else None)

    engine = Engine(make_settings())
    report = engine.ingest([SEEDS])
    yield request.param, engine, make_settings, report
    if server:
        server.stop()


def test_ingest_then_reingest_is_a_no_op(store):
    mode, engine, _, report = store
    assert len(report.added) == 5 and not report.failed and report.chunks_embedded > 20
    again = engine.ingest([SEEDS])
    assert sorted(again.unchanged) == sorted(report.added)
    assert not again.added and not again.updated and again.chunks_embedded == 0
    assert engine.stats()["chunks"] == report.chunks_embedded


def test_ask_cites_the_passage(store):
    mode, engine, _, _ = store
    answer = engine.ask(QUESTION)
    assert not answer.refused and "[1]" in answer.text
    first = answer.citations[0]
    assert first.doc_id == GUTERRES_DOC
    text, info = engine.article(first.doc_id)
    assert text[first.start:first.end] == first.quote and info.title
    assert engine.ask("What is the capital of Mongolia?").refused


def test_documents(store):
    mode, engine, _, _ = store
    docs = engine.documents()
    assert len(docs) == 5 and all(d.title and d.chunks > 0 and d.chars > 0 for d in docs)
    dates = [d.date or "" for d in docs]
    assert dates == sorted(dates, reverse=True)


def test_second_instance_shares_the_store(store):
    mode, engine, make_settings, _ = store
    if mode != "server":
        pytest.skip("several app instances share a Chroma server, not an embedded store")
    other = Engine(make_settings("app2"))  # its own data folder: only the Chroma server is shared
    assert {d.doc_id for d in other.documents()} == {d.doc_id for d in engine.documents()}
    assert other.ask(QUESTION).citations[0].doc_id == GUTERRES_DOC  # lexical index rebuilt from the server
    assert engine.delete(DELETED_DOC)
    other.index.refresh(force=True)  # what the next query does after at most 5 seconds
    assert DELETED_DOC not in {d.doc_id for d in other.documents()}
    assert engine.ingest([SEEDS / DELETED_DOC]).added == [DELETED_DOC]


def test_delete(store):
    mode, engine, _, _ = store
    assert engine.delete(DELETED_DOC) is True
    assert engine.delete(DELETED_DOC) is False
    assert engine.article(DELETED_DOC) is None
    assert DELETED_DOC not in {d.doc_id for d in engine.documents()}
    assert len(engine.documents()) == 4
    answer = engine.ask("What did the Vietnamese president discuss with the UN Secretary-General?")
    assert all(c.doc_id != DELETED_DOC for c in answer.citations)
    assert all(p.doc_id != DELETED_DOC for p in engine.retrieve(QUESTION).passages)


def test_readyz_follows_the_chroma_server(tmp_path):
    with ChromaServer(tmp_path / "chroma") as chroma:
        engine = Engine(Settings.load(backend="extractive", data_dir=tmp_path / "app", chroma_url=chroma.url))
        with serve(create_http_app(engine)) as live, live.client() as http:
            ready = http.get("/readyz").json()
            assert ready["store"] == "server" and ready["articles"] == 0
            report = http.post("/api/documents", json={"doc_id": "a.txt", "text": (SEEDS / GUTERRES_DOC).read_text()})
            assert report.json()["added"] == ["a.txt"]
            assert http.get("/readyz").json()["articles"] == 1
            chroma.stop()
            response = http.get("/readyz")
            assert response.status_code == 503 and response.json()["error"]["code"] == "store_unavailable"
            response = http.post("/api/ask", json={"question": QUESTION})
            assert response.status_code == 503 and response.json()["error"]["code"] == "store_unavailable"
            assert http.get("/healthz").status_code == 200
