"""Named datasets: ``NAME:HALF`` (``lee_abc:test``, ``vi:dev``) -> the dataset file and the articles it is over.

``NAME:HALF`` is ``evals/datasets/NAME/HALF.jsonl``; its corpus is ``evals/corpora/NAME/`` (its article files; the
folder's README.md describes the corpus and is not an article), or ``seeds/`` when the dataset has no corpus folder
of its own. Anything else is a file path, used as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rag import InputError

__all__ = ["NamedDataset", "resolve_dataset", "is_named", "DATASETS_DIR", "CORPORA_DIR", "SEEDS_DIR"]

_ROOT = Path(__file__).resolve().parents[1]
DATASETS_DIR = _ROOT / "evals" / "datasets"
CORPORA_DIR = _ROOT / "evals" / "corpora"
SEEDS_DIR = _ROOT / "seeds"
_NOT_ARTICLES = {"readme.md"}


@dataclass(frozen=True)
class NamedDataset:
    """A dataset file and the article paths (files or folders) to index for it."""

    path: Path
    corpus: list[Path]


def is_named(value: str) -> bool:
    """``"lee_abc:test"`` is a name; ``"evals/datasets/seeds.jsonl"`` and ``"C:/x.jsonl"`` are paths."""
    name, sep, half = value.partition(":")
    return bool(sep) and bool(name) and bool(half) and not any(c in value for c in "/\\.")


def _choices() -> str:
    names = sorted(f"{d.name}:{f.stem}" for d in DATASETS_DIR.iterdir() if d.is_dir() for f in d.glob("*.jsonl"))
    return ", ".join(names)


def corpus_articles(folder: Path) -> list[Path]:
    """The article files of a corpus folder, in name order (its README.md is left out)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.name.lower() not in _NOT_ARTICLES)


def resolve_dataset(value: str) -> NamedDataset:
    """``NAME:HALF`` -> :class:`NamedDataset`; raises :class:`rag.InputError` for an unknown name or half."""
    name, _, half = value.partition(":")
    path = DATASETS_DIR / name / f"{half}.jsonl"
    if not path.is_file():
        raise InputError(f"No dataset {value!r} (looked for {path}).",
                         hint=f"Use NAME:HALF, one of: {_choices()}; or pass a JSONL file path.")
    folder = CORPORA_DIR / name
    corpus = corpus_articles(folder) if folder.is_dir() else [SEEDS_DIR]
    return NamedDataset(path=path, corpus=corpus)
