"""Stopping a reply that has started to loop.

Small models sometimes repeat themselves until the token limit ("… và Việt Nam đã đồng ý với các bên tiếp tục …,
và Việt Nam đã đồng ý với các bên tiếp tục …"): the rest of the reply is lost time (tens of seconds on a CPU) and
carries nothing new. A run of :data:`LOOP_WORDS` words said a second time is taken as the start of a loop: a one- or
two-sentence answer about news never says eight words twice in a row, in any language.
"""
from __future__ import annotations

import re
from typing import Iterator

from .citations import MARKER

__all__ = ["LOOP_WORDS", "loop_start", "until_loop", "without_loop"]

LOOP_WORDS = 8
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(rf"[.!?…](?:{MARKER.pattern})*")


def loop_start(text: str, n: int = LOOP_WORDS) -> int | None:
    """The offset in ``text`` where a run of ``n`` words (case-insensitive; punctuation and citation markers
    between them ignored) occurs for the second time, else None."""
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(text)]
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - n + 1):
        run = tuple(w for _, w in words[i:i + n])
        if run in seen:
            return words[i][0]
        seen.add(run)
    return None


def without_loop(text: str, n: int = LOOP_WORDS) -> str:
    """``text`` cut before its loop: after the last whole sentence (and its citation markers) that precedes the
    repetition, or at the repetition when no sentence ends before it."""
    start = loop_start(text, n)
    if start is None:
        return text
    head = text[:start]
    ends = list(_SENTENCE_END.finditer(head))
    return (head[:ends[-1].end()] if ends else head).rstrip()


def until_loop(pieces: Iterator[str], n: int = LOOP_WORDS) -> Iterator[str]:
    """The reply ``pieces`` until the text they make starts to loop; the generation is then closed (an HTTP
    stream is cancelled, so the server stops generating). Pass the joined text through :func:`without_loop`."""
    text = ""
    try:
        for piece in pieces:
            yield piece
            text += piece
            if loop_start(text[-4000:], n) is not None:
                return
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
