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
from .language import T, Translated
from .seeds import seeds_dataset
from .state import AppState, Updates
from .strings import DEFAULT, t

log = logging.getLogger("ui")
SEEDS_CHOICE, UPLOAD_CHOICE = "seeds", "upload"


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
    eval_intro: Any


def source_choices(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "evals.seeds"), SEEDS_CHOICE), (t(lang, "evals.upload"), UPLOAD_CHOICE)]


def evals_tab(app: AppState, tr: Translated) -> EvalsView:
    """The dataset choice, the Run button and the report's tables, plots and files (inside the Evals tab)."""
    eval_intro = tr(gr.Markdown, value=T("evals.intro"), elem_classes=["hint"])
    with gr.Row(equal_height=True):
        eval_source = tr(gr.Radio, choices=T(source_choices), value=SEEDS_CHOICE, label=T("evals.dataset"),
                         elem_id="eval-source", scale=2, min_width=260)
        eval_limit = tr(gr.Number, value=10, minimum=0, precision=0, label=T("evals.limit"),
                        elem_id="eval-limit", scale=1, min_width=140)
        eval_backend = tr(gr.Dropdown, choices=app.backends, value="extractive", label=T("evals.backend"),
                          elem_id="eval-backend", scale=1, min_width=160)
    eval_file = tr(gr.File, label=T("evals.file"), file_types=[".jsonl", ".json"], elem_id="eval-file", height=110,
                   visible=False)
    eval_btn = tr(gr.Button, value=T("evals.run"), variant="primary", elem_id="eval-run")
    eval_msg = gr.Markdown(elem_id="eval-msg")
    with gr.Row(equal_height=False):
        eval_summary = tr(gr.Dataframe, headers=["metric", "value", "n"], interactive=False, visible=False,
                          elem_id="eval-summary", label=T("evals.summary"), max_height=330, scale=1,
                          min_width=280, column_widths=["55%", "25%", "20%"])
        eval_plots = tr(gr.Gallery, label=T("evals.plots"), visible=False, elem_id="eval-plots", columns=2, rows=1,
                        height=330, object_fit="contain", scale=2, min_width=300,
                        buttons=["download", "fullscreen"])
    eval_rows = tr(gr.Dataframe, interactive=False, visible=False, elem_id="eval-rows", wrap=True,
                   label=T("evals.rows"), max_height=480)
    eval_files = tr(gr.File, label=T("evals.files"), file_count="multiple", visible=False,
                    elem_id="eval-files", interactive=False)
    return EvalsView(eval_source=eval_source, eval_limit=eval_limit, eval_backend=eval_backend, eval_file=eval_file,
                     eval_btn=eval_btn, eval_msg=eval_msg, eval_summary=eval_summary, eval_plots=eval_plots,
                     eval_rows=eval_rows, eval_files=eval_files, eval_intro=eval_intro)


class EvalUpdate(Updates):
    """Outputs of Run eval, in this order."""

    FIELDS = ("eval_msg", "eval_summary", "eval_plots", "eval_rows", "eval_files")


def eval_runner(lang: str = DEFAULT) -> Callable[..., dict[str, Any]]:
    """``evals.run_eval``; :class:`gr.Error` when the harness is missing."""
    try:
        import evals
    except ImportError as exc:
        raise gr.Error(t(lang, "evals.no_harness", error=exc))
    fn = getattr(evals, "run_eval", None)
    if fn is None:
        raise gr.Error(t(lang, "evals.no_runner"))
    return fn


def dataset_path(source: str, file: Any, lang: str = DEFAULT) -> Path:
    """The dataset to run: the uploaded file or the seeds questions."""
    if source == UPLOAD_CHOICE:
        if not file:
            raise gr.Error(t(lang, "evals.upload_first"))
        return Path(getattr(file, "name", None) or str(file))
    dataset = seeds_dataset()
    if dataset is None:
        raise gr.Error(t(lang, "evals.no_seeds"))
    return dataset


def report_update(report: dict[str, Any], out: Path, backend: str, lang: str = DEFAULT) -> EvalUpdate:
    """The summary line, tables, plots and report files of a finished eval."""
    summary, headers, rows = eval_tables(report)
    plots = sorted(str(p) for p in out.glob("*.png"))
    files = [str(out / n) for n in ("report.html", "report.md", "report.json") if (out / n).is_file()]
    counts = report.get("counts") or {}
    run = report.get("run") or {}
    text = t(lang, "evals.report", count=len(rows), ok=counts.get("ok", len(rows)), failed=counts.get("failed", 0),
             backend=R.esc(run.get("backend", backend)), seconds=run.get("seconds", "?"), out=R.esc(out))
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

    def run_evals(self, source: str, file: Any, limit: float | None, backend: str, lang: str,
                  progress: Any = gr.Progress(track_tqdm=True)) -> tuple:
        fn = eval_runner(lang)
        dataset = dataset_path(source, file, lang)
        out = Path(self.app.settings.data_dir) / "eval-reports" / _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        progress(0, desc=t(lang, "evals.starting"))
        try:
            report = call_run_eval(fn, dataset=str(dataset), out=str(out),
                                   backend=backend if backend in self.app.backends else "extractive",
                                   limit=int(limit) if limit else None, progress=progress, engine=self.app.engine,
                                   log=lambda message: log.info("eval: %s", message))
        except RagError as exc:
            raise gr.Error(f"{exc.message} {exc.hint or ''}".strip())
        return report_update(report, out, backend, lang).as_tuple()


def wire_evals(handlers: EvalsHandlers, page: SimpleNamespace) -> None:
    """The dataset upload shows for "Upload a dataset"; Run eval runs one eval at a time."""
    page.eval_source.change(lambda choice: gr.update(visible=choice == UPLOAD_CHOICE), [page.eval_source],
                            [page.eval_file], queue=False)
    page.eval_btn.click(handlers.run_evals,
                        [page.eval_source, page.eval_file, page.eval_limit, page.eval_backend, page.ui_lang],
                        EvalUpdate.outputs(page), concurrency_id="eval", concurrency_limit=1)
