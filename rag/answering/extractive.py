"""The extractive answer (no model): the sentences of the passages that best answer the question, quoted with the
same citation objects a generated answer gets."""
from __future__ import annotations

import re
from typing import Mapping, NamedTuple, Sequence

from ..ingest.injection import overlaps
from ..models import Answer, Citation, Passage, SentenceSupport
from ..retrieval.analysis import QuestionShape, figures
from ..retrieval.dates import MONTH_NAMES, WEEKDAY_NAMES
from ..text import content_terms, fold
from .citations import number_for
from .language import written_in_vietnamese
from .verify import names_in

__all__ = ["Candidate", "choose_sentences", "quoted_answer", "with_antecedents"]


class Candidate(NamedTuple):
    """A sentence that may be quoted: its score, the index of its passage, its span (article offsets), its text."""

    score: float
    index: int
    span: tuple[int, int]
    text: str


def choose_sentences(shape: QuestionShape, passages: Sequence[Passage], max_sentences: int = 3,
                     closeness: Mapping[str, float] | None = None,
                     own_terms: frozenset[str] | None = None) -> list[Candidate]:
    """The sentences to quote for the question ``shape`` describes, in article order, each followed by the list it
    announces; empty when no sentence can be quoted. ``closeness`` (sentence -> 0..1) adds a meaning score where the
    question's words cannot be found in the sentences (a question in another language); ``own_terms``, the content
    words of such a question as asked, are looked for in the passages written in its language (a Vietnamese
    article), which ``shape``'s English rendering cannot match."""
    scored = _scored(shape, passages, closeness or {}, own_terms)
    if not scored:
        return []
    scored.sort(key=lambda x: x.score, reverse=True)
    best = scored[0].score
    chosen = [scored[0]]
    for cand in scored[1:]:
        if len(chosen) >= max_sentences:
            break
        if cand.score >= 0.8 * best and all(cand.span != c.span and not _overlaps(cand, c) for c in chosen):
            chosen.append(cand)
    chosen.sort(key=lambda c: (c.index, c.span[0]))
    return with_antecedents(with_enumerations(chosen, passages), passages)


def _scored(shape: QuestionShape, passages: Sequence[Passage], closeness: Mapping[str, float],
            own_terms: frozenset[str] | None = None) -> list[Candidate]:
    """Every quotable sentence scored by how many question terms it covers, a bonus for the kind of answer asked
    for and the rank of its passage; the article headline only when nothing else is quotable."""
    wants = shape.answer_type
    scored: list[Candidate] = []
    headlines: list[Candidate] = []
    for pi, p in enumerate(passages):
        terms = own_terms if own_terms is not None and written_in_vietnamese(p.text) else shape.terms
        prior = 1.0 / (1 + pi)
        headline = " ".join(p.title.split()).casefold()
        for s, e in p.sentence_spans():
            if overlaps(s, e, p.flags):  # reads as instructions: never quoted as an answer
                continue
            sent = p.text_at(s, e)
            have = content_terms(sent)
            folded = fold(sent)
            cover = sum(1 for t in terms if t in have or (len(t) > 4 and t[:5] in folded)) / max(1, len(terms))
            bonus = 0.25 if wants and _has_type(sent, wants) else 0.0
            # the article's headline line is shown with every citation of it: quoted only when nothing else is
            same_as_title = " ".join(sent.split()).casefold() == headline
            (headlines if same_as_title else scored).append(Candidate(cover + bonus + 0.3 * prior + closeness.get(sent, 0.0), pi,
                                                                   (s, e), sent))
    return scored or headlines


def quoted_answer(question: str, chosen: Sequence[Candidate], passages: Sequence[Passage]) -> Answer:
    """The answer quoting the ``chosen`` sentences, each cited."""
    citations: list[Citation] = []
    sentences: list[SentenceSupport] = []
    parts = []
    for _, pi, (s, e), sent in chosen:
        number = number_for(citations, passages[pi], s, e)
        parts.append(f"{sent} [{number}]")
        sentences.append(SentenceSupport(sent, [number], 1.0, True, "quoted from the article"))
    return Answer(question=question, text=" ".join(parts), citations=citations, sentences=sentences,
                  passages=list(passages))


_ENUM_FIRST = re.compile(r"(?:first(?:ly)?|first of all|to begin with)\b", re.IGNORECASE)
_ENUM_NEXT = re.compile(r"(?:second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|finally|lastly)\b", re.IGNORECASE)


def with_enumerations(chosen: Sequence[tuple], passages: Sequence[Passage], most: int = 4) -> list[Candidate]:
    """``chosen`` (score, passage index, span, text) sentences, each followed by the list it announces: news often
    writes "X outlined three priorities. First, … Second, …", and the announcing sentence alone answers nothing.

    Only sentences the context passages hold, and only while they follow each other in the article."""
    sentences: dict[tuple[str, int], tuple[int, tuple[int, int], str]] = {}
    for pi, p in enumerate(passages):
        for s, e in p.sentences:
            sentences.setdefault((p.doc_id, s), (pi, (s, e), p.text_at(s, e)))
    starts: dict[str, list[int]] = {}
    for doc_id, s in sorted(sentences):
        starts.setdefault(doc_id, []).append(s)
    chosen = [Candidate(*c) for c in chosen]
    taken = {(passages[c.index].doc_id, c.span[0]) for c in chosen}
    out: list[Candidate] = []
    for c in chosen:
        out.append(c)
        doc_id, end = passages[c.index].doc_id, c.span[1]
        pattern = _ENUM_FIRST if not c.text.rstrip().endswith(":") else None
        for _ in range(most):
            later = [s for s in starts.get(doc_id, ()) if s >= end]
            if not later or not any(p.doc_id == doc_id and p.start <= end and later[0] < p.end for p in passages):
                break  # the next sentence is not in the context, or something unseen lies between
            pi, span, text = sentences[(doc_id, later[0])]
            if (doc_id, span[0]) in taken or (pattern is not None and not pattern.match(text)) \
                    or overlaps(*span, passages[pi].flags):
                break
            out.append(Candidate(c.score, pi, span, text))
            taken.add((doc_id, span[0]))
            end, pattern = span[1], _ENUM_NEXT
    return out


# a sentence that leans on the one before it: a pronoun subject, or "the latter" anywhere ("the former" is mostly
# an adjective in news: "the former president")
_LEANS_BACK = re.compile(r"^(?:he|she|they|his|her|their|him|them)\b|\bthe latter\b(?!\s+(?:part|half|stage)\b)",
                         re.IGNORECASE)


def with_antecedents(chosen: Sequence[Candidate], passages: Sequence[Passage]) -> list[Candidate]:
    """``chosen`` sentences, each that leans on the sentence before it ("The meeting took place as the latter was on
    an official visit …", "He said …") preceded by that sentence when the same passage holds it and it is not
    quoted already: a quote must make sense on its own."""
    taken = {(c.index, c.span[0]) for c in chosen}
    out: list[Candidate] = []
    for c in chosen:
        if _LEANS_BACK.search(c.text):
            p = passages[c.index]
            before = [(s, e) for s, e in p.sentences if e <= c.span[0]]
            if before and (c.index, before[-1][0]) not in taken and not overlaps(*before[-1], p.flags):
                s, e = before[-1]
                out.append(Candidate(c.score, c.index, (s, e), p.text_at(s, e)))
                taken.add((c.index, s))
        out.append(c)
    return out


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.index == b.index and not (a.span[1] <= b.span[0] or b.span[1] <= a.span[0])


_DATE_WORDS = re.compile(r"\b(" + "|".join(MONTH_NAMES + WEEKDAY_NAMES) + r"|\d{4})\b", re.IGNORECASE)


def _has_type(sentence: str, kind: str) -> bool:
    """Does ``sentence`` hold the kind of answer asked for (a date, a figure, a name)?"""
    if kind == "date":
        return bool(_DATE_WORDS.search(sentence))
    if kind == "number":
        return bool(figures(sentence))
    if kind in ("name", "place"):
        return bool(names_in(sentence))
    return False
