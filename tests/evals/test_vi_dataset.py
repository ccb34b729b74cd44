"""The Vietnamese eval set over the seeds: both halves load, are disjoint, hold enough of every kind, and every fact
of an answerable question is found in its source articles (English wording) or declared as a rendering of one."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from evals.dataset import EvalItem, load_dataset
from evals.metrics import fact_present
from rag.text import fold

ROOT = Path(__file__).resolve().parents[2]
VI = ROOT / "evals" / "datasets" / "vi"
SEEDS = ROOT / "seeds"
HALVES = ("dev", "test")
KINDS = {"factoid", "list", "multi_article", "followup", "date", "no_diacritics", "unanswerable"}
REFERENCES = ("ông ấy", "bà ấy", " đó")  # a follow-up leans on the earlier turn: "ông ấy", "sự kiện đó"


def plain(text: str) -> bool:
    """Typed without diacritics."""
    return fold(text) == text.lower()


def rows(half: str) -> list[dict]:
    """Raw rows of one half (with the optional ``notes`` the loader does not keep)."""
    lines = (VI / f"{half}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def article(doc_id: str) -> str:
    return (SEEDS / doc_id).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def halves() -> dict[str, list[EvalItem]]:
    return {half: load_dataset(VI / f"{half}.jsonl") for half in HALVES}


def test_halves_are_disjoint_and_large_enough(halves):
    dev, test = ({i.id for i in halves[h]} for h in HALVES)
    assert not dev & test
    everything = [i for h in HALVES for i in halves[h]]
    assert len(everything) >= 64
    assert sum(not i.answerable for i in everything) >= 16
    assert 0.2 <= sum(plain(i.question) for i in everything) / len(everything) <= 0.35  # about one in four
    for half in HALVES:
        items = halves[half]
        assert len(items) >= 30, half
        assert sum(not i.answerable for i in items) >= 8, half
        assert sum(plain(i.question) for i in items) >= 6, half
        assert {i.kind for i in items} == KINDS, half


def test_questions_and_answers_are_vietnamese(halves):
    for item in (i for h in HALVES for i in halves[h]):
        assert not plain(item.answer), item.id  # reference answers are written in Vietnamese, with diacritics
        if item.kind == "no_diacritics":
            assert plain(item.question) and item.answerable, item.id
        if item.kind == "unanswerable":
            assert not item.answerable and not item.facts and not item.sources, item.id


def test_followups_carry_history_and_refer_back(halves):
    followups = [i for h in HALVES for i in halves[h] if i.kind == "followup" or i.history]
    assert len(followups) >= 8
    for item in followups:
        assert [m["role"] for m in item.history] == ["user", "assistant"], item.id
        assert not plain(item.history[0]["content"]), item.id
        assert any(ref in item.question.lower() for ref in REFERENCES), item.id


@pytest.mark.parametrize("half", HALVES)
def test_facts_are_in_the_source_articles(half):
    for row in rows(half):
        if not row["answerable"]:
            continue
        assert row["sources"] and all((SEEDS / s).is_file() for s in row["sources"]), row["id"]
        text = "\n".join(article(s) for s in row["sources"])
        renderings = row.get("notes", {}).get("renderings", {})
        used = set()
        for fact in row["facts"]:
            assert fact_present(text, fact), (row["id"], fact)  # an English-matchable alternative
            for alt in fact:
                if not fact_present(text, [alt]):
                    assert alt in renderings, (row["id"], alt)  # a declared rendering …
                    assert fact_present(text, [renderings[alt]]), (row["id"], alt)  # … of the article's wording
                    used.add(alt)
        assert set(renderings) == used, row["id"]


@pytest.mark.parametrize("half", HALVES)
def test_multi_article_questions_need_every_source(half):
    multi = [r for r in rows(half) if r["kind"] == "multi_article"]
    assert multi
    for row in multi:
        assert len(row["sources"]) >= 2, row["id"]
        for source in row["sources"]:
            assert any(fact_present(article(source), fact) for fact in row["facts"]), (row["id"], source)


def test_split_is_reproducible():
    spec = importlib.util.spec_from_file_location("vi_split", VI / "split.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dev, test = module.split(rows("dev") + rows("test"))
    assert (dev, test) == (rows("dev"), rows("test"))
