"""The word-by-word English gloss of a Vietnamese question's common words: what the English cross-encoder and
lexical index read besides the alias table's names and terms."""
from __future__ import annotations

import pytest

from rag.retrieval.crosslingual import english_rendering
from rag.retrieval.gloss import GLOSSARY_FILE, glossary


@pytest.mark.parametrize("question, rendering", [
    # common words in English, grammatical markers dropped, the alias table's terms as before
    ("Tổng Bí thư Tô Lâm đã gặp Tổng Thư ký LHQ ở đâu?",
     "general secretary Tô Lâm met Secretary-General United Nations where?"),
    ("Cảnh sát đã bắt giữ bao nhiêu người?", "police arrested how many people?"),
    # typed without diacritics: matched accent-folded
    ("Canh sat da bat giu bao nhieu nguoi?", "police arrested how many people?"),
    # classifiers carry no word ("trận lũ" is a flood, not a match); regions are the alias table's
    ("Bao nhiêu người chết trong trận lũ ở miền Trung?", "how many people died in flood in central region?"),
])
def test_common_words_are_rendered_in_english(question, rendering):
    assert english_rendering(question) == rendering


@pytest.mark.parametrize("question, name", [
    ("Lương Cường là ai?", "Lương Cường"),  # "lương" is a wage, "Lương" a family name
    ("Ông Trần Văn Nam đã nói gì?", "Trần Văn Nam"),  # "nam" is south (and a year, "năm")
    ("Guterres du kien tham Viet Nam khi nao?", "Guterres"),  # a name opening the question keeps its capital
])
def test_names_are_never_glossed(question, name):
    assert name in english_rendering(question)


def test_a_capital_that_only_opens_the_question_is_glossed():
    assert english_rendering("Khi gặp Thủ tướng, ông Guterres nói gì?") == "when met prime minister, Guterres said what?"


def test_every_glossary_line_is_a_vietnamese_form_and_an_english_gloss():
    exact, folded = glossary()
    assert len(exact) > 300 and set(exact.values()) == set(folded.values()) | set(exact.values())
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            vietnamese, english = line.split("\t")
            assert vietnamese.strip() and vietnamese == vietnamese.lower(), line
            assert not english.strip() or english.isascii(), line
