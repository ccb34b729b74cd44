"""Evaluation metrics: pure functions, no model and no network.

Ranking metrics work on *document ids* (binary relevance, TREC definitions). The ranked list is deduplicated
(first occurrence kept) before it is cut at ``k``, an empty ranking scores 0, and a question without relevant
documents (an unanswerable one) has no ranking score at all (``None``), so it is left out of the averages.

Answer metrics compare answer text with the dataset: facts are matched accent- and case-insensitively
(:func:`fold`), token F1 is the SQuAD definition, and citation metrics use an offline support check
(:func:`supports`): the sentence's content words must be covered by the cited quote, and every number and name
in the sentence must appear in it.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Callable, Iterable, Mapping, Sequence

from rag import UNSUPPORTED_MARKS

__all__ = [
    "fold",
    "dedupe",
    "hit_at_k",
    "recall_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "fact_present",
    "fact_recall",
    "confident_error",
    "answer_language_match",
    "normalize_answer",
    "token_f1",
    "cosine",
    "strip_markers",
    "split_cited_sentences",
    "coverage",
    "supports",
    "citation_scores",
    "percentile",
    "mean",
]

# ------------------------------------------------------------------------------------------------ text folding
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                         "\u00a0": " "})


def fold(text: str) -> str:
    """Lower-case, accents stripped (NFD + drop combining marks, ``đ``→``d``), quotes and spaces normalised.

    >>> fold("Lê Hoài Trung")
    'le hoai trung'
    >>> fold("Đà  Nẵng’s")
    "da nang's"
    """
    text = text.replace("đ", "d").replace("Đ", "D").translate(_QUOTES)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


# ------------------------------------------------------------------------------------------------ ranking
def dedupe(ids: Iterable[str]) -> list[str]:
    """Ids in first-seen order, duplicates removed."""
    return list(dict.fromkeys(ids))


def _prepare(ranked: Sequence[str], relevant: Iterable[str], k: int) -> tuple[list[str], set[str]] | None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    rel = set(relevant)
    if not rel:
        return None
    return dedupe(ranked)[:k], rel


def hit_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float | None:
    """1.0 when any relevant id is among the first ``k`` (after deduplication), else 0.0; None without relevant ids."""
    got = _prepare(ranked, relevant, k)
    if got is None:
        return None
    top, rel = got
    return 1.0 if any(d in rel for d in top) else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float | None:
    """Share of the relevant ids found among the first ``k``; None without relevant ids."""
    got = _prepare(ranked, relevant, k)
    if got is None:
        return None
    top, rel = got
    return sum(1 for d in top if d in rel) / len(rel)


def mrr_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float | None:
    """Reciprocal rank of the first relevant id within the first ``k`` (0.0 if none); None without relevant ids."""
    got = _prepare(ranked, relevant, k)
    if got is None:
        return None
    top, rel = got
    for rank, d in enumerate(top, start=1):
        if d in rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float | None:
    """nDCG@k with binary gains (TREC ``ndcg_cut``): DCG = Σ rel_i / log2(i + 1) over the first ``k`` ranks,
    divided by the ideal DCG of min(|relevant|, k) relevant documents. None without relevant ids."""
    got = _prepare(ranked, relevant, k)
    if got is None:
        return None
    top, rel = got
    dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(top, start=1) if d in rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(rel), k) + 1))
    return dcg / ideal


# ------------------------------------------------------------------------------------------------ facts
def _contains(haystack: str, needle: str) -> bool:
    """Folded ``needle`` occurs in folded ``haystack`` without cutting a word or number ("120" is not in "1200")."""
    needle = fold(needle)
    if not needle:
        return False
    left = r"(?<!\w)" if needle[0].isalnum() else ""
    right = r"(?!\w)" if needle[-1].isalnum() else ""
    return re.search(left + re.escape(needle) + right, fold(haystack)) is not None


def fact_present(answer: str, alternatives: Sequence[str]) -> bool:
    """Is one of the fact's alternative wordings in the answer (case-, accent- and word-boundary-aware)?"""
    return any(_contains(answer, alt) for alt in alternatives)


def fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of facts present in the answer; None when the question lists no facts."""
    if not facts:
        return None
    return sum(1 for f in facts if fact_present(answer, f)) / len(facts)


def confident_error(answerable: bool, refused: bool, facts: Sequence[Sequence[str]], answer: str) -> float:
    """1.0 when an answer is presented as sourced but is wrong, else 0.0: the error users feel.

    Wrong means an unanswerable question answered at all, or an answerable one answered without any of its
    reference facts (``fact_present`` for none of them). A refusal is never a confident error (a false refusal is
    counted by ``false_refusal_rate``); an answerable item without facts cannot be judged wrong this way (0.0).
    """
    if refused:
        return 0.0
    if not answerable:
        return 1.0
    if not facts:
        return 0.0
    return 0.0 if any(fact_present(answer, f) for f in facts) else 1.0


# ------------------------------------------------------------------------------------------------ answer text
_MARKERS = re.compile(r"\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\]")
_UNSUPPORTED = re.compile(r"\s*(?:" + "|".join(map(re.escape, UNSUPPORTED_MARKS)) + ")")


def answer_language_match(question: str, answer: str, detect: Callable[[str], str]) -> float:
    """1.0 when ``answer`` (a refusal too) is written in the language of ``question`` by ``detect`` (text ->
    language code), else 0.0. An English quote after a lead-in in the question's language does not match.

    >>> answer_language_match("Ai?", "Không.", lambda t: "vi" if t in ("Ai?", "Không.") else "en")
    1.0
    """
    return 1.0 if detect(answer) == detect(question) else 0.0


def strip_markers(text: str) -> str:
    """Answer text without ``[n]`` markers and the flags of unsupported sentences (``*(unsupported)*``, in either
    language)."""
    text = _UNSUPPORTED.sub("", _MARKERS.sub("", text))
    return re.sub(r"\s+([.,;:!?])", r"\1", text).strip()


def normalize_answer(text: str) -> list[str]:
    """SQuAD normalisation: folded, punctuation and the articles a/an/the removed, split on white space."""
    text = fold(strip_markers(text))
    text = re.sub(r"[^\w\s]", " ", text)
    return [t for t in text.split() if t not in ("a", "an", "the")]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 between two texts (1.0 when both normalise to nothing, 0.0 when only one does)."""
    pred, ref = normalize_answer(prediction), normalize_answer(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


# ------------------------------------------------------------------------------------------------ citations
_WORD = re.compile(r"\w+(?:'\w+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOP = frozenset(
    """a an the and or but if of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very can will just should now is are was were
    be been being have has had having do does did doing i me my we our you your he him his she her it its they them
    their what which who whom whose this that these those am would could also as said says say according per while
    s t""".split()
)
_NAME_STOP = frozenset("the a an in on at of and for to by with as he she it they this that these those his her its "
                       "their but also both".split())
_BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ỹ])")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|"
                     r"e\.g|i\.e|vs|etc)|\b[A-Z])\.$")


def content_words(text: str) -> set[str]:
    """Folded content words (stop words and one-letter words dropped; numbers kept)."""
    out = set()
    for w in _WORD.findall(fold(text)):
        if w in _STOP or (len(w) == 1 and not w.isdigit()):
            continue
        out.add(w)
    return out


def numbers_in(text: str) -> set[str]:
    """Numbers in ``text``, thousands separators removed (``"1,500"`` -> ``"1500"``)."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}


_SPELLED = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_SPELLED_NUMBER = re.compile(rf"\b(?:{'|'.join(_SPELLED)})\b", re.IGNORECASE)


def stated_numbers(evidence: str) -> set[str]:
    """Numbers ``evidence`` states: in digits, or spelled out up to twenty ("two days" states 2)."""
    return numbers_in(evidence) | {str(_SPELLED[w.lower()]) for w in _SPELLED_NUMBER.findall(evidence)}


def names_in(text: str) -> set[str]:
    """Folded capitalised words that do not start the sentence (a cheap proper-name detector)."""
    words = _WORD.findall(text)
    return {fold(w) for i, w in enumerate(words)
            if i > 0 and w[:1].isupper() and len(w) > 1 and fold(w) not in _NAME_STOP}


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in _BOUNDARY.finditer(line):
            piece = line[start:m.start()]
            if _ABBREV.search(piece.rstrip()):
                continue
            out.append(piece.strip())
            start = m.end()
        out.append(line[start:].strip())
    return [s for s in out if s]


def split_cited_sentences(answer: str) -> list[tuple[str, list[int]]]:
    """Answer sentences (markers removed) with the citation numbers each carries, in order.

    Markers after a sentence's full stop (``"… 2025. [1]"``) belong to that sentence; a line of markers only is
    attached to the sentence before it.
    """
    text = re.sub(r"([.!?])((?:[ \t]*\[[\d,; ]+\])+)", r"\2\1", answer.strip())
    out: list[tuple[str, list[int]]] = []
    for piece in _sentences(text):
        numbers: list[int] = []
        for m in _MARKERS.finditer(piece):
            for n in re.findall(r"\d+", m.group()):
                if int(n) not in numbers:
                    numbers.append(int(n))
        clean = re.sub(r"^[-*•]\s+", "", strip_markers(piece))
        if re.search(r"\w", clean):
            out.append((clean, numbers))
        elif out and numbers:
            out[-1][1].extend(n for n in numbers if n not in out[-1][1])
    return out


def coverage(sentence: str, evidence: str) -> float:
    """Share of the sentence's content words found in ``evidence`` (a word of 5+ letters also matches by its first
    five letters, so "contributes" finds "contribution"). 1.0 for a sentence without content words."""
    terms = content_words(sentence)
    if not terms:
        return 1.0
    have = content_words(evidence)
    stems = {w[:5] for w in have if len(w) >= 5}
    return sum(1 for t in terms if t in have or (len(t) >= 5 and t[:5] in stems)) / len(terms)


def supports(sentence: str, evidence: str, threshold: float = 0.6) -> bool:
    """Offline support check: coverage >= ``threshold`` and every number and name of the sentence in the evidence."""
    if not evidence.strip():
        return False
    if not numbers_in(sentence) <= stated_numbers(evidence):
        return False
    folded = fold(evidence)
    joined = re.sub(r"[\W_]+", "", folded)
    for name in names_in(sentence):
        name = re.sub(r"['’]s$", "", name)  # possessive: "Vietnam's" names Vietnam
        # the same name across spacing variants ("Hanoi" / "Hà Nội") is the same name
        if not (_contains(folded, name) or re.sub(r"[\W_]+", "", name) in joined):
            return False
    return coverage(sentence, evidence) >= threshold


def citation_scores(answer: str, quotes: Mapping[int, str], passages: Sequence[str] = (),
                    threshold: float = 0.6, detect: Callable[[str], str] | None = None) -> dict[str, float | None]:
    """Citation precision and recall (ALCE style) and groundedness of an answer, with the offline support check.

    * ``citation_recall``: share of answer sentences whose citations, quotes joined, support them (a sentence
      without a citation counts as unsupported);
    * ``citation_precision``: share of citations that support their sentence: alone, or as a necessary part of a
      supporting group (the joined quotes support the sentence and do not without this one); a citation to an
      unknown number never does;
    * ``groundedness``: share of answer sentences supported by one cited quote or one context passage.

    ``quotes`` maps citation number -> quoted span; ``passages`` are the texts the answer was built from. Values
    are None when the answer has no sentences (precision: no citations).

    With ``detect`` (text -> language code), a cited sentence written in another language than a quote it cites (a
    Vietnamese sentence citing an English article) is left out of all three: a word check cannot read across
    languages. ``across_languages`` is the share of sentences left out, and the three are None when all are.
    """
    sentences = split_cited_sentences(answer)
    if not sentences:
        return {"citation_precision": None, "citation_recall": None, "groundedness": None,
                "across_languages": None, "sentences": 0, "citations": 0}
    if detect is not None:
        scored = [(s, ns) for s, ns in sentences
                  if not any(n in quotes and detect(quotes[n]) != detect(s) for n in ns)]
    else:
        scored = sentences
    across = 1 - len(scored) / len(sentences)
    if not scored:
        return {"citation_precision": None, "citation_recall": None, "groundedness": None,
                "across_languages": across, "sentences": len(sentences), "citations": 0}
    sentences = scored
    cited_total = 0
    precise = 0
    recalled = 0
    grounded = 0
    evidence_pool = [q for q in quotes.values()] + list(passages)
    for sentence, numbers in sentences:
        known = [n for n in numbers if n in quotes]
        joined = " ".join(quotes[n] for n in known)
        group_ok = bool(known) and supports(sentence, joined, threshold)
        recalled += group_ok
        for n in numbers:
            cited_total += 1
            if n not in quotes or not group_ok:
                continue
            if supports(sentence, quotes[n], threshold):
                precise += 1
                continue
            rest = " ".join(quotes[m] for m in known if m != n)
            if not rest or not supports(sentence, rest, threshold):
                precise += 1
        grounded += any(supports(sentence, e, threshold) for e in evidence_pool)
    n_sent = len(sentences)
    return {
        "citation_precision": precise / cited_total if cited_total else None,
        "citation_recall": recalled / n_sent,
        "groundedness": grounded / n_sent,
        "across_languages": across,
        "sentences": n_sent,
        "citations": cited_total,
    }


# ------------------------------------------------------------------------------------------------ aggregates
def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation between closest ranks (numpy's default);
    None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float | None]) -> tuple[float | None, int]:
    """(mean of the values that are not None, how many there were); (None, 0) when there are none."""
    xs = [float(v) for v in values if v is not None]
    return (sum(xs) / len(xs) if xs else None), len(xs)
