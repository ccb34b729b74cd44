"""The rule ablation harness: each switch really turns its rule off, only for the length of the run, and the table
reports the change the right way round."""
from __future__ import annotations

import pytest

from evals.ablate import main, markdown_table
from rag.testing.rules import RULES
from rag.answering import checks
from rag.retrieval.analysis import analyse, shape_of

SOURCES = ["Bushfires burn across New South Wales as crews battle the blazes."]


def test_acronyms_switch_turns_the_learned_acronym_off_and_back_on():
    shape = shape_of("How many homes burned in NSW?")
    assert checks.missing_names(shape, SOURCES) == []
    with RULES["acronyms"][1]():
        assert checks.missing_names(shape, SOURCES) == ["NSW"]
    assert checks.missing_names(shape, SOURCES) == []


def test_demonyms_switch():
    shape = shape_of("What did the Vietnamese delegation sign?")
    sources = ["Vietnam signed the convention in Hanoi."]
    assert checks.missing_names(shape, sources) == []
    with RULES["demonyms"][1]():
        assert checks.missing_names(shape, sources) == ["Vietnamese"]


def test_name_forms_switch():
    shape = shape_of("What did the Peruvian president say?")
    sources = ["Peru's president spoke on Monday."]
    same_name = lambda a, b: (a, b) == ("Peruvian", "Peru")  # noqa: E731 - the embedder's verdict, scripted
    assert checks.missing_names(shape, sources, same_name=same_name) == []
    with RULES["name forms"][1]():
        assert checks.missing_names(shape, sources, same_name=same_name) == ["Peruvian"]


def test_shape_switches_blank_what_the_rule_fills():
    question = "What is the latest on Storm No. 3?"
    assert analyse(question).asked.identifiers and analyse(question).asked.asks_latest
    with RULES["numbered names"][1]():
        assert analyse(question).asked.identifiers == ()
    with RULES["latest news"][1]():
        assert analyse(question).asked.asks_latest is False
    with RULES["answer type"][1]():
        assert analyse("When did it start?").asked.answer_type is None
    assert analyse("When did it start?").asked.answer_type == "date"


def test_check_switch_removes_only_that_check():
    from rag.answering import answer

    with RULES["wrong count"][1]():
        names = [c.__name__ for c in answer.ANSWER_CHECKS]
        assert "wrong_count" not in names and "no_figure" in names
    assert "wrong_count" in [c.__name__ for c in answer.ANSWER_CHECKS]


def test_table_shows_worse_without_the_rule_as_positive():
    results = {"a:dev": {"all on": {"confident_error": 0.2, "fact_recall": 0.8},
                         "rule x": {"confident_error": 0.3, "fact_recall": 0.7},
                         "rule y": {"confident_error": 0.2, "fact_recall": 0.9}}}
    ce = markdown_table(results, "confident_error").splitlines()
    fr = markdown_table(results, "fact_recall").splitlines()
    assert ce[2] == "| (all rules on) | 0.200 |"
    assert ce[3] == "| rule x | +0.100 |" and ce[4] == "| rule y | +0.000 |"
    assert fr[3] == "| rule x | +0.100 |" and fr[4] == "| rule y | -0.100 |"


def test_test_halves_are_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--dataset", "lee_abc:test"])
    assert "dev halves" in capsys.readouterr().err
