"""Constants and small helpers shared by the core library tests."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

D000 = "000_1aff578a148f58fe.txt"  # Lao Dong: Luong Cuong meets Guterres in New York (no date line)
D001 = "001_b510b4b12c9ffde5.txt"  # VNS: Lương Cường holds talks with Guterres in Hà Nội (undated)
D002 = "002_1290f50ef9d82a23.txt"  # VNS, 2025-09-23: New York meeting + Hà Nội Convention signing opening
D003 = "003_a94dd13d440a1e40.txt"  # VNS, 2025-10-25: PM Phạm Minh Chính meets Guterres
D004 = "004_6016a5adcce3c608.txt"  # VNA, 2025-10-26: General Secretary To Lam receives Guterres
SEED_IDS = (D000, D001, D002, D003, D004)
SEED_CHUNKS = 82  # chunks of the five seeds with the default chunking settings

QUESTION = "When did Luong Cuong meet Guterres in New York?"


def core_settings(data_dir: Path, **overrides: Any):
    """Settings for the tests: extractive, packaged bge-small embedder, reranking on (the shipped defaults)."""
    from rag import Settings

    values = {"data_dir": data_dir, "backend": "extractive", "embedder": "bge-small", "rerank": True}
    values.update(overrides)
    return Settings.load(**values)


def one_passage(text: str, doc_id: str = "a.txt", start: int = 0) -> Any:
    """A :class:`rag.models.Passage` holding ``text`` (an article of its own, untitled, undated), sentences split."""
    from rag.models import Passage
    from rag.text import split_sentences

    return Passage(chunk_id=f"{doc_id}#{start}", doc_id=doc_id, text=text, start=start, end=start + len(text),
                   title="", date=None, source_url=None, agency=None, sentences=split_sentences(text, start))


def copy_index(source: Path, target: Path) -> None:
    """Copy a quiescent index folder (Chroma + lexical cache) so a test can change it freely."""
    shutil.copytree(source, target, dirs_exist_ok=True)


# A numbered passage starts a line with "[n]"; whatever follows on the line (title, date) is the engine's business.
_PASSAGE_MARK = re.compile(r"^\[(\d+)\]", re.MULTILINE)


def user_prompt(request: dict) -> str:
    """The user message of a chat request recorded by FakeOpenAIServer."""
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


def passages_block(request: dict) -> str:
    """The part of the answer prompt that holds the numbered passages (from the first "[1]" line on)."""
    text = user_prompt(request)
    first = _PASSAGE_MARK.search(text)
    assert first, text[:300]
    return text[first.start():]


def sent_passages(request: dict) -> dict[int, str]:
    """Passage number -> what the engine sent under that number (the last one may carry trailing prompt text)."""
    text = user_prompt(request)
    marks = list(_PASSAGE_MARK.finditer(text))
    assert marks, text[:300]
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return {int(m.group(1)): text[m.end():end] for m, end in zip(marks, ends)}


def number_of(request: dict, needle: str) -> int:
    """The number of the first sent passage containing ``needle``."""
    for number, text in sent_passages(request).items():
        if needle in text:
            return number
    raise AssertionError(f"no passage sent contains {needle!r}")


def neutral(text: str) -> str:
    """Article text as the prompt shows it: square brackets turned into parentheses."""
    return text.replace("[", "(").replace("]", ")")


def markers_in_order(text: str) -> list[int]:
    """Citation numbers of an answer text in order of first appearance."""
    seen: list[int] = []
    for m in re.finditer(r"\[(\d+)\]", text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def assert_citations_consistent(engine: Any, answer: Any) -> None:
    """Citations are numbered 1..n in order of first use, and every quote is the exact article span."""
    numbers = [c.number for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert markers_in_order(answer.text) == numbers
    for c in answer.citations:
        full_text, info = engine.article(c.doc_id)
        assert c.quote == full_text[c.start:c.end]
        assert c.quote.strip() and c.start < c.end
        assert info.title == c.title and info.date == c.date
