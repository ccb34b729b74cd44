"""Compound answers: a generated sentence joining two facts from two passages under one citation is verified clause
by clause, each clause kept on the passage that states it (a sentence a passage supports whole is never split, and a
split that finds no clause supported leaves the sentence as it was); and the cross-encoder check of the sources an
answer rests on reads a compound question part by part, as retrieval and the relevance gate do."""
from __future__ import annotations

import pytest

from rag.answering.checks import answers_question
from rag.answering.generated import clauses
from rag.retrieval.analysis import analyse

from ..helpers import one_passage

WAGE = "The minimum wage in the state will rise to $9 an hour next year, lawmakers said on Monday."
PARADE = "Police chief Dana Ortiz will decide on the morning of the parade whether the balloons can fly."


@pytest.mark.parametrize("sentence, parts", [
    ("The wage will rise to $9, and Dana Ortiz decides whether the balloons fly.",
     ["The wage will rise to $9.", "Dana Ortiz decides whether the balloons fly."]),
    ("Langer scored 67; Hayden scored 55.", ["Langer scored 67.", "Hayden scored 55."]),
    ("Mức lương tăng lên 9 đô la, và bà Dana Ortiz quyết định.", ["Mức lương tăng lên 9 đô la.", "Bà Dana Ortiz quyết định."]),
    ("He said it was good, and so on.", ["He said it was good, and so on."]),  # "so on" says nothing
    ("Apples, pears and plums were sold.", ["Apples, pears and plums were sold."]),  # a list, not two clauses
])
def test_clauses_of_a_sentence(sentence, parts):
    assert clauses(sentence) == parts


def test_two_facts_from_two_passages_under_one_citation_are_each_kept_on_their_passage(composer):
    passages = [one_passage(WAGE, "wage.txt"), one_passage(PARADE, "parade.txt")]
    reply = "The minimum wage will rise to $9 an hour next year, and police chief Dana Ortiz will decide whether the balloons can fly [2]."
    answer = composer.from_generation("What will the minimum wage be, and who decides whether the balloons fly?",
                                      reply, passages)
    assert not answer.refused
    assert [s.supported for s in answer.sentences] == [True, True]
    assert sorted(c.doc_id for c in answer.citations) == ["parade.txt", "wage.txt"]


def test_a_clause_no_passage_states_stays_flagged(composer):
    passages = [one_passage(WAGE, "wage.txt"), one_passage(PARADE, "parade.txt")]
    reply = ("The minimum wage will rise to $9 an hour next year, and the parade organisers announced on Tuesday that "
             "the whole event moves indoors to the convention centre downtown because storms are forecast [1].")
    answer = composer.from_generation("What will the minimum wage be?", reply, passages)
    assert [s.supported for s in answer.sentences] == [True, False]
    assert [c.doc_id for c in answer.citations] == ["wage.txt"]


def test_a_sentence_one_passage_supports_whole_is_not_split(composer):
    both = one_passage("Langer scored 67 not out, and Hayden scored 55 before the close.", "cricket.txt")
    answer = composer.from_generation("What did the openers score?",
                                      "Langer scored 67 not out, and Hayden scored 55 before the close [1].", [both])
    assert len(answer.sentences) == 1 and answer.sentences[0].supported


def test_no_clause_supported_leaves_the_sentence_whole_and_refused(composer):
    passages = [one_passage(WAGE, "wage.txt")]
    answer = composer.from_generation("Who won the race?", "Ana Silva won the race, and Ben Okafor came second [1].",
                                      passages)
    assert answer.refused


def _reads_balloons(question, texts):
    """A scripted cross-encoder: a sentence about the balloons answers a question about them alone; read with a
    second question about the wage, the pair scores low (as a real cross-encoder scores a compound question)."""
    alone = "balloons" in question and "wage" not in question
    return [4.0 if alone and "balloons" in t else -6.0 for t in texts]


def test_sources_answering_one_part_of_a_compound_question_answer_it_in_part():
    sentences = [PARADE]
    compound = analyse("What will the minimum wage be next year, and who decides whether the balloons fly?")
    assert len(compound.resolved.parts) == 2
    assert _reads_balloons(compound.resolved.text, sentences) == [-6.0]  # read whole: no
    assert answers_question(_reads_balloons, compound, sentences, 0.0, 4.0)  # its second part: yes
    assert not answers_question(_reads_balloons, analyse("What will the minimum wage be next year?"), sentences,
                                0.0, 4.0)
