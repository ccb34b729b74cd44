"""Verification of a generated answer: every sentence checked against the passage it cites (re-attributed,
replaced by the source's own words, or flagged when unsupported), sources renumbered 1..n in order of use."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ..models import Answer, Citation, Passage, SentenceSupport
from ..retrieval.analysis import QuestionShape
from ..text import content_terms, fold, model_text, stem
from .citations import parse_cited_sentences, number_for, sentences_within, with_marks
from .verify import SupportCheck, Verifier

__all__ = ["Verified", "QUOTED", "UNSUPPORTED_MARK", "UNSUPPORTED_MARK_VI", "UNSUPPORTED_MARKS",
           "only_restates", "asks_back", "only_asks_back", "ASKS_BACK", "clauses", "verify_sentence",
           "verify_by_clause", "judged", "verified_answer"]

QUOTED = "quoted from the source instead of: "
UNSUPPORTED_MARK = "*(unsupported)*"  # ends an answer sentence no passage supports
UNSUPPORTED_MARK_VI = "*(không có căn cứ)*"  # the same in an answer in Vietnamese (rag.answering.localize)
UNSUPPORTED_MARKS = (UNSUPPORTED_MARK, UNSUPPORTED_MARK_VI)
_JUDGED_UNSUPPORTED = "the language model check found no support in the cited passage"
ASKS_BACK = "repeats what the question asks instead of answering it"

# Vietnamese question words (lower case: "AI" is no question word), as written and as typed without diacritics; a
# question word after a negation or before "đó"/"cả" is none ("không có gì", "bất kỳ nước nào", "nơi nào đó")
_ASKING_VI = re.compile(r"(?<!\w)(gì|nào|đâu|bao nhiêu|bao giờ|bao lâu|mấy|thế nào|ra sao|tại sao|vì sao|ai)"
                        r"(?!\w)(?!\s+(?:đó|cả|hết|khác|cũng)\b)")
_ASKING_VI_FOLDED = re.compile(r"(?<!\w)(gi|bao nhieu|bao gio|bao lau|the nao|ra sao|tai sao|vi sao)(?!\w)"
                               r"(?!\s+(?:do|ca|het|khac|cung)\b)")
_NEGATION_BEFORE = re.compile(r"(?<!\w)(không|chẳng|chưa|bất kỳ|bất cứ|mọi|khong|chang|chua|bat ky|bat cu)(?!\w)"
                              r"(?:\W+\w+){0,3}\W*$")
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


@dataclass
class Verified:
    """One generated sentence after verification: the passages (0-based indices) and checks that support it."""

    text: str
    passages: list[int]  # indices into the passage list (0-based)
    checks: list[SupportCheck]
    supported: bool
    score: float
    note: str | None


def only_restates(shape: QuestionShape, generated: str) -> bool:
    """Does a generated reply only restate the question (no word of its own, in any inflection)? Small models
    sometimes echo "Besides X, Guterres hoped Vietnam would join …" without the answer: a failed generation,
    not a claim and not a refusal."""
    asked = shape.restated_stems
    said = [{stem(t) for t in content_terms(model_text(s.text))} for s in parse_cited_sentences(generated, 99)]
    return bool(asked) and any(said) and all(terms <= asked for terms in said)


def asks_back(question: str, sentence: str) -> bool:
    """Does a generated ``sentence`` ask instead of answer: a question ("… như thế nào [1]?"), or a Vietnamese
    sentence keeping a question word of the ``question`` ("Ông Tô Lâm tặng quà gì cho ông Guterres")? A small model
    writing Vietnamese sometimes echoes the question with a citation; its names then match the passage."""
    text = _MARKERS.sub("", sentence).strip()
    if text.endswith("?"):
        return True
    folded_question, folded = fold(question.lower()), fold(text)
    asked = {m.group(1) for m in _ASKING_VI.finditer(question.lower())}
    asked_folded = {m.group(1) for m in _ASKING_VI_FOLDED.finditer(folded_question)}
    hits = [m for m in _ASKING_VI.finditer(text) if m.group(1) in asked]
    hits += [m for m in _ASKING_VI_FOLDED.finditer(folded) if m.group(1) in asked_folded]
    return any(not _NEGATION_BEFORE.search(folded[:m.start()]) and not _NEGATION_BEFORE.search(text[:m.start()])
               for m in hits)


def only_asks_back(question: str, generated: str) -> bool:
    """Does every sentence of a generated reply ask back (:func:`asks_back`)? Then there is no answer to verify."""
    sentences = [s.text for s in parse_cited_sentences(generated, 99) if s.text.strip()]
    return bool(sentences) and all(asks_back(question, s) for s in sentences)


def verify_sentence(verifier: Verifier, support_threshold: float, sentence: str, cited: list[int],
                    passages: Sequence[Passage], invalid: list[int], question: str = "") -> Verified:
    """Check ``sentence`` against every passage: kept on the ``cited`` ones that support it, moved to one that states
    it exactly (or, uncited, to the best one), else unsupported with the reason."""
    note = f"invalid citation [{', '.join(map(str, invalid))}] dropped" if invalid else None
    if question and asks_back(question, sentence):
        return Verified(sentence, [], [], False, 0.0, "; ".join(x for x in (note, ASKS_BACK) if x))
    checks = verifier.check_many(sentence, passages, question)
    good = [i for i in cited if checks[i].score >= support_threshold]
    if good and not any(checks[i].exact for i in good):
        # a passage the model did not cite may state it exactly
        exact = [i for i, c in enumerate(checks) if c.exact and c.score >= support_threshold]
        if exact:
            best = max(exact, key=lambda i: checks[i].score)
            moved = f"re-attributed from [{', '.join(str(c + 1) for c in cited)}]"
            return Verified(sentence, [best], [checks[best]], True, checks[best].score,
                             "; ".join(x for x in (note, moved) if x))
    if good:
        return Verified(sentence, good, [checks[i] for i in good], True, max(checks[i].score for i in good), note)
    best = max(range(len(passages)), key=lambda i: checks[i].score) if passages else None
    # attaching a source the model did not cite needs enough content to check (a bare "PWNED" is not)
    checkable = len(content_terms(sentence)) >= 3
    if best is not None and checks[best].score >= support_threshold and (cited or checkable):
        moved = f"re-attributed from [{', '.join(map(str, [c + 1 for c in cited]))}]" if cited else "citation added"
        return Verified(sentence, [best], [checks[best]], True, checks[best].score,
                         "; ".join(x for x in (note, moved) if x))
    problems = [checks[i].problem for i in cited if checks[i].problem] or (
        [checks[best].problem] if best is not None and checks[best].problem else [])
    reason = problems[0] if problems else "no passage supports this sentence"
    score = max((c.score for c in checks), default=0.0)
    return Verified(sentence, [], [], False, score, "; ".join(x for x in (note, reason) if x))


# where one independent clause of a sentence ends and the next begins: "; " or ", and / but / while / whereas"
# (", và / nhưng / còn" in Vietnamese)
_CLAUSE_JOIN = re.compile(r"\s*;\s+|,\s+(?:and|but|while|whereas|và|nhưng|còn)\s+", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    """The independent clauses of ``sentence``, each written as a sentence of its own ("The wage will be $8, and
    James Hall decides" → "The wage will be $8.", "James Hall decides."); ``[sentence]`` when it joins none, or
    when a part has fewer than two content words (", and so on")."""
    parts = [p.strip(" ,;") for p in _CLAUSE_JOIN.split(sentence)]
    if len(parts) < 2 or any(len(content_terms(p)) < 2 for p in parts):
        return [sentence]
    return [p[:1].upper() + p[1:] + ("" if p[-1:] in ".!?" else ".") for p in parts]


def verify_by_clause(verifier: Verifier, support_threshold: float, sentence: str, cited: list[int],
                     passages: Sequence[Passage], invalid: list[int], question: str = "") -> list[Verified]:
    """``sentence`` verified whole (:func:`verify_sentence`), or, when no passage supports it whole, clause by
    clause (:func:`clauses`), each clause kept on the passage that supports it. A small model joins two facts from
    two passages in one sentence with one citation ("The minimum wage will be $8 in 2014, and Patrol Chief James
    Hall decides whether the balloons fly [2]"); no single passage states both, each states one. The split stands
    only when a clause is supported; the others are flagged as any unsupported sentence."""
    whole = verify_sentence(verifier, support_threshold, sentence, cited, passages, invalid, question)
    if whole.supported or ASKS_BACK in (whole.note or ""):
        return [whole]
    parts = clauses(sentence)
    if len(parts) == 1:
        return [whole]
    split = [verify_sentence(verifier, support_threshold, part, cited, passages, invalid if i == 0 else [], question)
             for i, part in enumerate(parts)]
    return split if any(v.supported for v in split) else [whole]


def judged(v: Verified, passages: Sequence[Passage], judge: Callable[[str, str], bool | None]) -> Verified:
    """A supported sentence whose cited spans the language model says do not state it is flagged; a failed or
    unclear check leaves the offline verdict."""
    if not v.supported:
        return v
    spans = " … ".join(passages[pi].text_at(c.start, c.end)
                       for pi, c in zip(v.passages, v.checks))
    if judge(v.text, spans) is False:
        return Verified(v.text, [], [], False, v.score, "; ".join(x for x in (v.note, _JUDGED_UNSUPPORTED) if x))
    return v




def verified_answer(question: str, verified: Sequence[Verified], passages: Sequence[Passage]) -> Answer:
    """The answer of the ``verified`` sentences, citations numbered in order of use; a supported sentence whose
    wording goes beyond its source (a paraphrase, a name or number from elsewhere) is replaced by the source's own
    sentences, each cited exactly; an unsupported one is kept, marked, and counted in the notice."""
    citations: list[Citation] = []
    parts: list[str] = []
    sentences: list[SentenceSupport] = []
    quoted: set[tuple[str, int]] = set()
    for v in verified:
        if v.supported and not any(c.exact for c in v.checks):
            p, check = passages[v.passages[0]], v.checks[0]
            for s, e in sentences_within(p, check.start, check.end):
                if (p.chunk_id, s) in quoted:
                    continue
                quoted.add((p.chunk_id, s))
                sent = p.text_at(s, e)
                number = number_for(citations, p, s, e)
                parts.append(with_marks(sent, f"[{number}]"))
                sentences.append(SentenceSupport(sent, [number], v.score, True, "; ".join(
                    x for x in (v.note, f"{QUOTED}{v.text}") if x)))
            continue
        numbers: list[int] = []
        if v.supported:
            for pi, check in zip(v.passages, v.checks):
                if check.exact:
                    numbers.append(number_for(citations, passages[pi], check.start, check.end))
        marks = "".join(f"[{n}]" for n in numbers)
        body = v.text if v.supported else f"{v.text} {UNSUPPORTED_MARK}"
        parts.append(with_marks(body, marks) if marks else body)
        sentences.append(SentenceSupport(v.text, numbers, v.score, v.supported, v.note))
    answer = Answer(question=question, text=" ".join(parts), citations=citations, sentences=sentences,
                    passages=list(passages))
    uncovered = [s for s in sentences if not s.supported]
    if uncovered:
        answer.notice = (f"{len(uncovered)} of {len(sentences)} sentences are not supported by the articles "
                         "and are marked as such.")
    return answer
