"""The answer settings under the chat (backend, top-k, dates, language, retrieval only), saved in the browser,
and the backend checks table."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import gradio as gr

from .backends import backend_help
from .language import T, Translated
from .state import AppState, Updates
from .strings import t

LANGUAGES = ["", "English", "Vietnamese", "French", "German", "Spanish", "Chinese", "Japanese", "Korean"]
TOP_K_MAX = 20
OPTIONS = ("backend_dd", "top_k", "since", "until", "language", "retrieval_only")
"""The answer options, in the order every answer handler takes them."""


@dataclass
class SettingsView:
    backend_dd: Any
    top_k: Any
    since: Any
    until: Any
    language: Any
    retrieval_only: Any
    reset_btn: Any
    recheck_btn: Any
    checks_html: Any
    settings_box: Any
    checks_box: Any

    @property
    def options(self) -> list[Any]:
        return [getattr(self, name) for name in OPTIONS]


def language_choices(lang: str) -> list[tuple[str, str]]:
    """The answer languages, named in the interface language (the value is the English name the engine takes)."""
    return [(t(lang, "settings.language_same"), "")] + [(t(lang, f"language.{x}"), x) for x in LANGUAGES[1:]]


def settings_panel(app: AppState, tr: Translated) -> SettingsView:
    """The "Answer settings" accordion (inside the chat column)."""
    settings = app.settings
    with tr(gr.Accordion, label=T("settings.title"), open=False, elem_id="settings") as settings_box:
        with gr.Row():
            backend_dd = tr(gr.Dropdown, choices=[(b, b) for b in app.backends], value=settings.backend,
                            label=T("settings.backend"), elem_id="backend", min_width=160,
                            info=backend_help(settings.backend))
            top_k = tr(gr.Slider, minimum=1, maximum=TOP_K_MAX, value=settings.context_k, step=1,
                       label=T("settings.top_k"), elem_id="top-k", min_width=160)
        with gr.Row():
            since = tr(gr.Textbox, label=T("settings.since"), placeholder=T("settings.date_format"), elem_id="since",
                       min_width=120)
            until = tr(gr.Textbox, label=T("settings.until"), placeholder=T("settings.date_format"), elem_id="until",
                       min_width=120)
        with gr.Row():
            language = tr(gr.Dropdown, choices=T(language_choices), value=app.default_prefs["language"],
                          allow_custom_value=True, label=T("settings.language"), elem_id="language", min_width=160)
            retrieval_only = tr(gr.Checkbox, label=T("settings.retrieval_only"), elem_id="retrieval-only",
                                min_width=160)
        with gr.Row():
            reset_btn = tr(gr.Button, value=T("settings.reset"), size="sm")
            recheck_btn = tr(gr.Button, value=T("settings.recheck"), size="sm")
        with tr(gr.Accordion, label=T("settings.checks"), open=False, elem_id="checks-box") as checks_box:
            checks_html = gr.HTML(f'<p class="hint">{t("en", "settings.checking")}</p>', js_on_load=None,
                                  elem_id="checks")
    return SettingsView(backend_dd=backend_dd, top_k=top_k, since=since, until=until, language=language,
                        retrieval_only=retrieval_only, reset_btn=reset_btn, recheck_btn=recheck_btn,
                        checks_html=checks_html, settings_box=settings_box, checks_box=checks_box)


class SettingsUpdate(Updates):
    """Outputs of the settings events; the ``*_OUT`` tuples give each event's order."""

    FIELDS = ("backend_dd", "top_k", "since", "until", "language", "retrieval_only", "prefs", "status", "checks_html")


SAVE_OUT = ("prefs", "status")
RESTORE_OUT = (*OPTIONS, "status", "checks_html")
RESET_OUT = (*OPTIONS, "prefs", "status")
RECHECK_OUT = ("checks_html", "status")


class SettingsHandlers:
    """Saving, restoring and resetting the answer settings; re-running the backend checks."""

    def __init__(self, app: AppState) -> None:
        self.app = app

    def save_prefs(self, backend: str, top_k: float, since: str, until: str, language: str,
                   retrieval_only: bool, lang: str) -> tuple:
        prefs = {"backend": backend, "top_k": int(top_k or self.app.settings.context_k), "since": since or "",
                 "until": until or "", "language": language or "", "retrieval_only": bool(retrieval_only)}
        return SettingsUpdate(prefs=prefs, status=self.app.header_html(backend, lang=lang)).as_tuple(SAVE_OUT)

    def restore_prefs(self, prefs: dict | None, lang: str = "en") -> SettingsUpdate:
        """The controls for the browser's saved settings (a backend no longer allowed falls back to the default)."""
        settings = self.app.settings
        p = {**self.app.default_prefs, **(prefs or {})}
        if p["backend"] not in self.app.backends:
            p["backend"] = settings.backend
        top_k = min(max(int(p.get("top_k") or settings.context_k), 1), TOP_K_MAX)
        return SettingsUpdate(backend_dd=p["backend"], top_k=top_k, since=p["since"], until=p["until"],
                              language=p["language"], retrieval_only=bool(p["retrieval_only"]),
                              status=self.ready_html(p["backend"], lang),
                              checks_html=self.app.checks.table_html(lang))

    def ready_html(self, backend: str, lang: str) -> str:
        """The status line, marked as this page's first (the page's load events have run)."""
        return f'<div data-session-ready="1">{self.app.header_html(backend, lang=lang)}</div>'

    def reset_prefs(self, lang: str) -> tuple:
        p = self.app.default_prefs
        return SettingsUpdate(backend_dd=p["backend"], top_k=p["top_k"], since="", until="", language=p["language"],
                              retrieval_only=False, prefs=dict(p),
                              status=self.app.header_html(p["backend"], lang=lang)).as_tuple(RESET_OUT)

    def recheck(self, backend: str, lang: str) -> tuple:
        self.app.checks.refresh()
        return SettingsUpdate(checks_html=self.app.checks.table_html(lang),
                              status=self.app.header_html(backend, lang=lang)).as_tuple(RECHECK_OUT)


def wire_settings(handlers: SettingsHandlers, page: SimpleNamespace, options: list[Any]) -> None:
    """Every change of an option is saved in the browser (a text field's when typed in and when left); Reset and
    Re-check."""
    saving = {"fn": handlers.save_prefs, "inputs": [*options, page.ui_lang],
              "outputs": SettingsUpdate.outputs(page, SAVE_OUT), "queue": False,
              "trigger_mode": "always_last"}  # typed fast, the last keystroke's save is not dropped
    for control in options:
        control.input(**saving)
        if isinstance(control, gr.Textbox):  # a text field's input event misses deletions and pastes: leaving it saves
            control.blur(**saving)
    page.backend_dd.change(lambda b, lang: gr.update(info=backend_help(b, lang)), [page.backend_dd, page.ui_lang],
                           [page.backend_dd], queue=False, show_progress="hidden")
    page.reset_btn.click(handlers.reset_prefs, [page.ui_lang], SettingsUpdate.outputs(page, RESET_OUT), queue=False)
    page.recheck_btn.click(handlers.recheck, [page.backend_dd, page.ui_lang], SettingsUpdate.outputs(page, RECHECK_OUT))
