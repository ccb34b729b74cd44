"""Write an eval report: ``report.json``, ``report.md``, ``report.html`` (self-contained) and the PNG plots."""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["write_reports", "mrr_name", "render_markdown", "render_html", "plot_ranking", "plot_latency",
           "fmt"]

RANKING_PNG = "ranking_at_k.png"
LATENCY_PNG = "latency.png"


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _main_k(ks: Sequence[int]) -> int:
    return 5 if 5 in ks else max(ks)


def mrr_name(report: Mapping[str, Any]) -> str:
    """``mrr@10``, or ``mrr@max(k)`` for runs with a shorter ranking."""
    return f"mrr@{min(10, max(report['run']['k']))}"


# ------------------------------------------------------------------------------------------------ plots
def _figure(width: float = 6.4, height: float = 4.0) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)  # render with Agg, no GUI and no global pyplot state
    return fig


def plot_ranking(report: Mapping[str, Any], path: Path) -> Path:
    """hit@k, recall@k and nDCG@k against k."""
    ks = report["run"]["k"]
    agg = report["aggregates"]
    fig = _figure()
    ax = fig.subplots()
    plotted = False
    for name, marker in (("hit", "o"), ("recall", "s"), ("ndcg", "^")):
        ys = [agg.get(f"{name}@{n}", {}).get("value") for n in ks]
        pts = [(x, y) for x, y in zip(ks, ys) if y is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, label=f"{name}@k")
            plotted = True
    ax.set_xlabel("k (documents)")
    ax.set_ylabel("score")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(list(ks))
    ax.grid(alpha=0.3)
    if plotted:
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "no ranking metrics (no answerable question with sources)", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_title(f"Retrieval quality ({report['run']['pipeline']})")
    fig.tight_layout()
    fig.savefig(path)
    return path


def plot_latency(report: Mapping[str, Any], path: Path) -> Path:
    """Per-question latency of each stage (box plot with the individual questions as dots)."""
    rows = [r for r in report["questions"] if r["status"] == "ok"]
    stages = [s for s in ("retrieval", "generation", "total") if any(s in r["timings"] for r in rows)]
    fig = _figure()
    ax = fig.subplots()
    data = [[float(r["timings"][s]) for r in rows if s in r["timings"]] for s in stages]
    if data:
        ax.boxplot(data, showfliers=False)
        ax.set_xticks(range(1, len(stages) + 1), stages)
        for i, values in enumerate(data, start=1):
            jitter = [i + ((j * 37) % 21 - 10) / 60 for j in range(len(values))]
            ax.scatter(jitter, values, s=8, alpha=0.5)
    else:
        ax.text(0.5, 0.5, "no timings", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylabel("seconds")
    ax.grid(alpha=0.3, axis="y")
    ax.set_title(f"Latency per question ({report['run']['pipeline']}, {report['run']['backend']})")
    fig.tight_layout()
    fig.savefig(path)
    return path


# ------------------------------------------------------------------------------------------------ tables
def _metric_rows(report: Mapping[str, Any]) -> list[tuple[str, Any, int]]:
    return [(name, v.get("value"), v.get("n", 0)) for name, v in report["aggregates"].items()
            if not name.startswith("latency_")]


def confident_error_lines(report: Mapping[str, Any]) -> list[str]:
    """The headline: the share of questions answered wrongly while presented as sourced, overall and by kind."""
    got = report["aggregates"].get("confident_error") or {}
    if got.get("value") is None:
        return []
    lines = [f"Confident errors: {100 * got['value']:.1f} % of {got['n']} questions were answered wrongly while "
             "presented as sourced (an unanswerable question answered, or an answerable one answered without any "
             "reference fact)."]
    kinds = [(kind, agg.get("confident_error", {}).get("value")) for kind, agg in report.get("by_kind", {}).items()]
    kinds = [f"{kind} {100 * value:.0f} %" for kind, value in kinds if value is not None]
    if kinds:
        lines.append("By kind: " + ", ".join(kinds) + ".")
    return lines


def _latency_rows(report: Mapping[str, Any]) -> list[list[Any]]:
    agg = report["aggregates"]
    out = []
    for stage in ("retrieval", "generation", "total"):
        cells = [agg.get(f"latency_{stage}_{s}", {}).get("value") for s in ("p50", "p90", "p95", "max")]
        n = agg.get(f"latency_{stage}_p50", {}).get("n", 0)
        if n:
            out.append([stage, *cells, n])
    return out


def _kind_columns(report: Mapping[str, Any]) -> list[str]:
    k = _main_k(report["run"]["k"])
    cols = ["confident_error", f"hit@{k}", f"recall@{k}", f"ndcg@{k}", mrr_name(report), "fact_recall", "token_f1",
            "answer_similarity", "citation_precision", "citation_recall", "groundedness", "refusal_accuracy",
            "false_refusal_rate", "answer_language_match", "citations_across_languages"]
    if report["run"].get("judge", {}).get("enabled"):
        cols += ["judge_faithfulness", "judge_correctness"]
    return cols


def _question_columns(report: Mapping[str, Any]) -> list[str]:
    k = _main_k(report["run"]["k"])
    cols = ["confident_error", f"hit@{k}", mrr_name(report), "fact_recall", "token_f1", "citation_precision", "groundedness"]
    if report["run"].get("judge", {}).get("enabled"):
        cols += ["judge_correctness"]
    return cols


def _run_lines(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    run = report["run"]
    c = report["counts"]
    commit = (run.get("git_commit") or "unknown")[:12] + (" (uncommitted changes)" if run.get("git_dirty") else "")
    ds = run["dataset"]
    corpus = run["corpus"]
    where = ", ".join(corpus["dirs"]) + " (temporary index)" if corpus.get("dirs") else corpus.get("data_dir", "")
    lines = [
        ("pipeline", run["pipeline"]),
        ("backend / model", f"{run['backend']} / {run.get('model') or '–'}"),
        ("embedder", str(run.get("embedder"))),
        ("dataset", f"{ds.get('path') or '(in memory)'} (sha256 {ds['hash']}; {ds['selected']} of "
                    f"{ds['questions']} questions" + (f"; kind {', '.join(ds['kind'])}" if ds.get("kind") else "")
         + (f"; limit {ds['limit']}" if ds.get("limit") else "") + ")"),
        ("corpus", f"{where} (sha256 {corpus['hash']}; {corpus.get('articles')} articles, "
                   f"{corpus.get('chunks')} chunks)"),
        ("git commit", commit),
        ("prompt hash", run.get("prompt_hash", "")),
        ("started", f"{run['started']} ({run['seconds']} s)"),
        ("questions", f"{c['ok']} ok, {c['failed']} failed, {c['skipped']} skipped"),
    ]
    judge = run.get("judge") or {}
    if judge.get("enabled"):
        pf = judge.get("parse_failures", {})
        er = judge.get("errors", {})
        lines.append(("LLM judge", f"{judge.get('model')}; parse failures: "
                                   + ", ".join(f"{k.replace('judge_', '')} {v}" for k, v in pf.items())
                                   + "; backend errors: " + ", ".join(f"{k.replace('judge_', '')} {v}"
                                                                      for k, v in er.items())))
    gate = report.get("gate")
    if gate:
        lines.append(("gate", "passed" if gate["passed"] else "FAILED: " + "; ".join(gate["failures"])))
    return lines


# ------------------------------------------------------------------------------------------------ markdown
def _md(text: Any, limit: int | None = None) -> str:
    s = fmt(text) if not isinstance(text, str) else text
    if limit and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_markdown(report: Mapping[str, Any]) -> str:
    run = report["run"]
    out = [f"# Eval report: {run['pipeline']} pipeline, {run['backend']} backend", ""]
    out += [f"- **{k}**: {_md(v)}" for k, v in _run_lines(report)]
    for w in run.get("warnings", []):
        out.append(f"- **warning**: {_md(w)}")
    headline = confident_error_lines(report)
    if headline:
        out += ["", "## Confident errors", "", f"**{_md(headline[0])}**", *(_md(line) for line in headline[1:])]
    out += ["", "## Metrics", "", "| metric | value | n |", "|---|---:|---:|"]
    out += [f"| {name} | {fmt(value)} | {n} |" for name, value, n in _metric_rows(report)]
    out += ["", "## Latency (seconds)", "", "| stage | p50 | p90 | p95 | max | n |", "|---|---:|---:|---:|---:|---:|"]
    out += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in _latency_rows(report)]
    cols = _kind_columns(report)
    out += ["", "## By kind", "", "| kind | questions | " + " | ".join(cols) + " |",
            "|---|---:|" + "---:|" * len(cols)]
    for kind, agg in report["by_kind"].items():
        out.append(f"| {_md(kind)} | {agg['questions']} | "
                   + " | ".join(fmt(agg.get(c, {}).get("value")) for c in cols) + " |")
    out += ["", "## Plots", "", f"![recall@k and nDCG@k]({RANKING_PNG})", "", f"![latency]({LATENCY_PNG})"]
    qcols = _question_columns(report)
    out += ["", "## Questions", "",
            "| id | kind | status | refused | " + " | ".join(qcols) + " | total s | answer |",
            "|---|---|---|---|" + "---:|" * len(qcols) + "---:|---|"]
    for r in report["questions"]:
        m = r.get("metrics", {})
        answer = r["answer"] if r["status"] == "ok" else f"ERROR: {r.get('error')}"
        out.append(f"| {_md(r['id'])} | {_md(r['kind'])} | {r['status']} | {fmt(r.get('refused'))} | "
                   + " | ".join(fmt(m.get(c)) for c in qcols)
                   + f" | {fmt(r.get('timings', {}).get('total'), 2)} | {_md(answer, 220)} |")
    bad = [r for r in report["questions"] if r["status"] != "ok"]
    if bad:
        out += ["", "## Failed or skipped questions", ""]
        out += [f"- **{_md(r['id'])}** ({r['status']}): {_md(r.get('error'))}" for r in bad]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ html
_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px;
vertical-align:top}th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fde2e2}tr.skipped td{background:#fff3cd}.fail{color:#b00020;font-weight:bold}
.pass{color:#1b5e20;font-weight:bold}img{max-width:640px;margin-right:1em}td.answer{max-width:520px}"""


def _h(value: Any) -> str:
    return html.escape(value if isinstance(value, str) else fmt(value), quote=True)


def _img(path: Path, alt: str) -> str:
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_h(alt)}">'


def render_html(report: Mapping[str, Any], out_dir: Path) -> str:
    run = report["run"]
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>Eval report: {_h(run['pipeline'])} / {_h(run['backend'])}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>Eval report: {_h(run['pipeline'])} pipeline, {_h(run['backend'])} backend</h1><table>"]
    for k, v in _run_lines(report):
        cls = ""
        if k == "gate":
            cls = ' class="pass"' if v == "passed" else ' class="fail"'
        parts.append(f"<tr><th>{_h(k)}</th><td{cls}>{_h(v)}</td></tr>")
    for w in run.get("warnings", []):
        parts.append(f"<tr><th>warning</th><td>{_h(w)}</td></tr>")
    parts.append("</table>")
    headline = confident_error_lines(report)
    if headline:
        parts.append(f"<h2>Confident errors</h2><p><b>{_h(headline[0])}</b></p>"
                     + "".join(f"<p>{_h(line)}</p>" for line in headline[1:]))
    parts.append("<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>n</th></tr>")
    for name, value, n in _metric_rows(report):
        parts.append(f"<tr><td>{_h(name)}</td><td class=num>{_h(value)}</td><td class=num>{n}</td></tr>")
    parts.append("</table><h2>Latency (seconds)</h2><table><tr><th>stage</th><th>p50</th><th>p90</th><th>p95</th>"
                 "<th>max</th><th>n</th></tr>")
    for row in _latency_rows(report):
        parts.append("<tr>" + "".join(f"<td class=num>{_h(c)}</td>" for c in row) + "</tr>")
    cols = _kind_columns(report)
    parts.append("</table><h2>By kind</h2><table><tr><th>kind</th><th>questions</th>"
                 + "".join(f"<th>{_h(c)}</th>" for c in cols) + "</tr>")
    for kind, agg in report["by_kind"].items():
        parts.append(f"<tr><td>{_h(kind)}</td><td class=num>{agg['questions']}</td>"
                     + "".join(f"<td class=num>{_h(agg.get(c, {}).get('value'))}</td>" for c in cols) + "</tr>")
    parts.append("</table><h2>Plots</h2><p>" + _img(out_dir / RANKING_PNG, "recall@k and nDCG@k")
                 + _img(out_dir / LATENCY_PNG, "latency distribution") + "</p>")
    qcols = _question_columns(report)
    parts.append("<h2>Questions</h2><table><tr><th>id</th><th>kind</th><th>question</th><th>status</th>"
                 "<th>refused</th>" + "".join(f"<th>{_h(c)}</th>" for c in qcols)
                 + "<th>total s</th><th>answer</th><th>retrieved</th></tr>")
    for r in report["questions"]:
        m = r.get("metrics", {})
        answer = r["answer"] if r["status"] == "ok" else f"ERROR: {r.get('error')}"
        retrieved = ", ".join(r.get("retrieved") or [])
        parts.append(f"<tr class=\"{_h(r['status'])}\"><td>{_h(r['id'])}</td><td>{_h(r['kind'])}</td>"
                     f"<td>{_h(r['question'])}</td><td>{_h(r['status'])}</td><td>{_h(r.get('refused'))}</td>"
                     + "".join(f"<td class=num>{_h(m.get(c))}</td>" for c in qcols)
                     + f"<td class=num>{_h(fmt(r.get('timings', {}).get('total'), 2))}</td>"
                     f"<td class=answer>{_h(answer)}</td><td>{_h(retrieved)}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------ files
def write_reports(report: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write the JSON, Markdown and HTML reports and both plots into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"ranking_plot": plot_ranking(report, out / RANKING_PNG),
             "latency_plot": plot_latency(report, out / LATENCY_PNG)}
    paths["json"] = out / "report.json"
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    paths["md"] = out / "report.md"
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(render_html(report, out), encoding="utf-8")
    return paths
