"""From retrieved passages to a trustworthy :class:`~rag.models.Answer`.

* generative: a small prompt with numbered passages (:mod:`.prompt`), the model's ``[n]`` markers parsed, every
  sentence verified against its cited passage (:mod:`.generated`), sources renumbered 1..n in order of use;
* extractive (no model): the best supporting sentences of the passages (:mod:`.extractive`), quoted with the same
  citation objects;
* refusal: when no passage is relevant enough, no sentence of the answer is supported, or one of the independent
  answer checks (:mod:`.checks`) finds that the supported sentences do not answer what the question asks for.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..models import Answer, Passage
from ..text import content_terms
from ..retrieval.analysis import QuestionAnalysis, analyse, name_phrases, shape_of
from ..retrieval.condense import carried_note
from .checks import ANSWER_CHECKS, Evidence, answers_question, first_refusal, missing_names
from .citations import cited_by_article, cited_text, parse_cited_sentences
from .evidence import EvidencePrompt, EvidenceReply, passage_marked
from .extractive import Candidate, choose_sentences, quoted_answer, with_antecedents
from .generated import ASKS_BACK, QUOTED, judged, only_asks_back, only_restates, verified_answer, verify_by_clause
from .language import FUNCTION_WORDS
from .prompt import SYSTEM_PROMPT, build_messages, is_refusal_text, prompt_hash
from .verify import Verifier

__all__ = ["Composer", "build_messages", "REFUSAL_TEXT", "REFUSAL_TEXT_VI", "SYSTEM_PROMPT", "prompt_hash", "is_refusal_text", "name_phrases"]

REFUSAL_TEXT = "The articles don't say."
REFUSAL_TEXT_VI = "Các bài báo không đề cập."  # the refusal to a Vietnamese question (rag.answering.localize)
# bge-small cosine at which two counted nouns or titles are the same kind of thing. Calibrated on a general list of
# (tests/data/same_kind_pairs.tsv) 50 synonym pairs (countries/nations 0.88, soldiers/troops 0.91, delegates/representatives 0.73) and 40 pairs of
# different things of one domain (soldiers/militants 0.70, students/teachers 0.77, buyers/sellers 0.85): at 0.70,
# 49 of 50 synonyms and 25 of 40 different pairs pass; at 0.78, 42 and 4, the best balance of the bars tried
# (0.70–0.82). A different pair that passes lets a count of other things answer "how many"; a synonym that fails
# refuses a right count.
SAME_KIND_SIMILARITY = 0.78
# The cosine at which two capitalised words that begin with the same four letters are one name in two forms
# ("Peruvian" / "Peru", "Norwegian" / "Norway"; :func:`~.checks.missing_names`). Calibrated on a general list
# (tests/data/name_form_pairs.tsv) of 40 such forms and 43 different names sharing their first letters ("Austria" /
# "Australia", "Johnson" / "Johnston", "Darwin" / "Darwinian" 0.883): at 0.88, 28 forms and 2 different names pass;
# at 0.89, 24 and none. A different name that passes lets an answer about someone else through; a form that fails
# leaves the question refused, as it was before this check.
NAME_FORM_SIMILARITY = 0.89


Question = QuestionAnalysis | str


def analysed(question: Question) -> QuestionAnalysis:
    """The analysis the engine hands down, or a plain question text analysed as it stands (no follow-up)."""
    return question if isinstance(question, QuestionAnalysis) else analyse(question)


class Composer:
    """Builds verified answers; holds the verifier and thresholds. Each method takes the engine's
    :class:`~rag.retrieval.analysis.QuestionAnalysis` or a plain question text."""

    def __init__(self, verifier: Verifier, *, support_threshold: float = 0.5, relevance_threshold: float = 0.0,
                 relevance: Callable[[str, Sequence[str]], Sequence[float]] | None = None,
                 quote_relevance_threshold: float = 0.0, extractive_relevance_threshold: float | None = None,
                 crosslingual_threshold: float = 0.78,
                 crosslingual_relevance_threshold: float = 4.0, own_language_coverage: float = 0.7,
                 evidence_relevance_threshold: float = 0.0) -> None:
        self.verifier = verifier
        self.evidence_relevance_threshold = evidence_relevance_threshold
        self.crosslingual_threshold = crosslingual_threshold
        self.crosslingual_relevance_threshold = crosslingual_relevance_threshold
        self.own_language_coverage = own_language_coverage
        self.support_threshold = support_threshold
        self.relevance_threshold = relevance_threshold
        self.relevance = relevance  # (question, texts) -> cross-encoder logits
        self.quote_relevance_threshold = quote_relevance_threshold
        self.extractive_relevance_threshold = extractive_relevance_threshold
        self._cosines: dict[tuple[str, str], float] = {}  # the embedder's cosine of word pairs (_similarity)

    # --------------------------------------------------------------- refusal
    def has_evidence(self, passages: Sequence[Passage]) -> bool:
        """Is the best passage above the relevance threshold (cross-encoder logit when reranked), read whole or, when
        retrieval read the context's passages sentence by sentence, by its best sentence?"""
        if not passages:
            return False
        top = passages[0]
        if "crosslingual" in top.scores:  # a question in another language, ranked by the multilingual model
            return self._crosslingual_evidence(top)
        if "rerank" in top.scores:
            return top.scores["rerank"] >= self.relevance_threshold or any(
                p.scores.get("sentence_rerank", float("-inf")) >= self.relevance_threshold for p in passages)
        return True

    def _crosslingual_evidence(self, top: Passage) -> bool:
        """A question in another language: its best passage must be relevant by the English cross-encoder reading
        the question's English rendering. The rendering is a word-by-word gloss in the question's word order (words
        the glossary does not know stay as written), so the cross-encoder's logit is held to a stricter bar than an
        English question's (``crosslingual_relevance_threshold``). The multilingual model's closeness decides
        (``crosslingual_threshold``) only for a passage the cross-encoder did not score, which retrieval never hands
        over (it scores the best passage of every question in another language): the closeness ranks well but does
        not tell an answer from unrelated news (short answerable questions score 0.76–0.77 on the seeds, questions
        about gold prices or the World Cup 0.76–0.79).

        A passage written in the question's own language was read against the question as asked, and is held to
        the bar of an English question against an English passage (``relevance_threshold``). The English
        cross-encoder reads Vietnamese as word pieces, which near misses share with the passage as much as answers
        do (its logits for such pairs run high), so the passage must also hold ``own_language_coverage`` of the
        question's own content words (``scores["own_words"]``): a question built on a word the passage never uses
        ("thủ phạm", the culprit; "tuổi", an age) asks what it does not say."""
        scores = top.scores
        if "own_words" in scores:
            if scores["own_words"] < self.own_language_coverage:
                return False
            bar = self.relevance_threshold
        else:
            bar = self.crosslingual_relevance_threshold
        if "rerank" in scores:
            return scores["rerank"] >= bar
        return scores["crosslingual"] >= self.crosslingual_threshold

    def refusal(self, question: str, passages: Sequence[Passage], reason: str | None = None) -> Answer:
        """The refusal answer, with ``reason`` after :data:`REFUSAL_TEXT` and the closest passages as related."""
        text = REFUSAL_TEXT if reason is None else f"{REFUSAL_TEXT} {reason}"
        return Answer(question=question, text=text, refused=True, related=list(passages[:3]))

    def _similarity(self, a: str, b: str) -> float:
        """The packaged embedder's cosine of two words (cached); without an embedder 1.0 for the same word, else 0."""
        embedder = self.verifier.embedder
        if embedder is None:
            return 1.0 if a == b else 0.0
        if (a, b) not in self._cosines:
            va, vb = embedder.embed_passages([a, b])  # plain words: no query instruction in front of either
            self._cosines[(a, b)] = float(va @ vb)
        return self._cosines[(a, b)]

    def _same_kind(self, a: str, b: str) -> bool:
        """Are two words near-synonyms by the packaged embedder (counted nouns: "countries" / "nations", "delegates" /
        "representatives"; titles: "CEO" / "executive")? Without an embedder, only the same word is."""
        return self._similarity(a, b) >= SAME_KIND_SIMILARITY

    def _same_name(self, a: str, b: str) -> bool:
        """Are two words forms of one name by the packaged embedder ("Peruvian" / "Peru")? See
        :func:`~.checks.missing_names`."""
        return self._similarity(a, b) >= NAME_FORM_SIMILARITY

    # ---------------------------------------------------------------- checks
    def evidence(self, sources: Sequence[str], answer: Answer | None = None, *, generated: bool = False) -> Evidence:
        """The :class:`Evidence` of ``answer`` (its supported sentences) resting on ``sources``."""
        supported = [s for s in answer.sentences if s.supported] if answer else []
        return Evidence(sentences=[s.text for s in supported], sources=list(sources), generated=generated,
                        quoted_only=bool(supported) and all(QUOTED in (s.note or "") for s in supported),
                        same_kind=self._same_kind, same_name=self._same_name, relevance=self.relevance,
                        quote_relevance_threshold=self.quote_relevance_threshold,
                        extractive_relevance_threshold=self.extractive_relevance_threshold,
                        crosslingual_relevance_threshold=self.crosslingual_relevance_threshold,
                        cited=cited_by_article(answer.citations) if answer else [])

    def missing_names(self, question: Question, passages: Sequence[Passage]) -> list[str]:
        """The names (and numbered names) the question asks about that none of ``passages`` mentions."""
        return missing_names(analysed(question).asked, [f"{p.title} {p.text}" for p in passages], self._same_kind,
                             self._same_name)

    def checked(self, analysis: Question, answer: Answer, *, generated: bool = False) -> Answer:
        """``answer``, or the refusal the first failing answer check gives (:data:`~.checks.ANSWER_CHECKS`)."""
        analysis = analysed(analysis)
        if answer.refused:
            return answer
        sources = [cited_text(c, answer.passages) for c in answer.citations]
        reason = first_refusal(ANSWER_CHECKS, analysis, self.evidence(sources, answer, generated=generated))
        if reason is None:
            return answer
        return self.refusal(answer.question, answer.passages, reason or None)

    # ------------------------------------------------------------ extractive
    def extractive(self, analysis: Question, passages: Sequence[Passage], *, max_sentences: int = 3) -> Answer:
        """Quote the sentences of the passages that best answer the (standalone) question."""
        analysis = analysed(analysis)
        question = analysis.resolved.text
        if not self.has_evidence(passages):
            return self.refusal(question, passages)
        own_terms = frozenset(content_terms(analysis.standalone) - FUNCTION_WORDS) if analysis.foreign else None
        chosen = choose_sentences(analysis.resolved, passages, max_sentences, self.closeness(analysis, passages),
                                  own_terms)
        if not chosen:
            return self.refusal(question, passages)
        return quoted_answer(question, chosen, passages)

    @staticmethod
    def closeness(analysis: QuestionAnalysis, passages: Sequence[Passage]) -> dict[str, float]:
        """For a question in another language than the articles: each passage sentence's closeness to it by the
        multilingual model (what the extractive answer ranks by when the question's words are not in them)."""
        if not analysis.foreign:
            return {}
        from ..retrieval.crosslingual import sentence_closeness

        return sentence_closeness(analysis.standalone)(passages)

    # ------------------------------------------------------------ generative
    @staticmethod
    def only_restates(analysis: Question, generated: str) -> bool:
        """Does a generated reply only restate the (standalone) question, or only ask it back? See
        :func:`.generated.only_restates` and :func:`.generated.only_asks_back`."""
        analysis = analysed(analysis)
        if only_asks_back(analysis.question, generated):
            return True
        if analysis.foreign and only_restates(shape_of(analysis.standalone), generated):  # in its own words
            return True
        return only_restates(analysis.resolved, generated)

    def from_evidence(self, analysis: Question, reply: EvidenceReply, prompt: EvidencePrompt,
                      passages: Sequence[Passage], *, threshold: float = 0.5,
                      judge: Callable[[str, str], bool | None] | None = None) -> Answer:
        """The answer of an evidence-first reply (:mod:`.evidence`): refused when the model's probability of "no
        evidence" reaches ``threshold`` (or, without probabilities, when it chose none); the chosen sentences quoted
        when it wrote no answer; else its answer, cited to the passages of the sentences it cites, verified as any
        generated answer."""
        analysis = analysed(analysis)
        question = analysis.question
        chose_none = (reply.none_probability >= threshold if reply.none_probability is not None
                      else not reply.evidence)
        if chose_none or not reply.evidence and not reply.answer:
            return self.refusal(question, passages)
        chosen = [Candidate(1.0, n.passage, (n.start, n.end), passages[n.passage].text_at(n.start, n.end))
                  for n in sorted((prompt.sentences[i - 1] for i in reply.evidence),
                                  key=lambda n: (n.passage, n.start))]
        if not self._evidence_answers(analysis, [c.text for c in chosen]):
            return self.refusal(question, passages)
        if not reply.answer:
            return quoted_answer(question, with_antecedents(chosen, passages), passages)
        return self.from_generation(analysis, passage_marked(reply.answer, reply, prompt.sentences), passages,
                                    judge=judge)

    def _evidence_answers(self, analysis: QuestionAnalysis, sentences: Sequence[str]) -> bool:
        """Do the sentences the model chose as evidence answer the question (:func:`.checks.answers_question`)? A
        small model picks the closest sentence even when it only shares the topic: the near miss "Who commanded the
        troops at X?" → "Troops killed eight militants at X."
        """
        return answers_question(self.relevance, analysis, sentences, self.evidence_relevance_threshold,
                                self.crosslingual_relevance_threshold)

    @staticmethod
    def declines(generated: str) -> bool:
        """Does a generated reply decline to answer (nothing, or the refusal text with at most a short reason)?"""
        return not generated.strip() or (is_refusal_text(generated) and len(generated) < 200)

    def from_generation(self, analysis: Question, generated: str, passages: Sequence[Passage], *,
                        judge: Callable[[str, str], bool | None] | None = None) -> Answer:
        """Verify a generated answer against ``passages`` and renumber its citations (``judge``: the optional
        language-model check of a sentence against its cited spans, which can only take support away). The note a
        follow-up carries over from the previous question ("(about: …; previous question: …)") is part of the
        question the prompt states; a small model sometimes repeats it first in its reply, and it is dropped. The
        answer checks run afterwards, in :meth:`checked`."""
        analysis = analysed(analysis)
        question = analysis.question
        if note := carried_note(analysis.standalone):  # repeated from the prompt's question: no claim of the model's
            generated = generated.replace(note, " ")
        if self.declines(generated):
            return self.refusal(question, passages)
        parsed = parse_cited_sentences(generated, len(passages))
        verified = [v for s in parsed for v in verify_by_clause(self.verifier, self.support_threshold, s.text,
                                                                 [c - 1 for c in s.cited], passages, s.invalid, question)]
        verified = [v for v in verified if v.text and ASKS_BACK not in (v.note or "")]  # asked back: no claim
        if judge is not None:
            verified = [judged(v, passages, judge) for v in verified]
        if not any(v.supported for v in verified):
            return self.refusal(question, passages)
        return verified_answer(question, verified, passages)
