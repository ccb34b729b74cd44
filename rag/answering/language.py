"""Which language a question is written in: Vietnamese or English (the two the news questions come in).

Vietnamese is recognised by its own letters (ă â đ ê ô ơ ư and the tone marks on vowels) or, when typed without
diacritics, by its function words ("la", "cua", "nao", "bao nhieu" …) outnumbering English stop words. Names alone
do not decide: "When did Lương Cường meet Guterres?" is English with a Vietnamese name in it.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..text import STOPWORDS, fold, tokens

__all__ = ["VI", "EN", "FUNCTION_WORDS", "WRITTEN_FUNCTION_WORDS", "detect_language", "is_vietnamese",
           "written_in_vietnamese", "LANGUAGE_NAMES"]

VI = "vi"
EN = "en"
LANGUAGE_NAMES = {VI: "Vietnamese", EN: "English"}

# letters that only Vietnamese writes among the Latin-script languages of the news (base letters with a breve,
# circumflex or horn, and đ), and vowels with the tones Vietnamese puts on them (hook above, dot below)
_VI_LETTERS = frozenset("ăâđêôơư")
_VI_TONES = frozenset("\u0309\u0323")  # combining hook above, dot below
# common Vietnamese function and question words as written, and accent-folded (as typed without diacritics)
WRITTEN_FUNCTION_WORDS = frozenset(
    """là của nào gì bao nhiêu khi ở đâu những được như thế tại sao đã với cho trong này các một và về từ đến
    không có người ông bà năm ngày tháng nước theo sau trước ai hay để cũng đang sẽ bị ra vào lên nói mấy gặp kỳ
    nhiều""".split())
FUNCTION_WORDS = frozenset(fold(w) for w in WRITTEN_FUNCTION_WORDS)
_VI_PHRASES = ("bao nhieu", "khi nao", "o dau", "nhu the nao", "tai sao", "la gi", "la ai")
# folded Vietnamese words that are also English words: they count for neither side
_SHARED = frozenset("a an to do the on in me he we no so".split())


def _vietnamese_letters(text: str) -> int:
    """Words of ``text`` that hold a letter or tone mark only Vietnamese uses."""
    count = 0
    for word in tokens(text):
        lower = word.lower()
        decomposed = unicodedata.normalize("NFD", lower)
        if any(ch in _VI_LETTERS for ch in unicodedata.normalize("NFC", lower)) or any(ch in _VI_TONES for ch in decomposed):
            count += 1
    return count


def _name_words(words: list[str]) -> set[int]:
    """Indices of capitalised words that are not the first word: names, whatever their language."""
    return {i for i, w in enumerate(words) if i > 0 and w[:1].isupper()}


def detect_language(text: str) -> str:
    """``"vi"`` or ``"en"`` for a question; English when nothing points to Vietnamese.

    >>> detect_language("Tổng Bí thư Tô Lâm đã gặp ai?")
    'vi'
    >>> detect_language("Viet Nam gia nhap Lien Hop Quoc nam nao?")
    'vi'
    >>> detect_language("When did Lương Cường meet Guterres?")
    'en'
    >>> detect_language("Lê Hoài Trung gave the opening remarks at the event.")
    'en'
    """
    words = tokens(text)
    names = _name_words(words)
    common = [w for i, w in enumerate(words) if i not in names]
    english = sum(1 for w in common if fold(w) in STOPWORDS and fold(w) not in _SHARED)
    # a capitalised first word may be a name as well ("Lê Hoài Trung gave …"): its marks do not tell the language
    marked = _vietnamese_letters(" ".join(w for w in common if not w[:1].isupper()))
    if marked and marked >= english:
        return VI
    folded = [fold(w) for w in common]
    vietnamese = sum(1 for w in folded if w in FUNCTION_WORDS and w not in _SHARED)
    joined = " " + " ".join(folded) + " "
    vietnamese += sum(2 for phrase in _VI_PHRASES if f" {phrase} " in joined)
    return VI if vietnamese >= 2 and vietnamese > english else EN


def is_vietnamese(text: str) -> bool:
    """Is ``text`` a Vietnamese question (see :func:`detect_language`)?"""
    return detect_language(text) == VI


@lru_cache(maxsize=4096)
def written_in_vietnamese(text: str) -> bool:
    """Is an article's text (a passage) written in Vietnamese? Articles are written with their diacritics, so the
    letters of its common words decide (names are left out, as English news is dense with Vietnamese names): at
    least a tenth of the words not capitalised carry a letter or tone mark only Vietnamese uses (a fifth to a half
    of them in the paragraphs of evals/corpora/vi_news, none in those of the English corpora and seeds)."""
    common = [w for w in tokens(text) if not w[:1].isupper()]
    return bool(common) and _vietnamese_letters(" ".join(common)) >= 0.1 * len(common)
