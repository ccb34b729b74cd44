"""Text helpers shared by parsing, indexing and verification: normalisation, accent folding, tokens, sentences."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "nfc",
    "fold",
    "tokens",
    "lexical_terms",
    "content_terms",
    "split_sentences",
    "numbers_in",
    "STOPWORDS",
]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPECIAL_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})

STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now is are
    was were be been being have has had having do does did doing i me my we our you your he him his she her it its
    they them their what which who whom this that these those am would could also as said says say according per
    one two what's did does tell me please""".split()
)
_QUESTION_WORDS = frozenset("what which who whom whose when where why how did does do is are was were".split())


def nfc(text: str) -> str:
    """Unicode NFC normalisation (composed diacritics), the form every stored text uses."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip diacritics: ``"Lương Cường" -> "luong cuong"``, ``"Đà Nẵng" -> "da nang"``."""
    # lower-case and decompose first, so "Ð" and "Ǿ" reach the table as "ð" and "ø" + accent
    decomposed = unicodedata.normalize("NFD", text.lower()).translate(_SPECIAL_FOLD)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` as written (case kept)."""
    return _WORD.findall(text)


def lexical_terms(text: str) -> list[str]:
    """Index terms: the exact lower-cased word, its accent-folded form when different, and joined name pairs.

    Both forms are kept because folding alone is lossy in Vietnamese; adjacent capitalised words are also joined
    (``"Hà Nội" -> "hanoi"``, ``"Viet Nam" -> "vietnam"``) so spacing variants of names match.
    """
    words = tokens(text)
    terms: list[str] = []
    previous: str | None = None
    for word in words:
        lower = word.lower()
        folded = fold(word)
        terms.append(folded)
        if lower != folded:
            terms.append(lower)
        if previous is not None and word[:1].isupper() and previous[:1].isupper() and len(word) <= 6 and len(previous) <= 6:
            terms.append(fold(previous) + folded)
        previous = word
    return terms


def content_terms(text: str) -> set[str]:
    """Accent-folded content words of ``text`` (stop words and question words removed)."""
    out: set[str] = set()
    for word in tokens(text):
        folded = fold(word)
        if folded in STOPWORDS or folded in _QUESTION_WORDS:
            continue
        if len(folded) == 1 and not folded.isdigit():
            continue
        out.add(folded)
    return out


def numbers_in(text: str) -> set[str]:
    """Numbers written in ``text``, separators removed (``"1,500" -> "1500"``)."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt sen rep gov st no nos vs etc inc ltd corp co jr sr "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n e.g i.e a.m p.m dept est fig approx".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text`` (shifted by ``offset``), trimmed of surrounding white space.

    Line breaks always end a sentence. A full stop after a known abbreviation or a single initial does not.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        segment = line.group()
        cursor = 0
        for match in _BOUNDARY.finditer(segment):
            end = match.end()
            rest = segment[end:].lstrip()
            if not rest:
                continue
            if not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘(["):
                continue
            before = segment[cursor:match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if match.group().startswith(".") and (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            spans.append((start + cursor, start + end))
            cursor = end + (len(segment[end:]) - len(rest))
        spans.append((start + cursor, start + len(segment)))
    result = []
    for s, e in spans:
        piece = text[s:e]
        ls = len(piece) - len(piece.lstrip())
        rs = len(piece) - len(piece.rstrip())
        if e - rs > s + ls:
            result.append((offset + s + ls, offset + e - rs))
    return result
