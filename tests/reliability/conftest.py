"""Fixtures of the reliability tests: a seed index built once per session (copied for every test that changes
an index), and the ``--load-seconds`` option of the load test (``make loadtest`` passes 60)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from .helpers import SEEDS, copy_index, engine_for  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability")
    group.addoption("--load-seconds", type=float, default=8.0,
                    help="how long the load test runs (default 8; `make loadtest` uses 60)")
    group.addoption("--load-clients", type=int, default=8, help="concurrent clients of the load test (default 8)")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """The data folder of an extractive bge-small index of the five seeds, built once; never written to after."""
    data_dir = tmp_path_factory.mktemp("reliability-seeds")
    engine = engine_for(data_dir)
    report = engine.ingest([SEEDS])
    assert len(report.added) == 5 and not report.failed, report.failed
    return data_dir


@pytest.fixture
def seed_copy(seed_index, tmp_path):
    """A factory of private copies of the seed index: ``seed_copy(name)`` -> data folder."""

    def make(name: str = "index"):
        target = tmp_path / name
        copy_index(seed_index, target)
        return target

    return make
