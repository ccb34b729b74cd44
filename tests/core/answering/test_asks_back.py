"""A generated sentence that asks instead of answering (a question, or the question's Vietnamese question word kept)
is no answer, whatever its names match in the passage."""
from __future__ import annotations

import pytest

from rag.answering.generated import asks_back


@pytest.mark.parametrize("question, sentence", [
    ("Chủ tịch nước muốn một không gian mạng như thế nào?", "Chủ tịch nước muốn một không gian mạng như thế nào [1]?"),
    ("Tong Bi thu To Lam tang qua gi cho ong Guterres?", "Tong Bi thu To Lam tang qua gi cho ong Guterres [1]."),
    ("Tổng Bí thư Tô Lâm đã gặp ai?", "Tổng Bí thư Tô Lâm đã gặp ai ở Hà Nội [1]."),
    ("Who did the minister meet?", "Who the minister met is not clear [1]?"),
])
def test_a_sentence_asking_back_is_caught(question, sentence):
    assert asks_back(question, sentence)


@pytest.mark.parametrize("question, sentence", [
    ("Việt Nam gia nhập LHQ năm nào?", "Việt Nam gia nhập LHQ năm 1977 [1]."),
    ("Ông Guterres nói gì?", "Ông Guterres nói rằng Việt Nam là hình mẫu [1]."),
    ("Tổng Bí thư Tô Lâm tặng quà gì cho ông Guterres?", "Ông không tặng quà gì [1]."),  # negated: "nothing"
    ("Nước nào đã ký?", "Bất kỳ nước nào cũng có thể ký [1]."),  # "any country"
    ("Ai đã gặp ông Guterres?", "Ông Tô Lâm, người mà ai cũng biết, đã gặp ông [1]."),  # "everyone"
    ("Which AI company did he found?", "He founded an AI company in 2015 [1]."),  # AI is no question word
    ("Who did X meet?", "X met the man who won the race [1]."),  # an English relative clause
])
def test_an_answer_is_not_taken_for_asking_back(question, sentence):
    assert not asks_back(question, sentence)


def test_a_reply_only_asking_back_has_no_answer_but_one_answering_has():
    from rag.answering.generated import only_asks_back

    question = "LHQ sẽ mở văn phòng mới nào tại Việt Nam?"
    assert only_asks_back(question, "LHQ sẽ mở văn phòng mới nào tại Việt Nam [1]? Văn phòng nào [2].")
    assert not only_asks_back(question, "LHQ sẽ mở văn phòng mới nào [1]? LHQ sẽ mở văn phòng UNODC [2].")
    assert not only_asks_back(question, "")
