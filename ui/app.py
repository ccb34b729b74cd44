"""The web app: chat with verified citations, sources and article viewer, library, settings, evals, feedback.

``rag serve`` (registered through the ``rag.commands`` entry point) builds an :class:`rag.Engine`, indexes
``seeds/`` when the index is empty, mounts this Gradio app at ``/`` of the HTTP API app
(:func:`rag.create_http_app`) and runs both in one uvicorn process (see :mod:`ui.serve`).

:func:`build_app` composes the screens: :mod:`ui.chat` (with :mod:`ui.sources` and :mod:`ui.settings_panel` in the
Chat tab), :mod:`ui.library` and :mod:`ui.evals_tab`; :mod:`ui.state` holds what they share, :mod:`ui.language` the
interface language (English / Tiếng Việt, words in :mod:`ui.strings`).

Front-end rules kept here: only the public :mod:`rag` API is used; every article text and model output is
escaped (see :mod:`ui.render`); each browser session keeps its own history in ``gr.State``.
"""
from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import rag

from .backends import BackendChecks, allowed_backends, backend_help  # noqa: F401  (importable from here)
from .eval_report import call_run_eval, eval_tables  # noqa: F401
from .feedback import FeedbackLog
from .seeds import REPO_ROOT, example_questions
from .serve import create_server, launch_options, mount, register
from .uploads import safe_name, validate_upload  # noqa: F401

if TYPE_CHECKING:
    from .state import AppState

__all__ = ["build_app", "register", "create_server", "mount", "launch_options", "validate_upload",
           "example_questions", "FeedbackLog", "REPO_ROOT"]


def build_app(engine: rag.Engine) -> Any:
    """The Gradio app over ``engine`` (pass :func:`launch_options` to ``launch()`` / :func:`mount`)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from .state import AppState

    from .strings import t

    app = AppState.create(engine)
    with gr.Blocks(title=t("en", "app.page_title"), analytics_enabled=False, fill_width=False) as demo:
        page = layout(app)
        wire(app, page, demo)
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def layout(app: AppState) -> SimpleNamespace:
    """The page: header, status line and the Chat, Library and Evals tabs; returns every component by name (and
    ``translated``, the components whose words follow the interface language)."""
    import gradio as gr

    from .chat import chat_column
    from .evals_tab import evals_tab
    from .language import T, Translated, header
    from .library import library_tab
    from .settings_panel import settings_panel
    from .sources import sources_column
    from .state import page_of, session_state

    tr = Translated()
    session = session_state(app)
    top = header(tr)
    status = gr.HTML(app.status_html(app.settings.backend), elem_id="status", js_on_load=None)
    with gr.Tabs(elem_id="tabs"):
        with tr(gr.Tab, label=T("tab.chat"), id="chat", elem_id="tab-chat"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=340, elem_id="chat-col"):
                    chat = chat_column(app, tr)
                    settings = settings_panel(app, tr)
                with gr.Column(scale=2, min_width=300, elem_id="side-col"):
                    sources = sources_column(tr)
        with tr(gr.Tab, label=T("tab.library"), id="library", elem_id="tab-library"):
            library = library_tab(app, tr)
        with tr(gr.Tab, label=T("tab.evals"), id="evals", elem_id="tab-evals"):
            evals = evals_tab(app, tr)
    return page_of(session, top, SimpleNamespace(status=status, translated=tr), chat, settings, sources, library,
                   evals)


def wire(app: AppState, page: SimpleNamespace, demo: Any) -> None:
    """The events of every screen, then page load (the page's language, the saved settings, the library), the
    language switch and unload."""
    from .chat import ChatHandlers, wire_chat
    from .evals_tab import EvalsHandlers, wire_evals
    from .library import LibraryHandlers, wire_library
    from .page import PageHandlers, wire_page
    from .settings_panel import OPTIONS, SettingsHandlers, wire_settings
    from .sources import SourcesHandlers
    from .state import AnswerRuns, Updates

    chat, settings, library = ChatHandlers(app, AnswerRuns()), SettingsHandlers(app), LibraryHandlers(app)
    options = Updates.outputs(page, OPTIONS)
    wire_chat(chat, SourcesHandlers(app.engine), page, options)
    wire_settings(settings, page, options)
    wire_library(library, page)
    wire_evals(EvalsHandlers(app), page)
    wire_page(PageHandlers(app, page, settings, library), page, demo)
    demo.unload(chat.forget)


if __name__ == "__main__":  # pragma: no cover
    from rag import cli_main

    sys.exit(cli_main(["serve", *sys.argv[1:]]))
