"""A plural or inflected name in a question is mentioned by an article that writes its stem, so the names check does
not refuse "Argentines" over articles about Argentina, while a name the sources really lack is still missing."""
from __future__ import annotations

import pytest

from rag.answering.checks import missing_names
from rag.retrieval.analysis import shape_of
from rag.testing.rules import RULES


@pytest.mark.parametrize("question, source", [
    ("How much could Argentines withdraw per cheque?", "Banks in Argentina limited withdrawals."),
    ("What did Australians vote for?", "Voters across Australia went to the polls."),
    ("Which Brazilians were arrested?", "Police in Brazil arrested three men."),
    ("How many Pakistanis were evacuated?", "Flights left Pakistan on Monday."),
    ("What did Koreans say?", "Officials in South Korea said little."),
    ("Did Thais protest?", "Crowds gathered in Thailand."),
])
def test_an_inflected_name_is_mentioned_by_its_stem(question, source):
    assert missing_names(shape_of(question), [source]) == []


def test_a_name_the_sources_lack_stays_missing():
    assert missing_names(shape_of("What did Argentines say?"), ["Chile's president spoke on Monday."]) == ["Argentines"]
    # a stem is matched at a word start only: "Koreans" is not mentioned by "score"
    assert missing_names(shape_of("What did Koreans say?"), ["The score was level at halftime."]) == ["Koreans"]


def test_the_ablation_switch_turns_it_off():
    shape = shape_of("How much could Argentines withdraw per cheque?")
    with RULES["inflected names"][1]():
        assert missing_names(shape, ["Banks in Argentina limited withdrawals."]) == ["Argentines"]
    assert missing_names(shape, ["Banks in Argentina limited withdrawals."]) == []
