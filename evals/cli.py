"""``rag eval``: run an eval dataset through the engine (or the baseline) and write reports; compare two reports."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "cmd_eval"]


def register(subparsers: Any) -> None:
    """Add the ``eval`` sub-command (entry point ``rag.commands: eval``)."""
    from rag import add_settings_arguments

    p = subparsers.add_parser(
        "eval", help="evaluate retrieval, answers, citations and refusals on a dataset",
        description="Run a JSONL eval dataset through the engine (or a plain LlamaIndex baseline) and write "
                    "report.json, report.md, report.html and plots. Or compare two reports with --compare.",
    )
    p.add_argument("--dataset", metavar="FILE|NAME:HALF",
                   help="JSONL dataset (e.g. evals/datasets/seeds.jsonl), or NAME:HALF (e.g. lee_abc:test, vi:dev) "
                        "for evals/datasets/NAME/HALF.jsonl over its own corpus (evals/corpora/NAME/, else seeds/) "
                        "in a fresh temporary index unless --corpus is given")
    p.add_argument("--out", metavar="DIR", help="report folder (default: evals/reports/<timestamp>)")
    p.add_argument("--pipeline", choices=["ours", "baseline"], default="ours",
                   help="ours: the engine; baseline: plain LlamaIndex VectorStoreIndex (default: ours)")
    p.add_argument("--k", default="1,3,5,10", metavar="LIST", help="cut-offs of the ranking metrics (default 1,3,5,10)")
    p.add_argument("--fail-under", nargs="+", action="extend", metavar="METRIC=VALUE", default=[],
                   help="exit 1 when a metric is below VALUE (above, for confident_error, false_refusal_rate and latency_*)")
    p.add_argument("--floors", metavar="FILE", help="JSON file of floors, e.g. evals/floors.json")
    p.add_argument("--corpus", action="append", metavar="DIR",
                   help="index these article folders into a fresh temporary index (repeatable; default: the "
                        "current index, filled from seeds/ when empty)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N questions (after --kind)")
    p.add_argument("--kind", action="append", metavar="K", help="only questions of this kind (repeatable)")
    p.add_argument("--no-judge", action="store_true", help="skip the LLM judge even with an LLM backend")
    p.add_argument("--judge-cache", metavar="FILE",
                   help="judge verdict cache (default evals/reports/.judge-cache.jsonl)")
    p.add_argument("--compare", nargs="+", metavar="A.json B.json | baseline",
                   help="compare two reports: per-metric deltas (B - A) and improved / regressed questions; "
                        "or 'baseline': run the plain LlamaIndex baseline and ours on --dataset (and --corpus) "
                        "side by side and print the comparison")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_eval)


def _floors_from(path: str | None) -> dict[str, float]:
    if not path:
        return {}
    from .floors import load_floors

    return load_floors(path)


def cmd_eval(args: argparse.Namespace) -> int:
    from rag import InputError, settings_from_args

    if args.compare and args.compare != ["baseline"]:
        if len(args.compare) != 2:
            raise InputError("--compare takes two reports (A.json B.json) or the word 'baseline'.",
                             hint="e.g. rag eval --dataset evals/datasets/seeds.jsonl --compare baseline")
        from .compare import compare

        _print_comparison(compare(*args.compare), args.out)
        return 0
    if not args.dataset:
        raise InputError("rag eval needs --dataset FILE (or --compare A.json B.json).",
                         hint="e.g. rag eval --dataset evals/datasets/seeds.jsonl --backend extractive")
    from .runner import run_eval

    floors = _floors_from(args.floors)
    floors.update({k: v for k, v in _parse(args.fail_under).items()})
    options = dict(settings=settings_from_args(args), k=args.k, corpus=args.corpus, limit=args.limit, kind=args.kind,
                   judge=False if args.no_judge else None, judge_cache=args.judge_cache,
                   progress=False if args.quiet else None)
    if args.compare:  # --compare baseline: both pipelines on the same questions and articles, in one run
        from .compare import compare
        from .runner import default_out_dir

        out = Path(args.out) if args.out else default_out_dir()
        base = run_eval(args.dataset, out=out / "baseline", pipeline="baseline", **options)
        print(summary(base))
        report = run_eval(args.dataset, out=out / "ours", pipeline="ours", fail_under=floors or None, **options)
        _print_comparison(compare(base, report), str(out))
    else:
        report = run_eval(args.dataset, out=args.out, pipeline=args.pipeline, fail_under=floors or None, **options)
    print(summary(report))
    gate = report.get("gate")
    failed = report["counts"]["failed"] + report["counts"]["skipped"]
    if gate and not gate["passed"]:
        print("FAILED: " + "; ".join(gate["failures"]), file=sys.stderr)
        return 1
    return 1 if failed else 0


def _print_comparison(result: dict[str, Any], out: str | None) -> None:
    """Print a comparison (A = first report, B = second) and write compare.json / compare.md into ``out``."""
    from .compare import render_comparison

    print(render_comparison(result))
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "compare.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n",
                                             encoding="utf-8")
        (folder / "compare.md").write_text(render_comparison(result), encoding="utf-8")
        print(f"Comparison written to {folder}/ (compare.json, compare.md)", file=sys.stderr)


def _parse(values: list[str]) -> dict[str, float]:
    from .runner import parse_fail_under

    return parse_fail_under(values)


def summary(report: dict[str, Any]) -> str:
    """A few headline numbers for the terminal."""
    agg = report["aggregates"]
    c = report["counts"]
    k = 5 if 5 in report["run"]["k"] else max(report["run"]["k"])
    from .report import mrr_name

    names = ["confident_error", f"hit@{k}", f"recall@{k}", mrr_name(report), f"ndcg@{k}", "fact_recall", "token_f1",
             "answer_similarity", "citation_precision", "citation_recall", "groundedness", "refusal_accuracy",
             "false_refusal_rate", "answer_language_match", "citations_across_languages",
             "judge_faithfulness", "judge_correctness", "latency_total_p50", "latency_total_p95"]
    parts = []
    for n in names:
        if n in agg and agg[n]["value"] is not None:
            parts.append(f"{n} {agg[n]['value']:.3f}")
    head = (f"{report['run']['pipeline']} / {report['run']['backend']}: {c['ok']} ok, {c['failed']} failed, "
            f"{c['skipped']} skipped")
    lines = [head, "  " + ", ".join(parts)]
    for r in report["questions"]:
        if r["status"] != "ok":
            lines.append(f"  {r['status']} {r['id']}: {r.get('error')}")
    return "\n".join(lines)
