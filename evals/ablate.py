"""Rule ablation: the eval run once with everything on and once with each question-shape rule switched off, on
the dev halves (and the seeds sets), so every rule that stays has a measured reason (``docs/rules.md``).

    python -m evals.ablate                      # every rule, every dev set, extractive backend
    python -m evals.ablate --rule acronyms --dataset lee_abc:dev --backend local

A rule is switched off by :data:`rag.testing.rules.RULES`, which patches the one place that applies it for the
length of one run. Test halves are never run here: a rule is kept or dropped on the dev halves only.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from rag.testing.rules import RULES

__all__ = ["RULES", "DEV_SETS", "METRICS", "ablate", "markdown_table"]

# the sets rules are judged on: dev halves of the held-out sets, and the seeds sets (fitted long ago; shown so a
# rule's only benefit there is visible as such)
DEV_SETS: tuple[str, ...] = ("lee_abc:dev", "newspaper4k:dev", "vi:dev", "seeds", "topical")
# what a rule is judged by: the errors users feel first
METRICS: tuple[str, ...] = ("confident_error", "refusal_accuracy", "false_refusal_rate", "fact_recall", "mrr@5")
_LOWER_IS_BETTER = {"confident_error", "false_refusal_rate"}
_ROOT = Path(__file__).resolve().parents[1]


def _dataset(name: str) -> tuple[Path, list[Path]]:
    from evals.named import SEEDS_DIR, is_named, resolve_dataset

    if is_named(name):
        named = resolve_dataset(name)
        return named.path, named.corpus
    return _ROOT / "evals" / "datasets" / f"{name}.jsonl", [SEEDS_DIR]


def _figures(report: dict[str, Any]) -> dict[str, float | None]:
    return {m: report["aggregates"].get(m, {}).get("value") for m in METRICS}


def ablate(datasets: Sequence[str], rules: Sequence[str], backend: str = "extractive",
           log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> dict[str, Any]:
    """``{dataset: {"all on": figures, rule: figures with that rule off}}``; each dataset is indexed once."""
    from rag import Engine, Settings
    from evals import run_eval

    results: dict[str, Any] = {}
    for name in datasets:
        path, corpus = _dataset(name)
        with tempfile.TemporaryDirectory(prefix="rag-ablate-") as tmp:
            engine = Engine(Settings.load(data_dir=Path(tmp), backend=backend, chroma_url=None))
            engine.ingest(corpus)
            runs: dict[str, Any] = {}
            for rule in ("all on", *rules):
                with RULES[rule][1]() if rule != "all on" else contextlib.nullcontext():
                    report = run_eval(path, engine=engine, k=(1, 3, 5), progress=False, write=False,
                                      judge=False, log=lambda m: None)
                runs[rule] = _figures(report)
                log(f"{name:16} {rule:18} " + "  ".join(f"{m}={v}" for m, v in runs[rule].items()))
            engine.close()
        results[name] = runs
    return results


def markdown_table(results: dict[str, Any], metric: str) -> str:
    """One table per metric: a row per rule, the change each dev set sees when the rule is switched off
    (positive = worse without the rule)."""
    sets = list(results)
    rules = [r for r in next(iter(results.values())) if r != "all on"]
    lines = [f"| {metric}: change with the rule off | " + " | ".join(sets) + " |",
             "|---|" + "---:|" * len(sets)]
    sign = 1 if metric in _LOWER_IS_BETTER else -1
    lines.append("| (all rules on) | " + " | ".join(f"{results[s]['all on'][metric]:.3f}" for s in sets) + " |")
    for rule in rules:
        cells = []
        for s in sets:
            on, off = results[s]["all on"][metric], results[s][rule][metric]
            cells.append("n/a" if on is None or off is None else f"{sign * (off - on) + 0.0:+.3f}")
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.ablate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", action="append", help=f"repeatable (default: {', '.join(DEV_SETS)})")
    parser.add_argument("--rule", action="append", choices=sorted(RULES), help="repeatable (default: every rule)")
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    if any(d.endswith(":test") for d in args.dataset or ()):
        parser.error("test halves are for reporting only; ablate on dev halves")
    results = ablate(args.dataset or DEV_SETS, args.rule or list(RULES), backend=args.backend)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for metric in METRICS:
        print(markdown_table(results, metric) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
