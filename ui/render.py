"""HTML for the chat UI: answers with clickable [n] markers, source cards, the article viewer, status lines.

Every piece of article text and model output goes through :func:`esc` before it is placed in markup, so an
article containing ``<script>`` or a markdown image is shown as text and never runs or loads anything.
Links point at ``#cite-<turn>-<n>`` / ``#rel-<turn>-<i>`` / ``#doc-<i>`` fragments that the page script turns
into "open in the article viewer" events.
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlparse

from rag import INJECTION_WARNING, UNSUPPORTED_MARKS

from .strings import DEFAULT, t

__all__ = [
    "esc",
    "render_question",
    "render_pending",
    "render_draft",
    "render_answer",
    "render_error",
    "render_sources",
    "render_reading",
    "render_article",
    "render_status",
    "render_banner",
    "plain_answer",
    "sources_placeholder",
    "SOURCES_PLACEHOLDER",
    "VIEWER_PLACEHOLDER",
]

# Characters that mean something to HTML, markdown, KaTeX or the chat renderer, written as numeric entities so the
# browser shows them literally (an entity is never markup or markdown syntax). One pass, so nothing is escaped twice.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'*_[]`!$~|#\\{}"}
_TABLE = str.maketrans(_ENTITIES)



def sources_placeholder(lang: str = DEFAULT) -> str:
    """The sources panel before the first answer."""
    text = t(lang, "sources.empty", marker='<span class="cite-demo">[1]</span>')
    title = t(lang, "sources.title")
    return f'<div class="panel-empty"><div class="panel-empty-title">{title}</div><p>{text}</p></div>'


SOURCES_PLACEHOLDER = sources_placeholder()
VIEWER_PLACEHOLDER = ""
MISSING = "—"  # a table cell whose value the article does not give


def esc(text: Any) -> str:
    """Text → HTML that shows exactly ``text``: HTML-escaped and markdown/LaTeX-neutral."""
    return ("" if text is None else str(text)).translate(_TABLE)


def _safe_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link, else None (no ``javascript:`` or ``data:`` links)."""
    if not url:
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return url.strip()


def _host(url: str) -> str:
    host = urlparse(url).netloc
    return host[4:] if host.startswith("www.") else host


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute or key ``name`` of a dataclass or a dict (answers are kept as dicts in session state)."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _paragraphs(escaped: str) -> str:
    """Blank lines → paragraphs, single newlines → <br>; the result holds no newline (one HTML block)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", escaped) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paras)


# --------------------------------------------------------------------------- chat messages
def render_question(question: str) -> str:
    return f'<div class="q-text">{_paragraphs(esc(question))}</div>'


def _elapsed(seconds: float | None) -> str:
    """Seconds since the question was sent; the page script keeps counting until the element is replaced."""
    return "" if seconds is None else f' <span class="elapsed">{seconds:.1f} s</span>'


def render_pending(text: str | None = None, elapsed: float | None = None, lang: str = DEFAULT) -> str:
    """The progress line of an unfinished answer: what is happening now and for how long."""
    return (f'<div class="pending busy no-rating" role="status"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>'
            f"<span>{esc(text or t(lang, 'pending.search'))}…{_elapsed(elapsed)}</span></div>")


def render_draft(draft: str, elapsed: float | None = None, lang: str = DEFAULT) -> str:
    """The draft as it streams (``elapsed`` given) or as it was left when stopped (``elapsed`` None)."""
    if elapsed is None:
        return (f'<div class="draft-stopped no-rating"><div class="draft-label">{t(lang, "draft.stopped")}</div>'
                f"{_paragraphs(esc(draft))}</div>")
    label = t(lang, "draft.writing", elapsed=_elapsed(elapsed))
    return f'<div class="draft busy no-rating"><div class="draft-label">{label}</div>{_paragraphs(esc(draft))}</div>'


def render_error(message: str, hint: str | None = None, lang: str = DEFAULT) -> str:
    hint_html = f'<div class="error-hint">{esc(hint)}</div>' if hint else ""
    return (f'<div class="chat-error no-rating" role="alert"><strong>{t(lang, "answer.error")}</strong> '
            f'{esc(message)}{hint_html}</div>')


_CITE_GROUP = re.compile(r"&#91;(\d+(?:\s*,\s*\d+)*)&#93;")
_UNSUPPORTED_MARK = re.compile(r"\s*(?:" + "|".join(re.escape(esc(m)) for m in UNSUPPORTED_MARKS) + ")")
_BOLD = re.compile(r"&#42;&#42;(.+?)&#42;&#42;")


def _link_citations(escaped: str, turn: int, numbers: set[int], titles: Mapping[int, str], lang: str) -> str:
    def repl(m: re.Match[str]) -> str:
        parts = []
        for raw in re.split(r"\s*,\s*", m.group(1)):
            n = int(raw)
            if n in numbers:
                title = t(lang, "answer.cite_title", n=n, title=esc(titles.get(n, "")))
                parts.append(f'<a class="cite" href="#cite-{turn}-{n}" title="{title}">[{n}]</a>')
            else:
                parts.append(f"&#91;{n}&#93;")
        return "".join(parts)

    return _CITE_GROUP.sub(repl, escaped)


def render_answer(answer: Any, turn: int, lang: str = DEFAULT) -> str:
    """The final answer of chat turn ``turn``: verified text with [n] links, unsupported sentences marked,
    refusals and retrieval-only results labelled, and the engine's notice (e.g. fallback) shown."""
    text = _get(answer, "text", "") or ""
    refused = bool(_get(answer, "refused", False))
    citations = list(_get(answer, "citations", []) or [])
    notice = _get(answer, "notice")
    backend = _get(answer, "backend", "")
    parts: list[str] = []
    if backend == "retrieval-only":
        passages = list(_get(answer, "passages", []) or [])
        parts.append('<div class="answer retrieval-only"><div class="answer-kind">'
                     f'{t(lang, "answer.retrieval_only", count=len(passages))}</div><ol>')
        for i, p in enumerate(passages):
            date = _get(p, "date")
            meta = f" · {esc(date)}" if date else ""
            parts.append(f'<li><a class="rel" href="#rel-{turn}-{i}">{esc(_get(p, "title", ""))}</a>{meta}</li>')
        parts.append("</ol></div>")
    elif refused:
        kind = t(lang, "answer.refused_related" if _get(answer, "related") else "answer.refused_none")
        parts.append(f'<div class="answer refusal"><div class="refusal-text">{_paragraphs(esc(text))}</div>'
                     f'<div class="answer-kind">{kind}</div></div>')
    else:
        body = esc(text)
        for s in _get(answer, "sentences", []) or []:
            if _get(s, "supported", True):
                continue
            sentence = esc(_get(s, "text", "")).strip()
            note = esc(_get(s, "note") or t(lang, "answer.unsupported_note"))
            if sentence and sentence in body:
                body = body.replace(sentence, f'<span class="unsupported" title="{note}">{sentence}</span>', 1)
        body = _UNSUPPORTED_MARK.sub(f' <span class="badge-unsupported" title="{t(lang, "answer.unsupported_title")}">'
                                     f'{t(lang, "answer.unsupported")}</span>', body)
        body = _BOLD.sub(r"<strong>\1</strong>", body)
        numbers = {int(_get(c, "number")) for c in citations}
        titles = {int(_get(c, "number")): _get(c, "title", "") for c in citations}
        body = _link_citations(body, turn, numbers, titles, lang)
        parts.append(f'<div class="answer">{_paragraphs(body)}</div>')
    if notice:
        parts.append(f'<div class="notice" role="note">{esc(notice)}</div>')
    return "".join(parts)


def plain_answer(answer: Any, lang: str = DEFAULT) -> str:
    """The answer as plain text with its numbered sources, for the clipboard."""
    text = _get(answer, "text", "") or ""
    lines = [text]
    citations = list(_get(answer, "citations", []) or [])
    if citations:
        lines.append("")
        lines.append(t(lang, "copy.sources"))
        for c in citations:
            meta = ", ".join(x for x in (_get(c, "date"), _get(c, "agency")) if x)
            lines.append(f"[{_get(c, 'number')}] {_get(c, 'title')}" + (f" ({meta})" if meta else ""))
            lines.append(f"    “{_get(c, 'quote')}”")
            if _get(c, "source_url"):
                lines.append(f"    {_get(c, 'source_url')}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- sources panel
def _meta_line(date: str | None, agency: str | None, url: str | None) -> str:
    bits = []
    if date:
        bits.append(f'<span class="src-date">{esc(date)}</span>')
    if agency:
        bits.append(f'<span class="src-agency">{esc(agency)}</span>')
    safe = _safe_url(url)
    if safe:
        bits.append(f'<a class="ext" href="{html.escape(safe, quote=True)}" target="_blank" '
                    f'rel="noopener noreferrer nofollow">{esc(_host(safe))} ↗</a>')
    return f'<div class="src-meta">{" · ".join(bits)}</div>' if bits else ""


def render_sources(answer: Any | None, turn: int, lang: str = DEFAULT) -> str:
    """Source cards of one answer (or "Related passages (not sources)" for a refusal)."""
    if answer is None:
        return sources_placeholder(lang)
    question = _get(answer, "question", "")
    head = f'<div class="panel-q" title="{esc(question)}">{t(lang, "sources.for", question=esc(question))}</div>'
    citations = list(_get(answer, "citations", []) or [])
    if _get(answer, "backend") == "retrieval-only" or (not citations and not _get(answer, "refused")):
        passages = list(_get(answer, "passages", []) or [])
        title = t(lang, "sources.retrieved")
        kind = "rel"
    elif _get(answer, "refused"):
        passages = list(_get(answer, "related", []) or [])
        title = t(lang, "sources.related")
        kind = "rel"
    else:
        passages = []
        title = t(lang, "sources.cited", count=len(citations))
        kind = "cite"
    out = [f'<div class="panel-title">{esc(title)}</div>', head]
    if kind == "cite":
        for c in citations:
            n = int(_get(c, "number"))
            out.append(
                f'<div class="src-card" data-ref="cite-{turn}-{n}" role="button" tabindex="0" '
                f'aria-label="{t(lang, "sources.open_source", n=n)}">'
                f'<div class="src-head"><span class="src-n">[{n}]</span>'
                f'<span class="src-title">{esc(_get(c, "title", ""))}</span></div>'
                f'{_meta_line(_get(c, "date"), _get(c, "agency"), _get(c, "source_url"))}'
                f'<blockquote class="src-quote">{esc(_get(c, "quote", ""))}</blockquote>{_flag_note(c)}'
                f'<a class="src-open" href="#cite-{turn}-{n}">{t(lang, "sources.show")}</a></div>')
    else:
        if not passages:
            out.append(f'<p class="panel-note">{t(lang, "sources.none")}</p>')
        out.extend(_passage_card(p, i, turn, lang) for i, p in enumerate(passages))
    return f'<div class="sources">{"".join(out)}</div>'


def _snippet(text: str, limit: int = 420) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _passage_card(p: Any, i: int, turn: int | None, lang: str = DEFAULT) -> str:
    """A retrieved passage's card: clickable when its answer is done (``turn``), else marked as being read."""
    head = (f'<div class="src-head"><span class="src-n rel-n">{i + 1}</span>'
            f'<span class="src-title">{esc(_get(p, "title", ""))}</span></div>'
            f'{_meta_line(_get(p, "date"), _get(p, "agency"), _get(p, "source_url"))}'
            f'<blockquote class="src-quote">{esc(_snippet(_get(p, "text", ""), 420 if turn is not None else 220))}'
            f"</blockquote>{_flag_note(p)}")
    if turn is None:
        return (f'<div class="src-card related reading">{head}<span class="reading-mark">'
                f'{t(lang, "sources.reading_mark")}</span></div>')
    return (f'<div class="src-card related" data-ref="rel-{turn}-{i}" role="button" tabindex="0" '
            f'aria-label="{t(lang, "sources.open_passage", n=i + 1)}">{head}'
            f'<a class="src-open" href="#rel-{turn}-{i}">{t(lang, "sources.show")}</a></div>')


def render_reading(passages: Sequence[Any], question: str, stopped: bool = False, lang: str = DEFAULT) -> str:
    """The passages retrieved for an answer still being written (or ``stopped``), before it cites any of them."""
    if not passages:
        return (f'<div class="sources"><div class="panel-title">{t(lang, "sources.title")}</div>'
                f'<p class="panel-note">{t(lang, "sources.none")}</p></div>')
    title = t(lang, "sources.stopped" if stopped else "sources.reading", count=len(passages))
    cards = "".join(_passage_card(p, i, None, lang) for i, p in enumerate(passages))
    return (f'<div class="sources{" stopped" if stopped else ""}"><div class="panel-title">{esc(title)}</div>'
            f'<div class="panel-q" title="{esc(question)}">{t(lang, "sources.for", question=esc(question))}</div>'
            f"{cards}</div>")


def _flag_note(item: Any) -> str:
    """The warning shown on a source whose passage holds sentences that read as instructions to an AI."""
    if not _get(item, "flags"):
        return ""
    return f'<p class="src-flag" role="note">⚠ {esc(INJECTION_WARNING)}</p>'


# --------------------------------------------------------------------------- article viewer
def render_article(text: str, info: Any, start: int | None = None, end: int | None = None,
                   label: str | None = None, lang: str = DEFAULT) -> str:
    """The whole article, escaped, with ``text[start:end]`` in a <mark> (scrolled into view by the page script)."""
    title = esc(_get(info, "title", "") or _get(info, "doc_id", ""))
    meta = _meta_line(_get(info, "date"), _get(info, "agency"), _get(info, "source_url"))
    chunks = t(lang, "viewer.chunks", count=_get(info, "chunks", 0))
    doc_line = f'<div class="viewer-doc">{esc(_get(info, "doc_id", ""))} · {chunks}</div>'
    if start is not None and end is not None and 0 <= start < end <= len(text):
        body = (f"{esc(text[:start])}<mark class=\"hl\" id=\"viewer-mark\">{esc(text[start:end])}</mark>"
                f"{esc(text[end:])}")
    else:
        body = esc(text)
    label_html = f'<div class="viewer-label">{esc(label)}</div>' if label else ""
    return (f'<div class="viewer" role="region" aria-label="{t(lang, "viewer.name")}"><div class="viewer-head">'
            f'<div class="viewer-title">{title}</div>{meta}{doc_line}{label_html}</div>'
            f'<div class="viewer-body" tabindex="0">{body}</div></div>')


# --------------------------------------------------------------------------- status
def render_status(stats: Mapping[str, Any], backend: str, model: str, lang: str = DEFAULT) -> str:
    if backend == "extractive":
        llm = t(lang, "status.extractive")
    else:
        llm = f"{backend}" + (f" · {model}" if model else "")
    counts = t(lang, "status.counts", articles=int(stats.get("articles", 0)), chunks=int(stats.get("chunks", 0)))
    return (f'<div class="status-line"><span class="status-item"><b>{t(lang, "status.answers")}</b> {esc(llm)}</span>'
            f'<span class="status-item"><b>{t(lang, "status.embedder")}</b> {esc(stats.get("embedder", "?"))}</span>'
            f'<span class="status-item"><b>{t(lang, "status.library")}</b> {counts}</span></div>')


def render_banner(messages: Iterable[str], kind: str = "warn") -> str:
    items = [m for m in messages if m]
    if not items:
        return ""
    body = "".join(f"<div>{esc(m)}</div>" for m in items)
    return f'<div class="banner banner-{kind}" role="alert"><span class="banner-icon" aria-hidden="true">⚠</span>' \
           f'<div class="banner-body">{body}</div></div>'


def library_headers(lang: str = DEFAULT) -> list[str]:
    """The library table's column names (title, date, source, chunks, file)."""
    return [t(lang, f"library.col_{name}") for name in ("title", "date", "source", "chunks", "file")]


def documents_rows(docs: Sequence[Any], query: str = "") -> list[list[Any]]:
    """Library table rows (title, date, source, chunks, id), filtered by a case-insensitive query."""
    q = query.strip().lower()
    rows = []
    for d in docs:
        row = [_get(d, "title", ""), _get(d, "date") or MISSING,
               _get(d, "agency") or _host_or_empty(_get(d, "source_url")) or MISSING,
               int(_get(d, "chunks", 0)), _get(d, "doc_id", "")]
        if q and not any(q in str(v).lower() for v in row):
            continue
        rows.append(row)
    return rows


def _host_or_empty(url: str | None) -> str:
    safe = _safe_url(url)
    return _host(safe) if safe else ""
