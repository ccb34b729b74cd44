"""Smoke test of ``rag bench``: the whole machinery on a tiny corpus (``--quick``), checking the figures exist and are
sane. The real benchmark (1k, 10k, 100k chunks) is ``make bench``; it is never run by the test suite."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> tuple[dict, str, Path]:
    out = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    done = subprocess.run([sys.executable, "-m", "rag.cli", "bench", "--quick", "--articles", "10", "--skip-llm",
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((out / "latest.json").read_text()), done.stdout, out


def test_ingest_figures_and_ratios(bench):
    report, _, _ = bench
    ingest = report["ingest"]
    ours, li = ingest["ours"], ingest["llamaindex"]
    assert ingest["corpus"]["articles"] == 10 == ours["articles"] == li["articles"]
    for run in (ours, li):
        assert run["chunks"] > 0 and run["wall_s"] > 0 and run["cpu_s"] > 0
        assert run["articles_per_s"] > 0 and run["chunks_per_s"] > 0 and run["peak_rss_mb"] > 50
        assert 0.0 <= run["quality"]["hit_at_5"] <= 1.0 and run["quality"]["questions"] > 0
    assert ingest["ratio_articles_per_s_wall"] > 0 and ingest["ratio_articles_per_s_cpu"] > 0
    assert ours["chunks"] > li["chunks"]  # sentence chunks vs LlamaIndex's 1024-token default
    alone = ours["embedder_alone"]  # the ceiling: the same embedder on the same texts, nothing around it
    assert alone["texts"] == ours["chunks"] and alone["tokens"] > 10 * alone["texts"]
    assert alone["tokens_per_cpu_s"] == pytest.approx(alone["tokens"] / alone["cpu_s"], rel=0.01)
    assert alone["ingest_tokens_per_cpu_s"] == pytest.approx(alone["tokens"] / ours["cpu_s"], rel=0.01)
    share = bench[0]["verdicts"]["ingest_vs_embedder"]["value"]
    assert share == pytest.approx(alone["ingest_tokens_per_cpu_s"] / alone["tokens_per_cpu_s"])
    assert bench[0]["verdicts"]["ingest_vs_llamaindex"]["verdict"] == "n/a"  # no equal-chunk run in --quick


def test_reingest_figures(bench):
    ours = bench[0]["ingest"]["ours"]
    unchanged, changed = ours["unchanged"], ours["changed"]
    assert unchanged["unchanged"] == ours["articles"] and unchanged["chunks_embedded"] == 0
    assert unchanged["speedup_wall"] > 1 and unchanged["speedup_cpu"] > 1
    assert changed["articles_changed"] == 1 == changed["updated"]
    assert 0 < changed["chunks_embedded"] < changed["chunks_total"]
    assert 0 < changed["embedded_fraction"] < 0.5


def test_latency_cold_start_and_verdicts(bench):
    report, stdout, out = bench
    (size,) = report["sizes"]
    lat = size["latency"]
    for mode in ("retrieve", "retrieve_rerank", "answer_extractive"):
        assert lat[mode]["n"] > 0 and 0 < lat[mode]["p50_ms"] <= lat[mode]["p95_ms"]
    assert lat["rss_open_mb"] > 0 and lat["disk_bytes"] > 0 and size["build"]["chunks"] == size["chunks"]
    cold = report["cold_start"]
    assert cold["first_answer_median_s"] > 0 and cold["help_median_s"] > 0
    assert report["llm"] == {"skipped": "--skip-llm"}
    verdicts = report["verdicts"]
    assert set(verdicts) == {"ingest_vs_embedder", "ingest_vs_llamaindex", "unchanged_reingest", "changed_1pct", "retrieval_seeds_p50",
                             "first_source_engine", "first_source_browser",
                             "retrieval_p50", "retrieval_p95", "answer_p50", "llm_ttft", "llm_answer",
                             "llm_concurrent", "cold_start", "help"}
    seeds = report["seeds_latency"]  # the quick corpus holds the seeds: its index is the seeds index
    assert seeds["chunks"] == size["chunks"] and seeds["retrieve_default"]["n"] > 0
    assert verdicts["retrieval_seeds_p50"]["value"] == seeds["retrieve_default"]["p50_ms"]
    assert "| seeds index |" in stdout
    assert all(v["verdict"] in ("PASS", "FAIL", "n/a") for v in verdicts.values())
    assert verdicts["retrieval_p50"]["verdict"] == "n/a"  # judged at 10k chunks and more only
    assert "| target | measured | verdict |" in stdout and (out / "latest.md").read_text() in stdout


def test_time_to_first_source(bench):
    """The sources event comes before the slow model's first token, on every question of the quick run."""
    report, stdout, _ = bench
    engine = report["first_source"]
    rows = engine["questions"]
    assert len(rows) == engine["sources"]["n"] == report["seeds_latency"]["retrieve_default"]["n"]
    assert engine["model_calls"] > 0  # the answers really went to the slow model
    for row in rows:
        assert 0 < row["sources_s"] < row["answer_s"]
        if row["first_token_s"] is not None:  # the model's delay comes after the sources, never before
            assert row["sources_s"] < engine["model_delay_s"] <= row["first_token_s"]
    verdicts = report["verdicts"]
    assert verdicts["first_source_engine"]["value"] == engine["sources"]["p95_ms"]
    browser = report["first_source_browser"]
    if Path("/usr/bin/chromium").exists():
        assert not browser.get("skipped"), browser
        assert len(browser["seconds"]) == browser["first_source"]["n"] == 3 and min(browser["seconds"]) > 0
        assert verdicts["first_source_browser"]["value"] == browser["first_source"]["p95_ms"]
        assert verdicts["first_source_browser"]["verdict"] in ("PASS", "FAIL")
    else:
        assert browser["skipped"] and verdicts["first_source_browser"]["verdict"] == "n/a"
    assert "## Time from Ask to the first source" in stdout and "click on Ask → first source card" in stdout


def test_lexical_scores_match_bm25s():
    """The vectorised BM25 build in rag.index.lexical gives bm25s's own scores (Lucene variant, k1 1.2, b 0.75)."""
    import bm25s
    import numpy as np

    from rag.index.lexical import LexicalIndex
    from rag.text import lexical_terms

    from benchmarks import synthetic

    docs = [text for _, text in synthetic.generate(30)]
    index = LexicalIndex(Path("/nonexistent"))
    index.update([(f"c{i:03d}", t, 0, f"d{i}") for i, t in enumerate(docs)], [], "fp")
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([lexical_terms(t) for t in docs], show_progress=False)
    for query in ("rice exports to the Philippines", "Hà Nội football match", "storm in the central provinces"):
        terms = [t for t in dict.fromkeys(lexical_terms(query)) if t in reference.vocab_dict]
        expected = reference.get_scores(terms)
        got = dict(index.search(query, len(docs)))
        for i, score in enumerate(expected):
            assert got.get(f"c{i:03d}", 0.0) == pytest.approx(float(score), rel=1e-5, abs=1e-6)
        assert np.count_nonzero(expected) == len(got)


def test_concurrent_answers_start_each_group_together_and_time_every_answer():
    """The four-users measurement: each group of questions is asked at once, every answer timed from its start."""
    import threading
    import time as clock
    from types import SimpleNamespace

    from benchmarks.worker import concurrent_answers

    running, peak, lock = 0, 0, threading.Lock()

    def ask(question):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        clock.sleep(0.05)
        with lock:
            running -= 1
        return SimpleNamespace(backend="extractive" if question == "q3" else "local")

    got = concurrent_answers(ask, [f"q{i}" for i in range(9)], users=4)
    assert peak == 4  # a group really is in flight at once
    assert got["users"] == 4 and got["answers"] == 8  # two full groups; the ninth question makes no group
    assert got["fell_back"] == 1 and 0 < got["p50_s"] <= got["max_s"]
