"""Running an eval from the web app and turning its report into tables (no Gradio here)."""
from __future__ import annotations

import inspect
from typing import Any


def call_run_eval(fn: Any, **kwargs: Any) -> dict[str, Any]:
    """Call ``evals.run_eval`` with the keyword arguments its signature accepts."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover
        params = {}
    if "progress" in params:
        annotation = str(params["progress"].annotation)
        if "Callable" not in annotation and "callable" not in annotation and callable(kwargs.get("progress")):
            kwargs["progress"] = True  # a tqdm bar, tracked by gr.Progress(track_tqdm=True)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if not accepts_any and params:
        kwargs = {k: v for k, v in kwargs.items() if k in params}
    dataset = kwargs.pop("dataset")
    return fn(dataset, **kwargs)


def _fmt(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    return value


ROW_METRICS = ("confident_error", "hit@5", "fact_recall", "citation_precision", "citation_recall", "groundedness")


def eval_tables(report: dict[str, Any]) -> tuple[list[list[Any]], list[str], list[list[Any]]]:
    """(summary rows [metric, value, n], per-question headers, per-question rows) of an eval report."""
    summary = []
    for name, value in (report.get("aggregates") or {}).items():
        n: Any = ""
        if isinstance(value, dict):
            value, n = value.get("value"), value.get("n", "")
        if isinstance(value, (dict, list)):
            continue
        summary.append([name, "—" if value is None else _fmt(value), n])
    summary.sort(key=lambda row: row[0] != "confident_error")  # the error users feel comes first
    rows = report.get("questions") or report.get("rows") or []
    present: list[str] = []
    for r in rows:
        for name in (r.get("metrics") or {}):
            if name not in present:
                present.append(name)
    metric_names = [m for m in ROW_METRICS if m in present] or present[:6]
    headers = ["id", "kind", "question", "status", *metric_names, "answer"]
    table = []
    for r in rows:
        metrics = r.get("metrics") or {}
        answer = r.get("answer") or r.get("error") or ""
        if r.get("refused"):
            answer = f"(refused) {answer}"
        table.append([r.get("id"), r.get("kind"), r.get("question"), r.get("status"),
                      *["—" if metrics.get(n) is None else _fmt(metrics.get(n)) for n in metric_names],
                      answer[:300]])
    return summary, headers, table
