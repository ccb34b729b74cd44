"""Text helpers (folding, index terms, sentences) and dates in questions and filters."""
from __future__ import annotations

import pytest

from rag import InputError
from rag.retrieval.dates import date_range_in_question, parse_date_bound
from rag.text import content_terms, fold, lexical_terms, model_text, numbers_in, split_sentences


def test_fold_examples():
    assert fold("Lương Cường") == "luong cuong"
    assert fold("Đà Nẵng") == "da nang"
    assert fold("Phạm Minh Chính") == "pham minh chinh"
    assert fold("Tô Lâm") == "to lam"
    assert fold("António Guterres") == "antonio guterres"
    assert fold("Lê Quốc Hùng") == "le quoc hung"
    assert fold("HÀ NỘI") == "ha noi"


def test_lexical_terms_keep_exact_folded_and_joined_forms():
    terms = lexical_terms("Huế and Đà Lạt")
    assert {"hue", "huế", "da", "đà", "lat", "lạt", "dalat"} <= set(terms)
    # known spelling variants of a place become one canonical term, so no spelling weighs more than another
    assert lexical_terms("Việt Nam") == lexical_terms("Viet Nam") == lexical_terms("Vietnam") == ["vietnam"]
    assert lexical_terms("Hà Nội") == lexical_terms("Ha Noi") == lexical_terms("Hanoi") == ["hanoi"]
    assert set(lexical_terms("Republic of Korea")) == {"south", "korea"} <= set(lexical_terms("South Korea"))
    assert lexical_terms("Côte d’Ivoire") == lexical_terms("Cote d'Ivoire")
    assert set(lexical_terms("Cote d'Ivoire")) <= set(lexical_terms("Ivory Coast"))
    # inflections share a stem
    assert lexical_terms("joined elections") == lexical_terms("join election")
    # the spelling variants of a name share their folded terms
    assert set(lexical_terms("Lương Cường")) >= set(lexical_terms("Luong Cuong"))
    # lower-case words are not joined into names
    assert "inthe" not in lexical_terms("in the")


def test_content_terms_drop_question_and_stop_words():
    assert content_terms("When did Lương Cường meet Guterres in New York?") == {
        "luong", "cuong", "meet", "guterres", "new", "york"}


def test_model_text_folds_and_unifies_place_spellings():
    assert model_text("When did Việt Nam join?") == model_text("When did Viet Nam join?") == "when did vietnam join?"
    assert model_text("Hà Nội, Ha  Noi and HANOI") == "hanoi, hanoi and hanoi"
    assert model_text("Đà Nẵng and Danang") == "da nang and da nang"
    # only whole words: "Vietnamese" and "Hanoians" stay, and so does "Lao" alone
    assert model_text("Vietnamese Hanoians, Lao") == "vietnamese hanoians, lao"


def test_numbers_in():
    assert numbers_in("120 representatives, 1,500 people and 3.5 percent on September 22") == {
        "120", "1500", "35", "22"}


def _sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_sentences_keeps_abbreviations_inside():
    text = ("The U.N. chief met Mr. Lương Cường in New York. Dr. Waly spoke at 10 a.m. on Friday. "
            "He said: “The U.S. agreed.” Then they left!")
    assert _sentences(text) == [
        "The U.N. chief met Mr. Lương Cường in New York.",
        "Dr. Waly spoke at 10 a.m. on Friday.",
        "He said: “The U.S. agreed.”",
        "Then they left!",
    ]


def test_split_sentences_keeps_vietnamese_abbreviations_inside():
    text = ("Sáng 20/11, tại TP. Hồ Chí Minh, PGS.TS Nguyễn Văn An cho biết giá tăng 2,5%. Theo ThS. Trần Bình, "
            "dự án xong năm 2025. Điểm cao phụ thuộc vào kỹ năng làm bài của TS. Thi trắc nghiệm cần chính xác.")
    assert _sentences(text) == [
        "Sáng 20/11, tại TP. Hồ Chí Minh, PGS.TS Nguyễn Văn An cho biết giá tăng 2,5%.",
        "Theo ThS. Trần Bình, dự án xong năm 2025.",
        "Điểm cao phụ thuộc vào kỹ năng làm bài của TS.",  # "thí sinh" (candidates), ending the sentence
        "Thi trắc nghiệm cần chính xác.",
    ]


def test_split_sentences_initials_and_lines():
    assert _sentences("Antonio G. Guterres arrived. He met To Lam.") == [
        "Antonio G. Guterres arrived.", "He met To Lam."]
    assert _sentences("Headline without a stop\nFirst sentence. second part stays.") == [
        "Headline without a stop", "First sentence. second part stays."]


def test_split_sentences_offsets():
    text = "  One.  Two?\n\n Three "
    spans = split_sentences(text, offset=100)
    assert [text[s - 100:e - 100] for s, e in spans] == ["One.", "Two?", "Three"]


@pytest.mark.parametrize("question,expected", [
    ("What happened on 25 October?", (20251025, 20251025)),
    ("Who did Guterres meet on October 25?", (20251025, 20251025)),
    ("Who met on 25th of October 2024?", (20241025, 20241025)),
    ("What happened in October 2025?", (20251001, 20251031)),
    ("What did the UN say in September?", (20250901, 20250930)),
    ("Who visited Hanoi in Sept. 2025?", (20250901, 20250930)),
    ("What happened in February?", (20250201, 20250228)),
    ("What happened in 2024?", (20240101, 20241231)),
    ("What did Guterres say about reform?", None),
    ("Who may attend the ceremony?", None),  # "may" is a verb here, not a month
])
def test_date_range_in_question(question, expected):
    assert date_range_in_question(question, default_year=2025) == expected


def test_date_range_without_default_year():
    assert date_range_in_question("What happened on 25 October?") is None
    assert date_range_in_question("What happened in October 2025?") == (20251001, 20251031)
    assert date_range_in_question("What happened on 31 February?", default_year=2025) is None


def test_retrieval_reports_the_date_the_question_names(engine):
    # the default year is the newest article's year (2025)
    result = engine.retrieve("Who did Guterres meet in Hanoi on 25 October?")
    assert result.date_hint == (20251025, 20251025)
    assert result.passages[0].doc_id.startswith(("003", "004"))


@pytest.mark.parametrize("value,start,end", [
    ("2025", 20250101, 20251231),
    ("2025-10", 20251001, 20251031),
    ("2024-02", 20240201, 20240229),
    ("2025-10-25", 20251025, 20251025),
    (" 2025-9-3 ", 20250903, 20250903),
    (None, None, None),
    ("", None, None),
])
def test_parse_date_bound(value, start, end):
    assert parse_date_bound(value) == start
    assert parse_date_bound(value, end=True) == end


@pytest.mark.parametrize("value", ["yesterday", "25/10/2025", "2025-13", "2025-02-30", "2025-10-25T10:00", "20251025x"])
def test_parse_date_bound_rejects_bad_input(value):
    with pytest.raises(InputError) as info:
        parse_date_bound(value)
    assert value.strip() in info.value.message
    assert "YYYY" in info.value.hint


def test_engine_rejects_bad_date_filters(engine):
    with pytest.raises(InputError):
        engine.ask("What did Guterres say?", since="last week")
