"""Checks of the held-out datasets ``evals/datasets/<name>/{all,dev,test}.jsonl`` against ``evals/corpora/<name>/``.

* every file loads with :func:`evals.dataset.load_dataset`; ``dev`` and ``test`` together are exactly ``all``;
* ``dev`` and ``test`` share no id and no question, and each holds at least ``MIN_UNANSWERABLE`` refusals;
* every source is a file of the corpus, and each fact of an answerable question appears (case-, accent- and
  word-boundary-aware, as the eval metric reads answers) in at least one of its source articles;
* :func:`rag.parse_article` gives every corpus file a non-empty title.

Run ``python -m evals.datasets.check``: it prints each problem and exits 1 when there is one.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from evals.dataset import EvalItem, load_dataset
from evals.datasets.split import HALVES, SOURCE
from evals.metrics import fact_present
from rag import parse_article, read_article_file

DATASETS = Path(__file__).resolve().parent
CORPORA = DATASETS.parent / "corpora"
MIN_UNANSWERABLE = 10


def heldout_folders(root: Path = DATASETS) -> list[Path]:
    """The dataset folders that hold a dev/test split over a corpus of their own in ``evals/corpora/<name>/``
    (a split over the seeds, such as ``vi/``, is checked by its own test)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and all((p / h).is_file() for h in HALVES)
                  and (root.parent / "corpora" / p.name).is_dir())


def corpus_texts(corpus: Path) -> dict[str, str]:
    """Doc id (file name) → text of every article of a corpus folder."""
    return {p.name: read_article_file(p) for p in sorted(corpus.glob("*.txt"))}


def source_problems(items: list[EvalItem], texts: dict[str, str]) -> list[str]:
    """Sources missing from the corpus, and facts that none of an item's sources contains."""
    problems = []
    for item in items:
        missing = [s for s in item.sources if s not in texts]
        if missing:
            problems.append(f"{item.id}: sources not in the corpus: {missing}")
            continue
        for fact in item.facts:
            if not any(fact_present(texts[s], fact) for s in item.sources):
                problems.append(f"{item.id}: fact {fact} is in none of {item.sources}")
    return problems


def _key(item: EvalItem) -> str:
    return json.dumps(item.to_dict(), sort_keys=True, ensure_ascii=False)


def split_problems(full: list[EvalItem], dev: list[EvalItem], test: list[EvalItem]) -> list[str]:
    """Overlap between the halves, halves that do not add up to the full set, too few refusals in a half."""
    problems = []
    shared_ids = {i.id for i in dev} & {i.id for i in test}
    if shared_ids:
        problems.append(f"dev and test share ids {sorted(shared_ids)}")
    shared_questions = {i.question.strip().casefold() for i in dev} & {i.question.strip().casefold() for i in test}
    if shared_questions:
        problems.append(f"dev and test share questions {sorted(shared_questions)}")
    if sorted(map(_key, dev + test)) != sorted(map(_key, full)):
        problems.append(f"dev + test differ from {SOURCE}: run python -m evals.datasets.split on the folder")
    for name, half in zip(HALVES, (dev, test)):
        refusals = sum(not i.answerable for i in half)
        if refusals < MIN_UNANSWERABLE:
            problems.append(f"{name} has {refusals} unanswerable questions (at least {MIN_UNANSWERABLE} needed)")
    return problems


def title_problems(texts: dict[str, str]) -> list[str]:
    """Corpus files that parse without a title."""
    return [f"{doc_id}: parsed with an empty title" for doc_id, text in texts.items()
            if not (parse_article(doc_id, text).title or "").strip()]


def check_folder(folder: Path, corpora: Path = CORPORA) -> list[str]:
    """Every problem of one held-out dataset folder and its corpus, each prefixed with the folder name."""
    corpus = corpora / folder.name
    if not corpus.is_dir():
        return [f"{folder.name}: no corpus folder {corpus}"]
    texts = corpus_texts(corpus)
    full = load_dataset(folder / SOURCE)
    dev, test = (load_dataset(folder / h) for h in HALVES)
    problems = source_problems(full, texts) + split_problems(full, dev, test) + title_problems(texts)
    return [f"{folder.name}: {p}" for p in problems]


def main() -> int:
    """Check every held-out folder; print the problems."""
    problems = [p for folder in heldout_folders() for p in check_folder(folder)]
    for problem in problems:
        print(problem)
    print(f"{len(heldout_folders())} held-out datasets, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
