"""Fixtures of the core library tests: one extractive engine over the five seeds for the whole session, and
cheap private copies of its index for tests that change the index."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from .helpers import SEED_CHUNKS, SEED_IDS, SEEDS, copy_index, core_settings  # noqa: E402


@pytest.fixture(scope="session")
def seed_articles():
    """doc id -> parsed :class:`rag.models.Article` of every seed file."""
    from rag.ingest.articles import parse_article, read_article_file

    return {p.name: parse_article(p.name, read_article_file(p)) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """(data dir, ingest report) of an index built once from the seeds. Never written to after this."""
    from rag import Engine

    data_dir = tmp_path_factory.mktemp("seed-index")
    engine = Engine(core_settings(data_dir))
    report = engine.ingest([SEEDS])
    assert not report.failed, report.failed
    return data_dir, report, engine


@pytest.fixture(scope="session")
def engine(seed_index):
    """The shared, read-only extractive engine over the seeds (do not ingest or delete through it)."""
    return seed_index[2]


@pytest.fixture
def fresh_engine(seed_index, tmp_path):
    """A factory of extractive engines over a private copy of the seed index (changes stay in the copy)."""
    from rag import Engine

    counter = iter(range(1000))

    def make(**overrides):
        data_dir = tmp_path / f"index{next(counter)}"
        copy_index(seed_index[0], data_dir)
        eng = Engine(core_settings(data_dir, **overrides))
        if eng.index.store.count() != SEED_CHUNKS:  # the copy was not usable: build it for real
            eng.ingest([SEEDS], sync=True)
        assert sorted(eng.index.records()) == sorted(SEED_IDS)
        return eng

    return make


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of the seeds folder that a test may edit."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for p in SEEDS.glob("*.txt"):
        (folder / p.name).write_bytes(p.read_bytes())
    return folder
