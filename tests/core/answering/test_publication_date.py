"""A passage's publication date states a date, not a count: "on December 28" and "ngày 28 tháng 12" may rest on a
passage dated 2001-12-28 that does not write the date, "28 yachts" and "28 chiếc du thuyền" may not."""
from __future__ import annotations

import pytest

from rag.answering.crosslingual_support import vietnamese_dated_numbers
from rag.answering.verify import dated_figures
from rag.models import Passage

TEXT = "Assa Abloy crossed the finishing line in Hobart on Friday. Seven other yachts retired from the race."
PASSAGE = Passage("c1", "a.txt", TEXT, 0, len(TEXT), "Assa Abloy takes line honours in Hobart", "2001-12-28", None,
                  None, sentences=[(0, 58), (59, len(TEXT))])


def test_figures_written_as_a_date():
    assert dated_figures("On December 28, 2001, 28 yachts sailed.") == {"28", "2001"}
    assert dated_figures("28 yachts retired in 2001.") == {"2001"}
    assert vietnamese_dated_numbers("Ngày 28 tháng 12 năm 2001, 7 chiếc du thuyền bỏ cuộc.") == {"28", "2001"}
    assert vietnamese_dated_numbers("28/12/2001") == {"28", "2001"}


@pytest.mark.parametrize("sentence", [
    "Assa Abloy crossed the finishing line in Hobart on December 28.",
    "Assa Abloy về đích ở Hobart ngày 28 tháng 12.",
])
def test_the_publication_date_states_the_date(verifier, sentence):
    check = verifier.check(sentence, PASSAGE)
    assert check.problem is None, check


@pytest.mark.parametrize("sentence", [
    "28 other yachts retired from the race in Hobart.",
    "28 chiếc du thuyền khác đã bỏ cuộc ở Hobart.",
])
def test_the_publication_date_states_no_count(verifier, sentence):
    check = verifier.check(sentence, PASSAGE)
    assert check.problem and "28" in check.problem and check.score < 0.5, check
