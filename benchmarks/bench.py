"""``rag bench``: ingest throughput vs plain LlamaIndex, re-ingest, query latency by index size, time from Ask to the
first source (engine and web app), local LLM speed, cold start. Each figure comes from a fresh subprocess
(:mod:`benchmarks.worker`); results go to a JSON file and a markdown table, with PASS/FAIL beside every target.

The machine these numbers come from may be shared: ratios are measured inside one run, and throughput verdicts use
CPU seconds (what a job costs, nearly independent of other load) while wall-clock figures are printed beside them.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .corpus import ROOT, build_corpus, load_questions, parse_size, size_label

__all__ = ["BenchConfig", "run_bench", "render_markdown", "TARGETS"]

INDEX_FORMAT = 3  # bump when a change in rag/ makes cached benchmark indexes stale

TARGETS = {
    "ingest_vs_embedder": "ingest ≥ 0.9× the embedder alone on the same texts (tokens/CPU-s)",
    "ingest_vs_llamaindex": "ingest ≥ 1.0× LlamaIndex with chunks like ours (chunks/CPU-s)",
    "unchanged_reingest": "unchanged re-ingest ≥ 50× faster than first ingest",
    "changed_1pct": "1% of articles changed ⇒ ≈ 1% of chunks embedded",
    "retrieval_seeds_p50": "retrieval p50 ≤ 50 ms on the seeds index",
    "first_source_engine": "`Engine.stream` to its sources event p95 ≤ 1 s (seeds index, slow model)",
    "first_source_browser": "web app: Ask to first source card p95 ≤ 1 s (seeds index, Chromium)",
    "retrieval_p50": "reranked retrieval p50 ≤ 50 ms at 10k and 100k chunks (the slower size)",
    "retrieval_p95": "reranked retrieval p95 ≤ 100 ms at 10k and 100k chunks (the slower size)",
    "answer_p50": "extractive answer p50 ≤ 200 ms at 100k chunks",
    "llm_ttft": "local LLM time to first token ≤ 5 s (median)",
    "llm_answer": "local LLM answer p50 ≤ 4 s and p95 ≤ 7 s (seeds questions)",
    "llm_concurrent": "local LLM, 4 users asking at once: answer p50 ≤ 2× one user's",
    "cold_start": "cold start to first answer ≤ 15 s",
    "help": "`rag --help` ≤ 1 s",
}


@dataclass
class BenchConfig:
    sizes: list[int] = field(default_factory=lambda: [1000, 10_000, 100_000])
    out: Path = ROOT / "benchmarks" / "results"
    quick: bool = False
    skip_llm: bool = False
    seed: int = 0
    ingest_size: int | None = None  # chunks in the ours-vs-LlamaIndex corpus (default: smallest size, ≤ 1k)
    quick_articles: int = 20
    llm_questions: int = 8
    latency_repeats: int = 1
    embedder: str = "bge-small"
    local_model: str | None = None
    model_delay_s: float = 1.0  # the slow fake model of the time-to-first-source runs
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr, flush=True))


# ---------------------------------------------------------------------------------------------- subprocesses
def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
                "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)})
    for name in [k for k in env if k.startswith("RAG_")]:  # benchmark indexes are private: no user config leaks in
        env.pop(name)
    env["RAG_CONFIG"] = os.devnull
    return env


def run_worker(task: str, cfg: dict, scratch: Path, timeout: float | None = None) -> dict:
    """Run one measurement in a fresh interpreter; raise with its stderr when it fails."""
    scratch.mkdir(parents=True, exist_ok=True)
    cfg_path = scratch / f"{task}-{time.time_ns()}.json"
    res_path = cfg_path.with_suffix(".result.json")
    cfg_path.write_text(json.dumps(cfg, default=str))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", task, str(cfg_path), str(res_path)],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)
    try:
        if proc.returncode != 0 or not res_path.is_file():
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"benchmark task {task} failed (exit {proc.returncode}):\n{tail}")
        return json.loads(res_path.read_text())
    finally:
        cfg_path.unlink(missing_ok=True)
        res_path.unlink(missing_ok=True)


def _rag_command() -> list[str]:
    script = Path(sys.executable).parent / "rag"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "rag.cli"]


def time_command(argv: list[str], *, first_line: bool = False, timeout: float = 300) -> float:
    """Wall seconds from process start to exit (or to the first line it prints, with ``first_line``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if first_line:
            line = proc.stdout.readline()
            elapsed = time.perf_counter() - t0
            proc.stdout.read()
            proc.wait(timeout=timeout)
            if proc.returncode != 0 or not line.strip():
                raise RuntimeError(f"{' '.join(argv[:3])} … failed (exit {proc.returncode})")
            return elapsed
        proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed (exit {proc.returncode})")
        return time.perf_counter() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------- cached indexes
def cached_index(cfg: BenchConfig, label: str, corpus: Path, manifest: dict) -> tuple[Path, dict, bool]:
    """A built index for ``corpus`` under ``out/cache``, reused while the corpus manifest and format match."""
    key = {"format": INDEX_FORMAT, "corpus": manifest["key"], "embedder": cfg.embedder}
    folder = cfg.out / "cache" / f"index-{label}-seed{cfg.seed}-{cfg.embedder}"
    meta_path = folder / "bench-build.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("key") == key:
                return folder / "index", meta["build"], True
        except (OSError, ValueError):
            pass
    build = run_worker("build_index", {"corpus": str(corpus), "data_dir": str(folder / "index"), "embedder": cfg.embedder},
                       cfg.out / "cache" / f"tmp-{os.getpid()}")
    meta_path.write_text(json.dumps({"key": key, "build": build}, indent=1))
    return folder / "index", build, False


# ---------------------------------------------------------------------------------------------- the run
def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def run_bench(cfg: BenchConfig) -> dict:
    """Run every benchmark; returns the report (also written to ``cfg.out``)."""
    log = cfg.log
    cfg.out.mkdir(parents=True, exist_ok=True)
    cache = cfg.out / "cache"
    scratch = cache / f"tmp-{os.getpid()}"
    started = time.time()
    questions_all = load_questions()
    answerable = load_questions(answerable_only=True)
    if cfg.quick:
        answerable_q = answerable[:8]
        latency_q = questions_all[:6]
        llm_q = answerable[:2]
    else:
        answerable_q = answerable
        latency_q = questions_all
        llm_q = answerable[: cfg.llm_questions]
    llm_warmup = answerable[-1]["question"] if answerable[-1] not in llm_q else None
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_start": _load_average()},
        "config": {"sizes": cfg.sizes, "quick": cfg.quick, "seed": cfg.seed, "embedder": cfg.embedder,
                   "skip_llm": cfg.skip_llm},
        "note": "Absolute timings are noisy (shared CPU); compare the ratios, which are measured in the same run.",
    }

    # ---------------------------------------------------------------- corpora
    if cfg.quick:
        ingest_label = f"{cfg.quick_articles}a"
        ingest_corpus = cache / f"corpus-{ingest_label}-seed{cfg.seed}"
        ingest_manifest = build_corpus(ingest_corpus, articles=max(0, cfg.quick_articles - 5), seed=cfg.seed)
        size_corpora = [(ingest_label, ingest_corpus, ingest_manifest)]
    else:
        size_corpora = []
        for n in cfg.sizes:
            label = size_label(n)
            folder = cache / f"corpus-{label}-seed{cfg.seed}"
            log(f"corpus {label}: generating …")
            size_corpora.append((label, folder, build_corpus(folder, chunks=n, seed=cfg.seed)))
        n_ingest = cfg.ingest_size or min(min(cfg.sizes), 1000)
        ingest_label = size_label(n_ingest)
        ingest_corpus = cache / f"corpus-{ingest_label}-seed{cfg.seed}"
        ingest_manifest = build_corpus(ingest_corpus, chunks=n_ingest, seed=cfg.seed)

    # ---------------------------------------------------------------- ingest: ours vs LlamaIndex
    log(f"ingest: ours vs plain LlamaIndex on {ingest_manifest['articles']} articles "
        f"(~{ingest_manifest['chunks']} chunks) …")
    ours = run_worker("ingest_ours", {"corpus": str(ingest_corpus), "questions": answerable_q,
                                      "change_fraction": 0.01, "embedder": cfg.embedder}, scratch)
    log(f"  ours: {ours['articles_per_s']:.2f} articles/s, {ours['chunks_per_s']:.1f} chunks/s")
    li = run_worker("ingest_llamaindex", {"corpus": str(ingest_corpus), "questions": answerable_q,
                                          "embedder": cfg.embedder}, scratch)
    log(f"  LlamaIndex: {li['articles_per_s']:.2f} articles/s, {li['chunks_per_s']:.1f} chunks/s")
    report["ingest"] = {
        "corpus": {"label": ingest_label, **{k: ingest_manifest[k] for k in ("articles", "chunks", "bytes")}},
        "ours": ours, "llamaindex": li,
        "ratio_articles_per_s_wall": ours["articles_per_s"] / li["articles_per_s"],
        "ratio_articles_per_s_cpu": ours["articles_per_cpu_s"] / li["articles_per_cpu_s"],
        "ratio_peak_rss": ours["peak_rss_mb"] / li["peak_rss_mb"],
    }
    if not cfg.quick:  # the same pipeline with chunks the size of ours: a like-for-like cost per chunk
        li_small = run_worker("ingest_llamaindex", {"corpus": str(ingest_corpus), "questions": answerable_q,
                                                    "embedder": cfg.embedder, "chunk_size": 128,
                                                    "chunk_overlap": 24}, scratch)
        log(f"  LlamaIndex, 128-token chunks: {li_small['articles_per_s']:.2f} articles/s, "
            f"{li_small['chunks_per_s']:.1f} chunks/s")
        report["ingest"].update({
            "llamaindex_small_chunks": li_small,
            "ratio_small_articles_per_s_cpu": ours["articles_per_cpu_s"] / li_small["articles_per_cpu_s"],
            "ratio_small_chunks_per_s_cpu": ours["chunks_per_cpu_s"] / li_small["chunks_per_cpu_s"],
        })

    # ---------------------------------------------------------------- latency by size
    report["sizes"] = []
    for label, folder, manifest in size_corpora:
        log(f"size {label}: index ({manifest['chunks']} chunks, {manifest['articles']} articles) …")
        data_dir, build, reused = cached_index(cfg, label, folder, manifest)
        log(f"  {'cached' if reused else 'built'}; latency over {len(latency_q)} questions …")
        latency = run_worker("latency", {"data_dir": str(data_dir), "questions": latency_q,
                                         "repeats": cfg.latency_repeats, "embedder": cfg.embedder}, scratch)
        log(f"  retrieval p50 {latency['retrieve_default']['p50_ms']} ms, answer p50 {latency['answer_extractive']['p50_ms']} ms")
        report["sizes"].append({"label": label, "target_chunks": manifest["key"]["chunks"],
                                "articles": manifest["articles"], "chunks": latency["chunks"],
                                "build": build, "build_cached": reused, "latency": latency})

    # ---------------------------------------------------------------- seeds index: cold start, LLM
    if cfg.quick:  # the quick corpus holds the seeds: no second index to build
        seeds_index = Path(cache / f"index-{size_corpora[0][0]}-seed{cfg.seed}-{cfg.embedder}" / "index")
    else:
        seeds_corpus = ROOT / "seeds"
        seeds_manifest = {"key": {"seeds": sorted(p.name for p in seeds_corpus.iterdir() if p.is_file())}}
        seeds_index, _, _ = cached_index(cfg, "seeds", seeds_corpus, seeds_manifest)
    log(f"seeds index: latency over {len(latency_q)} questions …")
    report["seeds_latency"] = run_worker("latency", {"data_dir": str(seeds_index), "questions": latency_q,
                                                     "repeats": cfg.latency_repeats, "embedder": cfg.embedder},
                                         scratch)
    report.update(first_source(cfg, seeds_index, latency_q, answerable, scratch))
    rag = _rag_command()
    runs = 1 if cfg.quick else 3
    log("cold start …")
    cold = [time_command([*rag, "ask", questions_all[0]["question"], "--backend", "extractive",
                          "--data-dir", str(seeds_index)], first_line=True) for _ in range(runs)]
    helps = [time_command([*rag, "--help"]) for _ in range(2 if cfg.quick else 5)]
    report["cold_start"] = {"first_answer_s": [round(x, 3) for x in cold], "first_answer_median_s": statistics.median(cold),
                            "help_s": [round(x, 3) for x in helps], "help_median_s": statistics.median(helps)}
    if cfg.skip_llm:
        report["llm"] = {"skipped": "--skip-llm"}
    else:
        log(f"local LLM on {len(llm_q)} seeds questions …")
        crowd = [q["question"] for q in answerable[len(llm_q):len(llm_q) + 8] if q["question"] != llm_warmup]
        report["llm"] = run_worker("llm", {"data_dir": str(seeds_index), "questions": llm_q,
                                           "concurrent_questions": crowd, "users": 4,
                                           "warmup_question": llm_warmup,
                                           "local_model": cfg.local_model, "embedder": cfg.embedder}, scratch)
    if report["llm"].get("skipped"):
        log(f"  local LLM skipped: {report['llm']['skipped']}")

    report["machine"]["load_average_end"] = _load_average()
    report["seconds"] = round(time.time() - started, 1)
    report["verdicts"] = verdicts(report)
    shutil.rmtree(scratch, ignore_errors=True)
    return report


def first_source(cfg: BenchConfig, seeds_index: Path, questions: list[dict], answerable: list[dict],
                 scratch: Path) -> dict[str, dict]:
    """Time from Ask to the first source on the seeds index: at the engine over ``questions``, and in Chromium
    over (up to) 10 answerable ones (3 with ``quick``, and a shorter model delay), each with a slow fake model."""
    log = cfg.log
    delay = min(cfg.model_delay_s, 0.5) if cfg.quick else cfg.model_delay_s
    common = {"data_dir": str(seeds_index), "embedder": cfg.embedder, "model_delay_s": delay,
              "warmup_question": answerable[-1]["question"]}
    log(f"first source, engine: {len(questions)} questions, model delay {delay:g} s …")
    engine = run_worker("first_source", {**common, "questions": questions}, scratch)
    log(f"  sources event p50 {engine['sources']['p50_ms']} ms, p95 {engine['sources']['p95_ms']} ms")
    browser_q = answerable[: 3 if cfg.quick else 10]
    log(f"first source, web app in Chromium: {len(browser_q)} questions …")
    browser = run_worker("first_source_browser", {**common, "questions": browser_q}, scratch, timeout=600)
    if browser.get("skipped"):
        log(f"  skipped: {browser['skipped']}")
    else:
        log(f"  first source card p50 {browser['first_source']['p50_ms']} ms, p95 {browser['first_source']['p95_ms']} ms")
    return {"first_source": engine, "first_source_browser": browser}


# ---------------------------------------------------------------------------------------------- targets
def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def verdicts(report: dict) -> dict[str, dict[str, Any]]:
    """PASS/FAIL/n/a per target, with the figure it was judged on."""
    out: dict[str, dict[str, Any]] = {}
    ing = report["ingest"]
    share = ing["ours"]["embedder_alone"]["ratio_ingest_cpu"]  # = ingest's tokens/CPU-s over the embedder's alone
    out["ingest_vs_embedder"] = {"value": share, "verdict": _verdict(share >= 0.9)}
    if "ratio_small_chunks_per_s_cpu" in ing:  # LlamaIndex's default 1024-token chunks embed less text per article
        equal = ing["ratio_small_chunks_per_s_cpu"]
        out["ingest_vs_llamaindex"] = {"value": equal, "verdict": _verdict(equal >= 1.0)}
    else:
        out["ingest_vs_llamaindex"] = {"value": None, "verdict": "n/a", "why": "--quick runs no equal-chunk LlamaIndex"}
    unchanged = ing["ours"]["unchanged"]
    out["unchanged_reingest"] = {"value": unchanged["speedup_cpu"], "verdict": _verdict(unchanged["speedup_cpu"] >= 50)}
    ch = ing["ours"]["changed"]
    only_changed = ch["chunks_embedded"] <= max(ch["chunks_of_changed_articles_before"] * 1.2,
                                                ch["chunks_of_changed_articles_before"] + 5)
    near_fraction = ch["embedded_fraction"] <= 2.5 * ch["article_fraction"]
    out["changed_1pct"] = {"value": ch["embedded_fraction"], "verdict": _verdict(only_changed and near_fraction)}
    seeds_p50 = report["seeds_latency"]["retrieve_default"]["p50_ms"]
    out["retrieval_seeds_p50"] = {"value": seeds_p50, "verdict": _verdict(seeds_p50 <= 50)}
    out.update(first_source_verdicts(report))
    # what users get (the settings' defaults) at the sizes of 10k chunks and more: the slower one is judged
    defaults = [s["latency"]["retrieve_default"] for s in report["sizes"] if s["chunks"] >= 9_000]
    if defaults:
        p50, p95 = max(d["p50_ms"] for d in defaults), max(d["p95_ms"] for d in defaults)
        out["retrieval_p50"] = {"value": p50, "verdict": _verdict(p50 <= 50)}
        out["retrieval_p95"] = {"value": p95, "verdict": _verdict(p95 <= 100)}
    else:
        for name in ("retrieval_p50", "retrieval_p95"):
            out[name] = {"value": None, "verdict": "n/a", "why": "no size of 10k chunks or more in this run"}
    big = [s for s in report["sizes"] if s["chunks"] >= 90_000]
    if big:
        p50 = big[-1]["latency"]["answer_extractive"]["p50_ms"]
        out["answer_p50"] = {"value": p50, "verdict": _verdict(p50 <= 200)}
    else:
        out["answer_p50"] = {"value": None, "verdict": "n/a", "why": "no 100k-chunk size in this run"}
    llm = report["llm"]
    if llm.get("skipped") or llm.get("ttft_median_s") is None:
        out["llm_ttft"] = {"value": None, "verdict": "n/a", "why": llm.get("skipped", "no tokens streamed")}
    else:
        out["llm_ttft"] = {"value": llm["ttft_median_s"], "verdict": _verdict(llm["ttft_median_s"] <= 5)}
    if llm.get("skipped") or llm.get("answer_p50_s") is None:
        for name in ("llm_answer", "llm_concurrent"):
            out[name] = {"value": None, "verdict": "n/a", "why": llm.get("skipped", "no answers timed")}
    else:
        p50, p95 = llm["answer_p50_s"], llm["answer_p95_s"]
        out["llm_answer"] = {"value": [p50, p95], "verdict": _verdict(p50 <= 4 and p95 <= 7)}
        ratio = llm["concurrent"]["ratio_p50"]
        out["llm_concurrent"] = ({"value": ratio, "verdict": _verdict(ratio <= 2)} if ratio is not None else
                                 {"value": None, "verdict": "n/a", "why": "fewer questions than users"})
    cs = report["cold_start"]
    out["cold_start"] = {"value": cs["first_answer_median_s"], "verdict": _verdict(cs["first_answer_median_s"] <= 15)}
    out["help"] = {"value": cs["help_median_s"], "verdict": _verdict(cs["help_median_s"] <= 1.0)}
    return out


def first_source_verdicts(report: dict) -> dict[str, dict[str, Any]]:
    """Time to first source, engine and web app: p95 ≤ 1 s each (n/a when the browser run was skipped)."""
    engine_p95 = report["first_source"]["sources"]["p95_ms"]
    out = {"first_source_engine": {"value": engine_p95, "verdict": _verdict(engine_p95 <= 1000)}}
    browser = report["first_source_browser"]
    if browser.get("skipped"):
        out["first_source_browser"] = {"value": None, "verdict": "n/a", "why": browser["skipped"]}
    else:
        p95 = browser["first_source"]["p95_ms"]
        out["first_source_browser"] = {"value": p95, "verdict": _verdict(p95 <= 1000)}
    return out


# ---------------------------------------------------------------------------------------------- rendering
def _f(x: Any, nd: int = 1, unit: str = "") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{nd}f}{unit}"
    return f"{x:,}{unit}"


def _mb(n: int | None) -> str:
    return "–" if n is None else f"{n / 2**20:,.1f} MB"


def _latency_cells(lat: dict) -> str:
    """The latency, open-time, memory and disk cells of one row of the query latency table."""
    return (f"{_f(lat['retrieve']['p50_ms'])} / {_f(lat['retrieve']['p95_ms'])} | "
            f"{_f(lat['retrieve_default']['p50_ms'])} / {_f(lat['retrieve_default']['p95_ms'])} "
            f"({_f(100 * lat['default_reranked_fraction'], 0)}% of questions) | "
            f"{_f(lat['retrieve_rerank']['p50_ms'])} / {_f(lat['retrieve_rerank']['p95_ms'])} | "
            f"{_f(lat['answer_extractive']['p50_ms'])} / {_f(lat['answer_extractive']['p95_ms'])} | "
            f"{_f(lat['open_s'], 2)} | {_f(lat['rss_open_mb'], 0, ' MB')} | {_mb(lat['disk_bytes'])}")


def _late_interaction_lines(report: dict) -> list[str]:
    """Both rerankers side by side per size: always reranked and default cascade, p50 / p95 ms, and ratios."""
    rows = [(s["label"], s["latency"]) for s in report["sizes"] if s["latency"].get("late_interaction")]
    if not rows:
        return []
    lines = ["", "## Rerankers side by side (ms; the same index and questions)", "",
             "| size | cross-encoder always p50 / p95 | late interaction always p50 / p95 | ratio p50 | "
             "default cascade: cross-encoder / late interaction p50 | MaxSim stage p50 | token vectors per 1k chunks | "
             "their CPU s per 1k chunks |", "|---|---|---|---|---|---|---|---|"]
    for label, lat in rows:
        li, ce = lat["late_interaction"], lat["retrieve_rerank"]
        ratio = ce["p50_ms"] / li["retrieve_rerank"]["p50_ms"] if li["retrieve_rerank"]["p50_ms"] else None
        lines.append(f"| {label} | {_f(ce['p50_ms'])} / {_f(ce['p95_ms'])} | {_f(li['retrieve_rerank']['p50_ms'])} / "
                     f"{_f(li['retrieve_rerank']['p95_ms'])} | {_f(ratio, 1, '×')} | "
                     f"{_f(lat['retrieve_default']['p50_ms'])} / {_f(li['retrieve_default']['p50_ms'])} | "
                     f"{_f(li['late_interaction']['p50_ms'])} | {_mb(li['vectors_bytes_per_1k_chunks'])} | "
                     f"{_f(li['vectors_cpu_s_per_1k_chunks'], 1)} |")
    return lines


def _first_source_lines(report: dict) -> list[str]:
    """Time from Ask to the first source, engine and web app, with the model's time beside it."""
    engine, browser = report["first_source"], report["first_source_browser"]
    delay = engine["model_delay_s"]
    lines = ["", f"## Time from Ask to the first source (seeds index; fake model answering after {delay:g} s)", "",
             "| where | questions | p50 / p95 ms | max ms | first question (cold) | first token p50 ms |",
             "|---|---|---|---|---|---|",
             f"| engine: `Engine.stream` → sources event | {engine['sources']['n']} | "
             f"{_f(engine['sources']['p50_ms'])} / {_f(engine['sources']['p95_ms'])} | {_f(engine['sources']['max_ms'])} | "
             f"{_f(engine['cold']['sources_s'], 2, ' s')} | {_f(engine['first_token']['p50_ms'])} |"]
    if browser.get("skipped"):
        lines.append(f"| web app (Chromium): click on Ask → first source card | skipped: {browser['skipped']} | | | | |")
    else:
        fs = browser["first_source"]
        lines.append(f"| web app (Chromium): click on Ask → first source card | {fs['n']} | {_f(fs['p50_ms'])} / "
                     f"{_f(fs['p95_ms'])} | {_f(fs['max_ms'])} | {_f(browser['cold_s'], 2, ' s')} | – |")
    return lines


def _embedder_share(share: float, alone: dict) -> str:
    if not alone["tokens"]:
        return f"{_f(share, 2)}× (CPU seconds of the embedder alone / of ingest)"
    return (f"{_f(share, 2)}×: {_f(alone['ingest_tokens_per_cpu_s'], 0)} against {_f(alone['tokens_per_cpu_s'], 0)} "
            f"tokens/CPU-s ({alone['tokens']:,} tokens)")


def render_markdown(report: dict) -> str:
    """The report as markdown tables (also readable as plain text in a terminal)."""
    v = report["verdicts"]
    ing = report["ingest"]
    ours, li = ing["ours"], ing["llamaindex"]
    load = report["machine"]
    lines = [
        f"# rag bench — {report['started']}",
        "",
        f"{load['cpus']} CPUs, load average {load.get('load_average_start')} → {load.get('load_average_end')}. "
        "Absolute timings are noisy (shared CPU); ratios are measured in the same run. "
        "Throughput verdicts use CPU seconds; wall-clock figures are shown beside them.",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    shown = {
        "ingest_vs_embedder": _embedder_share(v["ingest_vs_embedder"]["value"], ours["embedder_alone"]),
        "ingest_vs_llamaindex": (f"{_f(v['ingest_vs_llamaindex']['value'], 2)}× (default splitter: "
                                 f"{_f(ing['ratio_articles_per_s_cpu'], 2)}× articles/CPU-s)"
                                 if v["ingest_vs_llamaindex"]["value"] is not None
                                 else f"n/a: {v['ingest_vs_llamaindex']['why']}"),
        "unchanged_reingest": f"{_f(v['unchanged_reingest']['value'], 0)}× (wall {_f(ours['unchanged']['speedup_wall'], 0)}×)",
        "changed_1pct": (f"{_f(100 * ours['changed']['embedded_fraction'], 2)}% of chunks embedded "
                         f"({ours['changed']['articles_changed']}/{ours['changed']['articles_total']} articles changed)"),
        "retrieval_seeds_p50": _f(v["retrieval_seeds_p50"]["value"], 1, " ms"),
        "first_source_engine": _f(v["first_source_engine"]["value"], 1, " ms"),
        "first_source_browser": (_f(v["first_source_browser"]["value"], 1, " ms")
                                 if v["first_source_browser"]["value"] is not None
                                 else f"skipped: {v['first_source_browser']['why']}"),
        "retrieval_p50": _f(v["retrieval_p50"]["value"], 1, " ms"),
        "retrieval_p95": _f(v["retrieval_p95"]["value"], 1, " ms"),
        "answer_p50": _f(v["answer_p50"]["value"], 1, " ms"),
        "llm_ttft": _f(v["llm_ttft"]["value"], 2, " s") if v["llm_ttft"]["value"] is not None else v["llm_ttft"].get("why", "–"),
        "llm_answer": (f"{_f(v['llm_answer']['value'][0], 2)} / {_f(v['llm_answer']['value'][1], 2)} s"
                       if v["llm_answer"]["value"] is not None else v["llm_answer"].get("why", "–")),
        "llm_concurrent": (f"{_f(v['llm_concurrent']['value'], 2)}× ({_f(report['llm']['concurrent']['p50_s'], 2)} s "
                           f"against {_f(report['llm']['concurrent']['single_p50_s'], 2)} s)"
                           if v["llm_concurrent"]["value"] is not None else v["llm_concurrent"].get("why", "–")),
        "cold_start": _f(v["cold_start"]["value"], 2, " s"),
        "help": _f(v["help"]["value"], 2, " s"),
    }
    for name, text in TARGETS.items():
        lines.append(f"| {text} | {shown[name]} | **{v[name]['verdict']}** |")
    lines += [
        "",
        f"## Ingest: {ing['corpus']['articles']} articles (seeds + synthetic), ours vs plain LlamaIndex",
        "",
        "| pipeline | chunks | wall s | articles/s | chunks/s | articles/CPU-s | chunks/CPU-s | peak RSS | hit@5 (seeds) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [("ours (`Engine.ingest`)", ours), ("plain LlamaIndex: `VectorStoreIndex` + Chroma, default splitter", li)]
    if ing.get("llamaindex_small_chunks"):
        rows.append(("LlamaIndex, `SentenceSplitter(128, 24)` (chunks like ours)", ing["llamaindex_small_chunks"]))
    for name, r in rows:
        q = r.get("quality", {})
        lines.append(f"| {name} | {r['chunks']:,} | {_f(r['wall_s'], 1)} | {_f(r['articles_per_s'], 2)} | "
                     f"{_f(r['chunks_per_s'], 1)} | {_f(r['articles_per_cpu_s'], 2)} | {_f(r['chunks_per_cpu_s'], 1)} | "
                     f"{_f(r['peak_rss_mb'], 0, ' MB')} | {_f(q.get('hit_at_5'), 3)} ({q.get('questions', 0)} q) |")
    lines.append(f"| **ratio ours / plain LlamaIndex** | | | **{_f(ing['ratio_articles_per_s_wall'], 2)}×** | | "
                 f"**{_f(ing['ratio_articles_per_s_cpu'], 2)}×** | | {_f(ing['ratio_peak_rss'], 2)}× | |")
    if ing.get("llamaindex_small_chunks"):
        lines.append(f"| ratio ours / LlamaIndex with chunks like ours | | | | | "
                     f"{_f(ing['ratio_small_articles_per_s_cpu'], 2)}× | {_f(ing['ratio_small_chunks_per_s_cpu'], 2)}× | | |")
    un, ch = ours["unchanged"], ours["changed"]
    lines += [
        "",
        "| re-ingest (ours) | wall s | CPU s | chunks embedded | vs first ingest |",
        "|---|---|---|---|---|",
        f"| first ingest | {_f(ours['wall_s'], 2)} | {_f(ours['cpu_s'], 2)} | {ours['chunks']:,} | 1× |",
        f"| unchanged | {_f(un['wall_s'], 3)} | {_f(un['cpu_s'], 3)} | {un['chunks_embedded']} | "
        f"{_f(un['speedup_wall'], 0)}× faster (CPU {_f(un['speedup_cpu'], 0)}×) |",
        f"| {ch['articles_changed']} of {ch['articles_total']} articles changed | {_f(ch['wall_s'], 3)} | "
        f"{_f(ch['cpu_s'], 3)} | {ch['chunks_embedded']} of {ch['chunks_total']:,} "
        f"({_f(100 * ch['embedded_fraction'], 2)}%) | changed articles held {ch['chunks_of_changed_articles_before']} chunks |",
        "",
        "## Query latency by index size (ms; extractive backend, no language model)",
        "",
        "| size | chunks | articles | first stage p50 / p95 | default retrieval p50 / p95 (fully reranked) | "
        "always reranked p50 / p95 | extractive answer p50 / p95 | "
        "open s | RSS after open | index on disk | build chunks/s | build peak RSS | unchanged re-ingest |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in report["sizes"]:
        b = s["build"]
        lines.append(
            f"| {s['label']} | {s['chunks']:,} | {s['articles']:,} | {_latency_cells(s['latency'])} | "
            f"{_f(b['chunks_per_s'], 1)}{' (cached)' if s['build_cached'] else ''} | {_f(b['peak_rss_mb'], 0, ' MB')} | "
            f"{_f(b['unchanged_wall_s'], 2, ' s')} ({_f(b['unchanged_speedup_wall'], 0)}×) |")
    if seeds := report.get("seeds_latency"):
        lines.append(f"| seeds index | {seeds['chunks']:,} | {seeds['articles']:,} | {_latency_cells(seeds)} | – | – | – |")
    if report["sizes"]:
        lines += ["", "Retrieval stages, p50 ms: " + "; ".join(
            f"{s['label']}: " + ", ".join(f"{k.split('.', 1)[1]} {val}" for k, val in s["latency"]["stages_p50_ms"].items()
                                          if k.startswith("retrieve.") or k == "retrieve_rerank.rerank")
            for s in report["sizes"])]
    lines += _late_interaction_lines(report)
    lines += _first_source_lines(report)
    llm = report["llm"]
    lines += ["", "## Local LLM (seeds questions)", ""]
    if llm.get("skipped"):
        lines.append(f"Skipped: {llm['skipped']}")
    else:
        fell = f" ({llm['fell_back']} fell back to extractive)" if llm.get("fell_back") else ""
        lines += [
            "| model | TTFT median | TTFT p95 | tokens/s median | first answer incl. model start | fact recall | answered |",
            "|---|---|---|---|---|---|---|",
            f"| {llm['model']} | {_f(llm['ttft_median_s'], 2, ' s')} | {_f(llm['ttft_p95_s'], 2, ' s')} | "
            f"{_f(llm['tokens_per_s_median'], 1)} | {_f(llm['cold_first_answer_s'], 1, ' s')} | "
            f"{_f(llm['fact_recall'], 3)} | {llm['answered']}/{llm['answerable']}{fell} |",
        ]
    cs = report["cold_start"]
    lines += [
        "",
        "## Cold start",
        "",
        f"`rag ask … --backend extractive` (seeds index), process start to first answer line: median "
        f"{_f(cs['first_answer_median_s'], 2)} s (runs: {', '.join(_f(x, 2) for x in cs['first_answer_s'])}); "
        f"`rag --help`: median {_f(cs['help_median_s'], 2)} s.",
        "",
        f"Total bench time {report['seconds']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def write_report(report: dict, out: Path) -> tuple[Path, Path]:
    """Write ``bench-<time>.json`` / ``.md`` plus ``latest.json`` / ``latest.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = report["started"].replace(":", "").replace("-", "")
    md = render_markdown(report)
    data = json.dumps(report, indent=1, default=str)
    for name in (f"bench-{stamp}", "latest"):
        (out / f"{name}.json").write_text(data)
        (out / f"{name}.md").write_text(md)
    return out / f"bench-{stamp}.json", out / f"bench-{stamp}.md"
