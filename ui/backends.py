"""Which answer backends a browser may pick, their help lines, and the background ``rag doctor`` checks."""
from __future__ import annotations

import threading

import rag

from . import render as R
from .strings import DEFAULT, t

BACKEND_NAMES = ("local", "openai", "openai-compatible", "extractive")


def allowed_backends(settings: rag.Settings) -> list[str]:
    """Backends a browser may pick: the configured one, extractive, the packaged local model and an operator-set
    OpenAI-compatible server; never a paid API the server was not configured to answer with."""
    allowed = {settings.backend, "extractive", "local"}
    if settings.llm_base_url:
        allowed.add("openai-compatible")
    return [b for b in BACKEND_NAMES if b in allowed]


def backend_help(backend: str, lang: str = DEFAULT) -> str:
    """The settings' help line for the selected answer backend."""
    return t(lang, f"backend.{backend}") if backend in BACKEND_NAMES else ""


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

    def table_html(self, lang: str = DEFAULT) -> str:
        """The checks as a table (their names and details are the library's, in English)."""
        rows = self.rows()
        if not rows:
            return f'<p class="hint">{t(lang, "checks.waiting")}</p>'
        body = "".join(
            f'<tr><td class="{"check-ok" if ok else "check-no"}">{"✓" if ok else "✗"}</td><td>{R.esc(name)}</td>'
            f"<td>{R.esc(detail)}</td></tr>" for name, ok, detail in rows)
        return f'<table class="checks">{body}</table>'


def fallback_message(backend: str, problem: str, lang: str = DEFAULT) -> str:
    return t(lang, "backend.fallback", backend=backend, problem=problem)
