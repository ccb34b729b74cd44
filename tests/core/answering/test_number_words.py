"""A number the source writes as a word ("two days") supports a claim that writes it in digits ("2 days"), in English
and Vietnamese answers; a different number is still unsupported, and a claim's own number words stay unchecked."""
from __future__ import annotations

import pytest

from rag.answering.verify import stated_figures
from rag.models import Passage

TEXT = ("Assa Abloy crossed the finishing line just under two days and twenty-one hours after starting in Sydney. "
        "Seven other yachts retired.")
PASSAGE = Passage("c1", "a.txt", TEXT, 0, len(TEXT), "Assa Abloy takes line honours", "20011228", None, None,
                  sentences=[(0, 104), (105, len(TEXT))])


def test_stated_figures_reads_number_words():
    assert stated_figures("just under two days and twenty-one hours") >= {"2", "21"}
    assert stated_figures("Fifty people and ninety nine boats") >= {"50", "99"}
    assert "1" not in stated_figures("someone, anyone, once")  # whole words only
    assert "second" in stated_figures("his second visit")  # ordinals as before


@pytest.mark.parametrize("sentence", [
    "Assa Abloy took 2 days and 21 hours to sail from Sydney.",
    "Chiếc Assa Abloy mất gần 2 ngày 21 giờ để về đích.",  # Vietnamese, checked by numbers and names
])
def test_digits_of_a_number_the_source_writes_as_a_word_are_supported(verifier, sentence):
    check = verifier.check(sentence, PASSAGE)
    assert check.problem is None and check.score >= 0.5, check


def test_another_number_is_still_unsupported(verifier):
    check = verifier.check("Assa Abloy took 3 days and 21 hours to sail from Sydney.", PASSAGE)
    assert check.score < 0.5 and "number 3" in (check.problem or ""), check
