"""A question and its passages in different languages: what the engine does when the answer must be written in
another language than the articles', and what it tells an English question whose closest article is Vietnamese."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .language import written_in_vietnamese

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Passage
    from ..retrieval.analysis import QuestionAnalysis

__all__ = ["OTHER_LANGUAGE_HINT", "other_language_hint", "written_across_languages"]

OTHER_LANGUAGE_HINT = "The closest articles are in Vietnamese: ask in Vietnamese to have them read as written."


def written_across_languages(language: str | None, passages: Sequence["Passage"]) -> bool:
    """Was the model asked to write in another language (``language``, None: the question's, English) than its
    best passage's? Then a failed reply (one that only restates the question, or of which no sentence is supported)
    is more often a failed rendering of the right sentence than a sign that the articles do not hold the answer, and
    the passages, which passed the relevance decision, are quoted instead. In the articles' own language the same
    failure marks a near miss, and the answer is a refusal.

    Measured with the local 1.5B model (2026-12-07), quotes right / wrong. Across languages (vi:dev, Vietnamese
    questions over the English seeds): unsupported replies 6 / 1, restatements 4 / 0. In the same language:
    unsupported replies 2 / 9 (lee_abc:dev, newspaper4k:dev, vi_news:dev), restatements 3 / 6 (those and the
    seeds)."""
    target = language or "English"
    source = "Vietnamese" if passages and written_in_vietnamese(passages[0].text) else "English"
    return bool(passages) and target != source


def other_language_hint(analysis: "QuestionAnalysis", nearest: Sequence["Passage"]) -> str | None:
    """What a refusal adds when an English question's closest passage is written in Vietnamese: nothing reads an
    English question against Vietnamese text (the cross-encoder and the verifier read one language at a time), so
    the user is told how to have it read."""
    if analysis.foreign or not nearest or not written_in_vietnamese(nearest[0].text):
        return None
    return OTHER_LANGUAGE_HINT
