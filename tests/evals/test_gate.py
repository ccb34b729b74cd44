"""CI quality gate: the seeds eval and the topical questions over a fresh index of seeds/, and the test halves of the
held-out sets (lee_abc, newspaper4k, vi_news over their own corpora; vi over the seeds), with the extractive
backend, must stay at or above the floors in evals/floors.json (at or below the ceilings of confident_error and
false_refusal_rate), with no failed or skipped question. Nothing is tuned on a test half: its floors only catch
regressions."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from evals import run_eval
from evals.floors import GATE_K, GATE_SETTINGS, load_floors

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dataset, section, questions", [("seeds.jsonl", "floors", 73),
                                                         ("topical.jsonl", "topical_floors", 18),
                                                         ("lee_abc:test", "lee_abc_test_floors", 41),
                                                         ("newspaper4k:test", "newspaper4k_test_floors", 41),
                                                         ("vi:test", "vi_test_floors", 45),
                                                         ("vi_news:test", "vi_news_test_floors", 38)])
def test_eval_meets_the_floors(tmp_path, monkeypatch, dataset, section, questions):
    from rag import Settings

    # shipped defaults only: no rag.toml and no RAG_* variables of the developer's shell
    monkeypatch.setenv("RAG_CONFIG", str(tmp_path / "no-such-rag.toml"))
    for name in [n for n in os.environ if n.startswith("RAG_") and n != "RAG_CONFIG"]:
        monkeypatch.delenv(name)
    settings = Settings.load(data_dir=tmp_path / "unused", **GATE_SETTINGS)
    floors = load_floors(section=section)
    assert floors, f"evals/floors.json holds no {section}"
    if ":" in dataset:  # NAME:HALF, over its own corpus in a fresh temporary index
        where: dict = {}
    else:
        dataset, where = ROOT / "evals" / "datasets" / dataset, {"corpus": [ROOT / "seeds"]}
    report = run_eval(dataset, settings=settings, k=GATE_K, fail_under=floors, progress=False, write=False,
                      log=lambda m: None, **where)
    counts = report["counts"]
    failed = [f"{r['id']}: {r['error']}" for r in report["questions"] if r["status"] != "ok"]
    assert counts["failed"] == 0 and counts["skipped"] == 0, failed
    assert counts["ok"] == questions
    measured = {name: report["aggregates"][name]["value"] for name in floors}
    assert report["gate"]["passed"], f"{report['gate']['failures']}; measured: {measured}"
