"""Compare two eval reports: per-metric deltas and the questions that improved or regressed."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from rag import InputError

from .runner import LOWER_IS_BETTER

__all__ = ["compare", "load_report", "render_comparison", "QUESTION_METRICS"]

# per-question scores that decide "improved" / "regressed" (noisy ones such as similarity and latency are not used)
QUESTION_METRICS = ("confident_error", "hit@{k}", "mrr@{m}", "ndcg@{k}", "fact_recall", "refusal_accuracy",
                    "false_refusal_rate", "token_f1", "citation_precision", "citation_recall", "groundedness",
                    "judge_correctness",
                    "judge_faithfulness")
_EPS = 1e-6


def load_report(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """A report dict from a dict, a ``report.json`` path or a report folder."""
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    if path.is_dir():
        path = path / "report.json"
    if not path.is_file():
        raise InputError(f"Report {path} does not exist.", hint="Pass two report.json files written by `rag eval`.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}).", hint="Pass a report.json file.") from None
    if not isinstance(data, dict) or "aggregates" not in data or "questions" not in data:
        raise InputError(f"{path} is not an eval report.", hint="Pass report.json files written by `rag eval`.")
    return data


def _label(report: Mapping[str, Any], fallback: str) -> str:
    run = report.get("run", {})
    return f"{run.get('pipeline', fallback)}/{run.get('backend', '?')}" if run else fallback


def compare(a: str | Path | Mapping[str, Any], b: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Deltas ``b - a`` of every metric both reports hold, and per-question changes.

    A question *improved* when at least one of :data:`QUESTION_METRICS` got better and none got worse
    (``regressed``: the opposite, ``mixed``: both); a question that failed in one run and not in the other counts
    as improved or regressed too.
    """
    ra, rb = load_report(a), load_report(b)
    metrics = []
    names = [n for n in ra["aggregates"] if n in rb["aggregates"]]
    names += [n for n in rb["aggregates"] if n not in ra["aggregates"]]
    for name in names:
        va = ra["aggregates"].get(name, {}).get("value")
        vb = rb["aggregates"].get(name, {}).get("value")
        delta = None if va is None or vb is None else round(vb - va, 4)
        better = None
        if delta is not None and abs(delta) > _EPS:
            better = (delta < 0) if LOWER_IS_BETTER(name) else (delta > 0)
        metrics.append({"metric": name, "a": va, "b": vb, "delta": delta, "better": better,
                        "n_a": ra["aggregates"].get(name, {}).get("n"), "n_b": rb["aggregates"].get(name, {}).get("n")})
    ks = sorted(set(ra.get("run", {}).get("k", [5])) & set(rb.get("run", {}).get("k", [5]))) or [5]
    k = 5 if 5 in ks else max(ks)
    qnames = [q.format(k=k, m=min(10, max(ks))) for q in QUESTION_METRICS]
    qa = {r["id"]: r for r in ra["questions"]}
    qb = {r["id"]: r for r in rb["questions"]}
    improved, regressed, mixed = [], [], []
    for qid in [i for i in qa if i in qb]:
        x, y = qa[qid], qb[qid]
        if (x["status"] == "ok") != (y["status"] == "ok"):
            entry = {"id": qid, "kind": y.get("kind"), "question": y.get("question"),
                     "changes": {"status": [x["status"], y["status"]]}}
            (improved if y["status"] == "ok" else regressed).append(entry)
            continue
        if x["status"] != "ok":
            continue
        changes: dict[str, list[Any]] = {}
        up = down = False
        for name in qnames:
            va, vb = x["metrics"].get(name), y["metrics"].get(name)
            if va is None or vb is None or abs(vb - va) <= _EPS:
                continue
            good = (vb < va) if LOWER_IS_BETTER(name) else (vb > va)
            up |= good
            down |= not good
            changes[name] = [round(va, 4), round(vb, 4)]
        if not changes:
            continue
        entry = {"id": qid, "kind": y.get("kind"), "question": y.get("question"), "changes": changes}
        (mixed if up and down else improved if up else regressed).append(entry)
    return {
        "a": {"label": _label(ra, "A"), "run": ra.get("run", {})},
        "b": {"label": _label(rb, "B"), "run": rb.get("run", {})},
        "metrics": metrics,
        "improved": improved,
        "regressed": regressed,
        "mixed": mixed,
        "only_in_a": [i for i in qa if i not in qb],
        "only_in_b": [i for i in qb if i not in qa],
        "counts": {"a": ra.get("counts"), "b": rb.get("counts")},
    }


def _f(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_comparison(result: Mapping[str, Any], *, latency: bool = True) -> str:
    """The comparison as Markdown: a metric table (A, B, delta) then the improved / regressed questions."""
    a, b = result["a"]["label"], result["b"]["label"]
    if a == b:
        a, b = f"A ({a})", f"B ({b})"
    lines = [f"| metric | {a} | {b} | Δ (B − A) |", "|---|---:|---:|---:|"]
    for m in result["metrics"]:
        if not latency and m["metric"].startswith("latency_"):
            continue
        delta = "–" if m["delta"] is None else f"{m['delta']:+.3f}"
        if m["better"] is True:
            delta += " ▲"
        elif m["better"] is False:
            delta += " ▼"
        lines.append(f"| {m['metric']} | {_f(m['a'])} | {_f(m['b'])} | {delta} |")
    lines.append("")
    lines.append("▲ better in B, ▼ worse in B (for confident_error, false_refusal_rate and latency lower is better).")
    for title, key in (("Improved in B", "improved"), ("Regressed in B", "regressed"), ("Mixed", "mixed")):
        entries = result[key]
        lines += ["", f"**{title}** ({len(entries)}):"]
        for e in entries:
            changes = ", ".join(f"{n} {_f(v[0])}→{_f(v[1])}" for n, v in e["changes"].items())
            lines.append(f"- {e['id']} ({e.get('kind')}): {changes}")
    if result["only_in_a"] or result["only_in_b"]:
        lines += ["", f"Only in A: {', '.join(result['only_in_a']) or '–'}; "
                      f"only in B: {', '.join(result['only_in_b']) or '–'}"]
    return "\n".join(lines) + "\n"
