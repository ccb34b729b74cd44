"""Follow-up questions become standalone questions before retrieval.

With a language model: it rewrites the question from the conversation. Without one: a deterministic rewrite that
carries the named entities and key terms of the previous user turns when the question leans on them (pronouns,
"it", "that", very short questions).
"""
from __future__ import annotations

import re
from typing import Sequence

from ..text import content_terms, tokens

__all__ = ["asks_the_same", "condense_deterministic", "condense_messages", "needs_context", "carried_note"]

_REFERRING = re.compile(
    r"\b(he|she|him|her|his|hers|they|them|their|it|its|this|that|these|those|there|then|the same|the latter|"
    r"the former|the meeting|the event|the visit|the ceremony|the convention|the talks)\b",
    re.IGNORECASE,
)
# Vietnamese third-person pronouns ("ông ấy" he, "họ" they, "ông ta"), demonstratives ("đó", "này", "ấy", "kia":
# that / this) and "Còn …" opening a question ("Còn ông Guterres …?": and what about …); "ay" is "ấy" typed without
# accents (the other unaccented forms, "do", "nay", "ho", are everyday words of their own)
_REFERRING_VI = re.compile(
    r"(?<!\w)(?:họ|nó|ấy|ay|đó|đấy|này|kia|(?:ông|bà|anh|chị|cô) ta)(?!\w)|^\s*còn(?!\w)", re.IGNORECASE)
_GENERIC = frozenset("else more other another also".split())
# first words of a question that are not names: English, and Vietnamese question words ("Ai" who, "Khi nào" when)
_QUESTION_OPENERS = frozenset("what who when where why how which did does is was tell and the "
                              "ai khi tại vì bao có còn hãy cho".split())


# the words that say what is asked, English and Vietnamese ("ai" who, "gì" what, "nào" which, "đâu" where)
_QUESTION_WORDS = re.compile(r"(?<!\w)(who|whom|whose|what|which|when|where|why|how|ai|gì|nào|đâu|sao|bao)(?!\w)",
                             re.IGNORECASE)


def asks_the_same(question: str, rewritten: str) -> bool:
    """Does a model's standalone ``rewritten`` keep every question word of ``question``? A small model sometimes
    rewrites "And how was Kallis out?" as "Who was … dismissed by …?": another question."""
    def words(text: str) -> set[str]:
        return {w.lower() for w in _QUESTION_WORDS.findall(text)}

    return words(question) <= words(rewritten)


def needs_context(question: str) -> bool:
    """Does the question refer back to the conversation (in English or Vietnamese)?"""
    terms = content_terms(question) - _GENERIC
    return bool(_REFERRING.search(question) or _REFERRING_VI.search(question)) or len(terms) <= 2


def _entities(text: str) -> list[str]:
    """Names of people, places and organisations in ``text``, in order of appearance: runs of capitalised words, and
    the alias table's capitalised terms whole (a Vietnamese title capitalises only its first syllable: "Thủ
    tướng", "Tổng Thư ký", not "Thủ", "Tổng Thư"). A first word that only opens the sentence is not one: a question
    opener, or a glossary word before a word that is not capitalised ("Tháng 9/2025 …", the month)."""
    from .crosslingual import alias_spans
    from .gloss import glossary

    words = re.findall(r"\w+", text)
    if len(words) > 1 and words[0].lower() in glossary()[0] and not words[1][:1].isupper():
        text = text.replace(words[0], words[0].lower(), 1)
    terms = [(start, end) for start, end, _ in alias_spans(text) if text[start:start + 1].isupper()]
    runs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            runs.append(" ".join(current))
            current.clear()

    for i, m in enumerate(re.finditer(r"\w+(?:['’]\w+)*", text)):
        w = m.group()
        term = next(((s, e) for s, e in terms if s <= m.start() < e), None)
        if term is not None:
            close()
            if m.start() == term[0]:
                runs.append(text[term[0]:term[1]])
        elif w[:1].isupper() and not (i == 0 and w.lower() in _QUESTION_OPENERS):
            current.append(w)
        else:
            close()
    close()
    return list(dict.fromkeys(runs))


def condense_deterministic(question: str, history: Sequence[dict[str, str]]) -> str:
    """``question`` plus the entities/topic of the latest user turn(s) when it depends on them."""
    users = [m.get("content", "") for m in history if m.get("role") == "user" and m.get("content")]
    if not users or not needs_context(question):
        return question
    previous = users[-1]
    extra = _entities(previous)
    if not extra:
        extra = sorted(content_terms(previous))[:6]
    have = question.lower()
    additions = [e for e in extra if e.lower() not in have]
    if not additions:
        return question
    return f"{question.strip()} (about: {', '.join(additions)}; previous question: {previous.strip()})"


_CARRIED = re.compile(r" (\(about: [^;]*; previous question: .*\))$", re.S)


def carried_note(standalone: str) -> str | None:
    """The note :func:`condense_deterministic` adds to a follow-up ("(about: …; previous question: …)"), or None."""
    m = _CARRIED.search(standalone.strip())
    return m.group(1) if m else None


def condense_messages(question: str, history: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Prompt that asks a language model for a standalone rewrite of a follow-up question."""
    turns = "\n".join(f"{m['role']}: {m['content'][:400]}" for m in history[-6:] if m.get("content"))
    return [
        {"role": "system", "content": "Rewrite the user's last question as one standalone question that names "
                                      "the people, places and topic it refers to. Reply with the question only."},
        {"role": "user", "content": f"Conversation:\n{turns}\n\nLast question: {question}\nStandalone question:"},
    ]
