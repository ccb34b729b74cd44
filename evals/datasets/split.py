"""Split a held-out dataset's ``all.jsonl`` into ``dev.jsonl`` and ``test.jsonl``, stratified by kind.

Each kind's questions are shuffled with a fixed seed and dealt into two halves; when a kind has an odd count the
extra question goes to whichever half is smaller so far, so the halves stay within one question of each other.
Run ``python -m evals.datasets.split evals/datasets/<name>`` after editing ``all.jsonl``.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from evals.dataset import EvalItem, load_dataset

SEED = 20240601
SOURCE = "all.jsonl"
HALVES = ("dev.jsonl", "test.jsonl")


def split_items(items: list[EvalItem], seed: int = SEED) -> tuple[list[EvalItem], list[EvalItem]]:
    """Deal each kind's shuffled items into two halves; both keep the order of the full file."""
    by_kind: dict[str, list[EvalItem]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    rng = random.Random(seed)
    dev_ids: set[str] = set()
    dev_count = test_count = 0
    for kind in sorted(by_kind):
        group = sorted(by_kind[kind], key=lambda i: i.id)
        rng.shuffle(group)
        take = len(group) // 2 + (len(group) % 2 if dev_count <= test_count else 0)
        dev_ids.update(i.id for i in group[:take])
        dev_count += take
        test_count += len(group) - take
    dev = [i for i in items if i.id in dev_ids]
    test = [i for i in items if i.id not in dev_ids]
    return dev, test


def _jsonl(items: list[EvalItem]) -> str:
    return "".join(json.dumps(i.to_dict(), ensure_ascii=False) + "\n" for i in items)


def split_folder(folder: Path, seed: int = SEED) -> tuple[int, int]:
    """Write ``dev.jsonl`` and ``test.jsonl`` beside ``all.jsonl``; returns the sizes of the two halves."""
    dev, test = split_items(load_dataset(folder / SOURCE), seed)
    for name, half in zip(HALVES, (dev, test)):
        (folder / name).write_text(_jsonl(half), encoding="utf-8")
    return len(dev), len(test)


def main(argv: list[str]) -> int:
    """Split every folder named on the command line."""
    if not argv:
        print("usage: python -m evals.datasets.split evals/datasets/<name> [...]", file=sys.stderr)
        return 2
    for arg in argv:
        dev, test = split_folder(Path(arg))
        print(f"{arg}: dev {dev}, test {test}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
