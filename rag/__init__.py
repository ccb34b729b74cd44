"""rag: trustworthy question answering over news articles, with verified citations.

>>> from rag import Engine, Settings
>>> engine = Engine(Settings.load(backend="extractive"))          # doctest: +SKIP
>>> engine.ingest(["seeds/"])                                    # doctest: +SKIP
>>> answer = engine.ask("When did Luong Cuong meet Guterres?")     # doctest: +SKIP
>>> answer.text, [c.quote for c in answer.citations]             # doctest: +SKIP

Everything importable from here is the public API; modules are internal and may change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
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

# Light names are imported eagerly; the engine (chromadb, onnxruntime …) only when first used, so `rag --help`
# and `import rag` stay fast.
from .errors import (  # noqa: E402
    BackendError,
    BackendUnavailableError,
    BusyError,
    ConfigError,
    DocumentError,
    IndexNotReadyError,
    InputError,
    RagError,
    StoreError,
    StoreUnavailableError,
)
from .models import Answer, Citation, DocumentInfo, Passage, SentenceSupport  # noqa: E402

_LAZY = {
    "run_checks": ("doctor", "run_checks"),
    "Engine": ("engine", "Engine"),
    "StreamEvent": ("engine", "StreamEvent"),
    "Settings": ("config", "Settings"),
    "add_settings_arguments": ("flags", "add_settings_arguments"),
    "settings_from_args": ("config", "settings_from_args"),
    "IngestReport": ("index.news_index", "IngestReport"),
    "REFUSAL_TEXT": ("answering.answer", "REFUSAL_TEXT"),
    "UNSUPPORTED_MARKS": ("answering.generated", "UNSUPPORTED_MARKS"),
    "create_http_app": ("http.app", "create_http_app"),
    # the seams where other parts plug in (rag.testing has in-memory fakes of each)
    "ChatModel": ("llm.client", "ChatModel"),
    "VectorStore": ("index.store", "VectorStore"),
    "Embedder": ("index.embeddings", "Embedder"),
    "Reranker": ("retrieval.rerank", "Reranker"),
    # building blocks for the front ends (evals/, benchmarks/, ui/)
    "parse_article": ("ingest.articles", "parse_article"),
    "read_article_file": ("ingest.articles", "read_article_file"),
    "chunk_article": ("ingest.chunking", "chunk_article"),
    "fold_text": ("text", "fold"),
    "get_embedder": ("index.embeddings", "get_embedder"),
    "llamaindex_embedding": ("index.embeddings", "as_llamaindex"),
    "chat_client_for": ("llm.client", "chat_client_for"),
    "local_model_status": ("llm.local_server", "preset_status"),
    "is_refusal_text": ("answering.answer", "is_refusal_text"),
    "detect_language": ("answering.language", "detect_language"),
    "prompt_hash": ("answering.answer", "prompt_hash"),
    "INJECTION_WARNING": ("ingest.injection", "FLAG_WARNING"),
    "API_PREFIXES": ("http.app", "API_PREFIXES"),
    "secret_text": ("redact", "secret_text"),
    "cli_main": ("cli", "main"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .doctor import run_checks
    from .answering.answer import REFUSAL_TEXT
    from .answering.generated import UNSUPPORTED_MARKS
    from .config import Settings, settings_from_args
    from .flags import add_settings_arguments
    from .engine import Engine, StreamEvent
    from .http.app import create_http_app
    from .index.embeddings import Embedder
    from .index.news_index import IngestReport
    from .index.store import VectorStore
    from .llm.client import ChatModel
    from .retrieval.rerank import Reranker
    from .answering.answer import is_refusal_text, prompt_hash
    from .answering.language import detect_language
    from .cli import main as cli_main
    from .http.app import API_PREFIXES
    from .index.embeddings import as_llamaindex as llamaindex_embedding
    from .index.embeddings import get_embedder
    from .ingest.articles import parse_article, read_article_file
    from .ingest.chunking import chunk_article
    from .ingest.injection import FLAG_WARNING as INJECTION_WARNING
    from .llm.client import chat_client_for
    from .llm.local_server import preset_status as local_model_status
    from .redact import secret_text
    from .text import fold as fold_text


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rag' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
