"""State the screens share: the app-wide context, each browser session's answer run, the per-session
``gr.State`` components, and named output updates (a field left unset leaves its component as it is)."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Sequence

import gradio as gr

import rag
from rag import RagError

from . import render as R
from .backends import BackendChecks, allowed_backends, fallback_message, model_for
from .feedback import FeedbackLog, feedback_path
from .seeds import example_questions
from .strings import DEFAULT, TABLES, t

SKIP: Any = object()
"""The value of an update field that leaves its component unchanged (sent as ``gr.skip()``)."""


class Updates:
    """Base of the screens' updates: values for some of a screen's output components (``FIELDS``, named as on the
    page); an output left unset leaves its component as it is. Setting a name that is not an output is an error."""

    FIELDS: tuple[str, ...] = ()

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "_values", {})
        for name, value in values.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.FIELDS:
            raise AttributeError(f"{type(self).__name__} has no output {name!r}")
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        if name in type(self).FIELDS:
            return self._values.get(name, SKIP)
        raise AttributeError(name)

    def as_tuple(self, names: Sequence[str] | None = None) -> tuple:
        """The values for the outputs ``names`` (default: every output, in ``FIELDS`` order)."""
        values = (self._values.get(name, SKIP) for name in (self.FIELDS if names is None else names))
        return tuple(gr.skip() if value is SKIP else value for value in values)

    @classmethod
    def outputs(cls, page: SimpleNamespace, names: Sequence[str] | None = None) -> list[Any]:
        """The page's components for ``names`` (default: every output), in the order :meth:`as_tuple` gives."""
        return [getattr(page, name) for name in (cls.FIELDS if names is None else names)]


def page_of(*views: Any) -> SimpleNamespace:
    """One namespace with the components of every screen (their names are unique across the page)."""
    merged: dict[str, Any] = {}
    for view in views:
        merged.update(vars(view))
    return SimpleNamespace(**merged)


@dataclass
class AppState:
    """What every screen needs: the engine, its settings, the backends a browser may pick and their checks."""

    engine: rag.Engine
    backends: list[str]
    checks: BackendChecks
    feedback: FeedbackLog
    default_prefs: dict[str, Any]
    secret: str
    examples: dict[str, list[str]]  # example questions of the loaded corpus, per interface language
    warmed: set[str] = field(default_factory=set)  # backends that have answered once (their model is loaded)

    @classmethod
    def create(cls, engine: rag.Engine) -> "AppState":
        """The state for ``engine``; starts the backend checks in the background."""
        settings = engine.settings
        default_prefs = {"backend": settings.backend, "top_k": settings.context_k, "since": "", "until": "",
                         "language": settings.answer_language or "", "retrieval_only": False}
        secret = hashlib.sha256(f"newsrag:{Path(settings.data_dir).resolve()}".encode()).hexdigest()[:24]
        try:
            examples = {lang: example_questions(engine, lang=lang) for lang in TABLES}
        except RagError:
            examples = {lang: [] for lang in TABLES}
        return cls(engine=engine, backends=allowed_backends(settings), checks=BackendChecks(settings).start(),
                   feedback=FeedbackLog(feedback_path(settings)), default_prefs=default_prefs, secret=secret,
                   examples=examples)

    @property
    def settings(self) -> rag.Settings:
        return self.engine.settings

    def status_html(self, backend: str, lang: str = DEFAULT) -> str:
        """The status line: index size and the backend's model."""
        try:
            stats = self.engine.stats()
        except RagError as exc:
            return R.render_banner([t(lang, "status.unavailable", error=exc)])
        return R.render_status(stats, backend, model_for(self.settings, backend), lang)

    def header_html(self, backend: str, notice: str | None = None, lang: str = DEFAULT) -> str:
        """The status line, plus a banner when the backend cannot answer (or an answer fell back)."""
        status = self.status_html(backend, lang)
        if notice:
            return status + R.render_banner([notice])
        problem = self.checks.problem(backend)
        return status + (R.render_banner([fallback_message(backend, problem, lang)]) if problem else "")


@dataclass
class AnswerRun:
    """One answer run of a session: ``halt`` is "stopped" or "cleared" once Stop or Clear was pressed."""

    active: bool = True
    halt: str | None = None


class AnswerRuns:
    """Each browser session's latest answer run.

    Stop and Clear cancel a running answer (``cancels=``), but Gradio's browser client sends the cancellation only
    once their own reply has arrived, and the run's updates come on another connection: a draft the run yields
    meanwhile (or one already on its way) would land after "Stopped" or the cleared chat and replace it. So
    Stop/Clear also mark the run here, the run yields no change from then on, and ``settle``, chained after every
    answer event (the browser runs it once the run's last update has been applied, cancelled or not), shows the
    final state."""

    def __init__(self) -> None:
        self._runs: dict[str, AnswerRun] = {}
        self._lock = threading.Lock()

    def start(self, session: str) -> AnswerRun:
        """A new run for ``session`` (it replaces the session's previous one)."""
        run = AnswerRun()
        with self._lock:
            self._runs[session] = run
        return run

    def finish(self, run: AnswerRun) -> None:
        with self._lock:
            run.active = False

    def halt(self, session: str, why: str) -> None:
        """Ask the session's running answer (if any) to end: ``why`` is "stopped" or "cleared"."""
        with self._lock:
            run = self._runs.get(session)
            if run is not None and run.active:
                run.halt = why

    def ended(self, session: str) -> AnswerRun | None:
        """A copy of the session's latest run once it has ended (None when there is none or it still runs)."""
        with self._lock:
            run = self._runs.get(session)
            if run is None or run.active:
                return None
            return replace(run)

    def forget(self, session: str) -> None:
        with self._lock:
            self._runs.pop(session, None)


def session_of(request: Any) -> str:
    """The browser session's id (Gradio's session hash)."""
    return str(getattr(request, "session_hash", None) or "")


@dataclass
class SessionView:
    """Per-session values kept by Gradio: the chat turns, the last rating, the saved answer settings and the
    interface language saved in the browser."""

    turns: Any
    fb_state: Any
    prefs: Any
    lang_pref: Any


def session_state(app: AppState) -> SessionView:
    """The session state components (inside ``gr.Blocks``)."""
    return SessionView(turns=gr.State([]), fb_state=gr.State(None),
                       prefs=gr.BrowserState(app.default_prefs, storage_key="newsrag-prefs-v1", secret=app.secret),
                       lang_pref=gr.BrowserState("", storage_key="newsrag-ui-lang-v1", secret=app.secret))
