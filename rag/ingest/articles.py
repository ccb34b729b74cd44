"""Parse a news article file into an :class:`~rag.models.Article`: title, date, source URL, agency and body.

Offsets are kept: ``Article.content_spans`` point into ``Article.text`` (the NFC-normalised file content), so every
chunk and citation can be traced back to the exact characters of the original article.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path

from ..errors import DocumentError
from .metadata import (byline, date_line, dateline_agency, front_matter, front_matter_block, html_metadata,
                       labelled_line, parse_date)
from ..models import Article
from ..text import nfc, split_sentences

__all__ = ["parse_article", "read_article_file", "SUPPORTED_SUFFIXES", "content_hash"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_CONTROL_SHARE = 0.1  # text with more control characters than this is binary data
_BINARY_MAGIC = ((b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP or Office"), (b"\x89PNG", "PNG image"),
                 (b"GIF8", "GIF image"), (b"\xff\xd8\xff", "JPEG image"), (b"{\\rtf", "RTF"))

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*")
_SOURCE = re.compile(r"^\s*Source:\s*(https?://\S+)\s*$", re.IGNORECASE)
_AGENCY_TAIL = re.compile(r"\s*[—–-]+\s*((?:VNA|VNS|VNA/VNS|VOV|AFP|Reuters|AP|Xinhua|Bernama|Kyodo|[A-Z]{2,6}(?:/[A-Z]{2,6})?))\s*$")
_AGENCY_LINE = re.compile(r"^\s*((?:[A-Z][\w-]*\.)?[A-Za-z][\w-]*\.(?:vn|com|net|org)(?:\.vn)?|VNA|VNS|VNA/VNS|VOV|VnExpress|TTXVN)\s*$")
_BOILERPLATE = re.compile(
    r"^\s*(comments?\s*\(\d+\)|share|print|read more|related news|tags?:.*|back to top|\/\.|advertisement"
    r"|share (?:this|on)\b.{0,40}|[-*_=]{3,}|(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4}).{0,150}|.{0,100}all rights reserved\.?"
    r"|\(?(?:reporting|writing|editing|additional reporting) by\b[^\n]{0,200})\s*$", re.IGNORECASE
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_CAPTION = re.compile(r"[\s.]*\(?\s*(?:Photo|Photos|Ảnh|Image)\s*:\s*[^()\n]{1,60}\)?\s*$", re.IGNORECASE)
_DATELINE = re.compile(  # "HÀ NỘI — ", "LONDON, March 14 (Reuters) - "
    r"^([A-ZÀ-Ỹ][A-ZÀ-Ỹ .,'’]{1,40}(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?(?:\s*\([^()\n]{1,30}\))?)\s*[—–-]+\s*")


def content_hash(text: str) -> str:
    """Stable hash of an article's normalised text (used to skip unchanged articles on re-ingest)."""
    return hashlib.sha256(nfc(text).encode("utf-8")).hexdigest()


def read_article_file(path: Path, *, max_bytes: int = 5_000_000) -> str:
    """Read an article file as text; HTML is reduced to its visible text. Raises :class:`DocumentError`."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}.",
            hint=f"Use one of {', '.join(SUPPORTED_SUFFIXES)}.",
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"{path.name}: file is {size:,} bytes, over the {max_bytes:,}-byte limit.",
                            hint="Split it or raise max_upload_bytes.")
    data = path.read_bytes()
    return decode_article_bytes(data, path.name, html_input=path.suffix.lower() in (".html", ".htm"))


def has_visible_text(text: str) -> bool:
    """Does ``text`` hold a visible character (not only spaces, control characters or zero-width marks)?"""
    return any(unicodedata.category(ch)[0] not in "CZ" for ch in text)


def decode_article_bytes(data: bytes, name: str, *, html_input: bool = False) -> str:
    """Decode uploaded bytes as UTF-8 text (BOM allowed); binary or non-UTF-8 data is refused with a clear message."""
    _refuse_binary(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name}: not valid UTF-8 (byte {exc.start}).",
            hint="Re-save the file as UTF-8 (e.g. `iconv -f cp1258 -t utf-8`).",
        ) from exc
    if _control_share(text[:4096]) > MAX_CONTROL_SHARE:
        raise DocumentError(f"{name}: looks like a binary file, not text (it is mostly control characters).",
                            hint="Upload a .txt, .md or .html article.")
    if html_input:
        text = html_article_text(text)
    if not has_visible_text(text):
        raise DocumentError(f"{name}: the file is empty.", hint="Upload an article with some text.")
    return text


def _refuse_binary(data: bytes, name: str) -> None:
    """Refuse PDF, office, archive and image files renamed to a text suffix, and anything holding NUL bytes."""
    head = data[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = next((label for magic, label in _BINARY_MAGIC if head.startswith(magic)), None)
    if kind:
        raise DocumentError(f"{name}: binary {kind} data, not text (only the name ends in a text suffix).",
                            hint="Save the article as plain text (.txt), Markdown (.md) or HTML and upload that.")
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: looks like a binary file, not text.", hint="Upload a .txt, .md or .html article.")


def _control_share(text: str) -> float:
    """Share of control characters (other than tab, line breaks and form feed) in ``text``."""
    if not text:
        return 0.0
    return sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f") / len(text)


def html_article_text(markup: str) -> str:
    """The article of a web page as text: its metadata (``<meta>`` tags, JSON-LD, ``<title>``) as a front matter
    block, then the visible text of its ``<article>`` element (the longest, when there are several) or, without
    one, of the whole page minus navigation, header, footer and asides."""
    meta = html_metadata(markup)
    articles = [m.group(0) for m in re.finditer(r"(?is)<article\b.*?</article>", markup)]
    texts = [html_to_text(a) for a in articles]
    body = max(texts, key=len) if texts and max(map(len, texts)) > 0 else html_to_text(markup)
    return front_matter_block(meta) + body


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: scripts, styles, navigation, page header, footer, asides and forms dropped,
    block elements become line breaks."""
    markup = re.sub(r"(?is)<(script|style|noscript|head|nav|footer|aside|form|template)\b.*?</\1>", " ", markup)
    markup = _drop_hidden(re.sub(r"(?s)<!--.*?(?:-->|$)", " ", markup))  # comments and invisible text: never content
    if not re.search(r"(?i)<article\b", markup):  # a page header (site name, menus); an article's own is content
        markup = re.sub(r"(?is)<header\b.*?</header>", " ", markup)
    markup = re.sub(r"(?i)<(br|/p|/div|/h[1-6]|/li|/tr|/title)\b[^>]*>", "\n", markup)
    markup = re.sub(r"(?s)<[^>]+>", " ", markup)
    text = html.unescape(markup)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


_HIDDEN = re.compile(
    r"""(?is)<(\w+)\b[^>]*?(?:\shidden\b|aria-hidden\s*=\s*["']?true|style\s*=\s*["'][^"']*(?:display\s*:\s*none|"""
    r"""visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|"""
    r"""(?<![-\w])color\s*:\s*(?:#fff\b|#ffffff\b|white\b|transparent\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)))[^>]*>"""
    r""".*?</\1\s*>""")


def _drop_hidden(markup: str) -> str:
    """``markup`` without elements a reader cannot see (``hidden``, ``display:none``, ``visibility:hidden``, zero
    size or opacity, white or transparent text): text placed there is meant for machines, not readers."""
    previous = None
    while previous != markup:  # nested hidden elements
        previous, markup = markup, _HIDDEN.sub(" ", markup)
    return markup


def parse_article(doc_id: str, raw: str) -> Article:
    """Parse the text of one article. ``doc_id`` is its file name.

    >>> a = parse_article("x.txt", " date 2025-09-23 NEW YORK – A met B.\\n\\nMore text. — VNA/VNS")
    >>> (a.date, a.agency, a.title)
    ('2025-09-23', 'VNA/VNS', 'A met B.')
    """
    text = nfc(raw).replace("\r\n", "\n").replace("\r", "\n")
    if not has_visible_text(text):
        raise DocumentError(f"{doc_id}: the article is empty.", hint="Give it some text.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates, only possible in text handed over from Python
        raise DocumentError(f"{doc_id}: not valid Unicode text (character {exc.start}).",
                            hint="Pass text decoded from UTF-8.") from None
    meta, body_start = front_matter(text)
    date: str | None = meta.get("date")
    date_source: str | None = "metadata" if date else None
    source_url: str | None = meta.get("url")
    agency: str | None = meta.get("agency")
    title: str | None = meta.get("title")
    spans: list[tuple[int, int]] = []

    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.start() >= body_start]
    first_content = True
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        plain = line.strip().strip("*_").strip()  # "**Published:** …", "*By … , Reuters*" in Markdown
        header = labelled_line(plain)
        if header is None:
            header = byline(plain)
        if header is None and (day := date_line(plain)):  # a line that is only a date: "Tuesday, March 14, 2025"
            header = {"date": day}
        if header is not None:
            # "Published: July 8, 2025", "Title: …", "By Kenji Tanaka, Kyodo News": metadata, not content
            title = title or header.get("title")
            source_url = source_url or header.get("url")
            agency = agency or header.get("agency")
            if date is None and header.get("date"):
                date, date_source = header["date"], "metadata"
            continue
        if first_content:
            m = _DATE_LINE.match(line)
            iso = parse_date(m.group(0)) if m else None
            if m and iso:
                if date is None:
                    date, date_source = iso, "dateline"
                start += m.end()
                line = text[start:end]
                if not line.strip():
                    continue
        m = _SOURCE.match(line)
        if m:
            source_url = m.group(1)
            continue
        if _BOILERPLATE.match(line):
            continue
        m = _AGENCY_LINE.match(line)
        if m and len(line.strip()) < 40:
            agency = agency or m.group(1)
            continue
        caption = _CAPTION.search(line)
        if caption and len(line) < 400:
            # a photo caption: a good headline when it opens the article, never indexed as content
            if first_content and title is None:
                title = line[: caption.start()].strip().rstrip(".")
            first_content = False
            continue
        m = _AGENCY_TAIL.search(line)
        if m and end == lines[-1][1] or (m and _is_last_content(text, end)):
            agency = agency or m.group(1)
            end = start + m.start()
        if text[start:end].rstrip().endswith("/."):  # wire-service end mark
            end = start + text[start:end].rstrip().rfind("/.")
        heading = _MD_HEADING.match(line)
        if heading:  # a Markdown heading: its words are content, the "#" marks are not
            start += heading.start(1)
            if first_content and title is None and heading.group(1).strip():
                title = " ".join(heading.group(1).split())[:300]
        if first_content and title is None:
            title = _title_from_lead(text[start:end])
        if len(spans) <= 1:  # the lead, or the paragraph after a headline line, may open with a dateline
            agency = agency or dateline_agency(text[start:end])
        first_content = False
        s, e = _strip_span(text, start, end)
        if e > s:
            spans.append((s, e))

    if not spans:
        raise DocumentError(f"{doc_id}: no article text found (only boilerplate).", hint="Check the file content.")
    if date is None:
        date = parse_date(text[spans[0][0]:spans[0][1]])  # the first full date in the lead: the event's
        date_source = "text" if date else None
    return Article(
        doc_id=doc_id,
        text=text,
        title=title or _title_from_lead(text[spans[0][0]:spans[0][1]]),
        date=date,
        date_source=date_source,
        source_url=source_url,
        agency=agency,
        content_spans=tuple(spans),
        content_hash=content_hash(text),
    )


def _is_last_content(text: str, end: int) -> bool:
    rest = text[end:]
    return all(_SOURCE.match(l) or _BOILERPLATE.match(l) or _AGENCY_LINE.match(l) or not l.strip()
               for l in rest.split("\n"))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _title_from_lead(paragraph: str) -> str:
    """A headline made from the lead: its first sentence without the dateline, cut at a word boundary."""
    paragraph = paragraph.strip()
    spans = split_sentences(paragraph)
    first = paragraph[spans[0][0]:spans[0][1]] if spans else paragraph
    first = _DATELINE.sub("", first).strip()
    if len(first) > 160:
        first = first[:160].rsplit(" ", 1)[0] + "…"
    return first
