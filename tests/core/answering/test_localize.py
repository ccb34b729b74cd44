"""Vietnamese wording of what the engine writes itself for a Vietnamese answer: refusals and notices."""
from __future__ import annotations

import pytest

from rag.answering.localize import localize_answer, notice_in_vietnamese
from rag.answering.notices import NONE_QUOTED, NOTHING_SUPPORTED, QUOTED_INSTEAD, RESTATED
from rag.models import Answer


@pytest.mark.parametrize("notice, vietnamese", [
    ("The language model failed (HTTP 503 from http://127.0.0.1:8080/v1: model is loading); this answer was built "
     "extractively.",
     "Mô hình ngôn ngữ gặp lỗi (HTTP 503 from http://127.0.0.1:8080/v1: model is loading); câu trả lời này được "
     "trích nguyên văn từ các bài báo."),
    ("The language model only restated the question; this answer was built extractively.",
     "Mô hình ngôn ngữ chỉ nhắc lại câu hỏi; câu trả lời này được trích nguyên văn từ các bài báo."),
    (f"{NOTHING_SUPPORTED}; {QUOTED_INSTEAD}",
     "Không điều gì mô hình ngôn ngữ viết ra có căn cứ trong các bài báo; câu trả lời này trích nguyên văn các bài "
     "báo."),
    (f"{RESTATED}; {NONE_QUOTED}",
     "Mô hình ngôn ngữ chỉ nhắc lại câu hỏi; cũng không câu nào trong các bài báo trả lời câu hỏi."),
    ("The language model failed (timed out; retry (later)); no sentence of the articles answers the question either.",
     "Mô hình ngôn ngữ gặp lỗi (timed out; retry (later)); cũng không câu nào trong các bài báo trả lời câu hỏi."),
    ("1 of 3 sentences are not supported by the articles and are marked as such.",
     "1 trên 3 câu không có căn cứ trong các bài báo và được đánh dấu như vậy."),
    ("Add articles first: `rag ingest <folder>`, `POST /api/documents`, or the upload panel of the web app.",
     "Hãy thêm bài báo trước: `rag ingest <folder>`, `POST /api/documents`, hoặc khung tải lên của ứng dụng web."),
])
def test_each_engine_notice_has_a_vietnamese_wording(notice, vietnamese):
    assert notice_in_vietnamese(notice) == vietnamese


def test_joined_notices_are_each_translated_and_unknown_ones_kept():
    joined = ("The language model only restated the question; this answer was built extractively. "
              "2 of 2 sentences are not supported by the articles and are marked as such. Something new.")
    assert notice_in_vietnamese(joined) == (
        "Mô hình ngôn ngữ chỉ nhắc lại câu hỏi; câu trả lời này được trích nguyên văn từ các bài báo. "
        "2 trên 2 câu không có căn cứ trong các bài báo và được đánh dấu như vậy. Something new.")


def test_only_answers_asked_for_in_vietnamese_are_changed():
    def answer() -> Answer:
        return Answer(question="q", text="The articles don't say.", refused=True,
                      notice="1 of 3 sentences are not supported by the articles and are marked as such.")

    english = localize_answer(answer(), "Who met whom?", None, "local")
    assert english.text == "The articles don't say." and english.notice.startswith("1 of 3")
    vietnamese = localize_answer(answer(), "Ai đã gặp ai?", "Vietnamese", "local")
    assert vietnamese.text.startswith("Các bài báo không") and vietnamese.notice.startswith("1 trên 3 câu")


def test_the_mark_of_an_unsupported_sentence_is_in_the_answers_language():
    def answer() -> Answer:
        return Answer(question="q", text="Ông Tô Lâm đã gặp ông Guterres [1]. Hai bên ký 500 hiệp định *(unsupported)*")

    assert localize_answer(answer(), "Ai đã gặp ai?", "Vietnamese", "local").text.endswith(
        "Hai bên ký 500 hiệp định *(không có căn cứ)*")
    assert localize_answer(answer(), "Who met whom?", None, "local").text.endswith("*(unsupported)*")
