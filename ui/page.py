"""Page-wide events: the page's first load (its interface language, the browser's saved settings, the library) and
the switch between English and Tiếng Việt."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from .backends import backend_help
from .chat import in_language, messages_of
from .language import SET_PAGE_LANGUAGE_JS, first_language, language_of, with_values
from .library import LibraryHandlers
from .settings_panel import RESTORE_OUT, SettingsHandlers
from .state import AppState, Updates
from .strings import DEFAULT


class PageHandlers:
    """Page load and the language switch; both answer {component: update}."""

    def __init__(self, app: AppState, page: SimpleNamespace, settings: SettingsHandlers,
                 library: LibraryHandlers) -> None:
        self.app = app
        self.page = page
        self.settings = settings
        self.library = library

    def on_load(self, saved: dict | None, saved_lang: str | None, request: gr.Request) -> dict:
        """The page in its first language (``?lang=``, the saved choice, Accept-Language) with this browser's saved
        answer settings, and the library."""
        page = self.page
        lang = first_language(saved_lang, request)
        restored = self.settings.restore_prefs(saved, lang)
        listing = self.library.listing("", restored.backend_dd, lang)
        values = dict(zip(Updates.outputs(page, RESTORE_OUT), restored.as_tuple(RESTORE_OUT)))
        values.update({page.lib_table: listing.lib_table, page.doc_pick: listing.doc_pick, page.ui_lang: lang})
        if lang == DEFAULT:  # the page is built in English
            return values
        words = page.translated.updates(lang, {page.backend_dd: {"info": backend_help(restored.backend_dd, lang)}})
        return with_values(words, values)

    def on_switch(self, lang: str, turns: list[dict], backend: str, query: str) -> dict:
        """Every word of the page in ``lang`` and the chat's answers rendered again (an open article closes: the
        sources show); the choice is saved in the browser."""
        page = self.page
        lang = language_of(lang)
        turns, panel = in_language(turns, lang)
        words = page.translated.updates(lang, {page.backend_dd: {"info": backend_help(backend, lang)},
                                               page.chatbot: {"value": messages_of(turns)},
                                               page.close_btn: {"visible": False}})
        sources = gr.update(visible=True) if panel is None else gr.update(value=panel, visible=True)
        return {**words, page.turns: turns, page.status: self.app.header_html(backend, lang=lang), page.viewer: "",
                page.sources: sources, page.lib_table: self.library.table(query, lang), page.lang_pref: lang}

    @property
    def load_outputs(self) -> list[Any]:
        page = self.page
        outputs = [*Updates.outputs(page, RESTORE_OUT), page.lib_table, page.doc_pick, page.ui_lang,
                   *page.translated.components]
        return list(dict.fromkeys(outputs))

    @property
    def switch_outputs(self) -> list[Any]:
        page = self.page
        return [*page.translated.components, page.turns, page.status, page.viewer, page.sources, page.lib_table,
                page.lang_pref]


def wire_page(handlers: PageHandlers, page: SimpleNamespace, demo: Any) -> None:
    """Load; the switch (a choice of the user: ``.input``); the page script told the language on every change."""
    demo.load(handlers.on_load, [page.prefs, page.lang_pref], handlers.load_outputs, queue=False)
    page.ui_lang.input(handlers.on_switch, [page.ui_lang, page.turns, page.backend_dd, page.lib_search],
                       handlers.switch_outputs, queue=False)
    page.ui_lang.change(None, [page.ui_lang], None, js=SET_PAGE_LANGUAGE_JS)
