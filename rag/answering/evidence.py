"""Evidence first: the model picks the numbered sentences that answer the question (or none) before it writes.

One call, in JSON-schema-constrained output: ``{"evidence": [3, 7], "answer": "… [3]"}``. The sentence numbers can
only be ones shown (the schema enumerates them), so every citation points at an exact sentence of an article; the
probability the model gives to an empty list at the point where it chooses is the answerability score
(:func:`none_probability`), read from the token probabilities the server returns. A question is refused when that
score is high, whatever its wording: no question-shape rule is involved.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Generator, Mapping, Sequence

from ..ingest.injection import WITHHELD, overlaps
from ..models import Passage
from .prompt import SYSTEM_PROMPT, excerpt_spans

__all__ = ["EvidencePrompt", "EvidenceReply", "AnswerFieldReader", "evidence_prompt", "parse_reply",
           "none_probability", "passage_marked", "stream_evidence", "MAX_EVIDENCE", "TOP_LOGPROBS"]

MAX_EVIDENCE = 4
TOP_LOGPROBS = 10  # alternatives asked for at each token: enough to hold "]" and the likely first numbers
_INSTRUCTION = (
    'Reply in JSON. "evidence": the numbers of the sentences that state the answer to the question, or an empty '
    'list when none of them does. "answer": the answer in one or two sentences written only from those sentences, '
    'each followed by the numbers it comes from, like [2]; empty when the evidence list is empty.'
)
_EVIDENCE_OPEN = re.compile(r'"evidence"\s*:\s*\[\s*(\S)')
# small models sometimes end a sentence with "(None)", their reading of "no further numbers"
_NONE_NOTE = re.compile(r"\s*[(\[]\s*none\s*[)\]]", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")


@dataclass(frozen=True)
class NumberedSentence:
    """A sentence shown to the model under a number: its passage (0-based index) and article offsets."""

    passage: int
    start: int
    end: int


@dataclass
class EvidencePrompt:
    """The messages, the JSON schema of the reply and what each sentence number points at (number n is
    ``sentences[n - 1]``)."""

    messages: list[dict[str, str]]
    schema: dict[str, Any]
    sentences: list[NumberedSentence]

    @property
    def response_format(self) -> dict[str, Any]:
        """The OpenAI ``response_format`` that constrains the reply to :attr:`schema`."""
        return {"type": "json_schema", "json_schema": {"name": "cited_answer", "strict": True, "schema": self.schema}}


@dataclass
class EvidenceReply:
    """The parsed reply: chosen sentence numbers (valid ones only), the answer text, the "none" probability."""

    evidence: list[int]
    answer: str
    none_probability: float | None = None
    invalid: list[int] = field(default_factory=list)


def evidence_prompt(question: str, passages: Sequence[Passage], language: str | None = None, *,
                    match: str | None = None, closeness: Mapping[str, float] | None = None) -> EvidencePrompt:
    """Numbered sentences of ``passages`` grouped by article (title and date above them), the question and the
    instruction; the sentences shown are chosen as in :func:`.prompt.build_messages` (``match``, ``closeness``).
    Sentences that read as instructions are shown as a placeholder without a number: they can never be chosen as
    evidence. A sentence shared by overlapping passages is shown once."""
    lines: list[str] = []
    numbered: list[NumberedSentence] = []
    shown: set[tuple[str, int]] = set()
    for i, p in enumerate(passages):
        spans = excerpt_spans(p, match or question, shown=frozenset(shown), closeness=closeness)
        shown.update((p.doc_id, s) for s, _ in spans)
        when = f" ({p.date})" if p.date else ""
        lines.append(f"Article: {p.title}{when}")
        for s, e in spans:
            if overlaps(s, e, p.flags):
                lines.append(WITHHELD)
                continue
            numbered.append(NumberedSentence(i, s, e))
            text = " ".join(p.text_at(s, e).split()).replace("[", "(").replace("]", ")")
            lines.append(f"[{len(numbered)}] {text}")
        lines.append("")
    lang = f" Write the answer in {language}." if language else ""
    user = f"Question: {question.strip()}\n\nSentences:\n" + "\n".join(lines) + f"\n{_INSTRUCTION}{lang}"
    messages = [{"role": "system", "content": SYSTEM_PROMPT.replace("excerpts", "sentences")},
                {"role": "user", "content": user}]
    return EvidencePrompt(messages, _schema(len(numbered)), numbered)


def _schema(n: int) -> dict[str, Any]:
    """The reply's JSON schema: at most :data:`MAX_EVIDENCE` sentence numbers out of 1..n, then the answer."""
    return {
        "type": "object",
        "properties": {
            "evidence": {"type": "array", "items": {"type": "integer", "enum": list(range(1, n + 1)) or [1]},
                         "maxItems": MAX_EVIDENCE},
            "answer": {"type": "string", "maxLength": 600},
        },
        "required": ["evidence", "answer"],
        "additionalProperties": False,
    }


def parse_reply(text: str, n_sentences: int) -> EvidenceReply:
    """The reply's evidence and answer; a reply that is not (complete) JSON is read as far as it goes: the answer
    field up to where it stops, the evidence numbers that were written."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        raw = data.get("evidence")
        numbers = [x for x in raw if isinstance(x, int)] if isinstance(raw, list) else []
        answer = data.get("answer") if isinstance(data.get("answer"), str) else ""
    else:
        found = re.search(r'"evidence"\s*:\s*\[([^\]]*)', text)
        numbers = [int(x) for x in re.findall(r"\d+", found.group(1))] if found else []
        reader = AnswerFieldReader()
        answer = reader.feed(text)
    answer = _NONE_NOTE.sub("", answer)
    valid = list(dict.fromkeys(n for n in numbers if 1 <= n <= n_sentences))
    invalid = [n for n in numbers if not 1 <= n <= n_sentences]
    return EvidenceReply(valid, answer.strip(), invalid=invalid)


def none_probability(pieces: Sequence[Any]) -> float | None:
    """The probability the model gave to an empty evidence list, at the token where it chose between ``]`` and a
    first sentence number, normalised over those two choices (the server reports probabilities before the schema
    constrains them). ``pieces`` are the reply's tokens, each a str with ``alternatives``: ``(token, logprob)``
    pairs. None when the server sent no probabilities."""
    before = ""
    for piece in pieces:
        text = str(piece)
        if _EVIDENCE_OPEN.search(before + text) and not _EVIDENCE_OPEN.search(before):
            alternatives = getattr(piece, "alternatives", ()) or ()
            if not alternatives:
                return None
            none = some = 0.0
            for token, logprob in alternatives:
                chosen = _EVIDENCE_OPEN.search(before + token)
                if chosen is None:
                    continue
                if chosen.group(1) == "]":
                    none += math.exp(logprob)
                elif chosen.group(1).isdigit():
                    some += math.exp(logprob)
            if none + some == 0.0:
                return 1.0 if _EVIDENCE_OPEN.search(before + text).group(1) == "]" else 0.0
            return none / (none + some)
        before += text
    return None


def passage_marked(answer: str, reply: EvidenceReply, sentences: Sequence[NumberedSentence]) -> str:
    """The answer with its sentence-number markers turned into passage markers (``[3]`` → ``[1]`` when sentence 3
    is in passage 1), the form the verifier reads. Numbers that were never shown are dropped; an answer without any
    marker cites the passages of its chosen evidence."""
    def to_passages(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        cited = list(dict.fromkeys(sentences[n - 1].passage + 1 for n in numbers if 1 <= n <= len(sentences)))
        return "".join(f"[{c}]" for c in cited)

    if _MARKER.search(answer):
        return _MARKER.sub(to_passages, answer)
    cited = list(dict.fromkeys(sentences[n - 1].passage + 1 for n in reply.evidence))
    if not cited:
        return answer
    marks = "".join(f"[{c}]" for c in cited)
    body = answer.rstrip()
    return f"{body[:-1]} {marks}{body[-1]}" if body[-1:] in ".!?" else f"{body} {marks}"


class AnswerFieldReader:
    """Reads the ``answer`` string of a JSON reply as it streams in: :meth:`feed` returns the newly decoded text."""

    def __init__(self) -> None:
        self._raw = ""
        self._emitted = 0
        self._done = False

    def feed(self, piece: str) -> str:
        """Add ``piece`` of the reply; the answer text decoded since the last call ("" before the field starts)."""
        self._raw += piece
        if self._done:
            return ""
        start = re.search(r'"answer"\s*:\s*"', self._raw)
        if start is None:
            return ""
        body = self._raw[start.end():]
        end, i = len(body), 0
        while i < len(body):
            if body[i] == "\\":
                if i + 1 >= len(body) or (body[i + 1] == "u" and i + 6 > len(body)):
                    end = i  # an escape not complete yet
                    break
                i += 6 if body[i + 1] == "u" else 2
                continue
            if body[i] == '"':
                end, self._done = i, True
                break
            i += 1
        try:
            text = json.loads(f'"{body[:end]}"')
        except ValueError:
            return ""
        new = text[self._emitted:]
        self._emitted = len(text)
        return new


def stream_evidence(client: Any, prompt: EvidencePrompt, deadline: Any = None) -> Generator[str, None, EvidenceReply]:
    """Ask ``client`` (a :class:`~rag.llm.client.ChatModel`) for the evidence-first reply; yields the answer text as
    it is written and returns the parsed :class:`EvidenceReply` with its "none" probability."""
    reader = AnswerFieldReader()
    pieces: list[str] = []
    for piece in client.stream(prompt.messages, deadline=deadline, response_format=prompt.response_format,
                               top_logprobs=TOP_LOGPROBS):
        pieces.append(piece)
        if text := reader.feed(piece):
            yield text
    reply = parse_reply("".join(pieces), len(prompt.sentences))
    reply.none_probability = none_probability(pieces)
    return reply
