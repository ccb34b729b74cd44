"""Text helpers shared by parsing, indexing and verification: normalisation, accent folding, tokens, sentences."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "nfc",
    "fold",
    "name_written",
    "tokens",
    "lexical_terms",
    "content_terms",
    "split_sentences",
    "numbers_in",
    "model_text",
    "stem",
    "SPELLING_VARIANTS",
    "STOPWORDS",
    "NAME_SKIP",
    "capitalised_runs",
    "capitalised_words",
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
# capitalised words that are not names: a question's first word, an article or preposition in a title
NAME_SKIP = frozenset("i the a an in on at of and what who when where which how did does is was".split())


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


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    body = r"[\W_]{0,2}".join(re.escape(c) for c in name if c.isalnum())  # any spacing: "ha noi" / "hanoi"
    return re.compile(rf"(?<![^\W_]){body}")


def name_written(name: str, folded: str) -> bool:
    """Is the folded ``name`` written in the folded text at the start of a word, in any spacing ("hanoi" in "ha
    noi", "viet nam" in "vietnamese", "penn" in "pennsylvania": news clips names as often as it inflects them)?
    Never inside a word: "oman" is not in "woman", "mali" not in "somalia", "rome" not in "jerome"."""
    if not any(c.isalnum() for c in name):
        return False
    return _name_pattern(name).search(folded) is not None


# Spelling variants of place names that news writes several ways (official UN usage, local usage, older English
# forms), in folded form, mapped to the form English news and English models use most. Spacing variants of
# Vietnamese names ("Ha Noi" / "Hanoi") are the common case; accents are folded before matching.
SPELLING_VARIANTS: dict[str, str] = {
    "viet nam": "vietnam",
    "ha noi": "hanoi",
    "sai gon": "saigon",
    "danang": "da nang",
    "haiphong": "hai phong",
    "hcm city": "ho chi minh city",
    "hcmc": "ho chi minh city",
    "ha long": "halong",
    "lao pdr": "laos",
    "lao people's democratic republic": "laos",
    "turkiye": "turkey",
    "republic of korea": "south korea",
    "democratic people's republic of korea": "north korea",
    "dprk": "north korea",
    "russian federation": "russia",
    "cote d'ivoire": "ivory coast",
    "czechia": "czech republic",
    "kiev": "kyiv",
    "timor-leste": "east timor",
}
_VARIANT_PATTERN = re.compile(
    r"(?<![\w'’])(" + "|".join(re.escape(v).replace("'", "['’]").replace("\\ ", r"\s+")
                                  for v in sorted(SPELLING_VARIANTS, key=len, reverse=True)) + r")(?![\w'’])")
_VARIANT_TOKENS: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}


def _canonical(match: re.Match[str]) -> str:
    key = re.sub(r"\s+", " ", match.group(1)).replace("’", "'")
    return SPELLING_VARIANTS[key]


@lru_cache(maxsize=8192)
def model_text(text: str) -> str:
    """What an uncased English model should read: accent-folded, lower-case, one spelling per place name.

    The packaged embedder and cross-encoder lower-case and strip accents themselves, but they see "viet nam" and
    "vietnam" as different words; this maps spelling variants (:data:`SPELLING_VARIANTS`) to one form so that a
    question spelled one way finds an article spelled the other way. ``đ`` folds to ``d`` (the models' own
    normaliser would keep it as an unknown character).
    """
    return _VARIANT_PATTERN.sub(_canonical, fold(text))


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` as written (case kept)."""
    return _WORD.findall(text)


def lexical_terms(text: str) -> list[str]:
    """Index terms: the stem of the accent-folded word, the exact lower-cased word when accents make it differ, and
    joined name pairs.

    Stemming lets "join" find "joined"; both the folded and the exact form are kept because folding alone is lossy
    in Vietnamese; adjacent capitalised words are also joined
    (``"Hà Nội" -> "hanoi"``) so spacing variants of names match, and known spelling variants of place names
    (:data:`SPELLING_VARIANTS`) become their one canonical form (``"Việt Nam"`` and ``"Viet Nam"`` -> ``"vietnam"``),
    so a question spelled one way weighs every article the same whichever way it is spelled.
    """
    words = tokens(text)
    terms: list[str] = []
    previous: str | None = None
    i = 0
    while i < len(words):
        variant = _variant_at(words, i)
        if variant is not None:
            length, canonical = variant
            terms.extend(stem(term) for term in canonical)
            i += length
            previous = None
            continue
        word = words[i]
        lower = word.lower()
        folded = fold(word)
        terms.append(stem(folded))
        if lower != folded:
            terms.append(lower)
        if previous is not None and word[:1].isupper() and previous[:1].isupper() and len(word) <= 6 and len(previous) <= 6:
            terms.append(stem(fold(previous) + folded))
        previous = word
        i += 1
    return terms


_stemmer = None


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """English Snowball stem of a folded word (``"joined" -> "join"``, ``"elections" -> "elect"``); numbers and
    words with digits stay as they are."""
    global _stemmer
    if not word.isalpha():
        return word
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    return _stemmer.stemWord(word)


def _variant_table() -> dict[str, list[tuple[tuple[str, ...], list[str]]]]:
    """Spelling variants as word tuples, grouped by their first word."""
    if not _VARIANT_TOKENS:
        for variant, canonical in SPELLING_VARIANTS.items():
            key = tuple(_WORD.findall(variant))
            _VARIANT_TOKENS.setdefault(key[0], []).append((key, _WORD.findall(canonical)))
    return _VARIANT_TOKENS


def _variant_at(words: list[str], i: int) -> tuple[int, list[str]] | None:
    """``(number of words, canonical terms)`` when a spelling variant starts at ``words[i]``."""
    candidates = _variant_table().get(fold(words[i]).replace("’", "'"))
    if not candidates:
        return None
    for key, canonical in candidates:
        if len(key) == 1 or tuple(fold(w).replace("’", "'") for w in words[i:i + len(key)]) == key:
            return len(key), canonical
    return None


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
    # Vietnamese: "TP. Hồ Chí Minh" (city), titles before a name ("PGS.TS Nguyễn", "ThS. Trần"); not "TS.", which
    # also abbreviates "thí sinh" (candidates) at the end of a sentence
    + "tp ths th.s pgs gs pgs.ts gs.ts nsnd nsưt".split()
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


def capitalised_words(words: list[str] | tuple[str, ...], skip: frozenset[str]) -> list[str]:
    """What counts as a name: the capitalised words after the first, longer than one letter, whose folded form is
    not in ``skip`` ("Guterres", "Hanoi" in "When did Guterres visit Hanoi?")."""
    return [w for i, w in enumerate(words) if i > 0 and w[:1].isupper() and len(w) > 1 and fold(w) not in skip]


def capitalised_runs(text: str, words: list[str] | None = None) -> list[list[str]]:
    """Runs of capitalised words of ``text`` written next to each other ("UN General Assembly"); a first word in
    :data:`NAME_SKIP` ("What", "The") starts none. ``words``: ``tokens(text)`` when already at hand."""
    runs: list[list[str]] = []
    for i, w in enumerate(tokens(text) if words is None else words):
        capital = w[:1].isupper() and (i > 0 or fold(w) not in NAME_SKIP)
        if capital and runs and runs[-1] and text.find(runs[-1][-1] + " " + w) >= 0:
            runs[-1].append(w)
        elif capital:
            runs.append([w])
    return runs
