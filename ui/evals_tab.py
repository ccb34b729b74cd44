"""The Evals tab: run the seeds questions (or an uploaded JSONL dataset) and show the report."""
from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import gradio as gr

from rag import RagError

from . import render as R
from .eval_report import call_run_eval, eval_tables
from .seeds import seeds_dataset
from .state import AppState, Updates

log = logging.getLogger("ui")
SEEDS_CHOICE = "Seeds questions (evals/datasets/seeds.jsonl)"


@dataclass
class EvalsView:
    eval_source: Any
    eval_limit: Any
    eval_backend: Any
    eval_file: Any
    eval_btn: Any
    eval_msg: Any
    eval_summary: Any
    eval_plots: Any
    eval_rows: Any
    eval_files: Any


def evals_tab(app: AppState) -> EvalsView:
    """The dataset choice, the Run button and the report's tables, plots and files (inside the Evals tab)."""
    gr.Markdown("Run the hand-checked seeds questions (or your own JSONL dataset) through the engine: "
                "retrieval hit@k, citation precision/recall, refusals, latency.", elem_classes=["hint"])
    with gr.Row(equal_height=True):
        eval_source = gr.Radio([SEEDS_CHOICE, "Upload a dataset"], value=SEEDS_CHOICE, label="Dataset",
                               elem_id="eval-source", scale=2, min_width=260)
        eval_limit = gr.Number(value=10, minimum=0, precision=0, label="Questions (0 = all)",
                               elem_id="eval-limit", scale=1, min_width=140)
        eval_backend = gr.Dropdown(choices=app.backends, value="extractive", label="Backend",
                                   elem_id="eval-backend", scale=1, min_width=160)
    eval_file = gr.File(label="JSONL dataset (one question per line, as evals/datasets/seeds.jsonl)",
                        file_types=[".jsonl", ".json"], elem_id="eval-file", height=110, visible=False)
    eval_btn = gr.Button("Run eval", variant="primary", elem_id="eval-run")
    eval_msg = gr.Markdown(elem_id="eval-msg")
    with gr.Row(equal_height=False):
        eval_summary = gr.Dataframe(headers=["metric", "value", "n"], interactive=False, visible=False,
                                    elem_id="eval-summary", label="Summary", max_height=330, scale=1,
                                    min_width=280, column_widths=["55%", "25%", "20%"])
        eval_plots = gr.Gallery(label="Plots", visible=False, elem_id="eval-plots", columns=2, rows=1,
                                height=330, object_fit="contain", scale=2, min_width=300,
                                buttons=["download", "fullscreen"])
    eval_rows = gr.Dataframe(interactive=False, visible=False, elem_id="eval-rows", wrap=True,
                             label="Per question", max_height=480)
    eval_files = gr.File(label="Download the report", file_count="multiple", visible=False,
                         elem_id="eval-files", interactive=False)
    return EvalsView(eval_source=eval_source, eval_limit=eval_limit, eval_backend=eval_backend, eval_file=eval_file,
                     eval_btn=eval_btn, eval_msg=eval_msg, eval_summary=eval_summary, eval_plots=eval_plots,
                     eval_rows=eval_rows, eval_files=eval_files)


class EvalUpdate(Updates):
    """Outputs of Run eval, in this order."""

    FIELDS = ("eval_msg", "eval_summary", "eval_plots", "eval_rows", "eval_files")


def eval_runner() -> Callable[..., dict[str, Any]]:
    """``evals.run_eval``; :class:`gr.Error` when the harness is missing."""
    try:
        import evals
    except ImportError as exc:
        raise gr.Error(f"The eval harness is not installed ({exc}).")
    fn = getattr(evals, "run_eval", None)
    if fn is None:
        raise gr.Error("This installation has no evals.run_eval.")
    return fn


def dataset_path(source: str, file: Any) -> Path:
    """The dataset to run: the uploaded file or the seeds questions."""
    if source.startswith("Upload"):
        if not file:
            raise gr.Error("Upload a JSONL dataset first (one question per line).")
        return Path(getattr(file, "name", None) or str(file))
    dataset = seeds_dataset()
    if dataset is None:
        raise gr.Error("evals/datasets/seeds.jsonl was not found.")
    return dataset


def report_update(report: dict[str, Any], out: Path, backend: str) -> EvalUpdate:
    """The summary line, tables, plots and report files of a finished eval."""
    summary, headers, rows = eval_tables(report)
    plots = sorted(str(p) for p in out.glob("*.png"))
    files = [str(out / n) for n in ("report.html", "report.md", "report.json") if (out / n).is_file()]
    counts = report.get("counts") or {}
    run = report.get("run") or {}
    text = (f"**{len(rows)} questions** ({counts.get('ok', len(rows))} ok, {counts.get('failed', 0)} failed) · "
            f"backend {R.esc(run.get('backend', backend))} · {run.get('seconds', '?')} s · report in "
            f"`{R.esc(out)}`")
    for warning in run.get("warnings") or []:
        text += f"\n\n⚠ {R.esc(warning)}"
    widths = ["5%", "8%", "25%", "5%"] + ["6%"] * (len(headers) - 5) + [f"{57 - 6 * (len(headers) - 5)}%"]
    return EvalUpdate(eval_msg=text, eval_summary=gr.update(value=summary, visible=True),
                      eval_plots=gr.update(value=plots or None, visible=bool(plots)),
                      eval_rows=gr.update(value=rows, headers=headers, visible=True, column_widths=widths),
                      eval_files=gr.update(value=files or None, visible=bool(files)))


class EvalsHandlers:
    def __init__(self, app: AppState) -> None:
        self.app = app

    def run_evals(self, source: str, file: Any, limit: float | None, backend: str,
                  progress: Any = gr.Progress(track_tqdm=True)) -> tuple:
        fn = eval_runner()
        dataset = dataset_path(source, file)
        out = Path(self.app.settings.data_dir) / "eval-reports" / _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        progress(0, desc="Starting the eval")
        try:
            report = call_run_eval(fn, dataset=str(dataset), out=str(out),
                                   backend=backend if backend in self.app.backends else "extractive",
                                   limit=int(limit) if limit else None, progress=progress, engine=self.app.engine,
                                   log=lambda message: log.info("eval: %s", message))
        except RagError as exc:
            raise gr.Error(f"{exc.message} {exc.hint or ''}".strip())
        return report_update(report, out, backend).as_tuple()


def wire_evals(handlers: EvalsHandlers, page: SimpleNamespace) -> None:
    """The dataset upload shows for "Upload a dataset"; Run eval runs one eval at a time."""
    page.eval_source.change(lambda choice: gr.update(visible=choice.startswith("Upload")), [page.eval_source],
                            [page.eval_file], queue=False)
    page.eval_btn.click(handlers.run_evals, [page.eval_source, page.eval_file, page.eval_limit, page.eval_backend],
                        EvalUpdate.outputs(page), concurrency_id="eval", concurrency_limit=1)
