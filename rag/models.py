"""Plain, JSON-serialisable data objects shared by every layer and front end."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Article", "Chunk", "Passage", "Citation", "SentenceSupport", "Answer", "DocumentInfo"]


@dataclass(frozen=True)
class Article:
    """A parsed news article. Offsets everywhere refer to ``text`` (the NFC-normalised file content)."""

    doc_id: str
    text: str
    title: str
    date: str | None  # ISO yyyy-mm-dd publication date, or None when unknown
    date_source: str | None  # "metadata" (front matter, "Published:" line, byline, HTML meta), "dateline"
    # (explicit date line), "text" (derived from the text) or None
    source_url: str | None
    agency: str | None
    content_spans: tuple[tuple[int, int], ...]  # paragraphs that are indexed (boilerplate excluded)
    content_hash: str

    @property
    def body(self) -> str:
        """The indexed content, paragraphs joined by blank lines."""
        return "\n\n".join(self.text[s:e] for s, e in self.content_spans)

    @property
    def date_number(self) -> int | None:
        """Publication date as ``yyyymmdd`` (Chroma range filters need numbers)."""
        return int(self.date.replace("-", "")) if self.date else None


@dataclass(frozen=True)
class Chunk:
    """A few consecutive sentences of one article; ``text == article.text[start:end]``."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]  # sentence spans, article offsets


@dataclass
class Passage:
    """A retrieved chunk with its article metadata and retrieval scores."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    score: float = 0.0  # final ranking score (higher is better)
    scores: dict[str, float] = field(default_factory=dict)  # per-stage scores: dense, lexical, fused, rerank
    sentences: list[tuple[int, int]] = field(default_factory=list)
    flags: list[tuple[int, int]] = field(default_factory=list)  # sentences that read as instructions (article offsets)

    def sentence_spans(self) -> list[tuple[int, int]]:
        """Article offsets of the passage's sentences; the whole passage when it was not split."""
        return list(self.sentences) or [(self.start, self.end)]

    def text_at(self, start: int, end: int) -> str:
        """The passage's text between two article offsets."""
        return self.text[start - self.start:end - self.start]


@dataclass
class Citation:
    """A numbered source of an answer, pointing at the exact supporting span of an article."""

    number: int
    doc_id: str
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    chunk_id: str
    start: int  # supporting span, offsets into the article text
    end: int
    quote: str  # article.text[start:end]
    flags: list[tuple[int, int]] = field(default_factory=list)  # instruction-like sentences of the cited passage


@dataclass
class SentenceSupport:
    """How well one answer sentence is supported by the passages it cites."""

    text: str
    citations: list[int]
    score: float
    supported: bool
    note: str | None = None  # e.g. "re-attributed from [3]", "number 42 not in the cited passage"


@dataclass
class Answer:
    """The one contract between the engine and every front end."""

    question: str
    text: str  # markdown with [n] markers
    citations: list[Citation] = field(default_factory=list)
    sentences: list[SentenceSupport] = field(default_factory=list)
    refused: bool = False
    standalone_question: str = ""
    related: list[Passage] = field(default_factory=list)  # closest passages (shown as "related" on refusal)
    passages: list[Passage] = field(default_factory=list)  # the context the answer was built from
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: retrieval, generation, total
    backend: str = ""
    model: str = ""
    notice: str | None = None  # e.g. "The language model was unreachable; answered extractively."

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the whole answer."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Answer":
        """Rebuild an :class:`Answer` from :meth:`to_dict` output."""
        data = dict(data)
        data["citations"] = [Citation(**{**c, "flags": [tuple(f) for f in c.get("flags", [])]})
                             for c in data.get("citations", [])]
        data["sentences"] = [SentenceSupport(**s) for s in data.get("sentences", [])]
        data["related"] = [_passage(p) for p in data.get("related", [])]
        data["passages"] = [_passage(p) for p in data.get("passages", [])]
        return cls(**data)


def _passage(data: dict[str, Any]) -> Passage:
    data = dict(data)
    data["sentences"] = [tuple(s) for s in data.get("sentences", [])]
    data["flags"] = [tuple(f) for f in data.get("flags", [])]
    return Passage(**data)


@dataclass
class DocumentInfo:
    """An indexed article as listed by ``Engine.documents()``."""

    doc_id: str
    title: str
    date: str | None
    source_url: str | None
    agency: str | None
    chunks: int
    content_hash: str
    chars: int
