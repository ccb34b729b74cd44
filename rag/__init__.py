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
    "ChatModel",
    "VectorStore",
    "Embedder",
    "Reranker",
    "create_http_app",
    "run_checks",
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
    "create_http_app": ("http.app", "create_http_app"),
    # the seams where other parts plug in (rag.testing has in-memory fakes of each)
    "ChatModel": ("llm.client", "ChatModel"),
    "VectorStore": ("index.store", "VectorStore"),
    "Embedder": ("index.embeddings", "Embedder"),
    "Reranker": ("retrieval.rerank", "Reranker"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .doctor import run_checks
    from .answering.answer import REFUSAL_TEXT
    from .config import Settings, settings_from_args
    from .flags import add_settings_arguments
    from .engine import Engine, StreamEvent
    from .http.app import create_http_app
    from .index.embeddings import Embedder
    from .index.news_index import IngestReport
    from .index.store import VectorStore
    from .llm.client import ChatModel
    from .retrieval.rerank import Reranker


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
