"""A word-by-word English gloss of the common Vietnamese words of a question (``rag/data/glossary_vi_en.tsv``).

The English cross-encoder and lexical index read a Vietnamese question through its English rendering
(:func:`rag.retrieval.crosslingual.english_rendering`). The alias table renders its names and news terms; this gloss
renders the words around them ("đã gặp" -> "met", "ở đâu" -> "where", "những" -> nothing), so that the rendering
carries what the question asks instead of Vietnamese words the English models cannot read. It keeps the Vietnamese
word order: no translation, only the question's words in English.

Names are never glossed: entries match lower-case words only (a question's first word is lower-cased when it is a
glossary word followed by a lower-case word, "Khi gặp …" but not "Lương Cường …"). A question typed without
diacritics is matched accent-folded ("gap" -> "met").
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..text import fold

__all__ = ["GLOSSARY_FILE", "glossary", "gloss", "has_diacritics", "lower_first_word"]

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "data" / "glossary_vi_en.tsv"

_VIETNAMESE_MARKS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                               re.IGNORECASE)
_FIRST_WORDS = re.compile(r"^(\s*)(\w+)(?=\s+[^\W\d_])")


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[str, str], dict[str, str]]:
    """(Vietnamese word -> English gloss, the same keyed by folded form) from :data:`GLOSSARY_FILE`; an empty gloss
    drops the word. The first line giving a form wins."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        vietnamese, english = line.split("\t")
        for form in (v.strip().lower() for v in vietnamese.split("|")):
            if form:
                exact.setdefault(form, english.strip())
                folded.setdefault(fold(form), english.strip())
    return exact, folded


@lru_cache(maxsize=2)
def _pattern(accented: bool) -> re.Pattern[str]:
    keys = sorted(glossary()[0 if accented else 1], key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys) + r")(?!\w)")


def has_diacritics(text: str) -> bool:
    """Is ``text`` written with Vietnamese diacritics (else it is matched accent-folded)?"""
    return bool(_VIETNAMESE_MARKS.search(text))


def gloss(text: str, accented: bool) -> str:
    """``text`` with every glossary word in English (``accented``: the question is written with diacritics)."""
    table = glossary()[0 if accented else 1]

    def english(m: re.Match[str]) -> str:
        return table[re.sub(r"\s+", " ", m.group(1))]

    return re.sub(r" {2,}", " ", _pattern(accented).sub(english, text))


def lower_first_word(text: str, accented: bool) -> str:
    """``text`` with its first word lower-cased when a glossary entry starts with it and a lower-case word follows
    it (a capital that only opens the sentence, not a name)."""
    m = _FIRST_WORDS.match(text)
    if not m or not text[m.end():].lstrip()[:1].islower():
        return text
    lowered = text[:m.start(2)] + m.group(2).lower() + text[m.end(2):]
    return lowered if _pattern(accented).match(lowered, m.start(2)) else text
