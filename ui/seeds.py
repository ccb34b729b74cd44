"""The bundled sample corpus: where ``seeds/`` and its eval questions are, and example questions for the chat."""
from __future__ import annotations

import json
from pathlib import Path

import rag

from .strings import DEFAULT, t

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


SEEDS_EXAMPLES_VI = (
    ("000_1aff578a148f58fe.txt", "Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ ở New York vào ngày nào?"),
    ("001_b510b4b12c9ffde5.txt", "Việt Nam là thành viên của bao nhiêu tổ chức quốc tế?"),
    ("003_a94dd13d440a1e40.txt", "Thủ tướng Phạm Minh Chính hội đàm với Tổng Thư ký LHQ ở đâu?"),
    ("004_6016a5adcce3c608.txt", "Tổng Bí thư Tô Lâm tiếp Tổng Thư ký LHQ tại Hà Nội vào ngày nào?"),
    ("004_6016a5adcce3c608.txt", "Tổng Bí thư Tô Lâm nói Việt Nam gia nhập Liên Hợp Quốc năm nào?"),
)
"""Vietnamese example questions over the seeds, each with the article that answers it (the engine answers them
from the English articles)."""


def example_questions(engine: rag.Engine, n: int = 4, lang: str = DEFAULT) -> list[str]:
    """Example questions for the loaded corpus in the interface language ``lang``: when the seeds are indexed, the
    seeds eval's first questions (in Vietnamese, :data:`SEEDS_EXAMPLES_VI`), else questions made from the newest
    article titles."""
    docs = engine.documents()
    indexed = {d.doc_id for d in docs}
    if lang == "vi":
        picked = [question for doc_id, question in SEEDS_EXAMPLES_VI if doc_id in indexed]
        return picked[:n] if len(picked) >= min(n, 2) else from_titles(docs, n, lang)
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
    return from_titles(docs, n, lang)


def from_titles(docs: list[rag.DocumentInfo], n: int, lang: str) -> list[str]:
    """Questions about the first ``n`` articles, made from their titles."""
    out = []
    for d in docs[:n]:
        words = d.title.rstrip("….").split()
        topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        out.append(t(lang, "examples.about", topic=topic))
    return out
