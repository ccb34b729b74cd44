"""The kind of answer a question asks for comes from its first question word: a later 'when' or 'where' opens a
clause of the question, not the question."""
import pytest

from rag.retrieval.analysis import shape_of


@pytest.mark.parametrize("question, kind", [
    ("When did Guterres visit Hanoi?", "date"),
    ("How many Israeli soldiers were wounded when militants attacked the vehicle?", "number"),
    ("Who was in charge when the storm hit?", "name"),
    ("Where did they meet when the talks resumed?", "place"),
    ("During his talks in Hanoi, how many countries did he name?", "number"),
    ("What did she say about the treaty?", None),
    ("What did she say when she spoke at the ceremony?", None),
    ("Which priorities did he set out when Guterres visited?", None),
    ("How did the minister respond when asked?", None),
    ("In which year did she first win the cup, and with whom?", "date"),
    ("On what dates is the summit where they offered to meet?", "date"),
    ("What year did Vietnam join the UN?", "date"),
    ("What percentage of voters turned out when polls opened?", "number"),
])
def test_the_first_question_word_gives_the_answer_type(question, kind):
    assert shape_of(question).answer_type == kind
