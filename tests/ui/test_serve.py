"""`rag serve` wiring without a browser: the UI mounted at / next to the HTTP API, --api-only, the fallback app."""
from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from rag import Settings

    return Settings.load(backend="extractive", data_dir=tmp_path_factory.mktemp("serve-index"), port=7999)


def test_ui_and_api_share_one_app(settings):
    from ui.app import create_server

    said: list[str] = []
    server, url, engine = create_server(settings, ingest_seeds=False, say=said.append)
    assert url == "http://127.0.0.1:7999/"
    client = TestClient(server.config.app)
    page = client.get("/")
    assert page.status_code == 200 and "gradio" in page.text.lower()
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_api_only(settings):
    from ui.app import create_server

    server, _, _ = create_server(settings, api_only=True, ingest_seeds=False, say=lambda _: None)
    client = TestClient(server.config.app)
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 404


def test_without_the_http_api_a_bare_app_serves_the_ui(settings, monkeypatch):
    import rag
    from ui.app import create_server

    monkeypatch.setattr(rag, "create_http_app", None, raising=False)
    said: list[str] = []
    server, _, _ = create_server(settings, ingest_seeds=False, say=said.append)
    assert any("no HTTP API" in line for line in said)
    client = TestClient(server.config.app)
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 404


def test_empty_index_is_filled_from_the_seeds(tmp_path):
    from rag import Settings
    from ui.app import create_server

    said: list[str] = []
    _, _, engine = create_server(Settings.load(backend="extractive", data_dir=tmp_path), api_only=True,
                                 say=said.append)
    assert len(engine.documents()) == 5
    assert "is empty: indexing" in said[0] and "5 added" in said[1]
