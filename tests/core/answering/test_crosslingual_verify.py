"""A Vietnamese answer sentence checked against English passages: numbers (dates written day/month), names (accent
folding and the alias table) and multilingual closeness; an unsupported sentence is flagged as in English."""
from __future__ import annotations

import pytest

from rag import Engine
from rag.models import Passage
from rag.testing import FakeOpenAIServer

from ..helpers import core_settings

TEXT = ("NEW YORK – State President Lương Cường met UN Secretary-General António Guterres in New York on September 22. "
        "Guterres said Viet Nam is an active member of more than 70 international organisations.")
PASSAGE = Passage("c1", "a.txt", TEXT, 0, len(TEXT), "President meets UN chief", "20250923", None, None,
                  sentences=[(0, 111), (112, len(TEXT))])


@pytest.mark.parametrize("sentence", [
    "Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres tại New York ngày 22/9.",
    "Chủ tịch nước Luong Cuong đã gặp Tổng Thư ký Liên Hợp Quốc ngày 22 tháng 9.",  # typed without accents
    "Việt Nam là thành viên tích cực của hơn 70 tổ chức quốc tế.",
])
def test_vietnamese_statement_of_the_passage_is_supported(verifier, sentence):
    check = verifier.check(sentence, PASSAGE)
    assert check.problem is None and check.score >= 0.5, check
    assert check.exact  # kept in Vietnamese, never replaced by the English span


@pytest.mark.parametrize("sentence, problem", [
    ("Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres tại New York ngày 25/9.", "number 25"),
    ("Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres vào tháng 10/2025.", "month october"),
    ("Việt Nam là thành viên tích cực của hơn 90 tổ chức quốc tế.", "number 90"),
    ("Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres vào thứ Bảy.", "day saturday"),
    ("Chủ tịch nước Lương Cường gặp Tổng thống Donald Trump tại New York.", "name donald"),
])
def test_vietnamese_statement_with_another_number_date_or_name_is_unsupported(verifier, sentence, problem):
    check = verifier.check(sentence, PASSAGE)
    assert check.score < 0.5 and problem in (check.problem or ""), check


@pytest.mark.parametrize("sentence", [
    "Hai bên đã có cuộc gặp rất thân mật và cởi mở.",  # "a very warm and open meeting": close to the topic, unchecked
    "Ông ấy nói rằng cần tăng cường hợp tác đa phương.",
])
def test_vietnamese_statement_with_nothing_to_check_is_never_supported(verifier, sentence):
    """Closeness alone lets invented sentences through: without a number, date or name nothing can be matched."""
    check = verifier.check(sentence, PASSAGE)
    assert check.score < 0.5 and "no number, date or name" in (check.problem or ""), check


@pytest.mark.parametrize("sentence, question, supported", [
    # every name is the question's own: the premise is checked, the answer ("sức khỏe", health) is not
    ("Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres để bàn về sức khỏe.",
     "Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres để bàn về điều gì?", False),
    ("Guterres nói Việt Nam là thành viên tích cực của các tổ chức quốc tế.",
     "Guterres nói Việt Nam là thành viên tích cực của bao nhiêu tổ chức quốc tế?", False),
    # the answer states what the question does not: a number, a date, a name
    ("Guterres nói Việt Nam là thành viên tích cực của hơn 70 tổ chức quốc tế.",
     "Guterres nói Việt Nam là thành viên tích cực của bao nhiêu tổ chức quốc tế?", True),
    ("Chủ tịch nước Lương Cường gặp ông Guterres tại New York ngày 22/9.",
     "Chủ tịch nước Lương Cường gặp ông Guterres tại New York vào ngày nào?", True),
    ("Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ António Guterres.", "Chủ tịch nước Lương Cường gặp ai?", True),
])
def test_a_vietnamese_sentence_must_state_something_beyond_the_question(verifier, sentence, question, supported):
    check = verifier.check(sentence, PASSAGE, question)
    assert (check.problem is None) is supported, check
    if not supported:
        assert check.score < 0.5 and "beyond the question" in check.problem


def test_generated_vietnamese_answer_is_verified_and_flagged_like_an_english_one(seed_index):
    with FakeOpenAIServer() as server:
        server.responder = lambda body: ("Tổng Bí thư Tô Lâm đã gặp Tổng Thư ký LHQ António Guterres [1]. "
                                         "Hai bên đã ký một hiệp định thương mại trị giá 500 tỷ đô la [1].")
        engine = Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                      llm_model="fake-model", llm_max_retries=0, llm_timeout=10))
        answer = engine.ask("Tổng Bí thư Tô Lâm đã gặp ai?")
    assert not answer.refused, answer.text
    supported, invented = answer.sentences
    assert supported.supported and supported.text.startswith("Tổng Bí thư Tô Lâm đã gặp")
    assert not invented.supported and "number 500" in (invented.note or "")
    assert answer.text.endswith("500 tỷ đô la. *(không có căn cứ)*") and answer.notice.startswith("1 trên 2 câu")


def test_vietnamese_reply_that_restates_the_question_is_no_answer(seed_index):
    question = "Trong hội đàm ở Hà Nội, ông Guterres mong Việt Nam đóng vai trò tiên phong trong việc định hình điều gì?"
    with FakeOpenAIServer() as server:
        server.responder = lambda body: question.rstrip("?") + " [1]?"
        engine = Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                      llm_model="fake-model", llm_max_retries=0, llm_timeout=10))
        answer = engine.ask(question)
    assert answer.backend == "extractive"  # the notice in the answer's language, like the answer
    assert answer.notice == ("Mô hình ngôn ngữ chỉ nhắc lại câu hỏi; câu trả lời này được trích nguyên văn từ các "
                             "bài báo.")
    assert "định hình điều gì" not in answer.text


def test_a_sentence_asking_the_question_back_is_left_out_of_the_answer(seed_index):
    """The small model sometimes adds the question, reworded, after its answer; its names match the passage, but it
    states nothing: it is neither shown nor counted as an unsupported claim."""
    question = "Tổng Bí thư Tô Lâm đã gặp ai?"
    with FakeOpenAIServer() as server:
        server.responder = lambda body: ("Tổng Bí thư Tô Lâm đã gặp Tổng Thư ký LHQ António Guterres [1]. "
                                         "Tổng Bí thư Tô Lâm còn gặp ai ở Hà Nội [1].")
        engine = Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                      llm_model="fake-model", llm_max_retries=0, llm_timeout=10))
        answer = engine.ask(question)
    assert not answer.refused and answer.backend == "openai-compatible", answer.text
    assert [s.text for s in answer.sentences] == ["Tổng Bí thư Tô Lâm đã gặp Tổng Thư ký LHQ António Guterres."]
    assert "ai ở Hà Nội" not in answer.text and not answer.notice


def _generative_over_seeds(seed_index, server):
    return Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                llm_model="fake-model", llm_max_retries=0, llm_timeout=10))


def test_a_vietnamese_reply_with_nothing_supported_gives_way_to_quotes_of_the_english_passages(seed_index):
    """Writing Vietnamese from English passages, a small model garbles the right sentence into another claim; the
    passages passed the relevance decision, so their best sentences are quoted instead of refusing (never the
    invented claim)."""
    with FakeOpenAIServer() as server:
        server.responder = lambda body: "Tổng Bí thư Tô Lâm đã gặp Tổng thống Donald Trump ngày 30/11 [1]."
        answer = _generative_over_seeds(seed_index, server).ask("Tổng Bí thư Tô Lâm đã gặp ai?")
    assert not answer.refused and answer.backend == "extractive" and answer.model == "fake-model"
    assert answer.notice == ("Không điều gì mô hình ngôn ngữ viết ra có căn cứ trong các bài báo; câu trả lời này "
                             "trích nguyên văn các bài báo.")
    assert answer.text.startswith("Theo bài báo:") and "Trump" not in answer.text and "30/11" not in answer.text
    assert any("Guterres" in c.quote for c in answer.citations)


def test_a_vietnamese_reply_that_declines_stays_a_refusal(seed_index):
    with FakeOpenAIServer() as server:
        server.responder = lambda body: "Các bài báo không đề cập."
        answer = _generative_over_seeds(seed_index, server).ask("Tổng Bí thư Tô Lâm đã gặp ai?")
    assert answer.refused and answer.text.startswith("Các bài báo không đề cập") and answer.citations == []


def test_an_english_reply_with_nothing_supported_is_refused_but_one_asked_in_vietnamese_is_quoted(seed_index):
    """In the articles' own language an unsupported reply marks a near miss (measured): the refusal stands. Asked
    to answer in Vietnamese, the same English question gets the quotes."""
    question = "Who did General Secretary To Lam meet?"
    with FakeOpenAIServer() as server:
        server.responder = lambda body: "General Secretary To Lam met President Donald Trump on November 30 [1]."
        engine = _generative_over_seeds(seed_index, server)
        in_english = engine.ask(question)
        in_vietnamese = engine.ask(question, language="Vietnamese")
    assert in_english.refused and in_english.citations == [] and in_english.backend == "openai-compatible"
    assert not in_vietnamese.refused and in_vietnamese.backend == "extractive"
    assert "Trump" not in in_vietnamese.text and any("Guterres" in c.quote for c in in_vietnamese.citations)
