"""The bundled sample corpus: where ``seeds/`` and its eval questions are, and example questions for the chat."""
from __future__ import annotations

import json
from pathlib import Path

import rag

REPO_ROOT = Path(__file__).resolve().parents[1]


def seeds_dir() -> Path | None:
    """``./seeds`` when present, else the repository's ``seeds/``."""
    for candidate in (Path.cwd() / "seeds", REPO_ROOT / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def seeds_dataset() -> Path | None:
    for candidate in (Path.cwd() / "evals/datasets/seeds.jsonl", REPO_ROOT / "evals/datasets/seeds.jsonl"):
        if candidate.is_file():
            return candidate
    return None


def example_questions(engine: rag.Engine, n: int = 4) -> list[str]:
    """Example questions for the loaded corpus: the seeds eval's first questions when the seeds are indexed,
    else questions made from the newest article titles."""
    docs = engine.documents()
    indexed = {d.doc_id for d in docs}
    dataset = seeds_dataset()
    picked: list[str] = []
    if dataset and indexed:
        used_sources: set[str] = set()
        try:
            for line in dataset.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                sources = set(item.get("sources") or [])
                if not item.get("answerable", True) or item.get("history") or not sources or not sources <= indexed:
                    continue
                if sources & used_sources:  # one question per article
                    continue
                used_sources |= sources
                picked.append(item["question"])
                if len(picked) >= n:
                    break
        except (OSError, ValueError, KeyError):
            picked = []
    if len(picked) >= min(n, 2):
        return picked[:n]
    out = []
    for d in docs[:n]:
        words = d.title.rstrip("….").split()
        topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        out.append(f"What do the articles say about: {topic}?")
    return out
