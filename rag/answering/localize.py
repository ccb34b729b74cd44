"""Answers to Vietnamese questions in Vietnamese where the engine writes the words itself: the refusal and its
reasons, the mark of an unsupported sentence, and a lead-in before English quotes (the extractive backend quotes the
English articles; it cannot translate them)."""
from __future__ import annotations

import re

from ..models import Answer
from .answer import REFUSAL_TEXT, REFUSAL_TEXT_VI
from .generated import UNSUPPORTED_MARK, UNSUPPORTED_MARK_VI
from .language import VI, detect_language
from .notices import BUILT_EXTRACTIVELY, NONE_QUOTED, NOTHING_SUPPORTED, QUOTED_INSTEAD, RESTATED, model_failed

__all__ = ["QUOTE_LEAD_IN_VI", "answer_language", "localize_answer", "notice_in_vietnamese", "refusal_in_vietnamese"]

QUOTE_LEAD_IN_VI = "Theo bài báo:"
_LANGUAGE_NAMES = {"vi": "Vietnamese", "vietnamese": "Vietnamese", "tiếng việt": "Vietnamese", "en": "English",
                   "english": "English"}
# the reasons the composer gives after REFUSAL_TEXT, and their Vietnamese wording (\1: the part kept as written)
_REASONS_VI: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^The only answer found comes from articles that do not mention (.+)\.$"),
     r"Câu trả lời duy nhất tìm được đến từ các bài báo không nhắc đến \1."),
    (re.compile(r"^They do not mention (.+)\.$"), r"Các bài báo không nhắc đến \1."),
    (re.compile(r"^They give no figure for it\.$"), "Các bài báo không đưa ra con số nào cho điều này."),
    (re.compile(r"^They give no number of (.+)\.$"), r"Các bài báo không cho biết số \1."),
    (re.compile(r"^They do not say who the (.+) is\.$"), r"Các bài báo không nói ai là \1."),
    (re.compile(r"^No articles are indexed yet\.$"), "Chưa có bài báo nào được lập chỉ mục."),
    (re.compile(r"^None of them was published in that period\.$"), "Không có bài nào được đăng trong khoảng thời gian đó."),
]
# the engine's notices (the part in brackets, a library or server message, is kept as written): a fallback's cause
# and what the answer is (see .notices), and the count of unsupported sentences
_NOTICES_VI: list[tuple[re.Pattern[str], str]] = [
    (re.compile(re.escape(model_failed("@")).replace("@", "(.*)") + "(?=; )", re.S), r"Mô hình ngôn ngữ gặp lỗi (\1)"),
    (re.compile(re.escape(RESTATED)), "Mô hình ngôn ngữ chỉ nhắc lại câu hỏi"),
    (re.compile(re.escape(NOTHING_SUPPORTED)), "Không điều gì mô hình ngôn ngữ viết ra có căn cứ trong các bài báo"),
    (re.compile(re.escape(f"; {BUILT_EXTRACTIVELY}")), "; câu trả lời này được trích nguyên văn từ các bài báo."),
    (re.compile(re.escape(f"; {QUOTED_INSTEAD}")), "; câu trả lời này trích nguyên văn các bài báo."),
    (re.compile(re.escape(f"; {NONE_QUOTED}")), "; cũng không câu nào trong các bài báo trả lời câu hỏi."),
    (re.compile(r"(\d+) of (\d+) sentences are not supported by the articles and are marked as such\."),
     r"\1 trên \2 câu không có căn cứ trong các bài báo và được đánh dấu như vậy."),
    (re.compile(r"Add articles first: (.*) or the upload panel of the web app\."),
     r"Hãy thêm bài báo trước: \1 hoặc khung tải lên của ứng dụng web."),
]


def answer_language(question: str, requested: str | None) -> str | None:
    """The language the answer is asked for: ``requested`` when given, else Vietnamese for a Vietnamese question,
    else None (the model answers in the question's language, English)."""
    if requested:
        return _LANGUAGE_NAMES.get(requested.strip().lower(), requested)
    return "Vietnamese" if detect_language(question) == VI else None


def refusal_in_vietnamese(text: str) -> str:
    """The engine's English refusal ``text`` (REFUSAL_TEXT and an optional reason) in Vietnamese; a reason
    without a Vietnamese wording stays in English."""
    if not text.startswith(REFUSAL_TEXT):
        return text
    reason = text[len(REFUSAL_TEXT):].strip()
    for pattern, wording in _REASONS_VI:
        if pattern.match(reason):
            reason = pattern.sub(wording, reason)
            break
    return f"{REFUSAL_TEXT_VI} {reason}".strip()


def notice_in_vietnamese(notice: str) -> str:
    """The engine's English ``notice`` (one or more of its sentences) in Vietnamese; parts without a Vietnamese
    wording stay in English."""
    for pattern, wording in _NOTICES_VI:
        notice = pattern.sub(wording, notice)
    return notice


def localize_answer(answer: Answer, question: str, language: str | None, backend: str) -> Answer:
    """An answer to a question to be answered in Vietnamese (``language`` from :func:`answer_language`): the
    refusal, the notice and the mark of an unsupported sentence in Vietnamese, and English quotes of the extractive
    backend after a Vietnamese lead-in; in place."""
    if language != "Vietnamese":
        return answer
    if answer.notice:
        answer.notice = notice_in_vietnamese(answer.notice)
    if not answer.text:
        return answer
    if answer.refused:
        answer.text = refusal_in_vietnamese(answer.text)
        return answer
    answer.text = answer.text.replace(UNSUPPORTED_MARK, UNSUPPORTED_MARK_VI)
    if backend == "extractive" and not answer.text.startswith(QUOTE_LEAD_IN_VI):
        answer.text = f"{QUOTE_LEAD_IN_VI} {answer.text}"
    return answer
