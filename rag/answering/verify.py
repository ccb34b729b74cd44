"""Offline citation verification: does a cited passage support the sentence that cites it?

Support = 0.6 × lexical coverage of the sentence's content words (accent-folded) in the best span of the passage
+ 0.4 × embedding similarity (packaged model) between the sentence and that span, rescaled. Numbers and names in the
sentence must appear in the span's passage, otherwise the score is capped below any sensible threshold.

A check is *exact* when the span alone carries the sentence: every number and name of the sentence is in the span
and at least :data:`EXACT_COVERAGE` of its content words are. The span is the shortest run of consecutive sentences
of the passage (at most :data:`MAX_SPAN_SENTENCES`) that does best on those terms. A supported sentence that is not
exact (a paraphrase that goes beyond its span, a name the span does not state) is replaced by the span's own words
when it is answered (see :meth:`rag.answering.answer.Composer.from_generation`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..index.embeddings import Embedder
from ..ingest.injection import evidence, overlaps
from ..models import Passage
from ..retrieval.dates import MONTH_NAMES, WEEKDAY_NAMES
from .language import FUNCTION_WORDS as VIETNAMESE_FUNCTION_WORDS, is_vietnamese, written_in_vietnamese
from ..text import capitalised_words, content_terms, fold, model_text, name_written, numbers_in, stem, tokens

__all__ = ["SupportCheck", "Verifier", "names_in", "figures_in", "stated_figures", "EXACT_COVERAGE", "MAX_SPAN_SENTENCES",
           "mentioned"]

EXACT_COVERAGE = 0.6
INSTRUCTIONS_ONLY = "the passage only holds text that reads as instructions"
MAX_SPAN_SENTENCES = 3

_NAME_STOP = frozenset("the a an in on at of and for to by with as he she it they this that these those his her its "
                       "their first second third fourth fifth also both yes no".split()
                       # months and weekdays are dates, checked through their numbers, not names
                       ) | frozenset(MONTH_NAMES) | frozenset(WEEKDAY_NAMES)


_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|previous|next)\b",
                      re.IGNORECASE)


def figures_in(text: str) -> set[str]:
    """Numbers and ordinal words ("second visit", "last met") of ``text``: claims a citation must state as written,
    since "his first visit" over a span saying "his second visit" is a different fact."""
    return numbers_in(text) | {m.lower() for m in _ORDINAL.findall(text)}


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_CARDINALS = {w: n for n, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_CARDINAL_WORD = re.compile(rf"\b(?:({'|'.join(_TENS)})[- ]({'|'.join(_UNITS[1:10])})|({'|'.join(_CARDINALS)}))\b",
                            re.IGNORECASE)


def stated_figures(text: str) -> set[str]:
    """What a source states: :func:`figures_in` and the value of each number written as a word ("just under two
    days and 21 hours" states 2 and 21; "twenty-one" states 21), so a claim may write it in digits."""
    found = figures_in(text)
    for m in _CARDINAL_WORD.finditer(text):
        tens, unit, word = m.groups()
        found.add(str(_CARDINALS[tens.lower()] + _CARDINALS[unit.lower()]) if tens else str(_CARDINALS[word.lower()]))
    return found


def dated_figures(sentence: str) -> set[str]:
    """The figures ``sentence`` writes as part of a date ("September 23", "23 September 2025", a year): the only ones
    a passage's publication date can state ("23 people died" is not supported by a passage dated the 23rd)."""
    from ..retrieval.analysis import DATE_PART

    return {f for m in DATE_PART.finditer(sentence) for f in figures_in(m.group())}


def date_figures(date: object) -> set[str]:
    """The figures of a publication date ("2025-09-23" or "20250923": 2025, 9, 09 and 23)."""
    parts = [p for token in re.findall(r"\d+", str(date or ""))
             for p in ((token[:4], token[4:6], token[6:]) if len(token) == 8 else (token,))]
    return set(parts) | {str(int(p)) for p in parts}


def names_in(sentence: str) -> set[str]:
    """Capitalised words not at the start of the sentence, accent-folded (a cheap proper-name detector)."""
    return {fold(w) for w in capitalised_words(tokens(sentence), _NAME_STOP)}


@dataclass
class SupportCheck:
    """Support of one sentence by one passage: score in [0, 1], the best span (article offsets) and any problem."""

    score: float
    start: int
    end: int
    problem: str | None = None
    exact: bool = False  # the span alone states every name, number and most words of the sentence


class Verifier:
    """Scores (sentence, passage) pairs offline."""

    def __init__(self, embedder: Embedder | None, *, lexical_weight: float = 0.6) -> None:
        self.embedder = embedder
        self.lexical_weight = lexical_weight

    def check(self, sentence: str, passage: Passage, question: str = "") -> SupportCheck:
        return self.check_many(sentence, [passage], question)[0]

    def check_many(self, sentence: str, passages: Sequence[Passage], question: str = "") -> list[SupportCheck]:
        """Support of ``sentence`` by each passage.

        Names that the ``question`` itself states are its premise, not claims of the answer, so they need not
        appear in the passage (it may say "he" or "the Convention"); every other name must. Numbers always must,
        premise or not: a passage that gives another date or count than the question's is about another event.
        """
        if is_vietnamese(sentence):
            return self._vietnamese_checks(sentence, passages, question)
        return self._same_language_checks(sentence, passages, question)

    def _vietnamese_checks(self, sentence: str, passages: Sequence[Passage], question: str) -> list[SupportCheck]:
        """A Vietnamese sentence: word by word against a Vietnamese passage (its function words are no claims), by
        what must match in any language against an English one (:mod:`.crosslingual_support`)."""
        vietnamese = [written_in_vietnamese(p.text) for p in passages]
        same = iter(self._same_language_checks(sentence, [p for p, v in zip(passages, vietnamese) if v], question,
                                               ignored=VIETNAMESE_FUNCTION_WORDS) if any(vietnamese) else [])
        english = [p for p, v in zip(passages, vietnamese) if not v]
        other = iter(_drawn_from_instructions([_crosslingual_check(sentence, p, question) for p in english], sentence,
                                              english))
        return [next(same) if v else next(other) for v in vietnamese]

    def _same_language_checks(self, sentence: str, passages: Sequence[Passage], question: str,
                              ignored: frozenset[str] = frozenset()) -> list[SupportCheck]:
        """Support of ``sentence`` by passages in its own language (``ignored``: folded words that are no claims)."""
        terms = content_terms(model_text(sentence)) - ignored
        premise = fold(question)
        numbers = figures_in(sentence)
        dated = dated_figures(sentence)
        names = {n for n in names_in(sentence) if _stem(n) not in premise}
        sentence_vec = self.embedder.embed_query(sentence) if self.embedder is not None else None
        views = [evidence(p) for p in passages]  # instruction-like sentences are never evidence
        instructed = _instructed_terms(passages)
        context_folded = fold(" ".join(f"{p.title} {p.text}" for p in views if p is not None))
        all_names = {_stem(n) for n in names_in(sentence)}
        results = []
        for original, p in zip(passages, views):
            if p is None:
                results.append(SupportCheck(0.0, original.start, original.start, INSTRUCTIONS_ONLY))
                continue
            best = _best_span(p, terms, all_names, numbers)
            lexical = best[4]
            passage_folded = fold(f"{p.title} {p.text}")
            semantic = 0.0
            if sentence_vec is not None:
                vec = self.embedder.embed_passages([best[2]])[0]
                semantic = float(np.clip((float(vec @ sentence_vec) - 0.5) / 0.4, 0.0, 1.0))
                score = self.lexical_weight * lexical + (1 - self.lexical_weight) * semantic
            else:
                score = lexical
            problem = None
            # the publication date is part of what the reader sees with the passage: it states a date, not a count
            stated = stated_figures(p.text) | (date_figures(p.date) & dated)
            missing_numbers = [n for n in numbers if n not in stated]
            missing_names = [n for n in names if not mentioned(n, passage_folded)]
            invented = [n for n in missing_names if not mentioned(n, context_folded)]
            if missing_numbers:
                kind = "number" if all(n[:1].isdigit() for n in missing_numbers) else "figure"
                problem = f"{kind} {', '.join(sorted(missing_numbers))} not in the cited passage"
                score = min(score, 0.2)
            elif invented:
                problem = f"name {', '.join(sorted(invented))} not in the sources"
                score = min(score, 0.3)
            elif missing_names:  # named elsewhere in the sources (the passage says "he", "the Convention" …)
                score *= 0.9
            if instructed and (drawn := _drawn_from(terms, best[2], instructed)):
                # the words the span lacks are the ones an instruction-like sentence states: that is the source
                problem = f"{', '.join(sorted(drawn))} only in text that reads as instructions"
                score = min(score, 0.2)
            results.append(SupportCheck(round(score, 4), best[0], best[1], problem, exact=best[3]))
        return results


def _crosslingual_check(sentence: str, passage: Passage, question: str = "") -> SupportCheck:
    """Support of a Vietnamese sentence by an English passage (:mod:`.crosslingual_support`); a supported one is
    exact, as no English span can stand in for it in a Vietnamese answer."""
    from .crosslingual_support import crosslingual_support

    view = evidence(passage)  # instruction-like sentences are never evidence, in any language
    if view is None:
        return SupportCheck(0.0, passage.start, passage.start, INSTRUCTIONS_ONLY)
    score, (start, end), problem = crosslingual_support(sentence, view, question)
    return SupportCheck(round(score, 4), start, end, problem, exact=problem is None)


def _best_span(p: Passage, terms: set[str], names: set[str], numbers: set[str]) -> tuple[int, int, str, bool, float]:
    """``(start, end, text, exact, coverage)`` of the run of consecutive sentences of ``p`` that best carries a
    sentence with these content ``terms``, ``names`` and ``numbers``: exact runs first, then the most names and
    numbers, then coverage, then the shortest."""
    spans = p.sentence_spans()
    best: tuple | None = None
    for i in range(len(spans)):
        for j in range(i, min(i + MAX_SPAN_SENTENCES, len(spans))):
            s, e = spans[i][0], spans[j][1]
            if overlaps(s, e, p.flags):
                break
            text = p.text_at(s, e)
            folded = fold(text)
            found = sum(1 for n in names if mentioned(n, folded))
            stated = stated_figures(text) if numbers else set()
            found += sum(1 for n in numbers if n in stated)
            cover, as_written = _coverages(terms, text)
            # shown as the model wrote it only when the span states it nearly word for word, as worded
            exact = found == len(names) + len(numbers) and cover >= EXACT_COVERAGE and as_written >= EXACT_COVERAGE
            key = (exact, found, cover, -(e - s))
            if best is None or key > best[0]:
                best = (key, (s, e, text, exact, cover))
    return best[1]


def _instruction_texts(passages: Sequence[Passage]) -> list[str]:
    """The passages' instruction-like sentences."""
    return [p.text_at(max(s, p.start), min(e, p.end)) for p in passages for s, e in p.flags]


def _instructed_terms(passages: Sequence[Passage]) -> set[str]:
    """Stems of the content words of the passages' instruction-like sentences."""
    texts = _instruction_texts(passages)
    return {stem(t) for t in content_terms(model_text(" ".join(texts)))} if texts else set()


def _drawn_from_instructions(checks: list[SupportCheck], sentence: str, passages: Sequence[Passage]
                             ) -> list[SupportCheck]:
    """Cross-lingual checks of ``sentence``, none of them support when an instruction-like sentence of the passages
    is at least as close to it (multilingual e5) as the span that would support it: the claim comes from the
    instruction, and a passage on the same events only looks like a source (the cross-lingual twin of the English
    check that the words a span lacks are not the ones an instruction states)."""
    instructed = _instruction_texts(passages)
    if not instructed or not any(c.problem is None for c in checks):
        return checks
    from ..retrieval.crosslingual import get_scorer

    scorer = get_scorer()
    target = scorer.passage_vectors([sentence])[0]
    closest_instruction = float(np.max(scorer.passage_vectors(instructed) @ target))
    out = []
    for check, p in zip(checks, passages):
        span = p.text_at(check.start, check.end)
        if check.problem is None and closest_instruction >= float(scorer.passage_vectors([span])[0] @ target):
            check = SupportCheck(min(check.score, 0.2), check.start, check.end,
                                 "closest to text that reads as instructions")
        out.append(check)
    return out


def _drawn_from(terms: set[str], span: str, instructed: set[str]) -> set[str]:
    """Content words of a sentence that its best ``span`` does not state and an instruction-like sentence does."""
    stated = {stem(t) for t in content_terms(model_text(span))}
    return {t for t in terms if stem(t) not in stated and stem(t) in instructed}


def mentioned(name: str, folded: str) -> bool:
    """Does the folded text mention the folded ``name`` (a possessive's "'s" aside) at the start of a word, in any
    spacing ("viet nam" / "vietnam")? Never inside a word: "us" is not in "because", "pm" not in "development"."""
    return name_written(_stem(name), folded)


def _stem(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _coverages(terms: set[str], text: str) -> tuple[float, float]:
    """Shares of ``terms`` the text states, in one spelling per place ("Vietnam" ~ "Việt Nam"): in any word form
    ("hoped" ~ "hope"), and as written (only a plural or a shared 5-letter start may differ)."""
    if not terms:
        return 1.0, 1.0
    canonical = model_text(text)
    have = content_terms(canonical)
    stems = {stem(w) for w in have}
    singular = {h.rstrip("s") for h in have}
    shared_start = {t for t in terms if len(t) > 4 and t[:5] in canonical}
    inflected = sum(1 for t in terms if stem(t) in stems or t in shared_start)
    written = sum(1 for t in terms if t in have or t.rstrip("s") in singular or t in shared_start)
    return inflected / len(terms), written / len(terms)


