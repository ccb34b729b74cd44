"""Split the Vietnamese eval set into ``dev.jsonl`` and ``test.jsonl``.

The split is stratified by ``kind`` and by whether the question is typed without diacritics, and shuffled with a
fixed seed, so splitting the union of both halves again gives the same two files::

    python evals/datasets/vi/split.py                 # re-split dev.jsonl + test.jsonl in place
    python evals/datasets/vi/split.py all.jsonl       # split a full set into dev.jsonl and test.jsonl
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.dataset import parse_dataset
from rag import fold_text

HERE = Path(__file__).resolve().parent
DEV, TEST = HERE / "dev.jsonl", HERE / "test.jsonl"
SEED = 20251025

Row = dict[str, Any]


def without_diacritics(text: str) -> bool:
    """Is the text typed without Vietnamese diacritics ("Tong Bi thu To Lam da gap ai?")?"""
    return fold_text(text) == text.lower()


def read_rows(paths: list[Path]) -> list[Row]:
    """All rows of the given JSONL files, validated by the eval loader, in id order (notes kept)."""
    rows: list[Row] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        parse_dataset(text, where=str(path))
        rows.extend(json.loads(line) for line in text.splitlines() if line.strip())
    return sorted(rows, key=lambda row: row["id"])


def split(rows: list[Row], seed: int = SEED) -> tuple[list[Row], list[Row]]:
    """Dev and test halves: each stratum shuffled and halved; odd strata give their extra row to alternate halves."""
    strata: dict[tuple[str, bool], list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r["id"]):
        strata[(row["kind"], without_diacritics(row["question"]))].append(row)
    rng = random.Random(seed)
    dev: list[Row] = []
    test: list[Row] = []
    extra_to_dev = True
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        cut = len(group) // 2 + (len(group) % 2 if extra_to_dev else 0)
        if len(group) % 2:
            extra_to_dev = not extra_to_dev
        dev.extend(group[:cut])
        test.extend(group[cut:])
    return sorted(dev, key=lambda r: r["id"]), sorted(test, key=lambda r: r["id"])


def write_rows(path: Path, rows: list[Row]) -> None:
    """One JSON object per line, UTF-8, Vietnamese kept readable."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Split the given files (default: the current dev and test halves) and write both halves."""
    rows = read_rows([Path(a) for a in argv] or [DEV, TEST])
    dev, test = split(rows)
    write_rows(DEV, dev)
    write_rows(TEST, test)
    print(f"{len(rows)} questions: {len(dev)} in {DEV.name}, {len(test)} in {TEST.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
