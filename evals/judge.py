"""Optional LLM-judged faithfulness and correctness (only with a language-model backend).

The judge is the engine's own OpenAI-compatible client (``rag.llm.client.chat_client_for``). Each verdict is asked as
JSON ``{"score": 1-5, "reason": "..."}`` and rescaled to 0..1; replies that cannot be parsed are counted as parse
failures and left out of the averages (never turned into numbers). Verdicts are cached on disk (JSON Lines) by
(metric, question, answer, judge model), so re-running a report does not call the model again.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

__all__ = ["Judge", "Verdict", "parse_verdict", "JUDGE_METRICS"]

JUDGE_METRICS = ("judge_faithfulness", "judge_correctness")

_SYSTEM = ("You are a strict evaluator of answers produced by a question-answering system over news articles. "
           "Reply with one JSON object only: {\"score\": <integer 1-5>, \"reason\": \"<one short sentence>\"}.")
_FAITHFUL = ("Rate how FAITHFUL the answer is to the sources: 5 = every statement is stated in the sources, "
             "1 = mostly unsupported or contradicted. Ignore whether the answer is complete.\n\n"
             "Sources:\n{evidence}\n\nQuestion: {question}\n\nAnswer: {answer}\n\nJSON verdict:")
_CORRECT = ("Rate how CORRECT the answer is compared with the reference answer: 5 = same meaning and all key "
            "facts, 3 = partly correct, 1 = wrong or missing. Ignore citation markers like [1].\n\n"
            "Question: {question}\n\nReference answer: {reference}\n\nAnswer: {answer}\n\nJSON verdict:")


@dataclass
class Verdict:
    """A judged value in 0..1, or None with ``error`` ("parse" or a backend message)."""

    score: float | None
    raw: str
    error: str | None = None
    cached: bool = False


def parse_verdict(raw: str) -> float | None:
    """Score 1-5 from a judge reply (a JSON object, else ``score: N``), rescaled to 0..1; None when unparseable.

    >>> parse_verdict('{"score": 4, "reason": "ok"}')
    0.75
    >>> parse_verdict("I think it is good") is None
    True
    """
    value: Any = None
    match = re.search(r"\{.*?\}", raw, re.DOTALL)
    if match:
        try:
            value = json.loads(match.group()).get("score")
        except (json.JSONDecodeError, AttributeError):
            value = None
    if value is None:
        m = re.search(r"\bscore\W{0,3}\s*([1-5](?:\.\d+)?)\b", raw, re.IGNORECASE)
        value = m.group(1) if m else None
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    if not 1 <= score <= 5:
        return None
    return round((score - 1) / 4, 4)


class Judge:
    """Asks the language model for verdicts; keeps a disk cache."""

    def __init__(self, client: Any, cache_file: str | Path | None) -> None:
        self.client = client
        self.model = getattr(client, "model", "") or ""
        self.cache_file = Path(cache_file) if cache_file else None
        self._cache: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        if self.cache_file and self.cache_file.is_file():
            for line in self.cache_file.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    self._cache[entry["key"]] = entry
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue

    def key(self, metric: str, question: str, answer: str) -> str:
        return hashlib.sha256(json.dumps([metric, question, answer, self.model]).encode()).hexdigest()

    def _ask(self, metric: str, question: str, answer: str, prompt: str) -> Verdict:
        key = self.key(metric, question, answer)
        if key in self._cache:
            raw = self._cache[key]["raw"]
            score = parse_verdict(raw)
            return Verdict(score, raw, None if score is not None else "parse", cached=True)
        from rag import RagError

        try:
            raw = self.client.complete([{"role": "system", "content": _SYSTEM}, {"role": "user", "content": prompt}],
                                       max_tokens=120)
        except RagError as exc:
            return Verdict(None, "", f"backend: {exc.message}")
        entry = {"key": key, "metric": metric, "model": self.model, "question": question, "answer": answer,
                 "raw": raw}
        with self._lock:
            self._cache[key] = entry
            if self.cache_file:
                self.cache_file.parent.mkdir(parents=True, exist_ok=True)
                with self.cache_file.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        score = parse_verdict(raw)
        return Verdict(score, raw, None if score is not None else "parse")

    def faithfulness(self, question: str, answer: str, evidence: Sequence[str]) -> Verdict:
        blocks = "\n\n".join(f"[{i}] {text}" for i, text in enumerate(evidence, start=1)) or "(none)"
        return self._ask("faithfulness", question, answer,
                         _FAITHFUL.format(evidence=blocks, question=question, answer=answer))

    def correctness(self, question: str, answer: str, reference: str) -> Verdict:
        return self._ask("correctness", question, answer,
                         _CORRECT.format(question=question, reference=reference, answer=answer))
