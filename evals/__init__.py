"""Eval harness: datasets, offline metrics, reports, ours-vs-baseline comparisons and the CI quality gate.

>>> import evals
>>> report = evals.run_eval("evals/datasets/seeds.jsonl", backend="extractive")   # doctest: +SKIP
>>> evals.compare("a/report.json", "b/report.json")["metrics"][0]                # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

__all__ = ["run_eval", "evaluate", "EvalOptions", "compare", "load_dataset", "parse_dataset", "EvalItem", "write_reports", "load_floors"]


def run_eval(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """See :func:`evals.runner.run_eval`."""
    from .runner import run_eval as _run

    return _run(*args, **kwargs)


def compare(a: Any, b: Any) -> dict[str, Any]:
    """See :func:`evals.compare.compare`."""
    from .compare import compare as _compare

    return _compare(a, b)


def __getattr__(name: str) -> Any:
    if name in ("load_dataset", "parse_dataset", "EvalItem"):
        from . import dataset

        return getattr(dataset, name)
    if name in ("evaluate", "EvalOptions"):
        from . import runner

        return getattr(runner, name)
    if name == "write_reports":
        from .report import write_reports

        return write_reports
    if name == "load_floors":
        from .floors import load_floors

        return load_floors
    raise AttributeError(f"module 'evals' has no attribute {name!r}")
