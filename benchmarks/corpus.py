"""Benchmark corpora: the five seed articles plus deterministic synthetic news, sized in *our* chunks.

``benchmarks.synthetic`` estimates chunks at ~600 characters each; the engine's sentence chunker (about 120 tokens
with a one-sentence overlap) cuts about twice as many. A benchmark "size" is the number of chunks the engine will
actually index, so corpora are cut by running the engine's own parser and chunker over the generated articles.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from . import synthetic

__all__ = ["ROOT", "SEEDS_DIR", "DATASET", "parse_size", "size_label", "count_chunks", "build_corpus",
           "load_questions"]

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
DATASET = ROOT / "evals" / "datasets" / "seeds.jsonl"
CORPUS_FORMAT = 1


def parse_size(text: str) -> int:
    """``"1k"`` -> 1000, ``"100k"`` -> 100000, ``"2500"`` -> 2500, ``"1m"`` -> 1000000."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 1k, 10k, 100k or 2500)")
    value = float(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()]
    if value < 1:
        raise ValueError(f"size must be at least 1: {text!r}")
    return int(value)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def count_chunks(doc_id: str, text: str, chunk_tokens: int = 120, overlap: int = 1) -> int:
    """How many chunks the engine cuts from one article (0 when it would reject the article)."""
    from rag import DocumentError, chunk_article, parse_article

    try:
        article = parse_article(doc_id, text)
    except DocumentError:
        return 0
    return len(chunk_article(article, chunk_tokens=chunk_tokens, overlap_sentences=overlap))


def _seed_files() -> list[Path]:
    return sorted(p for p in SEEDS_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def build_corpus(folder: Path, *, chunks: int | None = None, articles: int | None = None, seed: int = 0,
                 with_seeds: bool = True, chunk_tokens: int = 120, overlap: int = 1) -> dict:
    """Write the seeds plus synthetic articles into ``folder`` until the engine would index ``chunks`` chunks
    (or exactly ``articles`` synthetic articles). Reuses ``folder`` when its manifest matches. Returns the manifest.
    """
    key = {"format": CORPUS_FORMAT, "chunks": chunks, "articles": articles, "seed": seed, "with_seeds": with_seeds,
           "chunk_tokens": chunk_tokens, "overlap": overlap}
    manifest_path = folder / ".manifest.json"
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text())
            if manifest.get("key") == key:
                return manifest
        except (OSError, ValueError):
            pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    total_chunks = 0
    n_seed = 0
    if with_seeds:
        for p in _seed_files():
            shutil.copyfile(p, folder / p.name)
            total_chunks += count_chunks(p.name, p.read_text(encoding="utf-8"), chunk_tokens, overlap)
            n_seed += 1
    n_syn = 0
    if articles is not None or chunks is None or total_chunks < chunks:
        limit = articles if articles is not None else 10**9
        for name, text in synthetic.iter_articles(limit, seed):
            if articles is None and chunks is not None and total_chunks >= chunks:
                break
            (folder / name).write_bytes(text.encode("utf-8"))
            total_chunks += count_chunks(name, text, chunk_tokens, overlap)
            n_syn += 1
    manifest = {"key": key, "articles": n_seed + n_syn, "seed_articles": n_seed, "synthetic_articles": n_syn,
                "chunks": total_chunks, "bytes": sum(p.stat().st_size for p in folder.iterdir() if p.is_file())}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def load_questions(path: Path = DATASET, *, answerable_only: bool = False, single_turn: bool = True) -> list[dict]:
    """The eval dataset's questions as dicts (``id``, ``question``, ``facts``, ``sources``, ``answerable``)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if single_turn:
        rows = [r for r in rows if not r.get("history")]
    if answerable_only:
        rows = [r for r in rows if r.get("answerable")]
    return rows
