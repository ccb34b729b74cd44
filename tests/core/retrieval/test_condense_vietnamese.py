"""A Vietnamese follow-up ("Ông ấy …?", "Cuộc gặp đó …?", "Còn …?") is recognised as leaning on the conversation and
carries the previous question's names into retrieval, as an English one does."""
from __future__ import annotations

import pytest

from rag.retrieval.condense import condense_deterministic, needs_context

from ..helpers import D003


@pytest.mark.parametrize("question", [
    "Ông ấy đề nghị LHQ hỗ trợ những gì?",  # "he"
    "Họ đã ký những văn kiện nào?",  # "they"
    "Sự kiện này diễn ra ở đâu?",  # "this event"
    "Còn Tổng Thư ký thì nói gì?",  # "and what about …"
    "Ong ay noi gi ve khi hau?",  # "ấy" typed without accents
])
def test_vietnamese_follow_ups_need_the_conversation(question):
    assert needs_context(question)


@pytest.mark.parametrize("question", [
    "Việt Nam gia nhập Liên Hợp Quốc năm nào?",
    "Thủ tướng Phạm Minh Chính gặp Tổng Thư ký Guterres ở đâu?",
])
def test_standalone_vietnamese_questions_do_not(question):
    assert not needs_context(question)


def test_the_previous_questions_names_are_carried_not_its_question_word():
    history = [{"role": "user", "content": "Ai tiếp Tổng Thư ký Guterres tại Hà Nội?"}]
    rewritten = condense_deterministic("Ông ấy nói gì về khí hậu?", history)
    assert rewritten.startswith("Ông ấy nói gì về khí hậu?")
    assert "Guterres" in rewritten and "Hà Nội" in rewritten
    assert "about: Ai" not in rewritten  # "Ai" (who) opens the question; it is not a name


@pytest.mark.parametrize("previous, carried, not_carried", [
    # a title capitalises only its first syllable: the alias table's term is carried whole
    ("Thủ tướng Phạm Minh Chính đề nghị LHQ hỗ trợ gì về khí hậu?", ["Thủ tướng", "Phạm Minh Chính", "LHQ"],
     ["about: Thủ,"]),
    # a sentence-case month opening the question is no name
    ("Tháng 9/2025 Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ ở đâu?",
     ["Chủ tịch nước", "Lương Cường", "Tổng Thư ký", "LHQ"], ["Tháng,", "Tổng Thư,", "Chủ,"]),
    # English names as before
    ("Who did Guterres meet in Hanoi on Saturday?", ["Guterres", "Hanoi", "Saturday"], ["Who"]),
])
def test_names_carried_are_whole_terms_not_sentence_case_fragments(previous, carried, not_carried):
    rewritten = condense_deterministic("Ông ấy nói gì?", [{"role": "user", "content": previous}])
    about = rewritten.split("(about: ", 1)[1].split("; previous question:")[0]
    assert about.split(", ") == carried, rewritten
    assert not any(fragment in f"about: {about}," for fragment in not_carried)


def test_a_vietnamese_follow_up_retrieves_the_article_of_the_conversation(engine):
    history = [{"role": "user", "content": "Thủ tướng Phạm Minh Chính tiếp ông Guterres ở đâu?"},
               {"role": "assistant", "content": "Tại Hà Nội [1]."}]
    result = engine.retrieve("Ông ấy đề nghị LHQ hỗ trợ Việt Nam những gì?", history=history)
    assert result.passages[0].doc_id == D003


def test_the_note_carried_over_to_a_follow_up_is_found_again():
    from rag.retrieval.condense import carried_note

    previous = "Tổng Bí thư Tô Lâm tiếp ông Guterres ở đâu?"
    rewritten = condense_deterministic("Ông ấy cảm ơn LHQ vì những điều gì?", [{"role": "user", "content": previous}])
    assert carried_note(rewritten) == f"(about: Tổng Bí thư, Tô Lâm, Guterres; previous question: {previous})"
    assert rewritten == f"Ông ấy cảm ơn LHQ vì những điều gì? {carried_note(rewritten)}"
    # any other question, parentheses and all, carries none
    for text in ("What did the UN say (in New York) about it?", "Who met Guterres?"):
        assert carried_note(text) is None
