"""The eval harness end to end on a tiny corpus of two articles written here (one shared index per module)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evals import compare, run_eval
from evals.compare import render_comparison
from rag import InputError

ALPHA = """date 2025-03-14 HÀ NỘI — The Đà Nẵng Tech Expo opened on Friday with 1,250 exhibitors from 31 countries, \
organisers said.

The expo's director, Nguyễn Thị Lan, said this year's event would focus on semiconductor design and green energy.

A new pavilion for start-ups hosted 80 young companies, twice as many as last year.
"""
BETA = """date 2025-04-02 CẦN THƠ — The Mekong Delta rice harvest reached 12 million tonnes this spring, the Ministry \
of Agriculture reported on Wednesday.

Farmers in Cần Thơ switched to a drought-resistant rice variety called OM5451 after last year's saltwater intrusion.

Rice exports to the Philippines rose by 15 percent compared with the same period last year.
"""
ROWS = [
    {"id": "t1", "question": "How many exhibitors took part in the Da Nang Tech Expo?",
     "answer": "The expo had 1,250 exhibitors from 31 countries.", "facts": [["1,250", "1250"]],
     "sources": ["alpha.txt"], "answerable": True, "kind": "factoid"},
    {"id": "t2", "question": "Who is the director of the Da Nang Tech Expo?", "answer": "Nguyễn Thị Lan.",
     "facts": [["Nguyen Thi Lan"]], "sources": ["alpha.txt"], "answerable": True, "kind": "factoid"},
    {"id": "t3", "question": "How big was the Mekong Delta rice harvest this spring?",
     "answer": "It reached 12 million tonnes.", "facts": [["12 million tonnes"]], "sources": ["beta.txt"],
     "answerable": True, "kind": "factoid"},
    {"id": "t4", "question": "Which variety did they switch to?", "answer": "A drought-resistant variety, OM5451.",
     "facts": [["OM5451"]], "sources": ["beta.txt"], "answerable": True, "kind": "followup",
     "history": [{"role": "user", "content": "How big was the Mekong Delta rice harvest?"},
                 {"role": "assistant", "content": "It reached 12 million tonnes."}]},
    {"id": "t5", "question": "Who won the <b>football</b> World Cup in 1998?", "answer": "The articles don't say.",
     "facts": [], "sources": [], "answerable": False, "kind": "unanswerable"},
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(corpus dir, dataset path, engine over the corpus): the module's one shared index."""
    from rag import Engine, Settings

    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "articles"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    (corpus / "beta.txt").write_text(BETA, encoding="utf-8")
    dataset = root / "tiny.jsonl"
    dataset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    engine = Engine(Settings.load(data_dir=root / "index", backend="extractive"))
    report = engine.ingest([corpus])
    assert not report.failed and len(report.added) == 2
    return corpus, dataset, engine


@pytest.fixture(scope="module")
def ours(tiny):
    _, dataset, engine = tiny
    return run_eval(dataset, engine=engine, progress=False, write=False, log=lambda m: None)


def test_cli_with_corpus_writes_reports_and_plots(tiny, tmp_path, capsys):
    from rag.cli import main

    corpus, dataset, _ = tiny
    out = tmp_path / "report"
    code = main(["eval", "--dataset", str(dataset), "--corpus", str(corpus), "--backend", "extractive",
                 "--out", str(out), "--quiet", "--k", "1,2,5", "--fail-under", "hit@5=0.5"])
    assert code == 0, capsys.readouterr()
    for name in ("report.json", "report.md", "report.html", "ranking_at_k.png", "latency.png"):
        assert (out / name).stat().st_size > 200, name
    report = json.loads((out / "report.json").read_text())
    run = report["run"]
    assert run["corpus"]["temporary"] and run["corpus"]["articles"] == 2 and run["corpus"]["dirs"] == [str(corpus)]
    assert re.fullmatch(r"[0-9a-f]{40}", run["git_commit"] or "")
    assert run["prompt_hash"] and run["dataset"]["hash"] and run["corpus"]["hash"] and run["pipeline"] == "ours"
    assert run["settings"]["backend"] == "extractive" and run["settings"]["llm_api_key"] is None
    assert run["k"] == [1, 2, 5] and "mrr@5" in report["aggregates"] and report["gate"]["passed"]
    assert report["counts"] == {"ok": 5, "failed": 0, "skipped": 0}
    assert not Path(run["corpus"]["data_dir"]).exists()  # the temporary index is removed
    html = (out / "report.html").read_text()
    assert "<b>football</b>" not in html and "&lt;b&gt;football&lt;/b&gt;" in html
    assert "data:image/png;base64," in html  # self-contained
    md = (out / "report.md").read_text()
    assert "## By kind" in md and "| t4 | followup |" in md and "ranking_at_k.png" in md
    assert md.index("## Confident errors") < md.index("## Metrics")  # the error users feel comes first


def test_metrics_and_rows(ours):
    agg = ours["aggregates"]
    expected = ["hit@1", "hit@3", "hit@5", "hit@10", "recall@5", "mrr@10", "ndcg@5", "ndcg@10", "fact_recall",
                "token_f1", "answer_similarity", "citation_precision", "citation_recall", "groundedness",
                "refusal_accuracy", "false_refusal_rate", "latency_total_p50", "latency_retrieval_p95",
                "latency_total_max"]
    for name in expected:
        assert name in agg and set(agg[name]) == {"value", "n"}, name
    assert agg["hit@10"] == {"value": 1.0, "n": 4}  # unanswerable questions have no ranking score
    assert agg["refusal_accuracy"]["n"] == 1 and agg["false_refusal_rate"]["n"] == 4
    assert agg["confident_error"]["n"] == 5  # every answered or refused question counts
    assert agg["fact_recall"]["value"] >= 0.75
    assert 0 < agg["answer_similarity"]["value"] <= 1
    assert agg["latency_total_p50"]["n"] == 5 and agg["latency_generation_p50"] == {"value": None, "n": 0}
    rows = {r["id"]: r for r in ours["questions"]}
    assert rows["t4"]["followup"] and "Mekong" in rows["t4"]["standalone_question"]
    assert rows["t1"]["retrieved"][0] == "alpha.txt" and rows["t1"]["citations"]
    assert set(ours["by_kind"]) == {"factoid", "followup", "unanswerable"}
    assert ours["by_kind"]["factoid"]["questions"] == 3


def test_failed_questions_are_recorded_and_fail_the_gate(tiny):
    from evals.dataset import EvalItem

    _, _, engine = tiny
    items = [EvalItem(id="ok", question="Who directs the expo?", answer="Nguyễn Thị Lan", facts=[["Lan"]],
                      sources=["alpha.txt"], answerable=True, kind="factoid"),
             EvalItem(id="long", question="why " * 600, answer="", facts=[], sources=[], answerable=False,
                      kind="broken")]
    report = run_eval(items, engine=engine, k=[1], progress=False, write=False, fail_under={"hit@1": 0.0},
                      log=lambda m: None)
    rows = {r["id"]: r for r in report["questions"]}
    assert rows["long"]["status"] == "failed" and "InputError" in rows["long"]["error"]
    assert "2,000" in rows["long"]["error"]
    assert report["counts"]["failed"] == 1 and report["aggregates"]["hit@1"]["n"] == 1
    assert not report["gate"]["passed"] and "1 question(s) failed" in report["gate"]["failures"]


def test_filters_and_option_errors(tiny):
    _, dataset, engine = tiny
    quiet = {"engine": engine, "progress": False, "write": False, "log": lambda m: None}
    report = run_eval(dataset, kind="factoid", limit=2, k="1", **quiet)
    assert [r["id"] for r in report["questions"]] == ["t1", "t2"]
    assert report["run"]["dataset"]["selected"] == 2 and report["run"]["dataset"]["questions"] == 5
    with pytest.raises(InputError, match="No question of kind 'nope'"):
        run_eval(dataset, kind="nope", **quiet)
    with pytest.raises(InputError, match="Unknown metric 'hits@5'"):
        run_eval(dataset, fail_under=["hits@5=0.9"], **quiet)
    with pytest.raises(InputError, match="metric=value"):
        run_eval(dataset, fail_under=["hit@5"], **quiet)
    with pytest.raises(InputError, match="positive integer"):
        run_eval(dataset, k="0,5", **quiet)


def test_baseline_and_compare(tiny, ours, tmp_path, capsys):
    _, dataset, engine = tiny
    base = run_eval(dataset, engine=engine, pipeline="baseline", progress=False, write=False, log=lambda m: None)
    assert base["counts"]["ok"] == 5 and base["run"]["pipeline"] == "baseline"
    assert base["run"]["baseline"]["answers"] == "retrieved chunk text"
    rows = {r["id"]: r for r in base["questions"]}
    # extractive baseline: the two retrieved chunks verbatim, one citation each
    assert rows["t1"]["answer"].endswith("[2]") and len(rows["t1"]["citations"]) == 2
    assert not rows["t1"]["refused"] and rows["t5"]["refused"] is False
    assert base["aggregates"]["refusal_accuracy"]["value"] == 0.0  # the plain pipeline never refuses
    result = compare(base, ours)
    by_name = {m["metric"]: m for m in result["metrics"]}
    assert by_name["refusal_accuracy"]["delta"] == pytest.approx(ours["aggregates"]["refusal_accuracy"]["value"])
    assert {"improved", "regressed", "mixed", "only_in_a", "only_in_b"} <= set(result)
    table = render_comparison(result)
    assert "| metric | baseline/extractive | ours/extractive | Δ (B − A) |" in table
    # the CLI reads report files
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(base))
    b.write_text(json.dumps(ours))
    from rag.cli import main

    assert main(["eval", "--compare", str(a), str(b), "--out", str(tmp_path / "cmp")]) == 0
    assert "| fact_recall |" in capsys.readouterr().out and (tmp_path / "cmp" / "compare.md").is_file()


def test_compare_baseline_runs_both_pipelines_in_one_command(tiny, tmp_path, capsys):
    corpus, dataset, _ = tiny
    from rag.cli import main

    out = tmp_path / "side"
    code = main(["eval", "--dataset", str(dataset), "--corpus", str(corpus), "--compare", "baseline",
                 "--backend", "extractive", "--data-dir", str(tmp_path / "unused"), "--quiet", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| metric | baseline/extractive | ours/extractive | Δ (B − A) |" in printed
    base = json.loads((out / "baseline" / "report.json").read_text())
    ours = json.loads((out / "ours" / "report.json").read_text())
    assert (base["run"]["pipeline"], ours["run"]["pipeline"]) == ("baseline", "ours")
    assert base["run"]["dataset"]["hash"] == ours["run"]["dataset"]["hash"] and base["counts"]["ok"] == ours["counts"]["ok"] == 5
    # the printed refusal row is the two reports' own figures: the plain pipeline never refuses, ours refuses t5
    row = next(line for line in printed.splitlines() if line.startswith("| refusal_accuracy |"))
    assert row.startswith("| refusal_accuracy | 0.000 | 1.000 |")
    compared = json.loads((out / "compare.json").read_text())
    assert compared["a"]["label"] == "baseline/extractive" and compared["b"]["label"] == "ours/extractive"
    assert main(["eval", "--compare", "only-one.json"]) == 2
    assert "--compare takes two reports (A.json B.json) or the word 'baseline'" in capsys.readouterr().err


def test_compare_lists_improved_and_regressed_questions():
    def report(hit, fact, status="ok"):
        rows = [{"id": "q", "kind": "k", "question": "?", "status": status, "metrics": {"hit@5": hit,
                                                                                      "fact_recall": fact}}]
        return {"run": {"pipeline": "ours", "backend": "extractive", "k": [5]}, "questions": rows,
                "aggregates": {"hit@5": {"value": hit, "n": 1}, "false_refusal_rate": {"value": fact, "n": 1}}}

    up = compare(report(0.0, 0.5), report(1.0, 0.5))
    assert [e["id"] for e in up["improved"]] == ["q"] and up["improved"][0]["changes"] == {"hit@5": [0.0, 1.0]}
    down = compare(report(1.0, 1.0), report(1.0, 0.0))
    assert [e["id"] for e in down["regressed"]] == ["q"]
    fr = {m["metric"]: m for m in down["metrics"]}["false_refusal_rate"]
    assert fr["delta"] == -1.0 and fr["better"] is True  # lower is better
    broke = compare(report(1.0, 1.0), report(None, None, status="failed"))
    assert broke["regressed"][0]["changes"] == {"status": ["ok", "failed"]}


def _fake_llm(body: dict) -> str:
    """Replies of the fake OpenAI-compatible server: answers quote passage 1, judges score or babble."""
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    user = body["messages"][-1]["content"]
    if system.startswith("You are a strict evaluator"):
        return "Looks fine to me." if "CORRECT" in user else '{"score": 4, "reason": "supported"}'
    if "Rewrite the user's last question" in system:
        return "Which rice variety did Mekong Delta farmers switch to?"
    # the first sentence of passage 1, whatever the prompt layout (the last "Source 1:" is not LlamaIndex's example)
    found = re.findall(r"(?m)^(?:\[1\](?: \([^)\n]*\))?|Source 1:)[ \t]*\n?[ \t]*(.+?[.!?])(?=\s|$)", user)
    return f"{found[-1]} [1]" if found else "The articles don't say."


def test_llm_backend_judge_cache_and_llamaindex_baseline(tiny, tmp_path):
    from rag import Engine
    from rag.testing import FakeOpenAIServer

    _, dataset, engine = tiny
    with FakeOpenAIServer(responder=_fake_llm) as server:
        llm_engine = Engine(engine.settings.model_copy(update={"llm_base_url": server.base_url,
                                                               "llm_model": "fake-model"}))
        cache = tmp_path / "judge.jsonl"
        opts = {"engine": llm_engine, "backend": "openai-compatible", "judge_cache": cache, "kind": "factoid",
                "progress": False, "write": False, "log": lambda m: None}
        report = run_eval(dataset, **opts)
        assert report["counts"]["ok"] == 3 and report["run"]["backend"] == "openai-compatible"
        assert report["run"]["model"] == "fake-model" and report["run"]["judge"]["enabled"]
        agg = report["aggregates"]
        answered = agg["judge_faithfulness"]["n"]
        assert answered >= 1 and agg["judge_faithfulness"]["value"] == 0.75
        # unparseable verdicts are counted, never averaged in
        assert agg["judge_correctness"] == {"value": None, "n": 0}
        assert report["run"]["judge"]["parse_failures"]["judge_correctness"] == answered
        assert agg["latency_generation_p50"]["n"] >= 1
        judged = sum(1 for r in server.requests if r["messages"][0]["content"].startswith("You are a strict"))
        assert judged == 2 * answered and len(cache.read_text().splitlines()) == 2 * answered
        # a second run takes every verdict from the cache
        again = run_eval(dataset, **opts)
        assert sum(1 for r in server.requests if r["messages"][0]["content"].startswith("You are a strict")) == judged
        assert again["aggregates"]["judge_faithfulness"] == agg["judge_faithfulness"]
        # the LlamaIndex baseline answers through CitationQueryEngine + OpenAILike against the same server
        base = run_eval(dataset, **dict(opts, pipeline="baseline", judge=False, limit=1))
        row = base["questions"][0]
        assert row["status"] == "ok", row["error"]
        assert base["run"]["baseline"]["answers"] == "CitationQueryEngine" and row["answer"].endswith("[1]")
        assert "Expo" in row["answer"]
        assert row["citations"][0]["doc_id"] in {"alpha.txt", "beta.txt"} and "latency_generation_p50" in \
            base["aggregates"]
    from llama_index.core import Settings as LISettings

    assert getattr(LISettings, "_llm", None) is None  # the global LlamaIndex LLM is restored, never OpenAI


def test_run_eval_keywords_and_eval_options_give_the_same_report(tiny):
    """``run_eval(**keywords)`` is ``evaluate(dataset, EvalOptions(**keywords))``: the same rows and aggregates."""
    from evals import EvalOptions, evaluate

    _, dataset, engine = tiny
    keywords = dict(engine=engine, k=(1, 3), kind="factoid", progress=False, write=False, log=lambda m: None)
    a = run_eval(dataset, **keywords)
    b = evaluate(dataset, EvalOptions(**keywords))
    strip = {"timings"}
    rows = [[{k: v for k, v in r.items() if k not in strip} for r in rep["questions"]] for rep in (a, b)]
    assert rows[0] == rows[1] and [r["id"] for r in rows[0]] == ["t1", "t2", "t3"]
    same = {n: v for n, v in a["aggregates"].items() if not n.startswith("latency_")}
    assert same == {n: v for n, v in b["aggregates"].items() if not n.startswith("latency_")}
    assert a["aggregates"]["hit@3"]["n"] == 3 and a["by_kind"] == b["by_kind"]
