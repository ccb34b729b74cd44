"""Offline citation verification: does a cited passage support the sentence that cites it?

Support = 0.6 × lexical coverage of the sentence's content words (accent-folded) in the best span of the passage
+ 0.4 × embedding similarity (packaged model) between the sentence and that span, rescaled. Numbers and names in the
sentence must appear in the span's passage, otherwise the score is capped below any sensible threshold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .embeddings import Embedder
from .models import Passage
from .text import content_terms, fold, numbers_in, tokens

__all__ = ["SupportCheck", "Verifier", "names_in"]

_NAME_STOP = frozenset("the a an in on at of and for to by with as he she it they this that these those his her its "
                       "their first second third fourth fifth also both yes no "
                       # months and weekdays are dates, checked through their numbers, not names
                       "january february march april may june july august september october november december "
                       "monday tuesday wednesday thursday friday saturday sunday".split())


def names_in(sentence: str) -> set[str]:
    """Capitalised words not at the start of the sentence, accent-folded (a cheap proper-name detector)."""
    words = tokens(sentence)
    out: set[str] = set()
    for i, w in enumerate(words):
        if i == 0 or not w[:1].isupper() or fold(w) in _NAME_STOP or len(w) < 2:
            continue
        out.add(fold(w))
    return out


@dataclass
class SupportCheck:
    """Support of one sentence by one passage: score in [0, 1], the best span (article offsets) and any problem."""

    score: float
    start: int
    end: int
    problem: str | None = None


class Verifier:
    """Scores (sentence, passage) pairs offline."""

    def __init__(self, embedder: Embedder | None, *, lexical_weight: float = 0.6) -> None:
        self.embedder = embedder
        self.lexical_weight = lexical_weight

    def check(self, sentence: str, passage: Passage, question: str = "") -> SupportCheck:
        return self.check_many(sentence, [passage], question)[0]

    def check_many(self, sentence: str, passages: Sequence[Passage], question: str = "") -> list[SupportCheck]:
        """Support of ``sentence`` by each passage.

        Names and numbers that the ``question`` itself states are its premise, not claims of the answer, so they
        need not appear in the passage; every other name and number must.
        """
        terms = content_terms(sentence)
        premise = fold(question)
        numbers = numbers_in(sentence) - numbers_in(question)
        names = {n for n in names_in(sentence) if _stem(n) not in premise}
        sentence_vec = self.embedder.embed_query(sentence) if self.embedder is not None else None
        context_folded = fold(" ".join(f"{p.title} {p.text}" for p in passages))
        context_joined = _joined(context_folded)
        results = []
        for p in passages:
            spans = p.sentences or [(p.start, p.end)]
            texts = [p.text[s - p.start:e - p.start] for s, e in spans]
            # candidate spans: single sentences and adjacent pairs
            windows: list[tuple[int, int, str]] = []
            for i, (s, e) in enumerate(spans):
                windows.append((s, e, texts[i]))
                if i + 1 < len(spans):
                    windows.append((s, spans[i + 1][1], p.text[s - p.start:spans[i + 1][1] - p.start]))
            best = max(windows, key=lambda w: (_coverage(terms, w[2]), -(w[1] - w[0])))
            lexical = _coverage(terms, best[2])
            passage_folded = fold(f"{p.title} {p.text}")
            passage_joined = _joined(passage_folded)
            semantic = 0.0
            if sentence_vec is not None:
                vec = self.embedder.embed_passages([best[2]])[0]
                semantic = float(np.clip((float(vec @ sentence_vec) - 0.5) / 0.4, 0.0, 1.0))
                score = self.lexical_weight * lexical + (1 - self.lexical_weight) * semantic
            else:
                score = lexical
            problem = None
            # the publication date is part of what the reader sees with the passage
            missing_numbers = [n for n in numbers if n not in numbers_in(f"{p.text} {p.date or ''}")]
            missing_names = [n for n in names if not _mentioned(n, passage_folded, passage_joined)]
            invented = [n for n in missing_names if not _mentioned(n, context_folded, context_joined)]
            if missing_numbers:
                problem = f"number {', '.join(sorted(missing_numbers))} not in the cited passage"
                score = min(score, 0.2)
            elif invented:
                problem = f"name {', '.join(sorted(invented))} not in the sources"
                score = min(score, 0.3)
            elif missing_names:  # named elsewhere in the sources (the passage says "he", "the Convention" …)
                score *= 0.9
            results.append(SupportCheck(round(score, 4), best[0], best[1], problem))
        return results


def _joined(folded: str) -> str:
    return re.sub(r"[\W_]+", "", folded)


def _mentioned(name: str, folded: str, joined: str) -> bool:
    """``name`` (folded) occurs in the text, also across spacing variants ("hanoi" in "ha noi")."""
    stem = _stem(name)
    return stem in folded or _joined(stem) in joined


def _stem(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _coverage(terms: set[str], text: str) -> float:
    if not terms:
        return 1.0
    have = content_terms(text)
    folded = fold(text)
    singular = {h.rstrip("s") for h in have}
    hit = sum(1 for t in terms if t in have or t.rstrip("s") in singular or (len(t) > 4 and t[:5] in folded))
    return hit / len(terms)


