"""Held-out eval datasets (evals/datasets/<name>/{dev,test}.jsonl over evals/corpora/<name>/) are consistent.

Each answerable question's facts are in its source articles, dev and test do not overlap, each half keeps enough
refusals, and every corpus article parses with a title. The checker itself is tested on small broken folders.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evals.dataset import load_dataset
from evals.datasets.check import CORPORA, DATASETS, check_folder, heldout_folders
from evals.datasets.split import split_folder

FOLDERS = heldout_folders()
KINDS = {"factoid", "date", "list", "multi_article", "followup", "unanswerable"}


def test_there_are_heldout_datasets_with_corpora():
    assert len(FOLDERS) >= 2, f"no held-out dataset folders with dev.jsonl and test.jsonl under {DATASETS}"
    for folder in FOLDERS:
        assert (CORPORA / folder.name / "README.md").is_file()


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_heldout_dataset_passes_every_check(folder: Path):
    assert check_folder(folder) == []


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_heldout_dataset_covers_every_kind(folder: Path):
    items = load_dataset(folder / "dev.jsonl") + load_dataset(folder / "test.jsonl")
    kinds = {i.kind for i in items}  # a set may add kinds of its own (vi_news: questions typed without diacritics)
    assert len(items) >= 60 and KINDS <= kinds
    assert sum(not i.answerable for i in items) >= 20
    assert all(len(i.sources) >= 2 for i in items if i.kind == "multi_article")
    assert all(i.history for i in items if i.kind == "followup")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_corpus_is_small(folder: Path):
    size = sum(p.stat().st_size for p in (CORPORA / folder.name).iterdir())
    assert size < 2_000_000


def _copy(folder: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "datasets" / folder.name
    shutil.copytree(folder, data)
    shutil.copytree(CORPORA / folder.name, tmp_path / "corpora" / folder.name)
    return data, tmp_path / "corpora"


def _rewrite(path: Path, change) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    path.write_text("".join(json.dumps(change(r)) + "\n" for r in rows), encoding="utf-8")


def test_checker_reports_a_fact_missing_from_its_sources(tmp_path: Path):
    data, corpora = _copy(FOLDERS[0], tmp_path)
    first = load_dataset(data / "all.jsonl")[0]
    _rewrite(data / "all.jsonl",
             lambda r: {**r, "facts": [["no such phrase anywhere"]]} if r["id"] == first.id else r)
    split_folder(data)
    problems = check_folder(data, corpora)
    assert problems == [f"{data.name}: {first.id}: fact ['no such phrase anywhere'] is in none of {first.sources}"]


def test_checker_reports_a_missing_source_and_halves_out_of_date(tmp_path: Path):
    data, corpora = _copy(FOLDERS[0], tmp_path)
    first = load_dataset(data / "all.jsonl")[0]
    _rewrite(data / "all.jsonl", lambda r: {**r, "sources": ["gone.txt"]} if r["id"] == first.id else r)
    problems = check_folder(data, corpora)
    assert f"{data.name}: {first.id}: sources not in the corpus: ['gone.txt']" in problems
    assert any("dev + test differ from all.jsonl" in p for p in problems)


def test_checker_reports_shared_questions_and_too_few_refusals(tmp_path: Path):
    data, corpora = _copy(FOLDERS[0], tmp_path)
    dev_question = load_dataset(data / "dev.jsonl")[0].question
    refusals = [i.id for i in load_dataset(data / "test.jsonl") if not i.answerable]
    rows = [json.loads(line) for line in (data / "test.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["answerable"] or r["id"] in refusals[:9]]
    rows[0]["question"] = dev_question
    (data / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems = check_folder(data, corpora)
    assert any("dev and test share questions" in p for p in problems)
    assert f"{data.name}: test.jsonl has 9 unanswerable questions (at least 10 needed)" in problems


def test_split_is_stratified_and_reproducible(tmp_path: Path):
    data, _ = _copy(FOLDERS[0], tmp_path)
    before = {h: (data / h).read_bytes() for h in ("dev.jsonl", "test.jsonl")}
    split_folder(data)
    assert {h: (data / h).read_bytes() for h in before} == before
    dev, test = load_dataset(data / "dev.jsonl"), load_dataset(data / "test.jsonl")
    for kind in KINDS:
        assert abs(sum(i.kind == kind for i in dev) - sum(i.kind == kind for i in test)) <= 1
