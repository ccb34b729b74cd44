"""Vietnamese articles in a mixed corpus: a Vietnamese question is read against a Vietnamese passage as asked (not in
its English rendering), sentences are chosen by its own words, and a Vietnamese answer is checked word by word
against the Vietnamese passage it cites; English articles keep the cross-lingual path."""
from __future__ import annotations

from pathlib import Path

import pytest

from rag import Engine
from rag.testing import FakeOpenAIServer

from ..helpers import core_settings, one_passage

CORPUS = Path(__file__).resolve().parents[2] / "data" / "vietnamese"
BRIDGE, STORM = "cau_tu_lien.txt", "storm_kajiki_en.txt"

VIETNAMESE_PARAGRAPH = ("Cây cầu dài 4,6 km, rộng 43 m, với tổng vốn đầu tư khoảng 20.000 tỷ đồng. Công trình được "
                        "khởi công vào tháng 10/2023 và hoàn thành sau hơn hai năm thi công.")
ENGLISH_PARAGRAPH = ("HÀ NỘI — President Lương Cường held talks with United Nations Secretary-General António Guterres "
                     "in Hà Nội on Sunday, after the Việt Nam-hosted signing of the Hà Nội Convention.")


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("mixed")
    Engine(core_settings(data_dir)).ingest([CORPUS / BRIDGE, CORPUS / STORM])
    return data_dir


def test_vietnamese_text_is_told_from_english_text_naming_vietnamese_people():
    from rag.answering.language import written_in_vietnamese

    assert written_in_vietnamese(VIETNAMESE_PARAGRAPH)
    assert not written_in_vietnamese(ENGLISH_PARAGRAPH)
    assert not written_in_vietnamese("")


def test_a_vietnamese_question_is_read_as_asked_only_against_vietnamese_text():
    from rag.retrieval.analysis import analyse

    vietnamese = analyse("Cầu Tứ Liên dài bao nhiêu?")
    assert vietnamese.in_own_language(VIETNAMESE_PARAGRAPH)
    assert not vietnamese.in_own_language(ENGLISH_PARAGRAPH)
    assert not analyse("How long is the Tu Lien bridge?").in_own_language(VIETNAMESE_PARAGRAPH)


@pytest.mark.parametrize("question, expected", [
    ("Cầu Tứ Liên dài bao nhiêu?", "4,6 km"),
    ("Mỗi ngày cầu Tứ Liên phục vụ bao nhiêu lượt phương tiện?", "60.000"),
    ("Moi ngay cau Tu Lien phuc vu bao nhieu luot phuong tien?", "60.000"),  # typed without diacritics
])
def test_vietnamese_question_is_answered_from_the_vietnamese_article(mixed_index, question, expected):
    answer = Engine(core_settings(mixed_index)).ask(question)
    assert not answer.refused, answer.text
    assert expected in answer.text and answer.text.startswith("Theo bài báo:")
    assert {c.doc_id for c in answer.citations} == {BRIDGE}


def test_vietnamese_question_built_on_words_the_article_never_uses_is_refused(mixed_index):
    """The ticket price ("giá vé"; "vé" is not "về", about): the article never mentions one."""
    answer = Engine(core_settings(mixed_index)).ask("Giá vé qua cầu Tứ Liên là bao nhiêu?")
    assert answer.refused and answer.text.startswith("Các bài báo không đề cập."), answer.text


@pytest.mark.parametrize("question, share", [
    ("Giá vé qua cầu Tứ Liên là bao nhiêu?", 4 / 6),  # giá, vé missing; là, bao nhiêu are function words
    ("Gia ve qua cau Tu Lien la bao nhieu?", 3 / 4),  # typed without diacritics: "ve", "tu" may be "về", "từ"
    ("Cầu Tứ Liên dài bao nhiêu?", 1.0),
])
def test_share_of_the_question_words_a_vietnamese_text_holds(question, share):
    from rag.retrieval.crosslingual import words_held

    text = (CORPUS / BRIDGE).read_text(encoding="utf-8")
    assert words_held(question, text) == pytest.approx(share)


def test_vietnamese_question_about_the_english_article_keeps_the_crosslingual_path(mixed_index):
    answer = Engine(core_settings(mixed_index)).ask("Bao nhiêu người đã được sơ tán trước khi bão Kajiki đến?")
    assert not answer.refused, answer.text
    assert "500,000" in answer.text and {c.doc_id for c in answer.citations} == {STORM}


@pytest.mark.parametrize("sentence", [
    "Cây cầu dài 4,6 km, rộng 43 m.",
    "Công trình được khởi công vào tháng 10/2023 và hoàn thành sau hơn hai năm thi công.",
])
def test_vietnamese_sentence_stated_by_a_vietnamese_passage_is_supported(verifier, sentence):
    check = verifier.check(sentence, one_passage(VIETNAMESE_PARAGRAPH))
    assert check.problem is None and check.score >= 0.5, check


@pytest.mark.parametrize("sentence, problem", [
    ("Cây cầu dài 5,2 km, rộng 43 m.", "number 52"),
    ("Công trình do Tập đoàn Đèo Cả khởi công vào tháng 10/2023.", "name"),
])
def test_vietnamese_sentence_with_another_number_or_name_is_unsupported(verifier, sentence, problem):
    check = verifier.check(sentence, one_passage(VIETNAMESE_PARAGRAPH))
    assert check.score < 0.5 and problem in (check.problem or ""), check


def test_vietnamese_function_words_are_no_support(verifier):
    """A sentence that shares only grammatical words ("của", "được", "và", "với") with the passage states
    something it does not."""
    check = verifier.check("Người dân được miễn phí khi đi qua cầu với xe máy và ô tô của họ.",
                           one_passage(VIETNAMESE_PARAGRAPH))
    assert check.score < 0.5, check


def test_generated_vietnamese_answer_is_checked_against_the_vietnamese_passage(mixed_index):
    with FakeOpenAIServer() as server:
        server.responder = lambda body: ("Cầu Tứ Liên dài 4,6 km [1]. "
                                         "Cầu do Tập đoàn Đèo Cả xây dựng với 3.000 công nhân [1].")
        engine = Engine(core_settings(mixed_index, backend="openai-compatible", llm_base_url=server.base_url,
                                      llm_model="fake-model", llm_max_retries=0, llm_timeout=10))
        answer = engine.ask("Cầu Tứ Liên dài bao nhiêu?")
    assert not answer.refused, answer.text
    stated, invented = answer.sentences
    assert stated.supported and "4,6 km" in stated.text
    assert not invented.supported and answer.text.endswith("*(không có căn cứ)*")
    assert {c.doc_id for c in answer.citations} == {BRIDGE}


def test_english_question_about_a_vietnamese_article_is_refused_with_a_way_forward(mixed_index):
    """Nothing reads an English question against Vietnamese text (cross-encoder and verifier read one language at a
    time): the refusal says so instead of only claiming the articles are silent."""
    answer = Engine(core_settings(mixed_index)).ask("How long is the Tu Lien bridge?")
    assert answer.refused
    assert answer.text == "The articles don't say. The closest articles are in Vietnamese: ask in Vietnamese to have " \
                          "them read as written."
    assert answer.related and answer.related[0].doc_id == BRIDGE


def test_the_way_forward_is_only_given_when_the_closest_passage_is_vietnamese():
    from rag.answering.languages_apart import other_language_hint
    from rag.retrieval.analysis import analyse

    english, vietnamese = one_passage(ENGLISH_PARAGRAPH), one_passage(VIETNAMESE_PARAGRAPH)
    assert other_language_hint(analyse("How long is the bridge?"), [vietnamese, english])
    assert other_language_hint(analyse("How long is the bridge?"), [english, vietnamese]) is None
    assert other_language_hint(analyse("Cầu dài bao nhiêu?"), [vietnamese]) is None  # read as asked already
    assert other_language_hint(analyse("How long is the bridge?"), []) is None


def test_a_question_typed_with_combining_marks_reads_like_the_composed_one(mixed_index):
    """Some keyboards send Vietnamese letters decomposed ("u" + horn + dot below); the articles are stored composed."""
    import unicodedata

    question = "Mỗi ngày cầu Tứ Liên phục vụ bao nhiêu lượt phương tiện?"
    engine = Engine(core_settings(mixed_index))
    composed, decomposed = engine.ask(question), engine.ask(unicodedata.normalize("NFD", question))
    assert not decomposed.refused and decomposed.text == composed.text and "60.000" in decomposed.text
