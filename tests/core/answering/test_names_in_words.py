"""A name an answer writes is found in its cited passage only where the passage writes it as a word (at a word's start,
in any spacing: "Ha Noi" / "Hanoi", "Viet Nam" / "Vietnamese"), never inside another word: "Mali" is not in
"Somalia", "US" not in "because", "PM" not in "development". Before, any substring counted, so a name the articles
never state could pass as cited."""
from __future__ import annotations

import pytest

from rag.answering.verify import mentioned
from rag.models import Passage
from rag.text import fold

TEXT = ("Troops from Somalia joined the mission because the development plan needed them. "
        "The woman who led it flew in from Hanoi, the Vietnamese capital.")
PASSAGE = Passage("c1", "a.txt", TEXT, 0, len(TEXT), "Peacekeepers arrive", "20250101", None, None,
                  sentences=[(0, 81), (82, len(TEXT))])


@pytest.mark.parametrize("name, written", [
    ("mali", False), ("us", False), ("pm", False), ("oman", False),  # only inside other words
    ("somalia", True), ("ha noi", True), ("viet nam", True), ("hanoi's", True),  # words, spacing, possessive
])
def test_a_name_is_mentioned_only_as_a_word(name, written):
    assert mentioned(name, fold(TEXT)) is written


def test_a_name_written_only_inside_another_word_is_not_supported(verifier):
    check = verifier.check("Troops from Mali joined the mission.", PASSAGE)
    assert check.score < 0.5 and "name mali" in (check.problem or ""), check


def test_the_same_claim_with_the_passage_s_name_is_supported(verifier):
    check = verifier.check("Troops from Somalia joined the mission.", PASSAGE)
    assert check.problem is None and check.score >= 0.5, check
