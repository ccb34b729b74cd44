"""Citation markers: parse ``[n]`` in generated text, split answers into sentences, renumber in order of use."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..models import Citation, Passage
from ..text import STOPWORDS, content_terms, split_sentences

__all__ = ["CitedSentence", "cited_by_article", "parse_cited_sentences", "says_something", "strip_markers",
           "strip_meta", "MARKER", "number_for", "cited_text", "sentences_within", "with_marks"]

MARKER = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_ANY_BRACKET_NUMBERS = re.compile(r"\[\s*(?:\d+|n)(?:\s*[,;–-]\s*\d+)*\s*\]")


@dataclass
class CitedSentence:
    """One answer sentence without its markers, and the passage numbers it cited (valid ones only)."""

    text: str
    cited: list[int]
    invalid: list[int]


def strip_markers(text: str) -> str:
    """Text without any ``[n]``/``[n, m]``/``[n]``-style markers."""
    return re.sub(r"\s+([.,;:!?])", r"\1", _ANY_BRACKET_NUMBERS.sub("", text)).strip()


_SOURCE_WORDS = r"(?:excerpts?|passages?|articles?|sources?|texts?)"
# "In the first excerpt, …", "According to excerpt 2, …", "… in Excerpts and ." (markers already removed): where the
# model says it read something is not a claim about the news, and its ordinals must not be checked as facts
_META_LEAD = re.compile(
    rf"^(?:in|according to|from|as (?:stated|mentioned|noted|reported) in|based on)\s+(?:the\s+)?"
    rf"(?:(?:first|second|third|fourth|fifth|last|given|provided|above)\s+)?{_SOURCE_WORDS}(?:\s*\d+)?\s*,\s*",
    re.IGNORECASE)
_META_TAIL = re.compile(
    rf"\s*,?\s*(?:as (?:stated|mentioned|noted) )?(?:in|from|according to) (?:the )?"
    rf"(?:(?:first|second|third|given|provided|above) )?{_SOURCE_WORDS}(?:\s*(?:\d+|and|,))*\s*(?=[.!?]?$)",
    re.IGNORECASE)


# what is left of "This is stated in excerpt [2]." once the source words are gone: the marker belongs to the sentence
# before it
_META_STUB = re.compile(
    r"^(?:this|that|it|these|the (?:answer|information))(?: information| fact)?\s+(?:is|was|are|were|can be)\s+"
    r"(?:stated|mentioned|noted|found|given|said|reported|shown|described|explained)\W*$", re.IGNORECASE)


def strip_meta(sentence: str) -> str:
    """``sentence`` without phrases about where the model read it ("In the first excerpt, …")."""
    clean = _META_TAIL.sub("", _META_LEAD.sub("", sentence)).strip()
    return clean[:1].upper() + clean[1:] if clean else clean


_SOURCE_WORD = re.compile(_SOURCE_WORDS)


def says_something(text: str) -> bool:
    """Does ``text`` hold a word that is not a stop word or a word for the sources? What a small model leaves
    behind once its phrases about where it read something are removed — "It's.", "Excerpts,, and.", "It is" — says
    nothing: it is no sentence of the answer, not even an unsupported one."""
    terms = {re.sub(r"['’](?:s|re|ll|d|ve)$", "", t) for t in content_terms(text)}
    return any(t and t not in STOPWORDS and not _SOURCE_WORD.fullmatch(t) for t in terms)


def parse_cited_sentences(answer: str, n_passages: int) -> list[CitedSentence]:
    """Split a generated answer into sentences and collect each sentence's ``[n]`` markers.

    Markers right after a sentence's full stop (``"... 2025. [1]"``) belong to that sentence. Numbers outside
    ``1..n_passages`` are reported in ``invalid`` and never returned as citations.
    """
    # move markers that follow the full stop to before it, so sentence splitting keeps them with their sentence
    text = re.sub(r"([.!?])((?:\s*\[[\d,;\s]+\])+)", r"\2\1", answer.strip())
    out: list[CitedSentence] = []
    for s, e in split_sentences(text):
        piece = text[s:e]
        cited: list[int] = []
        invalid: list[int] = []
        for m in MARKER.finditer(piece):
            for num in re.split(r"\s*[,;]\s*", m.group(1)):
                n = int(num)
                target = cited if 1 <= n <= n_passages else invalid
                if n not in target:
                    target.append(n)
        clean = strip_markers(piece)
        clean = strip_meta(re.sub(r"^(?:[-*•]|\d{1,2}[.)])\s+", "", clean))
        if clean and re.search(r"[^\W\d_]", clean) and says_something(clean) \
                and not (out and _META_STUB.match(clean)):
            out.append(CitedSentence(clean, cited, invalid))
        elif out and (cited or invalid):  # only markers (or "This is stated [2]."): they cite the previous sentence
            out[-1].cited += [c for c in cited if c not in out[-1].cited]
            out[-1].invalid += invalid
    return out


def number_for(citations: list[Citation], p: Passage, start: int, end: int) -> int:
    """The citation number of (passage, span), adding a new one (numbered in order of first use)."""
    for c in citations:
        if c.chunk_id == p.chunk_id and c.start == start and c.end == end:
            return c.number
    number = len(citations) + 1
    quote = p.text_at(start, end)
    citations.append(Citation(number=number, doc_id=p.doc_id, title=p.title, date=p.date, source_url=p.source_url,
                              agency=p.agency, chunk_id=p.chunk_id, start=start, end=end, quote=quote,
                              flags=list(p.flags)))
    return number


def cited_by_article(citations: Sequence[Citation]) -> list[str]:
    """The spans ``citations`` point at, one text per article: its title, then its cited spans in order ("Title.
    Span one. Span two."). A cited sentence often says "the event" or "he"; the title says which."""
    spans: dict[str, list[Citation]] = {}
    for c in citations:
        spans.setdefault(c.doc_id, []).append(c)
    return [" ".join([f"{cs[0].title.rstrip('.')}.",
                      *dict.fromkeys(c.quote for c in sorted(cs, key=lambda c: c.start))]) for cs in spans.values()]


def cited_text(citation: Citation, passages: Sequence[Passage]) -> str:
    """The text of the passage a citation points into."""
    return next((p.text for p in passages if p.chunk_id == citation.chunk_id), citation.quote)


def sentences_within(p: Passage, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of passage ``p`` inside ``[start, end)`` (the span itself when it has none)."""
    inside = [(s, e) for s, e in p.sentences if s >= start and e <= end]
    return inside or [(start, end)]


def with_marks(text: str, marks: str) -> str:
    """``text`` with citation ``marks`` ("[1][2]") before its final stop: "It rained [1]."."""
    stop = text[-1] if text and text[-1] in ".!?" else "."
    body = text[:-1] if text and text[-1] in ".!?" else text
    return f"{body} {marks}".rstrip() + stop
