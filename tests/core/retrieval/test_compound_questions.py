"""A compound question ("Who …, and where …?") is split into the questions it joins; each part is retrieved on its own
and the context takes their passages in turn, so two articles answering two parts both reach the answer."""
from __future__ import annotations

import pytest

from rag.retrieval.analysis import question_parts
from rag.retrieval.retrieve import in_turn

from ..helpers import D000, D002, D003


def test_a_compound_question_is_split_at_and_before_a_question_word():
    assert question_parts("Who led the Pentagon under Obama, and who argued for the government in the Supreme Court?") == (
        "Who led the Pentagon under Obama?", "Who argued for the government in the Supreme Court?")


def test_a_later_part_leaning_on_an_earlier_one_carries_its_names():
    first, second = question_parts("Who tried to light a bomb on the Paris flight and where was the plane diverted?")
    assert first == "Who tried to light a bomb on the Paris flight?"
    assert second.startswith("Where was the plane diverted?") and "Paris" in second


@pytest.mark.parametrize("question", [
    "Who did the US and Spain beat in their opening ties?",  # "and" joins two names, not two questions
    "What did the UN and Viet Nam sign in Hanoi?",
    "Tell me about Guterres and how he sees Viet Nam",  # not a question that asks two things
    "Why and how did it happen?",  # a part of one or two words is no question
])
def test_simple_questions_have_no_parts(question):
    assert question_parts(question) == ()


def _p(chunk_id):
    from rag.models import Passage

    return Passage(chunk_id=chunk_id, doc_id=chunk_id.split("#")[0], text="", start=0, end=0, title="", date=None,
                   source_url=None, agency=None)


def test_in_turn_takes_every_rankings_first_then_second_once_each():
    got = in_turn([[_p("a#1"), _p("a#2"), _p("b#1")], [_p("b#1"), _p("c#1")]], 4)
    assert [p.chunk_id for p in got] == ["a#1", "b#1", "a#2", "c#1"]


def test_both_articles_of_a_compound_question_reach_the_answer(engine):
    question = ("Where did Lương Cường meet Guterres in September, and what did Prime Minister Phạm Minh Chính ask "
                "the UN to help Việt Nam with?")
    result = engine.retrieve(question)
    assert len(result.parts) == 2
    docs = [p.doc_id for p in result.passages]
    assert docs[0] in (D000, D002) and docs[1] == D003  # the best passage of each part leads
    answer = engine.ask(question)
    assert not answer.refused
    assert {c.doc_id for c in answer.citations} >= {D003} and {c.doc_id for c in answer.citations} & {D000, D002}


def test_a_compound_question_with_a_part_the_articles_do_not_answer_is_refused(engine):
    answer = engine.ask("Where did Lương Cường meet Guterres in September, and who scored the winning goal in the "
                        "last football final?")
    assert answer.refused
    assert engine.ask("Where did Lương Cường meet Guterres in September?").refused is False  # the first part alone


def test_a_chain_of_more_parts_than_the_bound_is_one_question():
    from rag.retrieval.analysis import MAX_PARTS

    chain = ", and ".join(f"who chaired meeting number {i}" for i in range(MAX_PARTS + 1))
    assert question_parts(f"{chain[:1].upper()}{chain[1:]}?") == ()
    assert len(question_parts("Who chaired the first meeting, and who chaired the second meeting, and who chaired "
                              "the third meeting?")) == 3


def test_the_parts_keep_the_date_filter(engine):
    question = ("Where did Lương Cường meet Guterres in September, and what did Prime Minister Phạm Minh Chính ask "
                "the UN to help Việt Nam with?")
    result = engine.retrieve(question, since="2025-10-01")
    assert len(result.parts) == 2
    assert result.passages and all(p.date and p.date >= "2025-10-01" for p in result.passages)
