"""Names the articles write the other way: acronyms learned from the articles themselves, so a question using one
is not refused for "not mentioning" what the articles spell out (and the other way round)."""
from __future__ import annotations

from rag.answering.checks import acronyms, missing_names
from rag.retrieval.analysis import shape_of


def test_acronyms_are_the_initials_of_capitalised_runs_with_links_skipped():
    found = acronyms("Officials of the UN Office on Drugs and Crime met in New South Wales.")
    assert {"UNODC", "NSW"} <= found
    assert "SW" in found and "OTUN" not in found  # sub-runs count; a link word never starts or ends one


def test_acronyms_that_keep_their_linking_words():
    found = acronyms("The Students for Fair Admissions case reached the Department of Defense.")
    assert {"SFFA", "SFA", "DOD", "DD"} <= found
    shape = shape_of("What was the vote in the SFFA cases?")
    assert missing_names(shape, ["A ruling on Students for Fair Admissions split the court."]) == []


def test_a_question_acronym_spelled_out_in_the_articles_is_mentioned():
    shape = shape_of("What did police in NSW say about the fires?")
    assert missing_names(shape, ["Police in New South Wales said the fires spread."]) == []
    assert missing_names(shape, ["Police in Victoria said the fires spread."]) == ["NSW"]


def test_a_question_name_the_articles_only_abbreviate_is_mentioned():
    shape = shape_of("What did the United Nations Office on Drugs and Crime report?")
    assert missing_names(shape, ["The UNODC report said opium cultivation fell."]) == []
    assert missing_names(shape, ["The UNDP report said poverty fell."]) == ["United", "Nations", "Office", "Drugs",
                                                                           "Crime"]


def test_an_unknown_name_is_still_missing():
    assert missing_names(shape_of("When did Guterres visit Gotham?"), ["Guterres visited Hanoi in 2025."]) == ["Gotham"]
