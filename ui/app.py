"""The web app: chat with verified citations, sources and article viewer, library, settings, evals, feedback.

``rag serve`` (registered through the ``rag.commands`` entry point) builds an :class:`rag.Engine`, indexes
``seeds/`` when the index is empty, mounts this Gradio app at ``/`` of the HTTP API app
(:func:`rag.create_http_app`) and runs both in one uvicorn process.

Front-end rules kept here: only the public :mod:`rag` API is used; every article text and model output is
escaped (see :mod:`ui.render`); each browser session keeps its own history in ``gr.State``.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import inspect
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator, Sequence

import rag
from rag import DocumentError, RagError

from . import render as R
from .auth import LOGIN_MESSAGE, WebGuard, gradio_app_of, key_login
from .assets import CONFIRM_DELETE_JS, COPY_JS, CSS, HEAD, SOURCES_JS, VIEWER_JS

__all__ = ["build_app", "register", "create_server", "mount", "launch_options", "validate_upload",
           "example_questions", "FeedbackLog", "REPO_ROOT"]

log = logging.getLogger("ui")
gr: Any = None  # gradio, imported by build_app (kept out of `rag --help`)

REPO_ROOT = Path(__file__).resolve().parents[1]
UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".pdf")
BACKEND_NAMES = ("local", "openai", "openai-compatible", "extractive")
LANGUAGES = ["", "English", "Vietnamese", "French", "German", "Spanish", "Chinese", "Japanese", "Korean"]
TOP_K_MAX = 20
STREAM_INTERVAL = 0.06  # seconds between chat updates while a draft streams


# =========================================================================== helpers (no Gradio)
def seeds_dir() -> Path | None:
    """``./seeds`` when present, else the repository's ``seeds/``."""
    for candidate in (Path.cwd() / "seeds", REPO_ROOT / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def seeds_dataset() -> Path | None:
    for candidate in (Path.cwd() / "evals/datasets/seeds.jsonl", REPO_ROOT / "evals/datasets/seeds.jsonl"):
        if candidate.is_file():
            return candidate
    return None


def example_questions(engine: rag.Engine, n: int = 4) -> list[str]:
    """Example questions for the loaded corpus: the seeds eval's first questions when the seeds are indexed,
    else questions made from the newest article titles."""
    docs = engine.documents()
    indexed = {d.doc_id for d in docs}
    dataset = seeds_dataset()
    picked: list[str] = []
    if dataset and indexed:
        used_sources: set[str] = set()
        try:
            for line in dataset.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                sources = set(item.get("sources") or [])
                if not item.get("answerable", True) or item.get("history") or not sources or not sources <= indexed:
                    continue
                if sources & used_sources:  # one question per article
                    continue
                used_sources |= sources
                picked.append(item["question"])
                if len(picked) >= n:
                    break
        except (OSError, ValueError, KeyError):
            picked = []
    if len(picked) >= min(n, 2):
        return picked[:n]
    out = []
    for d in docs[:n]:
        words = d.title.rstrip("….").split()
        topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        out.append(f"What do the articles say about: {topic}?")
    return out


def allowed_backends(settings: rag.Settings) -> list[str]:
    """Backends a browser may pick: the configured one, extractive, the packaged local model and an operator-set
    OpenAI-compatible server; never a paid API the server was not configured to answer with."""
    allowed = {settings.backend, "extractive", "local"}
    if settings.llm_base_url:
        allowed.add("openai-compatible")
    return [b for b in BACKEND_NAMES if b in allowed]


BACKEND_HELP = {
    "local": "local: a small language model on this machine writes the answer; each sentence is checked against "
             "the articles",
    "openai": "openai: OpenAI's API writes the answer; each sentence is checked against the articles",
    "openai-compatible": "openai-compatible: the configured server's model writes the answer; each sentence is "
                         "checked against the articles",
    "extractive": "extractive: quotes the articles without a language model",
}


def backend_help(backend: str) -> str:
    """The settings' help line for the selected answer backend."""
    return BACKEND_HELP.get(backend, "")


def model_for(settings: rag.Settings, backend: str) -> str:
    if backend == "extractive":
        return ""
    if backend == "local" and not settings.llm_base_url:
        return settings.local_model
    try:
        return settings.model_copy(update={"backend": backend}).chat_endpoint()[1] or ""
    except Exception:  # pragma: no cover - defensive
        return ""


class BackendChecks:
    """``rag doctor`` checks, run once in the background (they may wait on the network for an LLM server)."""

    def __init__(self, settings: rag.Settings) -> None:
        self.settings = settings
        self._rows: list[tuple[str, bool, str]] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> "BackendChecks":
        with self._lock:
            if self._thread is None or (not self._thread.is_alive() and self._rows is None):
                self._thread = threading.Thread(target=self._run, name="ui-doctor", daemon=True)
                self._thread.start()
        return self

    def refresh(self) -> list[tuple[str, bool, str]]:
        self._rows = None
        self._thread = None
        return self.start().rows()

    def _run(self) -> None:
        try:
            from rag import run_checks

            rows = list(run_checks(self.settings))
        except Exception as exc:  # the checks must never break the app
            rows = [("checks", False, self.settings.redactor()(f"could not run: {type(exc).__name__}: {exc}") or "")]
        self._rows = rows

    def rows(self, timeout: float = 10.0) -> list[tuple[str, bool, str]]:
        self.start()
        if self._thread is not None:
            self._thread.join(timeout)
        return list(self._rows or [])

    def problem(self, backend: str) -> str | None:
        """Why ``backend`` cannot answer here (None when it should work)."""
        if backend == "extractive":
            return None
        rows = {name: (ok, detail) for name, ok, detail in self.rows()}
        if backend == "local":
            if self.settings.llm_base_url:
                return None
            for key in ("xllamacpp (local LLM server)", f"local model {self.settings.local_model}"):
                ok, detail = rows.get(key, (True, ""))
                if not ok:
                    return detail or f"{key} is not available"
            return None
        ok, detail = rows.get(f"backend {backend}", (True, ""))
        return None if ok else detail

    def table_html(self) -> str:
        rows = self.rows()
        if not rows:
            return '<p class="hint">Checking what is available…</p>'
        body = "".join(
            f'<tr><td class="{"check-ok" if ok else "check-no"}">{"✓" if ok else "✗"}</td><td>{R.esc(name)}</td>'
            f"<td>{R.esc(detail)}</td></tr>" for name, ok, detail in rows)
        return f'<table class="checks">{body}</table>'


def fallback_message(backend: str, problem: str) -> str:
    return (f"The {backend} language model is unavailable ({problem}). Answers are built extractively instead: "
            "quoted sentences from the articles, still with citations.")


class FeedbackLog:
    """Thumbs up/down (and comments) appended as JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def feedback_path(settings: rag.Settings) -> Path:
    return Path(settings.feedback_file) if settings.feedback_file else Path(settings.data_dir) / "feedback.jsonl"


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A plain file name (document id) from an uploaded file's name."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _SAFE_NAME.sub("_", stem).strip("._-") or "article"
    suffix = _SAFE_NAME.sub("", suffix).lower()
    return (stem[:120] + (f".{suffix}" if suffix else ""))


def pdf_text(path: Path, name: str) -> str:
    """Text of a PDF (pypdf), pages separated by blank lines; :class:`DocumentError` when there is none."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except Exception as exc:
        raise DocumentError(f"{name}: the PDF cannot be read ({type(exc).__name__}).",
                            hint="Upload a text-based PDF, or the article as .txt/.md/.html.") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise DocumentError(f"{name}: the PDF has no extractable text (scanned images?).",
                            hint="Upload the article as .txt, .md or .html.")
    return text


def validate_upload(path: str | Path, max_bytes: int, original_name: str | None = None) -> tuple[str, Path | None, str | None]:
    """Check one uploaded file: (document id, file to ingest or None, text for PDFs or None).

    Raises :class:`rag.DocumentError` with a message for the user (wrong type, too large, not UTF-8, empty).
    """
    path = Path(path)
    name = safe_name(original_name or path.name)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise DocumentError(f"{name}: unsupported file type {suffix or '(none)'}.",
                            hint=f"Upload {', '.join(UPLOAD_TYPES)} files.")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"{name}: file is {size:,} bytes, over the {max_bytes:,}-byte limit.",
                            hint="Split it or raise max_upload_bytes.")
    if size == 0:
        raise DocumentError(f"{name}: the file is empty.", hint="Upload an article with some text.")
    if suffix == ".pdf":
        return name, None, pdf_text(path, name)
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: looks like a binary file, not text.", hint="Upload a .txt, .md or .html article.")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{name}: not valid UTF-8 (byte {exc.start}).",
                            hint="Re-save the file as UTF-8 (e.g. `iconv -f cp1258 -t utf-8`).") from exc
    return name, path, None


def ingest_uploads(engine: rag.Engine, files: Sequence[Any], progress: Any = None) -> tuple[list[str], list[str]]:
    """Validate and index uploaded files; returns (done messages, error messages)."""
    settings = engine.settings
    done: list[str] = []
    errors: list[str] = []
    texts: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as tmp:
        paths: list[Path] = []
        names: set[str] = set()
        for f in files:
            src = Path(getattr(f, "name", None) or str(f))
            try:
                name, path, text = validate_upload(src, settings.max_upload_bytes,
                                                   getattr(f, "orig_name", None) or src.name)
            except RagError as exc:
                errors.append(str(exc))
                continue
            if name in names:
                errors.append(f"{name}: uploaded twice; kept the first.")
                continue
            names.add(name)
            if text is not None:
                texts.append((name, text))
            elif path is not None:
                target = Path(tmp) / name
                shutil.copyfile(path, target)
                paths.append(target)
        if not paths and not texts:
            return done, errors
        try:
            report = engine.ingest(paths=paths or None, texts=texts or None, progress=progress)
        except RagError as exc:
            errors.append(str(exc))
            return done, errors
    for doc in report.added:
        done.append(f"{doc}: added")
    for doc in report.updated:
        done.append(f"{doc}: replaced (the content changed)")
    for doc in report.unchanged:
        done.append(f"{doc}: already indexed, unchanged")
    for doc, message in report.failed.items():
        errors.append(message if message.startswith(doc) else f"{doc}: {message}")
    return done, errors


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


# =========================================================================== the app
def launch_options(settings: rag.Settings | None = None) -> dict[str, Any]:
    """theme / css / head for ``demo.launch(**...)`` or :func:`mount` (Gradio 6 takes them there)."""
    import gradio as gr

    theme = gr.themes.Soft(
        primary_hue="indigo", secondary_hue="indigo", neutral_hue="slate", radius_size="md",
        font=("ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
              "sans-serif"),
        font_mono=("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"),
    )
    return {"theme": theme, "css": CSS, "head": HEAD}


def build_app(engine: rag.Engine) -> Any:
    """The Gradio app over ``engine`` (pass :func:`launch_options` to ``launch()`` / :func:`mount`)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # a module global, so that Gradio can resolve the (postponed) gr.EventData / gr.LikeData annotations
    global gr
    import gradio as gr

    settings = engine.settings
    backends = allowed_backends(settings)
    checks = BackendChecks(settings).start()
    feedback = FeedbackLog(feedback_path(settings))
    default_prefs = {"backend": settings.backend, "top_k": settings.context_k, "since": "", "until": "",
                     "language": settings.answer_language or "", "retrieval_only": False}
    secret = hashlib.sha256(f"newsrag:{Path(settings.data_dir).resolve()}".encode()).hexdigest()[:24]
    try:
        examples = example_questions(engine)
    except RagError:
        examples = []

    warmed: set[str] = set()  # backends that have answered once in this process (their model is loaded)
    # Each browser session's latest answer run. Stop and Clear cancel a running answer (`cancels=`), but Gradio's
    # browser client sends the cancellation only once their own reply has arrived, and the run's updates come on
    # another connection: a draft the run yields meanwhile (or one already on its way) would land after "Stopped" or
    # the cleared chat and replace it. So Stop/Clear also mark the run here, the run yields no change from then on,
    # and `settle`, chained after every answer event (the browser runs it once the run's last update has been
    # applied, cancelled or not), shows the final state.
    runs: dict[str, dict[str, Any]] = {}
    runs_lock = threading.Lock()

    # ------------------------------------------------------------------ handlers: status
    def status_html(backend: str) -> str:
        try:
            stats = engine.stats()
        except RagError as exc:
            return R.render_banner([f"The index is unavailable: {exc}"])
        return R.render_status(stats, backend, model_for(settings, backend))

    def header_html(backend: str, notice: str | None = None) -> str:
        """The status line, plus a banner when the backend cannot answer (or an answer fell back)."""
        if notice:
            return status_html(backend) + R.render_banner([notice])
        problem = checks.problem(backend)
        return status_html(backend) + (R.render_banner([fallback_message(backend, problem)]) if problem else "")

    # ------------------------------------------------------------------ handlers: chat
    def history_of(turns: list[dict]) -> list[dict[str, str]]:
        history: list[dict[str, str]] = []
        for t in turns:
            if t.get("answer") and t["answer"].get("backend") != "retrieval-only":
                history += [{"role": "user", "content": t["q"]},
                            {"role": "assistant", "content": t["answer"].get("text", "")}]
        return history

    def messages_of(turns: list[dict]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for t in turns:
            out.append({"role": "user", "content": R.render_question(t["q"])})
            out.append({"role": "assistant", "content": t["html"]})
        return out

    def session_of(request: Any) -> str:
        return str(getattr(request, "session_hash", None) or "")

    def respond(question: str, turns: list[dict], backend: str, top_k: float, since: str, until: str,
                language: str, retrieval_only: bool, request: gr.Request) -> Iterator[tuple]:
        skip = gr.skip()
        question = (question or "").strip()
        if not question:
            gr.Warning("Type a question about the articles first.")
            yield skip, skip, skip, skip, skip, skip, skip, skip
            return
        session = session_of(request)
        run: dict[str, Any] = {"active": True, "halt": None}
        with runs_lock:
            runs[session] = run
        try:
            yield from answer_run(run, question, turns, backend, top_k, since, until, language, retrieval_only)
        finally:  # also when the run is cancelled (Gradio closes the generator)
            with runs_lock:
                run["active"] = False

    def answer_run(run: dict[str, Any], question: str, turns: list[dict], backend: str, top_k: float, since: str,
                   until: str, language: str, retrieval_only: bool) -> Iterator[tuple]:
        skip = gr.skip()

        def halted() -> bool:
            """Stop or Clear was pressed: yield nothing more (``settle`` shows the final state once the run ends)."""
            return run["halt"] is not None

        turns = [dict(t) for t in (turns or [])]
        history = history_of(turns)
        chosen = backend if backend in backends else settings.backend
        if retrieval_only or chosen == "extractive":
            pending = "Searching the articles"
        elif chosen in warmed:
            pending = f"Searching the articles, then writing with the {chosen} model"
        else:
            pending = (f"Searching the articles, then writing with the {chosen} model (the first answer starts "
                       "the model and can take a minute)")
        began = time.monotonic()
        turn = {"q": question, "status": "pending", "html": R.render_pending(pending, 0.0), "answer": None}
        turns.append(turn)
        index = len(turns) - 1
        yield "", messages_of(turns), turns, skip, skip, skip, skip, skip
        answer = None
        draft: list[str] = []
        last = 0.0
        try:
            for event in engine.stream(question, history=history, since=since or None, until=until or None,
                                       top_k=int(top_k) if top_k else None, backend=chosen,
                                       retrieval_only=bool(retrieval_only), language=language or None):
                if halted():  # changes nothing; hands control back so that Stop/Clear's cancellation can close it
                    yield skip, skip, skip, skip, skip, skip, skip, skip
                    continue
                elapsed = time.monotonic() - began
                if event.type == "token":
                    draft.append(event.text)
                    now = time.monotonic()
                    if now - last >= STREAM_INTERVAL:
                        last = now
                        turn.update(status="draft", html=R.render_draft("".join(draft), elapsed),
                                    draft="".join(draft))
                        yield skip, messages_of(turns), turns, skip, skip, skip, skip, skip
                elif event.type == "sources":  # sources first: the passages show while the answer is written
                    turn["reading"] = [asdict(p) for p in event.passages]
                    step = ("Checking the passages" if retrieval_only or chosen == "extractive"
                            else f"Reading the passages with the {chosen} model")
                    turn.update(html=R.render_pending(step, elapsed))
                    yield (skip, messages_of(turns), turns, gr.update(value=R.render_reading(turn["reading"], question),
                                                                      visible=True),
                           skip, skip, R.VIEWER_PLACEHOLDER, gr.update(visible=False))
                elif event.type == "status" and not draft:
                    turn.update(html=R.render_pending(event.text.rstrip("…") or "Working", elapsed))
                    yield skip, messages_of(turns), turns, skip, skip, skip, skip, skip
                elif event.type == "answer":
                    answer = event.answer
        except RagError as exc:
            if halted():
                return
            turn.update(status="error", html=R.render_error(exc.message, exc.hint))
            yield skip, messages_of(turns), turns, skip, skip, skip, skip, skip
            return
        except Exception as exc:  # never leave the chat hanging
            log.exception("answer failed")
            if halted():
                return
            turn.update(status="error", html=R.render_error(f"Unexpected error ({type(exc).__name__}).",
                                                            "Try again; the server log has the details."))
            yield skip, messages_of(turns), turns, skip, skip, skip, skip, skip
            return
        if halted():
            return
        if answer is None:  # pragma: no cover - the engine always ends with an answer
            turn.update(status="error", html=R.render_error("No answer came back.", "Try again."))
            yield skip, messages_of(turns), turns, skip, skip, skip, skip, skip
            return
        if answer.backend == chosen:
            warmed.add(chosen)
        data = answer.to_dict()
        if retrieval_only:
            data["backend"] = "retrieval-only"
        turn.update(status="done", html=R.render_answer(data, index), answer=data)
        header = skip
        if answer.notice and "language model" in answer.notice:
            header = header_html(backend, answer.notice)
        yield ("", messages_of(turns), turns, gr.update(value=R.render_sources(data, index), visible=True),
               R.plain_answer(data), header, R.VIEWER_PLACEHOLDER, gr.update(visible=False))

    def retry(turns: list[dict], backend: str, top_k: float, since: str, until: str, language: str,
              retrieval_only: bool, request: gr.Request) -> Iterator[tuple]:
        if not turns:
            gr.Info("Nothing to retry yet.")
            skip = gr.skip()
            yield skip, skip, skip, skip, skip, skip, skip, skip
            return
        question = turns[-1]["q"]
        yield from respond(question, list(turns[:-1]), backend, top_k, since, until, language, retrieval_only,
                           request)

    def halt(request: Any, why: str) -> None:
        """Ask the session's running answer (if any) to end: ``why`` is "stopped" or "cleared"."""
        with runs_lock:
            run = runs.get(session_of(request))
            if run is not None and run["active"]:
                run["halt"] = why

    def mark_stopped(turns: list[dict]) -> list[dict]:
        """``turns`` with an unfinished last turn (pending or a draft) marked as stopped."""
        turns = [dict(t) for t in (turns or [])]
        if turns and turns[-1]["status"] in ("pending", "draft"):
            t = turns[-1]
            prefix = R.render_draft(t.get("draft", "")) if t["status"] == "draft" else ""
            t.update(status="stopped", html=prefix + '<div class="answer-kind stopped no-rating">Stopped. Ask again or press '
                                                      "Retry.</div>")
        return turns

    def stop(turns: list[dict], request: gr.Request) -> tuple:
        halt(request, "stopped")
        turns = mark_stopped(turns)
        return messages_of(turns), turns

    def cleared() -> tuple:
        return [], [], gr.update(value=R.SOURCES_PLACEHOLDER, visible=True), "", R.VIEWER_PLACEHOLDER, \
            gr.update(visible=False)

    def clear(request: gr.Request) -> tuple:
        halt(request, "cleared")
        return *cleared(), "", gr.update(visible=False), None

    def settle(turns: list[dict], request: gr.Request) -> tuple:
        """After an answer run has ended (finished or cancelled): the chat as Stop/Clear left it.

        Runs after the run's last update has reached the browser, so nothing of the run can replace it; it reads
        the session state once the run has stopped writing it."""
        skip = gr.skip()
        nothing = (skip,) * 8
        with runs_lock:
            run = runs.get(session_of(request))
            if run is None or run["active"]:  # a newer answer is running: it owns the chat
                return nothing
            why = run["halt"]
        if why == "cleared":
            chat, state, sources_, copy, viewer_, close = cleared()
            return skip, chat, state, sources_, copy, skip, viewer_, close
        unfinished = bool(turns) and turns[-1]["status"] in ("pending", "draft")
        if why is None and not unfinished:  # the answer finished: nothing to change
            return nothing
        turns = mark_stopped(turns)
        reading = turns[-1].get("reading") if turns and not turns[-1].get("answer") else None
        sources_ = skip if reading is None else gr.update(value=R.render_reading(reading, turns[-1]["q"], True),
                                                          visible=True)
        return skip, messages_of(turns), turns, sources_, skip, skip, skip, skip

    def forget(request: gr.Request) -> None:
        with runs_lock:
            runs.pop(session_of(request), None)

    def open_ref(turns: list[dict], evt: gr.EventData) -> tuple:
        data = getattr(evt, "_data", None) or {}
        ref = str(data.get("ref", "")) if isinstance(data, dict) else str(data)
        m = re.fullmatch(r"(cite|rel)-(\d+)-(\d+)", ref)
        skip = gr.skip()
        if not m or not turns or int(m.group(2)) >= len(turns) or not turns[int(m.group(2))].get("answer"):
            return skip, skip, skip
        kind, index, n = m.group(1), int(m.group(2)), int(m.group(3))
        answer = turns[index]["answer"]
        if kind == "cite":
            cite = next((c for c in answer.get("citations", []) if int(c["number"]) == n), None)
            if cite is None:
                return skip, skip, skip
            doc_id, start, end = cite["doc_id"], cite["start"], cite["end"]
            label = f"[{n}] The cited passage is highlighted."
        else:
            pool = answer.get("related") if answer.get("refused") else answer.get("passages")
            pool = pool or answer.get("passages") or []
            if n >= len(pool):
                return skip, skip, skip
            p = pool[n]
            doc_id, start, end = p["doc_id"], p["start"], p["end"]
            label = ("Related passage (not a source) highlighted." if answer.get("refused")
                     else "Retrieved passage highlighted.")
        found = engine.article(doc_id)
        if found is None:
            viewer = R.render_banner([f"{doc_id} is no longer in the index."])
        else:
            text, info = found
            viewer = R.render_article(text, info, start, end, label)
        count = len(answer.get("citations") or []) or len(answer.get("related") or answer.get("passages") or [])
        back = f"← Back to the {'sources' if answer.get('citations') else 'passages'} ({count})"
        # the article takes the sources' place; the sources stay mounted (their script routes the clicks)
        return viewer, gr.update(visible=True, value=back), gr.update(value=R.render_sources(answer, index),
                                                                       visible="hidden")

    def close_viewer() -> tuple:
        return R.VIEWER_PLACEHOLDER, gr.update(visible=False), gr.update(visible=True)

    def pick_example(evt: gr.SelectData) -> str:
        value = evt.value
        if isinstance(value, dict):
            return str(value.get("text") or value.get("display_text") or "")
        return str(value or "")

    # ------------------------------------------------------------------ handlers: feedback
    def on_like(turns: list[dict], evt: gr.LikeData) -> tuple:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        turn_no = int(index) // 2
        if not turns or turn_no >= len(turns) or not turns[turn_no].get("answer"):
            return None, gr.update(value=""), gr.update(visible=False)
        liked = evt.liked
        rating = "up" if liked in (True, "Like") else "down" if liked in (False, "Dislike") else str(liked)
        answer = turns[turn_no]["answer"]
        record = {
            "id": uuid.uuid4().hex, "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "event": "rating", "rating": rating, "comment": "", "question": turns[turn_no]["q"],
            "answer": answer.get("text", ""), "refused": answer.get("refused"), "backend": answer.get("backend"),
            "model": answer.get("model"),
            "citations": [{k: c.get(k) for k in ("number", "doc_id", "title", "start", "end", "quote")}
                          for c in answer.get("citations", [])],
        }
        feedback.append(record)
        thanks = "Thanks for the 👍." if rating == "up" else "Thanks: what was wrong? (optional)"
        return record, gr.update(label=thanks, value=""), gr.update(visible=True)

    def send_comment(record: dict | None, comment: str) -> tuple:
        comment = (comment or "").strip()
        if record and comment:
            feedback.append({**record, "event": "comment", "comment": comment[:4000],
                             "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")})
            gr.Info("Feedback saved. Thank you!")
        return None, gr.update(visible=False), ""

    # ------------------------------------------------------------------ handlers: library
    def library_view(query: str, backend: str) -> tuple:
        docs = engine.documents()
        rows = R.documents_rows(docs, query or "")
        choices = [(f"{d.title[:70]} ({d.doc_id})", d.doc_id) for d in docs]
        return rows, gr.update(choices=choices, value=None), header_html(backend)

    def upload(files: list[Any] | None, query: str, backend: str, progress: Any = gr.Progress()) -> tuple:
        if not files:
            return (gr.skip(),) * 5
        progress(0, desc="Checking files")

        def tick(done: int, total: int, doc: str) -> None:
            if total:
                progress(done / total, desc=f"Indexing {doc}" if doc else "Indexing")

        done, errors = ingest_uploads(engine, files, progress=tick)
        lines = []
        if done:
            lines.append("**Indexed:**\n" + "\n".join(f"- {R.esc(x)}" for x in done))
        if errors:
            lines.append("**Not indexed:**\n" + "\n".join(f"- {R.esc(x)}" for x in errors))
        rows, dropdown, status = library_view(query, backend)
        return "\n\n".join(lines) or "Nothing to index.", rows, dropdown, status, None

    def delete_doc(doc_id: str | None, query: str, backend: str) -> tuple:
        if not doc_id:
            return "Choose an article to delete first.", *(gr.skip(),) * 5
        try:
            removed = engine.delete(doc_id)
        except RagError as exc:
            return f"Could not delete {R.esc(doc_id)}: {R.esc(exc)}", *(gr.skip(),) * 5
        rows, dropdown, status = library_view(query, backend)
        message = f"Deleted **{R.esc(doc_id)}**." if removed else f"{R.esc(doc_id)} was not indexed."
        return message, rows, dropdown, status, "", ""  # the last upload's report no longer holds

    def reindex(doc_id: str | None, query: str, backend: str, progress: Any = gr.Progress()) -> tuple:
        ids = [doc_id] if doc_id else [d.doc_id for d in engine.documents()]
        if not ids:
            return "The library is empty.", gr.skip(), gr.skip(), gr.skip()
        done = 0
        failed: list[str] = []
        for i, doc in enumerate(ids):
            progress(i / len(ids), desc=f"Re-indexing {doc}")
            found = engine.article(doc)
            if found is None:
                failed.append(f"{doc}: not indexed")
                continue
            text = found[0]
            try:
                engine.delete(doc)
                report = engine.ingest(texts=[(doc, text)])
            except RagError as exc:
                failed.append(f"{doc}: {exc}")
                continue
            failed += [f"{d}: {m}" for d, m in report.failed.items()]
            done += len(report.added) + len(report.updated)
        progress(1.0, desc="Done")
        rows, dropdown, status = library_view(query, backend)
        message = f"Re-indexed {done} article{'s' if done != 1 else ''}."
        if failed:
            message += "\n\n**Problems:**\n" + "\n".join(f"- {R.esc(f)}" for f in failed)
        return message, rows, dropdown, status

    def select_doc(rows: Any, evt: gr.SelectData) -> tuple:
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            values = rows.values.tolist() if hasattr(rows, "values") else rows
            doc_id = values[row][4]
        except (IndexError, TypeError, ValueError):
            return gr.skip(), gr.skip()
        found = engine.article(doc_id)
        preview = R.render_article(found[0], found[1]) if found else ""
        return doc_id, preview

    def preview_doc(doc_id: str | None) -> str:
        if not doc_id:
            return ""
        found = engine.article(doc_id)
        return R.render_article(found[0], found[1]) if found else ""

    # ------------------------------------------------------------------ handlers: settings
    def save_prefs(backend: str, top_k: float, since: str, until: str, language: str, retrieval_only: bool) -> tuple:
        prefs = {"backend": backend, "top_k": int(top_k or settings.context_k), "since": since or "",
                 "until": until or "", "language": language or "", "retrieval_only": bool(retrieval_only)}
        return prefs, header_html(backend)

    def restore_prefs(prefs: dict | None) -> tuple:
        p = {**default_prefs, **(prefs or {})}
        if p["backend"] not in backends:
            p["backend"] = settings.backend
        top_k = min(max(int(p.get("top_k") or settings.context_k), 1), TOP_K_MAX)
        return (p["backend"], top_k, p["since"], p["until"], p["language"], bool(p["retrieval_only"]),
                f'<div data-session-ready="1">{header_html(p["backend"])}</div>', checks.table_html())

    def reset_prefs() -> tuple:
        p = default_prefs
        return (p["backend"], p["top_k"], "", "", p["language"], False, dict(p), header_html(p["backend"]))

    def recheck(backend: str) -> tuple:
        checks.refresh()
        return checks.table_html(), header_html(backend)

    # ------------------------------------------------------------------ handlers: evals
    def run_evals(source: str, file: Any, limit: float | None, backend: str,
                  progress: Any = gr.Progress(track_tqdm=True)) -> tuple:
        try:
            import evals
        except ImportError as exc:
            raise gr.Error(f"The eval harness is not installed ({exc}).")
        fn = getattr(evals, "run_eval", None)
        if fn is None:
            raise gr.Error("This installation has no evals.run_eval.")
        if source.startswith("Upload"):
            if not file:
                raise gr.Error("Upload a JSONL dataset first (one question per line).")
            dataset = Path(getattr(file, "name", None) or str(file))
        else:
            dataset = seeds_dataset()
            if dataset is None:
                raise gr.Error("evals/datasets/seeds.jsonl was not found.")
        out = Path(settings.data_dir) / "eval-reports" / _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        progress(0, desc="Starting the eval")
        try:
            report = call_run_eval(fn, dataset=str(dataset), out=str(out),
                                   backend=backend if backend in backends else "extractive",
                                   limit=int(limit) if limit else None, progress=progress, engine=engine,
                                   log=lambda message: log.info("eval: %s", message))
        except RagError as exc:
            raise gr.Error(f"{exc.message} {exc.hint or ''}".strip())
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
        return (text, gr.update(value=summary, visible=True), gr.update(value=plots or None, visible=bool(plots)),
                gr.update(value=rows, headers=headers, visible=True,
                          column_widths=["5%", "8%", "25%", "5%"] + ["6%"] * (len(headers) - 5)
                          + [f"{57 - 6 * (len(headers) - 5)}%"]),
                gr.update(value=files or None, visible=bool(files)))

    # ------------------------------------------------------------------ layout
    with gr.Blocks(title="News Q&A · answers with sources", analytics_enabled=False, fill_width=False) as demo:
        turns = gr.State([])
        fb_state = gr.State(None)
        prefs = gr.BrowserState(default_prefs, storage_key="newsrag-prefs-v1", secret=secret)

        gr.HTML('<div id="app-header"><h1>News Q&amp;A</h1><span class="tagline">Answers only from the indexed '
                "articles, every sentence cited. When the articles don't say, it says so.</span></div>",
                js_on_load=None)
        status = gr.HTML(status_html(settings.backend), elem_id="status", js_on_load=None)

        with gr.Tabs(elem_id="tabs"):
            # ---------------------------------------------------------- chat
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=340, elem_id="chat-col"):
                        chatbot = gr.Chatbot(
                            elem_id="chatbot", show_label=False, height="62vh", min_height=380,
                            buttons=[], layout="bubble", sanitize_html=True, render_markdown=True,
                            latex_delimiters=[], allow_tags=False, feedback_options=("Like", "Dislike"),
                            examples=[{"text": q} for q in examples] or None,
                            placeholder="<strong>Ask about the news in the library.</strong><br>"
                                        "Answers quote the articles and cite them with [n] markers.",
                        )
                        with gr.Row(elem_id="ask-row"):
                            question = gr.Textbox(
                                elem_id="question", show_label=False, scale=5, lines=1, max_lines=6,
                                placeholder="Ask a question about the articles…", autofocus=True,
                                submit_btn=False, max_length=getattr(settings, "max_question_chars", 2000))
                            send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="send-btn")
                        with gr.Row(elem_id="chat-actions"):
                            stop_btn = gr.Button("■ Stop", size="sm", variant="secondary", elem_id="stop-btn")
                            retry_btn = gr.Button("↻ Retry", size="sm", variant="secondary", elem_id="retry-btn")
                            copy_btn = gr.Button("Copy answer", size="sm", variant="secondary", elem_id="copy-btn")
                            clear_btn = gr.Button("Clear chat", size="sm", variant="secondary", elem_id="clear-btn")
                        copy_text = gr.Textbox(visible=False, elem_id="copy-text")
                        with gr.Row(visible=False, elem_id="feedback-row") as fb_row:
                            fb_comment = gr.Textbox(label="Thanks! Anything to add? (optional)", scale=4,
                                                    elem_id="feedback-comment", max_length=4000,
                                                    placeholder="What was good or wrong about this answer?")
                            fb_send = gr.Button("Send", size="sm", scale=1, min_width=80, elem_id="feedback-send")
                        with gr.Accordion("Answer settings", open=False, elem_id="settings"):
                            with gr.Row():
                                backend_dd = gr.Dropdown(
                                    choices=[(b, b) for b in backends], value=settings.backend,
                                    label="Answer backend", elem_id="backend", min_width=160,
                                    info=backend_help(settings.backend))
                                top_k = gr.Slider(1, TOP_K_MAX, value=settings.context_k, step=1,
                                                  label="Passages used (top-k)", elem_id="top-k", min_width=160)
                            with gr.Row():
                                since = gr.Textbox(label="Published since", placeholder="YYYY[-MM[-DD]]",
                                                   elem_id="since", min_width=120)
                                until = gr.Textbox(label="Published until", placeholder="YYYY[-MM[-DD]]",
                                                   elem_id="until", min_width=120)
                            with gr.Row():
                                language = gr.Dropdown(
                                    choices=[("Same as the question", "")] + [(x, x) for x in LANGUAGES[1:]],
                                    value=default_prefs["language"], allow_custom_value=True,
                                    label="Answer language", elem_id="language", min_width=160)
                                retrieval_only = gr.Checkbox(label="Retrieval only (show passages, no answer)",
                                                             elem_id="retrieval-only", min_width=160)
                            with gr.Row():
                                reset_btn = gr.Button("Reset to defaults", size="sm")
                                recheck_btn = gr.Button("Re-check backends", size="sm")
                            with gr.Accordion("What is available offline here (rag doctor)", open=False,
                                              elem_id="checks-box"):
                                checks_html = gr.HTML('<p class="hint">Checking…</p>', js_on_load=None,
                                                      elem_id="checks")
                    with gr.Column(scale=2, min_width=300, elem_id="side-col"):
                        sources = gr.HTML(R.SOURCES_PLACEHOLDER, elem_id="sources", js_on_load=SOURCES_JS,
                                          padding=False)
                        close_btn = gr.Button("← Back to the sources", size="sm", visible=False, elem_id="viewer-close",
                                              variant="secondary")
                        viewer = gr.HTML(R.VIEWER_PLACEHOLDER, elem_id="viewer", js_on_load=VIEWER_JS)

            # ---------------------------------------------------------- library
            with gr.Tab("Library", id="library", elem_id="tab-library"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=340):
                        lib_search = gr.Textbox(label="Search the library", elem_id="lib-search",
                                                placeholder="Filter by title, date, source or file name")
                        lib_table = gr.Dataframe(
                            headers=["Title", "Date", "Source", "Chunks", "File"],
                            datatype=["str", "str", "str", "number", "str"], interactive=False, wrap=True,
                            elem_id="library-table", column_widths=["35%", "13%", "13%", "9%", "30%"],
                            max_height=520)
                        lib_preview = gr.HTML("", elem_id="lib-preview", js_on_load=None)
                    with gr.Column(scale=2, min_width=300):
                        gr.Markdown(f"### Add articles\n<span class='hint'>.txt, .md, .html or .pdf, UTF-8, up to "
                                    f"{settings.max_upload_bytes / 1e6:.1f} MB each. The file name becomes the "
                                    "article id; uploading a changed file replaces it.</span>")
                        upload_files = gr.File(label="Upload articles", file_count="multiple",
                                               file_types=list(UPLOAD_TYPES), elem_id="upload", height=140)
                        upload_msg = gr.Markdown(elem_id="upload-msg")
                        gr.Markdown("### Manage")
                        doc_pick = gr.Dropdown(label="Article", choices=[], elem_id="doc-pick",
                                               info="or click a row of the table")
                        with gr.Row():
                            delete_btn = gr.Button("Delete", variant="stop", size="sm", elem_id="delete-btn")
                            reindex_btn = gr.Button("Re-index", size="sm", elem_id="reindex-btn")
                            reindex_all_btn = gr.Button("Re-index all", size="sm", elem_id="reindex-all-btn")
                        manage_msg = gr.Markdown(elem_id="manage-msg")

            # ---------------------------------------------------------- evals
            with gr.Tab("Evals", id="evals", elem_id="tab-evals"):
                gr.Markdown("Run the hand-checked seeds questions (or your own JSONL dataset) through the engine: "
                            "retrieval hit@k, citation precision/recall, refusals, latency.", elem_classes=["hint"])
                with gr.Row(equal_height=True):
                    eval_source = gr.Radio(["Seeds questions (evals/datasets/seeds.jsonl)", "Upload a dataset"],
                                           value="Seeds questions (evals/datasets/seeds.jsonl)",
                                           label="Dataset", elem_id="eval-source", scale=2, min_width=260)
                    eval_limit = gr.Number(value=10, minimum=0, precision=0, label="Questions (0 = all)",
                                           elem_id="eval-limit", scale=1, min_width=140)
                    eval_backend = gr.Dropdown(choices=backends, value="extractive", label="Backend",
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

        # ------------------------------------------------------------------ events: chat
        options = [backend_dd, top_k, since, until, language, retrieval_only]
        chat_outputs = [question, chatbot, turns, sources, copy_text, status, viewer, close_btn]
        answer_events = [
            question.submit(respond, [question, turns, *options], chat_outputs, concurrency_id="answer", show_progress="hidden"),
            send.click(respond, [question, turns, *options], chat_outputs, concurrency_id="answer", show_progress="hidden"),
            retry_btn.click(retry, [turns, *options], chat_outputs, concurrency_id="answer", show_progress="hidden"),
        ]
        example_event = chatbot.example_select(pick_example, None, question).then(
            respond, [question, turns, *options], chat_outputs, concurrency_id="answer", show_progress="hidden")
        answer_events.append(example_event)
        # the browser runs a .then() once the run is over: after its last update, or after Stop/Clear cancelled it
        for event in answer_events:
            event.then(settle, [turns], chat_outputs, queue=False, show_progress="hidden")
        stop_btn.click(stop, [turns], [chatbot, turns], cancels=answer_events, queue=False)
        copy_btn.click(None, [copy_text], None, js=COPY_JS)
        clear_btn.click(clear, None, [chatbot, turns, sources, copy_text, viewer, close_btn, fb_comment, fb_row,
                                      fb_state], cancels=answer_events, queue=False)
        sources.cite(open_ref, [turns], [viewer, close_btn, sources], queue=False)
        close_btn.click(close_viewer, None, [viewer, close_btn, sources], queue=False)
        chatbot.clear(clear, None, [chatbot, turns, sources, copy_text, viewer, close_btn, fb_comment, fb_row,
                                    fb_state], cancels=answer_events, queue=False)
        chatbot.like(on_like, [turns], [fb_state, fb_comment, fb_row], queue=False)
        fb_send.click(send_comment, [fb_state, fb_comment], [fb_state, fb_row, fb_comment], queue=False)
        fb_comment.submit(send_comment, [fb_state, fb_comment], [fb_state, fb_row, fb_comment], queue=False)

        # ------------------------------------------------------------------ events: settings
        for control in options:
            control.input(save_prefs, options, [prefs, status], queue=False)
        backend_dd.change(lambda b: gr.update(info=backend_help(b)), [backend_dd], [backend_dd], queue=False,
                          show_progress="hidden")
        reset_btn.click(reset_prefs, None, [*options, prefs, status], queue=False)
        recheck_btn.click(recheck, [backend_dd], [checks_html, status])

        # ------------------------------------------------------------------ events: library
        lib_outputs = [lib_table, doc_pick, status]
        lib_search.change(library_view, [lib_search, backend_dd], lib_outputs, queue=False)
        upload_files.upload(upload, [upload_files, lib_search, backend_dd],
                            [upload_msg, lib_table, doc_pick, status, upload_files], concurrency_id="index",
                            concurrency_limit=1)
        delete_btn.click(delete_doc, [doc_pick, lib_search, backend_dd],
                         [manage_msg, lib_table, doc_pick, status, lib_preview, upload_msg], js=CONFIRM_DELETE_JS,
                         concurrency_id="index")
        reindex_btn.click(reindex, [doc_pick, lib_search, backend_dd], [manage_msg, lib_table, doc_pick, status],
                          concurrency_id="index")
        reindex_all_btn.click(lambda q, b, progress=gr.Progress(): reindex(None, q, b, progress),
                              [lib_search, backend_dd], [manage_msg, lib_table, doc_pick, status],
                              concurrency_id="index")
        lib_table.select(select_doc, [lib_table], [doc_pick, lib_preview], queue=False)
        doc_pick.input(preview_doc, [doc_pick], [lib_preview], queue=False)

        # ------------------------------------------------------------------ events: evals
        eval_source.change(lambda choice: gr.update(visible=choice.startswith("Upload")), [eval_source],
                           [eval_file], queue=False)
        eval_btn.click(run_evals, [eval_source, eval_file, eval_limit, eval_backend],
                       [eval_msg, eval_summary, eval_plots, eval_rows, eval_files], concurrency_id="eval",
                       concurrency_limit=1)

        # ------------------------------------------------------------------ page load
        def on_load(saved: dict | None) -> tuple:
            restored = restore_prefs(saved)
            rows, dropdown, _ = library_view("", restored[0])
            return (*restored, rows, dropdown)

        demo.load(on_load, [prefs], [*options, status, checks_html, lib_table, doc_pick], queue=False)
        demo.unload(forget)

    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def mount(app: Any, demo: Any, settings: rag.Settings, path: str = "/") -> Any:
    """Mount ``demo`` into the FastAPI ``app`` at ``path`` with this UI's theme, CSS and page script; with
    ``settings.api_key`` the web app asks for a login (the key is the password) before anything else."""
    import gradio as gr

    from rag import API_PREFIXES, secret_text

    opts = launch_options(settings)
    key = secret_text(settings.api_key)
    login = {"auth": key_login(key), "auth_message": LOGIN_MESSAGE} if key else {}
    app = gr.mount_gradio_app(
        app, demo, path=path, server_name=settings.host, server_port=settings.port, footer_links=[],
        run_history=False, show_error=True, ssr_mode=False, pwa=False, mcp_server=False,
        max_file_size=max(settings.max_upload_bytes * 4, 20_000_000), **login, **opts)
    if key:
        app.add_middleware(WebGuard, gradio_app=gradio_app_of(app), mount_path=path, open_prefixes=API_PREFIXES)
    return app


# =========================================================================== serving
def _http_app(engine: rag.Engine, settings: rag.Settings) -> tuple[Any, bool]:
    """The HTTP API app (or a bare FastAPI app when rag has no HTTP API); second item: is it the real API."""
    try:
        create = rag.create_http_app  # type: ignore[attr-defined]
    except AttributeError:
        create = None
    if create is not None:
        return create(engine, settings), True
    from fastapi import FastAPI

    return FastAPI(title="newsrag", docs_url=None, redoc_url=None, openapi_url=None), False


def _quiet_server(uvicorn: Any) -> type:
    """A ``uvicorn.Server`` that ends open streams (the browser's Gradio queue stream, SSE answers) when it stops.

    uvicorn waits for them until its graceful timeout, then cancels each with a CancelledError traceback; closing
    their connections first lets every stream see a disconnect and end normally."""

    class QuietServer(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            for connection in list(self.server_state.connections):
                transport = getattr(connection, "transport", None)
                if transport is not None and not transport.is_closing():
                    transport.close()
            await super().shutdown(sockets=sockets)

    return QuietServer


def create_server(settings: rag.Settings, *, api_only: bool = False, ingest_seeds: bool = True,
                  say: Any = print) -> tuple[Any, str, rag.Engine]:
    """(uvicorn.Server, URL, engine) for ``rag serve``; indexes ``seeds/`` first when the index is empty."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    engine = rag.Engine(settings)
    if ingest_seeds and not engine.documents():
        seeds = seeds_dir()
        if seeds is not None:
            say(f"The index in {settings.data_dir} is empty: indexing {seeds} …")
            report = engine.ingest([seeds])
            say(f"  {report.summary()}")
        else:
            say(f"The index in {settings.data_dir} is empty; add articles in the Library tab or with `rag ingest`.")
    app, real_api = _http_app(engine, settings)
    if not real_api:
        say("note: this rag has no HTTP API (rag.create_http_app); serving the web UI only.")
    if not api_only:
        demo = build_app(engine)
        app = mount(app, demo, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            timeout_graceful_shutdown=3)
    server = _quiet_server(uvicorn)(config)
    host = settings.host if settings.host not in ("0.0.0.0", "::") else "127.0.0.1"
    url = f"http://{host}:{settings.port}/"
    return server, url, engine


def cmd_serve(args: Any) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = rag.settings_from_args(args)
    if overrides:
        settings = settings.model_copy(update=overrides)
    if not _port_free(settings.host, settings.port):
        raise rag.ConfigError(f"Port {settings.port} on {settings.host} is already in use.",
                              hint="Stop the other server or pass --port.")
    server, url, engine = create_server(settings, api_only=args.api_only)
    what = "HTTP API" if args.api_only else "Chat"
    api = "" if args.api_only else f" (HTTP API under {url}v1 and {url}api)"
    print(f"{what} on {url}{api}  — Ctrl-C to stop", flush=True)
    try:
        server.run()
    finally:
        engine.close()
    return 0


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def register(subparsers: Any) -> None:
    """Add ``rag serve`` (entry point ``rag.commands: serve``)."""
    p = subparsers.add_parser(
        "serve", help="web chat and HTTP API on http://127.0.0.1:7860",
        description="Serve the chat UI at / and the HTTP API (/v1, /api) in one process. Indexes seeds/ first "
                    "when the index is empty.")
    p.add_argument("--host", help="interface to listen on (default: settings.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: settings.port, 7860)")
    p.add_argument("--api-only", action="store_true", help="serve only the HTTP API, no web UI")
    rag.add_settings_arguments(p)
    p.set_defaults(func=cmd_serve)


if __name__ == "__main__":  # pragma: no cover
    from rag import cli_main

    sys.exit(cli_main(["serve", *sys.argv[1:]]))
