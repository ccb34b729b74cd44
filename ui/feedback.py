"""Thumbs up/down and comments on answers, kept as JSON lines (no Gradio here)."""
from __future__ import annotations

import datetime as _dt
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import rag


class FeedbackLog:
    """Thumbs up/down (and comments) appended as JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def feedback_path(settings: rag.Settings) -> Path:
    return Path(settings.feedback_file) if settings.feedback_file else Path(settings.data_dir) / "feedback.jsonl"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def rating_of(liked: Any) -> str:
    """"up" or "down" from the chatbot's like event value (other values are kept as text)."""
    return "up" if liked in (True, "Like") else "down" if liked in (False, "Dislike") else str(liked)


def rating_record(turn: dict[str, Any], rating: str) -> dict[str, Any]:
    """The feedback line for a rating of one answered chat turn."""
    answer = turn["answer"]
    return {
        "id": uuid.uuid4().hex, "time": _now(),
        "event": "rating", "rating": rating, "comment": "", "question": turn["q"],
        "answer": answer.get("text", ""), "refused": answer.get("refused"), "backend": answer.get("backend"),
        "model": answer.get("model"),
        "citations": [{k: c.get(k) for k in ("number", "doc_id", "title", "start", "end", "quote")}
                      for c in answer.get("citations", [])],
    }


def comment_record(rating: dict[str, Any], comment: str) -> dict[str, Any]:
    """The feedback line for a comment sent after ``rating`` (the comment is capped at 4,000 characters)."""
    return {**rating, "event": "comment", "comment": comment[:4000], "time": _now()}
