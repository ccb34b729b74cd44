"""In-memory fakes of the engine's seams: chat model, vector store, embedder, reranker, and an engine over them."""
from __future__ import annotations

import hashlib
import threading
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from .replies import DEFAULT_REPLY, split_pieces

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Engine
    from ..models import Article, Chunk

__all__ = ["FakeChatModel", "InMemoryStore", "HashEmbedder", "FakeReranker", "matches", "engine_with_fakes"]


class FakeChatModel:
    """A :class:`~rag.llm.client.ChatModel` that replies from a script, in process.

    Replies are consumed in order; an exception in the script is raised instead of replying (before any piece, like
    a server that fails). When the script is empty, ``responder(request)`` is asked, else :data:`DEFAULT_REPLY`.
    Every call is recorded in :attr:`requests` as ``{"messages": [...], "max_tokens": n}``, the shape of the JSON
    body :class:`FakeOpenAIServer` records, so the same helpers read both.
    """

    def __init__(self, replies: Iterable[str | Exception] = (), *,
                 responder: Callable[[dict], str] | None = None, model: str = "fake-model") -> None:
        self.model = model
        self.responder = responder
        self._queue: deque[str | Exception] = deque(replies)
        self.requests: list[dict] = []
        self._lock = threading.Lock()

    def push(self, *replies: str | Exception) -> None:
        """Queue more scripted replies."""
        with self._lock:
            self._queue.extend(replies)

    def stream(self, messages: list[dict[str, str]], *, max_tokens: int | None = None,
               deadline: Any = None, response_format: dict | None = None, top_logprobs: int = 0) -> Iterator[str]:
        """The next reply in word-sized pieces (a scripted reply never waits, so ``deadline`` is not needed;
        ``response_format`` is recorded, not enforced; no token probabilities are reported)."""
        reply = self._next(messages, max_tokens, response_format)
        if isinstance(reply, Exception):
            raise reply
        yield from split_pieces(reply)

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None, deadline: Any = None) -> str:
        """The next reply, whole."""
        return "".join(self.stream(messages, max_tokens=max_tokens))

    def _next(self, messages: list[dict[str, str]], max_tokens: int | None,
              response_format: dict | None = None) -> str | Exception:
        request = {"messages": [dict(m) for m in messages], "max_tokens": max_tokens}
        if response_format is not None:
            request["response_format"] = response_format
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        return self.responder(request) if self.responder is not None else DEFAULT_REPLY


class HashEmbedder:
    """An :class:`~rag.index.embeddings.Embedder` from hashed, stemmed content words (no model, deterministic).

    Texts sharing words get close vectors, so retrieval still finds lexically similar passages; synonyms are
    strangers.
    """

    confident_similarity = None  # uncalibrated: retrieval keeps its relevance check

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hash-{dim}"

    def vector(self, text: str) -> np.ndarray:
        """The L2-normalised vector of one text (never the zero vector)."""
        from ..text import content_terms, stem

        vec = np.zeros(self.dim, dtype=np.float32)
        for term in content_terms(text):
            digest = hashlib.blake2b(stem(term).encode("utf-8", "replace"), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
        vec[0] += 1e-3
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.vector(text)


class FakeReranker:
    """A :class:`~rag.retrieval.rerank.Reranker` scoring the share of the query's content words (stemmed) that a
    passage holds, mapped to the cross-encoder's logit scale: ``scale * share - offset`` (none: -5, all: +5)."""

    def __init__(self, scale: float = 10.0, offset: float = 5.0) -> None:
        self.scale = scale
        self.offset = offset
        self.calls: list[tuple[str, list[str]]] = []

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        """One score per passage."""
        self.calls.append((query, list(passages)))
        asked = _stems(query)
        shares = [len(asked & _stems(p)) / len(asked) if asked else 0.0 for p in passages]
        return np.asarray([self.scale * s - self.offset for s in shares], dtype=np.float32)


def _stems(text: str) -> set[str]:
    from ..text import content_terms, stem

    return {stem(t) for t in content_terms(text)}


class InMemoryStore:
    """A :class:`~rag.index.store.VectorStore` in dicts: exact cosine search with numpy, Chroma's metadata and
    ``where`` filters. Thread-safe; nothing is persisted."""

    def __init__(self) -> None:
        self._chunks: dict[str, tuple[np.ndarray, str, dict[str, Any]]] = {}
        self._articles: dict[str, tuple[str, dict[str, Any]]] = {}
        self._lock = threading.RLock()

    def article_records(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {doc_id: dict(meta) for doc_id, (_, meta) in self._articles.items()}

    def article_text(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        with self._lock:
            got = self._articles.get(doc_id)
        return (got[0], dict(got[1])) if got else None

    def chunk_records(self, where: dict | None = None, *, ids: list[str] | None = None,
                      documents: bool = True) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        with self._lock:
            keys = [i for i in ids if i in self._chunks] if ids is not None else list(self._chunks)
            rows = [(i, self._chunks[i]) for i in keys if matches(self._chunks[i][2], where)]
        return ([i for i, _ in rows], [text if documents else "" for _, (_, text, _) in rows],
                [dict(meta) for _, (_, _, meta) in rows])

    def chunk_ids(self) -> list[str]:
        with self._lock:
            return list(self._chunks)

    def query(self, embedding: np.ndarray, k: int, where: dict | None) -> tuple[list[str], list[float]]:
        with self._lock:
            rows = [(i, vec) for i, (vec, _, meta) in self._chunks.items() if matches(meta, where)]
        if not rows:
            return [], []
        matrix = np.vstack([vec for _, vec in rows])
        query = np.asarray(embedding, dtype=np.float32).reshape(-1)
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
        best = np.argsort(-sims, kind="stable")[:k]
        return [rows[j][0] for j in best], [float(sims[j]) for j in best]

    def count(self) -> int:
        with self._lock:
            return len(self._chunks)

    def add_articles(self, items: Sequence[tuple["Article", list["Chunk"], np.ndarray]]) -> None:
        from ..index.store import article_metadata, chunk_metadata

        with self._lock:
            for article, chunks, vectors in items:
                rows = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1)
                for chunk, vec in zip(chunks, rows):
                    self._chunks[chunk.chunk_id] = (vec, chunk.text, chunk_metadata(article, chunk))
            for article, chunks, _ in items:
                self._articles[article.doc_id] = (article.text, article_metadata(article, len(chunks)))

    def delete_article(self, doc_id: str) -> None:
        with self._lock:
            self._articles.pop(doc_id, None)
            for cid in [i for i, (_, _, meta) in self._chunks.items() if meta.get("doc_id") == doc_id]:
                del self._chunks[cid]

    def delete_chunks(self, ids: list[str]) -> None:
        with self._lock:
            for cid in ids:
                self._chunks.pop(cid, None)

    def delete_stale_chunks(self, doc_id: str, content_hash: str) -> None:
        self.delete_chunks(self.chunk_records({"$and": [{"doc_id": doc_id}, {"content_hash": {"$ne": content_hash}}]},
                                              documents=False)[0])


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda v, x: v == x, "$ne": lambda v, x: v != x, "$gt": lambda v, x: v > x, "$gte": lambda v, x: v >= x,
    "$lt": lambda v, x: v < x, "$lte": lambda v, x: v <= x, "$in": lambda v, x: v in x, "$nin": lambda v, x: v not in x,
}


def matches(meta: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Does chunk metadata satisfy a Chroma ``where`` filter (``$and``/``$or`` of field conditions)?"""
    if not where:
        return True
    for key, cond in where.items():
        if key in ("$and", "$or"):
            results = (matches(meta, c) for c in cond)
            if not (all(results) if key == "$and" else any(results)):
                return False
            continue
        value = meta.get(key)
        checks = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
        if value is None or not all(_OPERATORS[op](value, x) for op, x in checks):
            return False
    return True


def engine_with_fakes(data_dir: str | Path, *, store: Any = None, embedder: Any = None, chat: Any = None,
                      reranker: Any = None, **settings: Any) -> "Engine":
    """An :class:`~rag.engine.Engine` over :class:`InMemoryStore`, :class:`HashEmbedder` and :class:`FakeReranker`
    (pass ``store=``/``embedder=``/``reranker=`` to use others, ``chat=`` for a :class:`FakeChatModel`).

    ``data_dir`` holds only the BM25 index and the writer lock. Keyword ``settings`` override :class:`Settings`
    (default: the extractive backend, reranking on).
    """
    from ..config import Settings
    from ..engine import Engine

    values = {"data_dir": Path(data_dir), "backend": "extractive", "rerank": True, **settings}
    return Engine(Settings.load(**values), store=store if store is not None else InMemoryStore(),
                  embedder=embedder if embedder is not None else HashEmbedder(),
                  chat=chat, reranker=reranker if reranker is not None else FakeReranker())
