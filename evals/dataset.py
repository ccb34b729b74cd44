"""Eval datasets: JSON Lines, one question per line.

``{"id", "question", "answer", "facts": [[alternatives…], …], "sources": [doc ids], "answerable": bool,
"kind": str, "history": [{"role", "content"}] (optional)}``

* ``facts``: a fact is present when any of its alternatives appears in the answer (case- and accent-insensitive);
* ``sources``: the articles that hold the answer; retrieving any one of them is a hit;
* ``answerable: false``: the system must refuse (``facts`` and ``sources`` are then empty);
* ``history``: earlier turns, which make the question a follow-up;
* ``kind``: a free tag used for breakdowns in the report.

A malformed dataset raises :class:`rag.InputError` naming the file, the line number and the field.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag import InputError

__all__ = ["EvalItem", "load_dataset", "parse_dataset", "dataset_hash", "FIELDS"]

FIELDS = ("id", "question", "answer", "facts", "sources", "answerable", "kind", "history")
_OPTIONAL = ("history", "notes", "meta")


@dataclass(frozen=True)
class EvalItem:
    """One dataset question."""

    id: str
    question: str
    answer: str
    facts: list[list[str]]
    sources: list[str]
    answerable: bool
    kind: str
    history: list[dict[str, str]] = field(default_factory=list)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in FIELDS}
        if not self.history:
            data.pop("history")
        return data


def _fail(where: str, line: int, field_name: str | None, problem: str) -> InputError:
    target = f"field {field_name!r}: " if field_name else ""
    return InputError(f"{where}, line {line}: {target}{problem}",
                      hint="Each line must be one JSON object: {\"id\", \"question\", \"answer\", \"facts\": "
                           "[[alternatives…]], \"sources\": [doc ids], \"answerable\": true|false, \"kind\", "
                           "\"history\" (optional)}.")


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def parse_dataset(text: str, where: str = "dataset") -> list[EvalItem]:
    """Parse and validate dataset text (JSON Lines); blank lines are skipped."""
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _fail(where, number, None, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise _fail(where, number, None, f"expected a JSON object, got {type(row).__name__}")
        for name in FIELDS:
            if name not in row and name not in _OPTIONAL:
                raise _fail(where, number, name, "missing")
        unknown = sorted(set(row) - set(FIELDS) - set(_OPTIONAL))
        if unknown:
            raise _fail(where, number, unknown[0], f"unknown field (allowed: {', '.join(FIELDS + _OPTIONAL[1:])})")
        for name in ("id", "question", "kind"):
            if not isinstance(row[name], str) or not row[name].strip():
                raise _fail(where, number, name, "must be a non-empty string")
        if not isinstance(row["answer"], str):
            raise _fail(where, number, "answer", "must be a string (the reference answer)")
        if not isinstance(row["answerable"], bool):
            raise _fail(where, number, "answerable", "must be true or false")
        facts = row["facts"]
        if not isinstance(facts, list) or not all(_is_str_list(f) and f for f in facts):
            raise _fail(where, number, "facts", "must be a list of non-empty lists of non-empty strings, "
                                                 "e.g. [[\"120\", \"one hundred twenty\"], [\"UNODC\"]]")
        if not _is_str_list(row["sources"]):
            raise _fail(where, number, "sources", "must be a list of document ids (strings)")
        if not row["answerable"]:
            if facts:
                raise _fail(where, number, "facts", "must be empty when answerable is false")
            if row["sources"]:
                raise _fail(where, number, "sources", "must be empty when answerable is false")
        history = row.get("history") or []
        if not isinstance(history, list) or not all(
                isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
                for m in history):
            raise _fail(where, number, "history", "must be a list of {\"role\": \"user\"|\"assistant\", "
                                                   "\"content\": str}")
        if row["id"] in seen:
            raise _fail(where, number, "id", f"duplicate id {row['id']!r} (first on line {seen[row['id']]})")
        seen[row["id"]] = number
        items.append(EvalItem(id=row["id"], question=row["question"], answer=row["answer"],
                              facts=[list(f) for f in facts], sources=list(row["sources"]),
                              answerable=row["answerable"], kind=row["kind"], history=list(history), line=number))
    if not items:
        raise InputError(f"{where}: the dataset has no questions.", hint="Add one JSON object per line.")
    return items


def load_dataset(path: str | Path) -> list[EvalItem]:
    """Read and validate a dataset file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Dataset {path} does not exist.", hint="Pass --dataset evals/datasets/seeds.jsonl or "
                                                                 "another JSONL file.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"Dataset {path} is not UTF-8 text (byte {exc.start}).", hint="Save it as UTF-8.") from exc
    return parse_dataset(text, where=str(path))


def dataset_hash(path: str | Path) -> str:
    """sha256 of the dataset file's bytes (first 16 hex digits)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
