"""Bounds of what goes in and out: a question checked (text, length, visible characters), and an answer as front
ends get it (passages, quotes and sentences cut to ``max_passage_chars``)."""
from __future__ import annotations

import re
from dataclasses import replace

from ..errors import InputError
from ..ingest.articles import has_visible_text
from ..models import Answer, Passage
from ..text import nfc

__all__ = ["capped", "clean_question", "valid_text", "ELLIPSIS"]

ELLIPSIS = "…"  # ends a passage or quote cut to Settings.max_passage_chars in answers


def capped(answer: Answer, limit: int) -> Answer:
    """``answer`` with every passage text, citation quote and answer sentence longer than ``limit`` cut to ``limit``
    characters (ending in an ellipsis); offsets are kept, so ``start``/``end`` still point at the whole span in the
    article. (Only an index built without the chunk bound holds such passages.)"""
    text = answer.text
    for sentence in answer.sentences:
        if len(sentence.text) > limit:
            text = text.replace(sentence.text, _cut(sentence.text, limit))
    return replace(
        answer,
        text=text,
        sentences=[replace(s, text=_cut(s.text, limit)) if len(s.text) > limit else s for s in answer.sentences],
        passages=[_capped_passage(p, limit) for p in answer.passages],
        related=[_capped_passage(p, limit) for p in answer.related],
        citations=[replace(c, quote=_cut(c.quote, limit)) if len(c.quote) > limit else c for c in answer.citations],
    )


def _capped_passage(passage: Passage, limit: int) -> Passage:
    return replace(passage, text=_cut(passage.text, limit)) if len(passage.text) > limit else passage


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + ELLIPSIS


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def valid_text(text: object) -> str:
    """History text as valid Unicode (lone surrogates become "?"), so it can be tokenised."""
    return text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else ""


def clean_question(question: str, limit: int) -> str:
    """``question`` without control characters, NFC-normalised; an :class:`InputError` when it is not text, empty,
    longer than ``limit`` characters or not valid Unicode."""
    if not isinstance(question, str):
        raise InputError("The question must be text.", hint="Pass a string.")
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise InputError("The question is empty.", hint="Type a question about the articles.")
    if len(cleaned) > limit:
        raise InputError(f"Your question is {len(cleaned):,} characters long; the limit is {limit:,}.",
                         hint="Shorten it.")
    if not has_visible_text(cleaned):  # only zero-width or other invisible characters
        raise InputError("The question is empty.", hint="Type a question about the articles.")
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("The question is not valid Unicode text (it holds a lone surrogate).",
                         hint="Send the question as UTF-8 text.") from None
    return nfc(cleaned)  # composed, as the articles are: "Tứ" typed with combining marks is the same word


