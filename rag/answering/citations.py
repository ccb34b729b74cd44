"""Citation markers: parse ``[n]`` in generated text, split answers into sentences, renumber in order of use."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import split_sentences

__all__ = ["CitedSentence", "parse_cited_sentences", "strip_markers", "strip_meta", "MARKER"]

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
        if clean and re.search(r"[^\W\d_]", clean) and not (out and _META_STUB.match(clean)):
            out.append(CitedSentence(clean, cited, invalid))
        elif out and (cited or invalid):  # only markers (or "This is stated [2]."): they cite the previous sentence
            out[-1].cited += [c for c in cited if c not in out[-1].cited]
            out[-1].invalid += invalid
    return out
