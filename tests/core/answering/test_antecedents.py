"""A quoted sentence that leans on the one before it ("He said …", "… the latter …") is quoted with it."""
from __future__ import annotations

from rag.answering.extractive import Candidate, with_antecedents
from rag.models import Passage

SENTENCES = ["President Luong Cuong met Secretary-General Guterres in New York.",
             "The meeting took place as the latter was on an official visit.",
             "He said Viet Nam supports multilateralism.",
             "Trade grew by 5 percent."]


def _passage(flagged=()) -> Passage:
    text = " ".join(SENTENCES)
    spans, at = [], 100
    for s in SENTENCES:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    return Passage(chunk_id="a#0", doc_id="a", text=text, start=100, end=100 + len(text), title="A", date=None,
                   source_url=None, agency=None, sentences=spans, flags=[spans[i] for i in flagged])


def _candidate(p: Passage, i: int) -> Candidate:
    return Candidate(1.0, 0, p.sentences[i], SENTENCES[i])


def test_a_sentence_leaning_back_brings_the_one_before():
    p = _passage()
    assert [c.text for c in with_antecedents([_candidate(p, 1)], [p])] == SENTENCES[:2]
    assert [c.text for c in with_antecedents([_candidate(p, 2)], [p])] == SENTENCES[1:3]


def test_a_sentence_standing_on_its_own_or_already_preceded_is_left_alone():
    p = _passage()
    assert [c.text for c in with_antecedents([_candidate(p, 3)], [p])] == [SENTENCES[3]]
    both = [_candidate(p, 0), _candidate(p, 1)]
    assert [c.text for c in with_antecedents(both, [p])] == SENTENCES[:2]


def test_an_instruction_like_sentence_is_never_brought_in():
    p = _passage(flagged=(1,))
    assert [c.text for c in with_antecedents([_candidate(p, 2)], [p])] == [SENTENCES[2]]


def test_the_former_as_an_adjective_leans_on_nothing():
    p = _passage()
    alone = Candidate(1.0, 0, p.sentences[3], "The former president said trade grew.")
    assert with_antecedents([alone], [p]) == [alone]
