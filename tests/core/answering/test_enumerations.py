"""The extractive answer keeps the list an announcing sentence introduces ("… outlined priorities. First, …")."""
from __future__ import annotations

from rag.answering.answer import _with_enumerations
from rag.models import Passage
from rag.text import split_sentences

TEXT = ("The minister outlined three priorities. First, reform the agencies. Second, fund the climate plan. "
        "Third, train workers. Separately, the weather was fine.")


def _passage(chunk_id: str, start: int, end: int, doc_id: str = "a.txt") -> Passage:
    text = TEXT[start:end]
    return Passage(chunk_id=chunk_id, doc_id=doc_id, text=text, start=start, end=end, title="", date=None,
                   source_url=None, agency=None, sentences=split_sentences(text, start))


def _chosen(p: Passage, index: int, i: int = 0) -> tuple:
    s, e = p.sentences[i]
    return (1.0, index, (s, e), p.text[s - p.start:e - p.start])


def test_the_enumeration_after_an_announcing_sentence_is_added_in_order():
    p = _passage("a#0", 0, len(TEXT))
    out = _with_enumerations([_chosen(p, 0)], [p])
    assert [c[3] for c in out] == ["The minister outlined three priorities.", "First, reform the agencies.",
                                   "Second, fund the climate plan.", "Third, train workers."]


def test_the_enumeration_continues_into_an_overlapping_passage_only_while_it_is_contiguous():
    cut = TEXT.index("Third")
    head = _passage("a#0", 0, cut - 1)                  # announcement, First, Second
    tail = _passage("a#1", TEXT.index("Second"), len(TEXT))  # overlaps head by one sentence
    out = _with_enumerations([_chosen(head, 0)], [head, tail])
    assert [c[3] for c in out][-1] == "Third, train workers." and len(out) == 4
    assert out[-1][1] == 1  # cited from the passage that holds it
    gap = _passage("a#2", TEXT.index("Third"), len(TEXT))  # "Second" is in no passage: no jump over it
    first_only = _passage("a#3", 0, TEXT.index("Second") - 1)
    out = _with_enumerations([_chosen(first_only, 0)], [first_only, gap])
    assert [c[3] for c in out] == ["The minister outlined three priorities.", "First, reform the agencies."]


def test_a_sentence_not_followed_by_a_list_stays_alone():
    p = _passage("a#0", 0, len(TEXT))
    out = _with_enumerations([_chosen(p, 0, 3)], [p])  # "Third, …" is followed by an unrelated sentence
    assert [c[3] for c in out] == ["Third, train workers."]


def test_a_passage_without_sentence_spans_is_quoted_alone():
    p = Passage(chunk_id="b#0", doc_id="b.txt", text="First, a list.", start=0, end=14, title="", date=None,
                source_url=None, agency=None, sentences=[])
    assert _with_enumerations([(1.0, 0, (0, 14), "First, a list.")], [p]) == [(1.0, 0, (0, 14), "First, a list.")]
