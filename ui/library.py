"""The Library tab: the indexed articles (search, preview), uploads, delete and re-index."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import gradio as gr

from rag import RagError

from . import render as R
from .assets import CONFIRM_DELETE_JS
from .language import T, Translated
from .state import AppState, Updates
from .strings import DEFAULT, t
from .uploads import UPLOAD_TYPES, ingest_uploads


@dataclass
class LibraryView:
    lib_search: Any
    lib_table: Any
    lib_preview: Any
    upload_files: Any
    upload_msg: Any
    doc_pick: Any
    delete_btn: Any
    reindex_btn: Any
    reindex_all_btn: Any
    manage_msg: Any
    lib_add: Any
    lib_manage: Any


def library_tab(app: AppState, tr: Translated) -> LibraryView:
    """The table with its search and preview, and the upload / manage column (inside the Library tab)."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=340):
            lib_search = tr(gr.Textbox, label=T("library.search"), elem_id="lib-search",
                            placeholder=T("library.search_hint"))
            lib_table = gr.Dataframe(
                headers=R.library_headers(), datatype=["str", "str", "str", "number", "str"], interactive=False,
                wrap=True, elem_id="library-table", column_widths=["35%", "13%", "13%", "9%", "30%"], max_height=520)
            lib_preview = gr.HTML("", elem_id="lib-preview", js_on_load=None)
        with gr.Column(scale=2, min_width=300):
            lib_add = tr(gr.Markdown, value=T("library.add", mb=f"{app.settings.max_upload_bytes / 1e6:.1f}"))
            upload_files = tr(gr.File, label=T("library.upload"), file_count="multiple", file_types=list(UPLOAD_TYPES),
                              elem_id="upload", height=140)
            upload_msg = gr.Markdown(elem_id="upload-msg")
            lib_manage = tr(gr.Markdown, value=T("library.manage"))
            doc_pick = tr(gr.Dropdown, label=T("library.article"), choices=[], elem_id="doc-pick",
                          info=T("library.article_hint"))
            with gr.Row():
                delete_btn = tr(gr.Button, value=T("library.delete"), variant="stop", size="sm", elem_id="delete-btn")
                reindex_btn = tr(gr.Button, value=T("library.reindex"), size="sm", elem_id="reindex-btn")
                reindex_all_btn = tr(gr.Button, value=T("library.reindex_all"), size="sm", elem_id="reindex-all-btn")
            manage_msg = gr.Markdown(elem_id="manage-msg")
    return LibraryView(lib_search=lib_search, lib_table=lib_table, lib_preview=lib_preview,
                       upload_files=upload_files, upload_msg=upload_msg, doc_pick=doc_pick, delete_btn=delete_btn,
                       reindex_btn=reindex_btn, reindex_all_btn=reindex_all_btn, manage_msg=manage_msg,
                       lib_add=lib_add, lib_manage=lib_manage)


class LibraryUpdate(Updates):
    """Outputs of the library events; the ``*_OUT`` tuples give each event's order."""

    FIELDS = ("manage_msg", "upload_msg", "lib_table", "doc_pick", "status", "lib_preview", "upload_files")


VIEW_OUT = ("lib_table", "doc_pick", "status")
UPLOAD_OUT = ("upload_msg", *VIEW_OUT, "upload_files")
DELETE_OUT = ("manage_msg", *VIEW_OUT, "lib_preview", "upload_msg")
REINDEX_OUT = ("manage_msg", *VIEW_OUT)
SELECT_OUT = ("doc_pick", "lib_preview")


def bullets(title: str, items: list[str]) -> str:
    """A bold title over an escaped bullet list (Markdown)."""
    return f"**{title}**\n" + "\n".join(f"- {R.esc(x)}" for x in items)


class LibraryHandlers:
    """Listing, uploading, deleting, re-indexing and previewing articles."""

    def __init__(self, app: AppState) -> None:
        self.app = app
        self.engine = app.engine

    def table(self, query: str, lang: str = DEFAULT, docs: list[Any] | None = None) -> dict[str, Any]:
        """The library table (its column names in ``lang``) filtered by ``query``."""
        docs = self.engine.documents() if docs is None else docs
        return {"headers": R.library_headers(lang), "data": R.documents_rows(docs, query or "")}

    def listing(self, query: str, backend: str, lang: str = DEFAULT) -> LibraryUpdate:
        """The table filtered by ``query``, the article dropdown and the status line."""
        docs = self.engine.documents()
        choices = [(f"{d.title[:70]} ({d.doc_id})", d.doc_id) for d in docs]
        return LibraryUpdate(lib_table=self.table(query, lang, docs), doc_pick=gr.update(choices=choices, value=None),
                             status=self.app.header_html(backend, lang=lang))

    def library_view(self, query: str, backend: str, lang: str) -> tuple:
        return self.listing(query, backend, lang).as_tuple(VIEW_OUT)

    def upload(self, files: list[Any] | None, query: str, backend: str, lang: str,
               progress: Any = gr.Progress()) -> tuple:
        if not files:
            return LibraryUpdate().as_tuple(UPLOAD_OUT)
        progress(0, desc=t(lang, "library.checking_files"))

        def tick(done: int, total: int, doc: str) -> None:
            if total:
                desc = t(lang, "library.indexing_doc", doc=doc) if doc else t(lang, "library.indexing")
                progress(done / total, desc=desc)

        done, errors = ingest_uploads(self.engine, files, progress=tick, lang=lang)
        lines = []
        if done:
            lines.append(bullets(t(lang, "library.indexed"), done))
        if errors:
            lines.append(bullets(t(lang, "library.not_indexed"), errors))
        update = self.listing(query, backend, lang)
        update.upload_msg, update.upload_files = "\n\n".join(lines) or t(lang, "library.nothing"), None
        return update.as_tuple(UPLOAD_OUT)

    def delete_doc(self, doc_id: str | None, query: str, backend: str, lang: str) -> tuple:
        if not doc_id:
            return LibraryUpdate(manage_msg=t(lang, "library.choose_first")).as_tuple(DELETE_OUT)
        try:
            removed = self.engine.delete(doc_id)
        except RagError as exc:
            failed = t(lang, "library.delete_failed", doc=R.esc(doc_id), error=R.esc(exc))
            return LibraryUpdate(manage_msg=failed).as_tuple(DELETE_OUT)
        update = self.listing(query, backend, lang)
        update.manage_msg = t(lang, "library.deleted" if removed else "library.was_not_indexed", doc=R.esc(doc_id))
        update.lib_preview, update.upload_msg = "", ""  # the last upload's report no longer holds
        return update.as_tuple(DELETE_OUT)

    def reindex_one(self, doc: str, lang: str = DEFAULT) -> tuple[int, list[str]]:
        """Re-index one article from its stored text, in place (it keeps its previous version when that fails):
        (articles re-indexed, problems)."""
        found = self.engine.article(doc)
        if found is None:
            return 0, [t(lang, "library.doc_not_indexed", doc=doc)]
        try:
            report = self.engine.ingest(texts=[(doc, found[0])], force=True)
        except RagError as exc:
            return 0, [f"{doc}: {exc}"]
        return len(report.added) + len(report.updated), [f"{d}: {m}" for d, m in report.failed.items()]

    def reindex(self, doc_id: str | None, query: str, backend: str, lang: str,
                progress: Any = gr.Progress()) -> tuple:
        ids = [doc_id] if doc_id else [d.doc_id for d in self.engine.documents()]
        if not ids:
            return LibraryUpdate(manage_msg=t(lang, "library.empty")).as_tuple(REINDEX_OUT)
        done = 0
        failed: list[str] = []
        for i, doc in enumerate(ids):
            progress(i / len(ids), desc=t(lang, "library.reindexing", doc=doc))
            count, problems = self.reindex_one(doc, lang)
            done += count
            failed += problems
        progress(1.0, desc=t(lang, "library.done"))
        update = self.listing(query, backend, lang)
        update.manage_msg = t(lang, "library.reindexed_one" if done == 1 else "library.reindexed_many", count=done)
        if failed:
            update.manage_msg += "\n\n" + bullets(t(lang, "library.problems"), failed)
        return update.as_tuple(REINDEX_OUT)

    def preview(self, doc_id: str) -> str:
        found = self.engine.article(doc_id)
        return R.render_article(found[0], found[1]) if found else ""

    def select_doc(self, rows: Any, evt: gr.SelectData) -> tuple:
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            values = rows.values.tolist() if hasattr(rows, "values") else rows
            doc_id = values[row][4]
        except (IndexError, TypeError, ValueError):
            return LibraryUpdate().as_tuple(SELECT_OUT)
        return LibraryUpdate(doc_pick=doc_id, lib_preview=self.preview(doc_id)).as_tuple(SELECT_OUT)

    def preview_doc(self, doc_id: str | None) -> str:
        return self.preview(doc_id) if doc_id else ""


def wire_library(handlers: LibraryHandlers, page: SimpleNamespace) -> None:
    """Search, upload, delete, re-index (one index writer at a time), row selection and preview."""
    search = [page.lib_search, page.backend_dd, page.ui_lang]
    page.lib_search.change(handlers.library_view, search, LibraryUpdate.outputs(page, VIEW_OUT), queue=False)
    page.upload_files.upload(handlers.upload, [page.upload_files, *search], LibraryUpdate.outputs(page, UPLOAD_OUT),
                             concurrency_id="index", concurrency_limit=1)
    page.delete_btn.click(handlers.delete_doc, [page.doc_pick, *search], LibraryUpdate.outputs(page, DELETE_OUT),
                          js=CONFIRM_DELETE_JS, concurrency_id="index")
    reindexed = LibraryUpdate.outputs(page, REINDEX_OUT)
    page.reindex_btn.click(handlers.reindex, [page.doc_pick, *search], reindexed, concurrency_id="index")
    page.reindex_all_btn.click(lambda q, b, lang, progress=gr.Progress(): handlers.reindex(None, q, b, lang, progress),
                               search, reindexed, concurrency_id="index")
    page.lib_table.select(handlers.select_doc, [page.lib_table], LibraryUpdate.outputs(page, SELECT_OUT), queue=False)
    page.doc_pick.input(handlers.preview_doc, [page.doc_pick], [page.lib_preview], queue=False)
