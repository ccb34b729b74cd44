"""Shared helpers of the HTTP API tests: an engine over the seeds, and a real uvicorn server on 127.0.0.1."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Iterator

import httpx
from live_server import LiveServer
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
QUESTION = "When did Luong Cuong meet Guterres?"
GUTERRES_DOC = "000_1aff578a148f58fe.txt"


def seeded_engine(data_dir: Path, **overrides: Any):
    """An extractive engine over the five seed articles in ``data_dir`` (ignores the developer's rag.toml)."""
    from rag import Engine, Settings

    settings = Settings.load(**{"backend": "extractive", "data_dir": data_dir, **overrides})
    engine = Engine(settings)
    report = engine.ingest([SEEDS])
    assert not report.failed, report.failed
    return engine



    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, trust_env=False, timeout=60, **kwargs)


@contextlib.contextmanager
def serve(app: Any) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="package")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """One extractive engine over the seeds, shared by the API tests (tests that add documents remove them)."""
    return seeded_engine(tmp_path_factory.mktemp("api-index"))


def openai_client(base_url: str, api_key: str = "not-needed"):
    import openai

    return openai.OpenAI(base_url=f"{base_url}/v1", api_key=api_key, max_retries=0, timeout=60,
                         http_client=httpx.Client(trust_env=False))
