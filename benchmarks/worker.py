"""One benchmark measurement per process: ``python -m benchmarks.worker TASK CONFIG.json RESULT.json``.

Every measurement runs in a fresh interpreter so that its peak resident memory (``getrusage`` ``ru_maxrss``, which
counts native allocations such as onnxruntime's and Chroma's) belongs to that measurement alone. The result is a
JSON object written to RESULT.json; CPU seconds are ``user + system`` of the whole process (all threads).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["TASKS", "main"]


# ------------------------------------------------------------------------------------------ helpers
def maxrss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU time of a block."""

    def __enter__(self) -> "Clock":
        self.wall0, self.cpu0 = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = cpu_seconds() - self.cpu0


def percentiles(values: list[float]) -> dict[str, float | None]:
    """p50 / p95 / mean / max (linear interpolation between closest ranks), in milliseconds."""
    if not values:
        return {"p50_ms": None, "p95_ms": None, "mean_ms": None, "max_ms": None, "n": 0}
    xs = sorted(values)

    def pct(q: float) -> float:
        pos = (len(xs) - 1) * q
        lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)

    return {"p50_ms": round(pct(0.50) * 1000, 2), "p95_ms": round(pct(0.95) * 1000, 2),
            "mean_ms": round(statistics.fmean(xs) * 1000, 2), "max_ms": round(xs[-1] * 1000, 2), "n": len(xs)}


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else 0


def hit_at_5(ranked_doc_ids: list[str], sources: list[str]) -> float | None:
    from evals.metrics import hit_at_k

    return hit_at_k(ranked_doc_ids, sources, 5)


def _settings(data_dir: str, cfg: dict, **extra: Any) -> Any:
    from rag import Settings

    return Settings.load(data_dir=data_dir, embedder=cfg.get("embedder"), **extra)


def _retrieval_quality(search: Callable[[str], list[str]], questions: list[dict]) -> dict[str, Any]:
    hits = []
    for q in questions:
        hit = hit_at_5(search(q["question"]), q["sources"])
        if hit is not None:
            hits.append(hit)
    return {"hit_at_5": round(sum(hits) / len(hits), 4) if hits else None, "questions": len(hits)}


def _corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))


def change_articles(folder: Path, fraction: float) -> list[str]:
    """Edit ``fraction`` of the synthetic articles in ``folder`` (evenly spaced, at least one): one sentence is
    added in the middle of the body, so the article's content hash changes. Returns the edited file names."""
    files = [p for p in _corpus_files(folder) if p.name.startswith("syn_")] or _corpus_files(folder)
    count = max(1, round(len(files) * fraction))
    step = len(files) / count
    changed = []
    for i in range(count):
        path = files[int(i * step)]
        text = path.read_text(encoding="utf-8")
        cut = text.find(". ", len(text) // 3)
        if cut < 0:
            cut = text.rfind(".")
        text = text[:cut + 1] + " Officials later confirmed the figures in a statement." + text[cut + 1:]
        path.write_text(text, encoding="utf-8")
        changed.append(path.name)
    return changed


# ------------------------------------------------------------------------------------------ tasks
def task_ingest_ours(cfg: dict) -> dict:
    """First ingest of a corpus into a fresh index, retrieval quality, unchanged re-ingest, 1%-changed re-ingest."""
    from rag import Engine

    corpus = Path(cfg["corpus"])
    work = Path(tempfile.mkdtemp(prefix="rag-bench-ours-"))
    try:
        engine = Engine(_settings(str(work / "index"), cfg, backend="extractive"))
        with Clock() as open_clock:
            index = engine.index
            index.embedder.embed_passages(["warm-up"])
        with Clock() as first:
            report = engine.ingest([str(corpus)])
        peak = maxrss_mb()
        stats = engine.stats()
        out: dict[str, Any] = {
            "open_s": round(open_clock.wall, 3),
            "articles": len(report.added), "chunks": report.chunks_embedded, "failed": len(report.failed),
            "wall_s": round(first.wall, 3), "cpu_s": round(first.cpu, 3),
            "articles_per_s": len(report.added) / first.wall, "chunks_per_s": report.chunks_embedded / first.wall,
            "articles_per_cpu_s": len(report.added) / first.cpu, "chunks_per_cpu_s": report.chunks_embedded / first.cpu,
            "peak_rss_mb": round(peak, 1), "index_chunks": stats["chunks"],
            "disk_bytes": dir_bytes(work / "index"),
        }
        out["embedder_alone"] = embedder_alone(engine, first.cpu)
        questions = cfg.get("questions") or []
        if questions:
            out["quality"] = _retrieval_quality(
                lambda q: [p.doc_id for p in engine.retrieve(q, top_k=5).passages], questions)
        with Clock() as again:
            unchanged = engine.ingest([str(corpus)])
        out["unchanged"] = {"wall_s": round(again.wall, 4), "cpu_s": round(again.cpu, 4),
                            "unchanged": len(unchanged.unchanged), "chunks_embedded": unchanged.chunks_embedded,
                            "speedup_wall": first.wall / max(again.wall, 1e-9),
                            "speedup_cpu": first.cpu / max(again.cpu, 1e-9)}
        # 1% changed: edit a copy of the corpus, re-ingest it under the same ids
        copy = work / "corpus"
        shutil.copytree(corpus, copy)
        edited = change_articles(copy, cfg.get("change_fraction", 0.01))
        records = index.records()
        expected = sum(int(records[name]["chunks"]) for name in edited if name in records)
        with Clock() as changed_clock:
            changed = engine.ingest([str(copy)])
        total = engine.stats()["chunks"]
        out["changed"] = {
            "articles_changed": len(edited), "articles_total": out["articles"],
            "article_fraction": len(edited) / max(out["articles"], 1),
            "updated": len(changed.updated), "chunks_embedded": changed.chunks_embedded,
            "chunks_total": total, "embedded_fraction": changed.chunks_embedded / max(total, 1),
            "chunks_of_changed_articles_before": expected,
            "wall_s": round(changed_clock.wall, 4), "cpu_s": round(changed_clock.cpu, 4),
        }
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def embedder_alone(engine: Any, ingest_cpu_s: float) -> dict[str, Any]:
    """The ceiling of ingest throughput: the same embedder embedding the same texts (every chunk just indexed, as
    ingest embeds it) in one call, with nothing else around it; and ingest's share of that throughput, in tokens
    per CPU-second when the embedder can count its tokens (else in CPU seconds, which is the same ratio)."""
    index = engine.index
    texts = index.embedded_texts()
    with Clock() as alone:
        index.embedder.embed_passages(texts)
    count = getattr(index.embedder, "count_tokens", None)
    tokens = count(texts) if count else None
    return {"texts": len(texts), "tokens": tokens, "wall_s": round(alone.wall, 3), "cpu_s": round(alone.cpu, 3),
            "tokens_per_cpu_s": tokens / alone.cpu if tokens else None,
            "ingest_tokens_per_cpu_s": tokens / ingest_cpu_s if tokens else None,
            "ratio_ingest_cpu": alone.cpu / ingest_cpu_s}


def task_ingest_llamaindex(cfg: dict) -> dict:
    """A plain LlamaIndex pipeline: ``VectorStoreIndex.from_documents`` into a ``ChromaVectorStore`` with the default
    ``SentenceSplitter``, embedding with the same packaged embedder as the engine."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core import Settings as LISettings
    from llama_index.core.llms import MockLLM
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from rag import get_embedder, llamaindex_embedding

    corpus = Path(cfg["corpus"])
    work = Path(tempfile.mkdtemp(prefix="rag-bench-li-"))
    try:
        LISettings.llm = MockLLM()  # nothing may fall back to a networked default
        with Clock() as open_clock:
            embedder = get_embedder(cfg.get("embedder", "bge-small"))
            embedder.embed_passages(["warm-up"])
            embed_model = llamaindex_embedding(embedder)
            client = chromadb.PersistentClient(path=str(work / "chroma"),
                                               settings=ChromaSettings(anonymized_telemetry=False))
            collection = client.get_or_create_collection("baseline", metadata={"hnsw:space": "cosine"})
            storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        with Clock() as first:
            documents = [Document(text=p.read_text(encoding="utf-8"), metadata={"doc_id": p.name},
                                  excluded_embed_metadata_keys=["doc_id"], excluded_llm_metadata_keys=["doc_id"])
                         for p in _corpus_files(corpus)]
            extra = {}
            if cfg.get("chunk_size"):  # a splitter sized like the engine's chunks, for a per-chunk comparison
                from llama_index.core.node_parser import SentenceSplitter

                extra["transformations"] = [SentenceSplitter(chunk_size=cfg["chunk_size"],
                                                             chunk_overlap=cfg.get("chunk_overlap", 0))]
            index = VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embed_model,
                                                    **extra)
        peak = maxrss_mb()
        chunks = collection.count()
        out: dict[str, Any] = {
            "open_s": round(open_clock.wall, 3),
            "articles": len(documents), "chunks": chunks,
            "wall_s": round(first.wall, 3), "cpu_s": round(first.cpu, 3),
            "articles_per_s": len(documents) / first.wall, "chunks_per_s": chunks / first.wall,
            "articles_per_cpu_s": len(documents) / first.cpu, "chunks_per_cpu_s": chunks / first.cpu,
            "peak_rss_mb": round(peak, 1), "disk_bytes": dir_bytes(work),
        }
        questions = cfg.get("questions") or []
        if questions:
            retriever = index.as_retriever(similarity_top_k=5)
            out["quality"] = _retrieval_quality(
                lambda q: [n.node.metadata.get("doc_id", "") for n in retriever.retrieve(q)], questions)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def task_build_index(cfg: dict) -> dict:
    """Index a corpus into ``data_dir`` (cached by the caller), then re-ingest it unchanged."""
    from rag import Engine

    data_dir = Path(cfg["data_dir"])
    if data_dir.exists():
        shutil.rmtree(data_dir)
    engine = Engine(_settings(str(data_dir), cfg, backend="extractive"))
    with Clock() as open_clock:
        engine.index.embedder.embed_passages(["warm-up"])
    with Clock() as first:
        report = engine.ingest([cfg["corpus"]])
    peak = maxrss_mb()
    with Clock() as again:
        engine.ingest([cfg["corpus"]])
    stats = engine.stats()
    return {
        "open_s": round(open_clock.wall, 3),
        "articles": stats["articles"], "chunks": stats["chunks"], "failed": len(report.failed),
        "wall_s": round(first.wall, 3), "cpu_s": round(first.cpu, 3),
        "chunks_per_s": report.chunks_embedded / first.wall, "chunks_per_cpu_s": report.chunks_embedded / first.cpu,
        "articles_per_s": len(report.added) / first.wall,
        "peak_rss_mb": round(peak, 1),
        "unchanged_wall_s": round(again.wall, 4), "unchanged_cpu_s": round(again.cpu, 4),
        "unchanged_speedup_wall": first.wall / max(again.wall, 1e-9),
        "disk_bytes": dir_bytes(data_dir), "chroma_bytes": dir_bytes(data_dir / "chroma"),
        "lexical_bytes": dir_bytes(data_dir / "lexical"),
    }


def task_latency(cfg: dict) -> dict:
    """Open a built index, then time retrieval (first stage only, the default cascade, always reranked) and
    extractive answers."""
    from rag import Engine

    rss_start = maxrss_mb()
    engine = Engine(_settings(cfg["data_dir"], cfg, backend="extractive"))
    with Clock() as open_clock:
        stats = engine.stats()  # opens the index: Chroma, the embedder, the BM25 index
    questions = [q["question"] for q in cfg["questions"]]
    repeats = int(cfg.get("repeats", 1))
    # warm-up: load the cross-encoder and the verifier once, outside the measurements
    with Clock() as warm:
        engine.retrieve(questions[0], rerank=True)
        engine.ask(questions[0], backend="extractive")
    rss_open = maxrss_mb()
    samples: dict[str, list[float]] = {"retrieve": [], "retrieve_default": [], "retrieve_rerank": [],
                                       "answer_extractive": []}
    fully_reranked = 0
    stages: dict[str, list[float]] = {}
    for _ in range(repeats):
        for q in questions:  # the modes interleaved, so load changes hit them alike
            t = time.perf_counter()
            r = engine.retrieve(q, rerank=False)
            samples["retrieve"].append(time.perf_counter() - t)
            for name, value in r.timings.items():
                stages.setdefault(f"retrieve.{name}", []).append(value)
            t = time.perf_counter()
            r = engine.retrieve(q)  # the default: the cross-encoder only where the two retrievers disagree
            samples["retrieve_default"].append(time.perf_counter() - t)
            fully_reranked += r.reranked
            t = time.perf_counter()
            r = engine.retrieve(q, rerank=True)
            samples["retrieve_rerank"].append(time.perf_counter() - t)
            stages.setdefault("retrieve_rerank.rerank", []).append(r.timings.get("rerank", 0.0))
            t = time.perf_counter()
            engine.ask(q, backend="extractive")
            samples["answer_extractive"].append(time.perf_counter() - t)
    late = _late_interaction_latency(cfg, questions, repeats, stats["chunks"])
    return {
        "late_interaction": late,
        "articles": stats["articles"], "chunks": stats["chunks"],
        "open_s": round(open_clock.wall, 3), "warmup_s": round(warm.wall, 3),
        "rss_before_open_mb": round(rss_start, 1), "rss_open_mb": round(rss_open, 1), "peak_rss_mb": round(maxrss_mb(), 1),
        **{name: percentiles(values) for name, values in samples.items()},
        "stages_p50_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in sorted(stages.items())},
        "disk_bytes": dir_bytes(Path(cfg["data_dir"])),
        "default_reranked_fraction": round(fully_reranked / max(1, len(questions) * repeats), 3),
    }


def _late_interaction_latency(cfg: dict, questions: list[str], repeats: int, chunks: int) -> dict:
    """The same index reranked by late interaction: token vectors computed for every chunk (timed: their ingest
    cost), then retrieval always reranked and with the default cascade."""
    from rag import Engine

    engine = Engine(_settings(cfg["data_dir"], cfg, backend="extractive", reranker="late-interaction"))
    rss = maxrss_mb()
    with Clock() as fill:
        with engine.index.writing():
            engine.index.repair()  # computes the token vectors the index lacks
    engine.retrieve(questions[0], rerank=True)
    samples: dict[str, list[float]] = {"retrieve_rerank": [], "retrieve_default": [], "late_interaction": []}
    for _ in range(repeats):
        for q in questions:
            t = time.perf_counter()
            r = engine.retrieve(q, rerank=True)
            samples["retrieve_rerank"].append(time.perf_counter() - t)
            samples["late_interaction"].append(r.timings.get("late_interaction", 0.0))
            t = time.perf_counter()
            engine.retrieve(q)
            samples["retrieve_default"].append(time.perf_counter() - t)
    per_1k = 1000 / max(1, chunks)
    return {**{name: percentiles(values) for name, values in samples.items()},
            "vectors_cpu_s_per_1k_chunks": round(fill.cpu * per_1k, 2),
            "vectors_bytes_per_1k_chunks": int(engine.index.tokens.disk_bytes() * per_1k),
            "rss_added_mb": round(maxrss_mb() - rss, 1)}


def task_llm(cfg: dict) -> dict:
    """Time to first token and tokens/s of the local model on seeds questions, with the answers' fact recall."""
    from evals.metrics import fact_recall

    from rag import Engine, local_model_status

    settings = _settings(cfg["data_dir"], cfg, backend="local", **({"local_model": cfg["local_model"]}
                                                               if cfg.get("local_model") else {}))
    ok, message = local_model_status(settings.local_model)
    if not ok:
        return {"skipped": f"local model {settings.local_model!r} is not installed: {message}"}
    engine = Engine(settings)
    questions = cfg["questions"]
    try:
        engine.stats()

        def one(question: str) -> dict[str, Any]:
            t0 = time.perf_counter()
            first = last = None
            pieces = 0
            answer = None
            for event in engine.stream(question, backend="local"):
                now = time.perf_counter()
                if event.type == "token" and event.text:
                    pieces += 1
                    first = first if first is not None else now
                    last = now
                elif event.type == "answer":
                    answer = event.answer
            total = time.perf_counter() - t0
            rate = (pieces - 1) / (last - first) if pieces > 1 and last > first else None
            return {"ttft_s": (first - t0) if first is not None else None, "total_s": total, "tokens": pieces,
                    "tokens_per_s": rate, "answer": answer}

        # The first answer starts the model server: reported apart, not in the medians. Its question is not one
        # of the measured ones, so that no measured prompt is already in the server's prompt cache.
        with Clock() as cold:
            warm = one(cfg.get("warmup_question") or "What do the articles say about the weather this week?")
        rows = []
        for q in questions:
            got = one(q["question"])
            answer = got.pop("answer")
            recall = fact_recall(answer.text, q["facts"]) if q.get("answerable") else None
            rows.append({"id": q["id"], **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in got.items()},
                         "backend": answer.backend, "refused": answer.refused, "fact_recall": recall})
        # other questions than the ones just timed: the server keeps recent prompts cached in memory, and a prompt
        # it has already read would make the crowded run look faster than one user alone
        together = concurrent_answers(lambda q: engine.ask(q, backend="local"),
                                      cfg.get("concurrent_questions") or [], cfg.get("users", 4))
        single_p50 = statistics.median(r["total_s"] for r in rows) if rows else None
        ttfts = [r["ttft_s"] for r in rows if r["ttft_s"] is not None]
        rates = [r["tokens_per_s"] for r in rows if r["tokens_per_s"]]
        recalls = [r["fact_recall"] for r in rows if r["fact_recall"] is not None]
        answerable = [r for r, q in zip(rows, questions) if q.get("answerable")]
        return {
            "model": settings.local_model,
            "cold_first_answer_s": round(cold.wall, 3), "cold_ttft_s": warm["ttft_s"],
            "ttft_median_s": round(statistics.median(ttfts), 3) if ttfts else None,
            "ttft_p95_s": round(sorted(ttfts)[max(0, int(round(0.95 * len(ttfts))) - 1)], 3) if ttfts else None,
            "tokens_per_s_median": round(statistics.median(rates), 2) if rates else None,
            "fact_recall": round(sum(recalls) / len(recalls), 4) if recalls else None,
            "answered": sum(1 for r in answerable if not r["refused"]), "answerable": len(answerable),
            "fell_back": sum(1 for r in rows if r["backend"] != "local"),
            "answer_p50_s": round(single_p50, 3) if rows else None,
            "answer_p95_s": percentiles([r["total_s"] for r in rows])["p95_ms"] / 1000 if rows else None,
            "concurrent": {**together, "single_p50_s": round(single_p50, 3) if rows else None,
                           "ratio_p50": together["p50_s"] / single_p50 if rows and together["p50_s"] else None},
            "questions": rows,
        }
    finally:
        engine.close()


def concurrent_answers(ask: Callable[[str], Any], questions: list[str], users: int) -> dict[str, Any]:
    """``questions`` asked ``users`` at a time, each group started together (one thread per user): every answer's
    time from its own start, their p50 and max, and how many fell back from the model."""
    times: list[float] = []
    fell_back = 0
    lock = threading.Lock()

    def one(question: str) -> None:
        nonlocal fell_back
        t0 = time.perf_counter()
        answer = ask(question)
        with lock:
            times.append(time.perf_counter() - t0)
            fell_back += getattr(answer, "backend", "local") != "local"

    for i in range(0, len(questions) - users + 1, users):
        threads = [threading.Thread(target=one, args=(q,)) for q in questions[i:i + users]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return {"users": users, "answers": len(times), "fell_back": fell_back,
            "p50_s": round(statistics.median(times), 3) if times else None,
            "max_s": round(max(times), 3) if times else None}


# ------------------------------------------------------------------------------------------ first source
SLOW_REPLY = "The articles report it [1]."
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


def slow_model(delay_s: float) -> Any:
    """A fake OpenAI-compatible server whose every reply waits ``delay_s`` before its first byte (then streams
    slowly): whatever waits for the model shows up as at least that delay."""
    from rag.testing import FakeOpenAIServer, Reply

    return FakeOpenAIServer(responder=lambda body: Reply(SLOW_REPLY, delay=delay_s, chunk_delay=0.02))


def time_to_sources(engine: Any, question: str) -> dict[str, float | None]:
    """Seconds from ``Engine.stream(question)`` to its ``sources`` event, to the first token and to the answer."""
    t0 = time.perf_counter()
    sources = token = None
    for event in engine.stream(question):
        now = time.perf_counter() - t0
        if event.type == "sources" and sources is None:
            sources = now
        elif event.type == "token" and event.text and token is None:
            token = now
    return {"sources_s": sources, "first_token_s": token, "answer_s": time.perf_counter() - t0}


def _seconds_summary(rows: list[dict], key: str) -> dict[str, float | None]:
    """p50 / p95 / mean / max in milliseconds of one timing over the rows that have it."""
    return percentiles([r[key] for r in rows if r.get(key) is not None])


def task_first_source(cfg: dict) -> dict:
    """Engine level: time from ``Engine.stream`` to the ``sources`` event over the questions, with the
    openai-compatible backend on a slow fake model (its delay is what the sources must not wait for)."""
    from rag import Engine

    delay = float(cfg.get("model_delay_s", 1.0))
    with slow_model(delay) as llm:
        engine = Engine(_settings(cfg["data_dir"], cfg, backend="openai-compatible", llm_base_url=llm.base_url,
                                  llm_model="fake-model", llm_api_key="bench", llm_max_retries=0))
        try:
            engine.stats()
            cold = time_to_sources(engine, cfg["warmup_question"])  # loads the models: reported apart
            rows = [time_to_sources(engine, q["question"]) for q in cfg["questions"]]
        finally:
            engine.close()
    return {"model_delay_s": delay, "cold": cold, "sources": _seconds_summary(rows, "sources_s"),
            "first_token": _seconds_summary(rows, "first_token_s"), "answer": _seconds_summary(rows, "answer_s"),
            "model_calls": len(llm.requests), "questions": rows}


# Installed in the page: the time of each click on Ask, and of the first animation frame after it that lays out a
# "reading…" source card (the passages of the answer being written).
TTFS_JS = """() => {
  window.__ttfs = {clicked: null, shown: null};
  document.addEventListener('click', e => {
    if (e.target.closest('#send-btn')) window.__ttfs = {clicked: performance.now(), shown: null};
  }, true);
  const look = () => {
    const t = window.__ttfs, card = document.querySelector('#sources .src-card.reading');
    if (t.clicked !== null && t.shown === null && card && card.getBoundingClientRect().height > 0)
      t.shown = performance.now();
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """``rag serve`` in a subprocess on a free port, the openai-compatible backend on ``llm_url``."""

    def __init__(self, data_dir: str, llm_url: str, log_path: Path, timeout: float = 180) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}/"
        self.data_dir, self.llm_url, self.log_path, self.timeout = data_dir, llm_url, log_path, timeout

    def __enter__(self) -> "Served":
        import subprocess

        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        env.update(RAG_CONFIG=os.devnull, RAG_LLM_BASE_URL=self.llm_url, RAG_LLM_MODEL="fake-model",
                   RAG_LLM_API_KEY="bench", RAG_LLM_MAX_RETRIES="0", RAG_FEEDBACK_FILE=str(self.log_path) + ".fb",
                   GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
        self.log = self.log_path.open("w")
        port = self.url.rsplit(":", 1)[1].strip("/")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", port,
             "--backend", "openai-compatible", "--data-dir", self.data_dir],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_up(self) -> None:
        import httpx

        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rag serve exited with {self.proc.returncode}:\n{self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"rag serve did not come up in {self.timeout:.0f} s:\n{self.log_path.read_text()[-2000:]}")

    def __exit__(self, *exc: Any) -> None:
        import signal
        import subprocess

        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def _open_chat(browser: Any, url: str) -> Any:
    """A page of the chat, loaded (saved settings restored) and timing clicks on Ask."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    page.wait_for_selector("#status [data-session-ready]", state="attached")
    page.evaluate(TTFS_JS)
    return page


def ask_until_first_source(page: Any, question: str) -> float:
    """Ask ``question`` in a cleared chat; seconds from the click on Ask to the first source card laid out. Waits
    for the answer to finish and clears the chat again, so that every question stands alone."""
    page.fill("#question textarea", question)
    page.click("#send-btn")
    page.wait_for_function("() => window.__ttfs.shown !== null")
    seconds = page.evaluate("() => window.__ttfs.shown - window.__ttfs.clicked") / 1000
    page.wait_for_function("""() => { const b = document.querySelectorAll("#chatbot [data-testid='bot']");
                                      return b.length === 1 && !b[0].querySelector('.pending, .draft'); }""")
    page.click("#clear-btn")
    page.wait_for_function("() => document.querySelectorAll(\"#chatbot [data-testid='bot']\").length === 0")
    return seconds


def browser_missing() -> str | None:
    """Why the browser measurement cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    return None


def task_first_source_browser(cfg: dict) -> dict:
    """Web app: `rag serve` (openai-compatible backend on a slow fake model), Debian's Chromium through Playwright;
    seconds from the click on Ask to the first source card on screen, over the questions."""
    if why := browser_missing():
        return {"skipped": why}
    from playwright.sync_api import sync_playwright

    delay = float(cfg.get("model_delay_s", 1.0))
    log_path = Path(tempfile.mkdtemp(prefix="rag-bench-serve-")) / "serve.log"
    try:
        with slow_model(delay) as llm, Served(cfg["data_dir"], llm.base_url, log_path) as served, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = _open_chat(browser, served.url)
                cold = ask_until_first_source(page, cfg["warmup_question"])
                times = [ask_until_first_source(page, q["question"]) for q in cfg["questions"]]
            finally:
                browser.close()
    finally:
        shutil.rmtree(log_path.parent, ignore_errors=True)
    return {"model_delay_s": delay, "cold_s": round(cold, 3), "first_source": percentiles(times),
            "seconds": [round(t, 3) for t in times]}


TASKS: dict[str, Callable[[dict], dict]] = {
    "ingest_ours": task_ingest_ours,
    "ingest_llamaindex": task_ingest_llamaindex,
    "build_index": task_build_index,
    "latency": task_latency,
    "llm": task_llm,
    "first_source": task_first_source,
    "first_source_browser": task_first_source_browser,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3 or argv[0] not in TASKS:
        print(f"usage: python -m benchmarks.worker {{{','.join(TASKS)}}} CONFIG.json RESULT.json", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    cfg = json.loads(Path(argv[1]).read_text())
    started = time.perf_counter()
    result = TASKS[argv[0]](cfg)
    result["process_wall_s"] = round(time.perf_counter() - started, 3)
    result["process_peak_rss_mb"] = round(maxrss_mb(), 1)
    Path(argv[2]).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
