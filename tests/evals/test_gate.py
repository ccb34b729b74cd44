"""CI quality gate: the seeds eval (and the topical questions) with the extractive backend over a fresh index of
seeds/ must stay at or above the floors in evals/floors.json (at or below them for false_refusal_rate), with no failed
or skipped question."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from evals import run_eval
from evals.floors import GATE_K, GATE_SETTINGS, load_floors

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dataset, section, questions", [("seeds.jsonl", "floors", 73),
                                                         ("topical.jsonl", "topical_floors", 18)])
def test_eval_meets_the_floors(tmp_path, monkeypatch, dataset, section, questions):
    from rag import Settings

    # shipped defaults only: no rag.toml and no RAG_* variables of the developer's shell
    monkeypatch.setenv("RAG_CONFIG", str(tmp_path / "no-such-rag.toml"))
    for name in [n for n in os.environ if n.startswith("RAG_") and n != "RAG_CONFIG"]:
        monkeypatch.delenv(name)
    settings = Settings.load(data_dir=tmp_path / "unused", **GATE_SETTINGS)
    floors = load_floors(section=section)
    assert floors, f"evals/floors.json holds no {section}"
    report = run_eval(ROOT / "evals" / "datasets" / dataset, settings=settings, corpus=[ROOT / "seeds"],
                      k=GATE_K, fail_under=floors, progress=False, write=False, log=lambda m: None)
    counts = report["counts"]
    failed = [f"{r['id']}: {r['error']}" for r in report["questions"] if r["status"] != "ok"]
    assert counts["failed"] == 0 and counts["skipped"] == 0, failed
    assert counts["ok"] == questions
    measured = {name: report["aggregates"][name]["value"] for name in floors}
    assert report["gate"]["passed"], f"{report['gate']['failures']}; measured: {measured}"
