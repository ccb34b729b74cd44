"""The extractive answer keeps the list an announcing sentence introduces ("… outlined priorities. First, …")."""
from __future__ import annotations

from rag.answering.answer import Composer
from rag.answering.verify import Verifier
from rag.models import Passage

from ..helpers import one_passage

TEXT = ("The minister outlined three priorities. First, reform the agencies. Second, fund the climate plan. "
        "Third, train workers. Separately, the weather was fine.")
QUESTION = "What did the minister outline?"
COMPOSER = Composer(Verifier(None))  # no reranker, no embedder: quoting is lexical


def _passage(chunk_id: str, start: int, end: int) -> Passage:
    p = one_passage(TEXT[start:end], "a.txt", start)
    p.chunk_id = chunk_id
    return p


def _quoted(question: str, passages: list[Passage]) -> list[str]:
    return [s.text for s in COMPOSER.extractive(question, passages).sentences]


def test_the_enumeration_after_an_announcing_sentence_is_added_in_order():
    assert _quoted(QUESTION, [_passage("a#0", 0, len(TEXT))]) == [
        "The minister outlined three priorities.", "First, reform the agencies.", "Second, fund the climate plan.",
        "Third, train workers."]


def test_the_enumeration_continues_into_an_overlapping_passage_only_while_it_is_contiguous():
    cut = TEXT.index("Third")
    head = _passage("a#0", 0, cut - 1)                  # announcement, First, Second
    tail = _passage("a#1", TEXT.index("Second"), len(TEXT))  # overlaps head by one sentence
    answer = COMPOSER.extractive(QUESTION, [head, tail])
    assert [s.text for s in answer.sentences][-1] == "Third, train workers." and len(answer.sentences) == 4
    assert answer.citations[-1].chunk_id == "a#1"  # cited from the passage that holds it
    gap = _passage("a#2", TEXT.index("Third"), len(TEXT))  # "Second" is in no passage: no jump over it
    first_only = _passage("a#3", 0, TEXT.index("Second") - 1)
    assert _quoted(QUESTION, [first_only, gap]) == ["The minister outlined three priorities.",
                                                    "First, reform the agencies."]


def test_a_sentence_not_followed_by_a_list_stays_alone():
    # "Third, …" is followed by an unrelated sentence
    assert _quoted("Who will train workers?", [_passage("a#0", 0, len(TEXT))]) == ["Third, train workers."]


def test_a_passage_without_sentence_spans_is_quoted_alone():
    p = one_passage("First, a list.", "b.txt")
    p.sentences = []
    answer = COMPOSER.extractive("What is first on the list?", [p])
    assert [s.text for s in answer.sentences] == ["First, a list."] and answer.citations[0].quote == "First, a list."
