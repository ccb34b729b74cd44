"""The public API of ``rag``: exactly these names, all importable, and a light ``import rag``."""
from __future__ import annotations

import json
import subprocess
import sys

import rag

PUBLIC = [
    "Engine",
    "StreamEvent",
    "Settings",
    "add_settings_arguments",
    "settings_from_args",
    "Answer",
    "Citation",
    "Passage",
    "SentenceSupport",
    "DocumentInfo",
    "IngestReport",
    "RagError",
    "ConfigError",
    "InputError",
    "DocumentError",
    "StoreError",
    "IndexNotReadyError",
    "StoreUnavailableError",
    "BackendError",
    "BackendUnavailableError",
    "BusyError",
    "REFUSAL_TEXT",
    "UNSUPPORTED_MARKS",
    "ChatModel",
    "VectorStore",
    "Embedder",
    "Reranker",
    "create_http_app",
    "run_checks",
    "parse_article",
    "read_article_file",
    "chunk_article",
    "fold_text",
    "get_embedder",
    "llamaindex_embedding",
    "chat_client_for",
    "local_model_status",
    "is_refusal_text",
    "detect_language",
    "prompt_hash",
    "INJECTION_WARNING",
    "API_PREFIXES",
    "secret_text",
    "cli_main",
    "__version__",
]

ERROR_CODES = {
    "RagError": "rag_error",
    "ConfigError": "config_error",
    "InputError": "invalid_input",
    "DocumentError": "invalid_document",
    "StoreError": "index_error",
    "IndexNotReadyError": "index_not_ready",
    "StoreUnavailableError": "store_unavailable",
    "BackendError": "backend_error",
    "BackendUnavailableError": "backend_unavailable",
    "BusyError": "busy",
}


def test_all_is_pinned():
    assert rag.__all__ == PUBLIC
    assert dir(rag) == sorted(PUBLIC)


def test_every_public_name_is_importable():
    for name in PUBLIC:
        assert getattr(rag, name) is not None, name
    namespace: dict = {}
    exec(f"from rag import {', '.join(PUBLIC)}", namespace)
    assert all(name in namespace for name in PUBLIC)
    assert rag.REFUSAL_TEXT == "The articles don't say."
    assert rag.UNSUPPORTED_MARKS == ("*(unsupported)*", "*(không có căn cứ)*")
    assert rag.Engine.__module__ == "rag.engine" and rag.Settings.__module__ == "rag.config"


def test_error_tree_and_codes():
    for name, code in ERROR_CODES.items():
        cls = getattr(rag, name)
        assert issubclass(cls, rag.RagError) and cls.code == code
        err = cls("Something failed.", hint="Do this.")
        assert (err.message, err.hint, str(err)) == ("Something failed.", "Do this.", "Something failed. Do this.")
    assert issubclass(rag.DocumentError, rag.InputError)
    assert issubclass(rag.IndexNotReadyError, rag.StoreError) and issubclass(rag.StoreUnavailableError, rag.StoreError)
    assert issubclass(rag.BackendUnavailableError, rag.BackendError)


def test_import_rag_is_light():
    code = (
        "import json, sys\n"
        "import rag\n"
        "rag.Settings, rag.Answer, rag.Citation, rag.RagError, rag.REFUSAL_TEXT\n"
        "rag.ChatModel, rag.VectorStore, rag.Embedder, rag.Reranker\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(out.stdout))
    assert "rag" in loaded
    heavy = {"gradio", "chromadb", "onnxruntime", "llama_index", "xllamacpp", "bm25s", "fastapi", "uvicorn"}
    assert not loaded & heavy, loaded & heavy


def test_the_shipped_parts_and_the_fakes_fit_the_seams(engine):
    """Every seam Protocol is met by the part the engine ships with and by its in-memory fake (and not by a part
    of another seam)."""
    from rag.llm.client import ChatClient
    from rag.testing import FakeChatModel, FakeReranker, HashEmbedder, InMemoryStore

    assert isinstance(engine.index.store, rag.VectorStore) and isinstance(InMemoryStore(), rag.VectorStore)
    assert isinstance(engine.index.embedder, rag.Embedder) and isinstance(HashEmbedder(), rag.Embedder)
    assert isinstance(FakeReranker(), rag.Reranker) and isinstance(FakeChatModel(), rag.ChatModel)
    assert isinstance(ChatClient("http://127.0.0.1:9/v1", "m"), rag.ChatModel)
    assert not isinstance(InMemoryStore(), rag.Embedder) and not isinstance(HashEmbedder(), rag.VectorStore)
    assert not isinstance(FakeReranker(), rag.ChatModel)


def test_unknown_attribute():
    try:
        rag.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("rag.NoSuchThing should not exist")


def test_settings_flags_override_the_environment(monkeypatch, tmp_path):
    """defaults < RAG_* env < CLI flags, for the optional LLM check as for the reranker."""
    import argparse

    monkeypatch.chdir(tmp_path)  # no rag.toml here
    parser = argparse.ArgumentParser()
    rag.add_settings_arguments(parser)
    assert rag.settings_from_args(parser.parse_args([])).llm_check is False
    monkeypatch.setenv("RAG_LLM_CHECK", "true")
    monkeypatch.setenv("RAG_RERANK", "true")
    assert rag.settings_from_args(parser.parse_args([])).llm_check is True
    settings = rag.settings_from_args(parser.parse_args(["--llm-check", "--no-rerank"]))
    assert settings.llm_check is True and settings.rerank is False


def _internal_imports(path) -> list[str]:
    """``file:line module`` for each ``import rag.<sub>`` / ``from rag.<sub> import`` in a source file."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [f"{path}:{node.lineno} {m}" for m in modules
                  if m.startswith("rag.") and m != "rag.testing" and not m.startswith("rag.testing.")]
    return found


def test_front_ends_use_only_the_public_api():
    """evals/, benchmarks/ and ui/ import from ``rag`` itself (``rag.testing`` is the documented test seam)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [p for folder in ("evals", "benchmarks", "ui") for p in sorted((root / folder).rglob("*.py"))]
    assert len(sources) > 10, sources
    offenders = [hit for p in sources for hit in _internal_imports(p)]
    assert offenders == [], "use names from rag.__all__ instead:\n" + "\n".join(offenders)
