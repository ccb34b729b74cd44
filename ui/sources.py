"""The side column of the chat: the sources (or passages) of the latest answer and the article viewer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import gradio as gr

import rag

from . import render as R
from .assets import SOURCES_JS, VIEWER_JS
from .language import T, Translated
from .state import Updates
from .strings import DEFAULT, t

_REF = re.compile(r"(cite|rel)-(\d+)-(\d+)")


@dataclass
class SourcesView:
    sources: Any
    close_btn: Any
    viewer: Any


def sources_column(tr: Translated) -> SourcesView:
    """The sources panel, the viewer's back button and the article viewer (inside the side column)."""
    sources = gr.HTML(R.SOURCES_PLACEHOLDER, elem_id="sources", js_on_load=SOURCES_JS, padding=False)
    close_btn = tr(gr.Button, value=T("viewer.back"), size="sm", visible=False, elem_id="viewer-close",
                   variant="secondary")
    viewer = gr.HTML(R.VIEWER_PLACEHOLDER, elem_id="viewer", js_on_load=VIEWER_JS)
    return SourcesView(sources=sources, close_btn=close_btn, viewer=viewer)


class ViewerUpdate(Updates):
    """Outputs of opening and closing the article viewer, in this order."""

    FIELDS = ("viewer", "close_btn", "sources")


def passage_of(answer: dict[str, Any], kind: str, n: int, lang: str = DEFAULT) -> tuple[str, int, int, str] | None:
    """(doc_id, start, end, label) of citation ``n`` ("cite") or passage ``n`` ("rel") of ``answer``."""
    if kind == "cite":
        cite = next((c for c in answer.get("citations", []) if int(c["number"]) == n), None)
        if cite is None:
            return None
        return cite["doc_id"], cite["start"], cite["end"], t(lang, "viewer.cited", n=n)
    pool = answer.get("related") if answer.get("refused") else answer.get("passages")
    pool = pool or answer.get("passages") or []
    if n >= len(pool):
        return None
    p = pool[n]
    label = t(lang, "viewer.related" if answer.get("refused") else "viewer.retrieved")
    return p["doc_id"], p["start"], p["end"], label


class SourcesHandlers:
    """Opening a cited or retrieved passage in the article viewer, and going back to the sources."""

    def __init__(self, engine: rag.Engine) -> None:
        self.engine = engine

    def article_html(self, doc_id: str, start: int, end: int, label: str, lang: str = DEFAULT) -> str:
        found = self.engine.article(doc_id)
        if found is None:
            return R.render_banner([t(lang, "viewer.gone", doc_id=doc_id)])
        text, info = found
        return R.render_article(text, info, start, end, label, lang)

    def open_ref(self, turns: list[dict], lang: str, evt: gr.EventData) -> tuple:
        data = getattr(evt, "_data", None) or {}
        ref = str(data.get("ref", "")) if isinstance(data, dict) else str(data)
        m = _REF.fullmatch(ref)
        if not m or not turns or int(m.group(2)) >= len(turns) or not turns[int(m.group(2))].get("answer"):
            return ViewerUpdate().as_tuple()
        kind, index, n = m.group(1), int(m.group(2)), int(m.group(3))
        answer = turns[index]["answer"]
        found = passage_of(answer, kind, n, lang)
        if found is None:
            return ViewerUpdate().as_tuple()
        count = len(answer.get("citations") or []) or len(answer.get("related") or answer.get("passages") or [])
        back = t(lang, "viewer.back_sources" if answer.get("citations") else "viewer.back_passages", count=count)
        # the article takes the sources' place; the sources stay mounted (their script routes the clicks)
        return ViewerUpdate(viewer=self.article_html(*found, lang), close_btn=gr.update(visible=True, value=back),
                            sources=gr.update(value=R.render_sources(answer, index, lang),
                                              visible="hidden")).as_tuple()

    def close_viewer(self) -> tuple:
        return ViewerUpdate(viewer=R.VIEWER_PLACEHOLDER, close_btn=gr.update(visible=False),
                            sources=gr.update(visible=True)).as_tuple()


def wire_sources(handlers: SourcesHandlers, page: SimpleNamespace) -> None:
    """Clicks on [n] markers and passage cards open the viewer; its back button closes it."""
    outputs = ViewerUpdate.outputs(page)
    page.sources.cite(handlers.open_ref, [page.turns, page.ui_lang], outputs, queue=False)
    page.close_btn.click(handlers.close_viewer, None, outputs, queue=False)
