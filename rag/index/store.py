"""Chroma, embedded (``PersistentClient``) or server (``HttpClient``), holding two collections per embedding model.

* ``<prefix>__<model>``: one record per chunk, with our own embedding, text and metadata (served to LlamaIndex
  through ``ChromaVectorStore``);
* ``<prefix>__<model>__articles``: one record per article (full text and metadata). It is written *after* the
  article's chunks, so it doubles as the commit marker that crash recovery relies on.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from ..errors import StoreError, StoreUnavailableError
from ..ingest.injection import article_flags, encode_spans, instruction_spans
from ..models import Article, Chunk

__all__ = ["VectorStore", "ChromaStore", "collection_name", "chunk_metadata", "article_metadata"]

Where = dict[str, Any]  # a filter: {"date_num": {"$gte": n}}, {"doc_id": {"$in": [...]}}, {"$and": [...]}


@runtime_checkable
class VectorStore(Protocol):
    """Where chunks (vector, text, metadata) and article records (full text, metadata) live.

    :class:`ChromaStore` is the shipped one; :class:`rag.testing.InMemoryStore` keeps everything in memory. Metadata
    is what :func:`chunk_metadata` / :func:`article_metadata` build; ``where`` filters use the operators above
    (``$gte``, ``$lte``, ``$gt``, ``$in``, ``$and``, or a plain value for equality). An article record is written
    after its chunks and removed before them: it is the commit marker that crash recovery relies on.
    """

    def article_records(self) -> dict[str, dict[str, Any]]:
        """Metadata of every committed article, by doc id."""
        ...

    def article_text(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        """(full text, metadata) of one article, or None."""
        ...

    def chunk_records(self, where: Where | None = None, *, ids: list[str] | None = None,
                      documents: bool = True) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """(ids, texts, metadatas) of all chunks, of those matching ``where``, or of the chunk ``ids`` given."""
        ...

    def chunk_ids(self) -> list[str]:
        """Ids of all chunks."""
        ...

    def query(self, embedding: np.ndarray, k: int, where: Where | None) -> tuple[list[str], list[float]]:
        """Ids and cosine similarities of the ``k`` chunks nearest to ``embedding``, best first."""
        ...

    def count(self) -> int:
        """Number of chunks (a live round trip: health checks use it)."""
        ...

    def add_articles(self, items: Sequence[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        """Write articles: all their chunks first, then their article records."""
        ...

    def delete_article(self, doc_id: str) -> None:
        """Remove an article record, then its chunks."""
        ...

    def delete_chunks(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        ...

    def delete_stale_chunks(self, doc_id: str, content_hash: str) -> None:
        """Remove the chunks of an article's other versions (after its ``content_hash`` version was committed)."""
        ...


def collection_name(prefix: str, model_id: str) -> str:
    """Collection name carrying the embedding model id, so switching models never mixes vector sizes."""
    name = re.sub(r"[^a-zA-Z0-9_-]+", "-", f"{prefix}__{model_id}").strip("-_")
    return name[:60]


class ChromaStore:
    """The chunk and article collections of one embedding model."""

    def __init__(self, data_dir: Path, name: str, *, url: str | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.name = name
        self.url = url
        self._max_batch: int | None = None
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if url:
                parsed = urlparse(url)
                self.client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                data_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
            self.chunks = self.client.get_or_create_collection(
                name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            self.articles = self.client.get_or_create_collection(
                f"{name}__articles", metadata={"hnsw:space": "l2"}, embedding_function=None
            )
        except Exception as exc:
            raise _store_error(exc, url) from exc

    # ------------------------------------------------------------------ reads
    def vector_store(self) -> Any:
        """The chunk collection as a LlamaIndex ``ChromaVectorStore``."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.chunks)

    def article_records(self) -> dict[str, dict[str, Any]]:
        """Metadata of every committed article, by doc id."""
        got = self._call(self.articles.get, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"])}

    def article_text(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        got = self._call(self.articles.get, ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return got["documents"][0], dict(got["metadatas"][0] or {})

    def chunk_records(self, where: dict | None = None, *, ids: list[str] | None = None,
                      documents: bool = True) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """(ids, texts, metadatas) of all chunks, of those matching ``where``, or of the chunk ``ids`` given.
        Without ``documents`` the texts come back empty (reading them is most of the cost)."""
        include = ["documents", "metadatas"] if documents else ["metadatas"]
        out_ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        if ids is not None:
            for i in range(0, len(ids), 2000):
                got = self._call(self.chunks.get, ids=ids[i:i + 2000], include=include)
                out_ids += got["ids"]
                texts += got["documents"] if documents else [""] * len(got["ids"])
                metas += [dict(m or {}) for m in got["metadatas"]]
            return out_ids, texts, metas
        offset, page = 0, 5000
        while True:
            got = self._call(self.chunks.get, where=where, include=include, limit=page, offset=offset)
            out_ids += got["ids"]
            texts += got["documents"] if documents else [""] * len(got["ids"])
            metas += [dict(m or {}) for m in got["metadatas"]]
            if len(got["ids"]) < page:
                return out_ids, texts, metas
            offset += page

    def chunk_ids(self) -> list[str]:
        """Ids of all chunks (no texts, no metadata: cheap even for large collections)."""
        ids: list[str] = []
        offset, page = 0, 20000
        while True:
            got = self._call(self.chunks.get, include=[], limit=page, offset=offset)
            ids += got["ids"]
            if len(got["ids"]) < page:
                return ids
            offset += page

    def query(self, embedding: np.ndarray, k: int, where: dict | None) -> tuple[list[str], list[float]]:
        """Chunk ids and cosine similarities of the ``k`` nearest chunks (fewer when the store holds fewer; Chroma
        caps ``n_results`` itself, so no count round trip is spent on every query)."""
        got = self._call(
            self.chunks.query,
            query_embeddings=[embedding.tolist()],
            n_results=k,
            where=where,
            include=["distances"],
        )
        return got["ids"][0], [1.0 - float(d) for d in got["distances"][0]]

    def count(self) -> int:
        return self._call(self.chunks.count)

    # ----------------------------------------------------------------- writes
    def add_article(self, article: Article, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """Write an article's chunks, then its article record (the commit marker)."""
        if chunks:
            self._call(
                self.chunks.upsert,
                ids=[c.chunk_id for c in chunks],
                embeddings=embeddings.tolist(),
                documents=[c.text for c in chunks],
                metadatas=[chunk_metadata(article, c) for c in chunks],
            )
        self._call(
            self.articles.upsert,
            ids=[article.doc_id],
            embeddings=[[0.0]],
            documents=[article.text],
            metadatas=[article_metadata(article, len(chunks))],
        )

    def add_articles(self, items: Sequence[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        """Write several articles: all their chunks first, then all their article records (the commit markers),
        each in as few Chroma calls as its batch limit allows (per-call overhead dominates small writes)."""
        ids: list[str] = []
        vectors: list[np.ndarray] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for article, chunks, embeddings in items:
            ids += [c.chunk_id for c in chunks]
            vectors.append(np.asarray(embeddings, dtype=np.float32).reshape(len(chunks), -1))
            documents += [c.text for c in chunks]
            metadatas += [chunk_metadata(article, c) for c in chunks]
        step = self._batch_limit()
        if ids:
            matrix = np.vstack(vectors)
            for i in range(0, len(ids), step):
                self._call(self.chunks.upsert, ids=ids[i:i + step], embeddings=matrix[i:i + step].tolist(),
                           documents=documents[i:i + step], metadatas=metadatas[i:i + step])
        for i in range(0, len(items), step):
            part = items[i:i + step]
            self._call(
                self.articles.upsert,
                ids=[article.doc_id for article, _, _ in part],
                embeddings=[[0.0]] * len(part),
                documents=[article.text for article, _, _ in part],
                metadatas=[article_metadata(article, len(chunks)) for article, chunks, _ in part],
            )

    def _batch_limit(self) -> int:
        if self._max_batch is None:
            try:
                self._max_batch = max(1, min(int(self.client.get_max_batch_size()), 5000))
            except Exception:
                self._max_batch = 1000
        return self._max_batch

    def delete_article(self, doc_id: str) -> None:
        """Remove the article record first (uncommit), then its chunks."""
        self._call(self.articles.delete, ids=[doc_id])
        self._call(self.chunks.delete, where={"doc_id": doc_id})

    def delete_stale_chunks(self, doc_id: str, content_hash: str) -> None:
        """Remove the chunks of an article's other versions (after its ``content_hash`` version was committed)."""
        self._call(self.chunks.delete, where={"$and": [{"doc_id": doc_id}, {"content_hash": {"$ne": content_hash}}]})

    def delete_chunks(self, ids: list[str]) -> None:
        if ids:
            self._call(self.chunks.delete, ids=ids)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            raise _store_error(exc, self.url) from exc


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """Flat chunk metadata (Chroma accepts only scalars); dates are numbers so range filters work."""
    return {
        "doc_id": article.doc_id,
        "document_id": article.doc_id,  # the key LlamaIndex's ChromaVectorStore.delete() uses
        "ref_doc_id": article.doc_id,
        "title": article.title,
        "date": article.date or "",
        "date_num": article.date_number or 0,
        "source_url": article.source_url or "",
        "agency": article.agency or "",
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps(chunk.sentences),
        "flags": encode_spans(instruction_spans(article.text, chunk.sentences)),
        "content_hash": article.content_hash,
    }


def article_metadata(article: Article, chunk_count: int) -> dict[str, Any]:
    """Flat article-record metadata: title, date, source, content hash, chunk count, content and flagged spans."""
    return {
        "title": article.title,
        "date": article.date or "",
        "date_num": article.date_number or 0,
        "date_source": article.date_source or "",
        "source_url": article.source_url or "",
        "agency": article.agency or "",
        "content_hash": article.content_hash,
        "chunks": chunk_count,
        "chars": len(article.text),
        "spans": json.dumps(article.content_spans),
        "flags": encode_spans(article_flags(article)),
    }


def _store_error(exc: Exception, url: str | None) -> StoreError:
    text = str(exc)
    if url and any(w in text.lower() for w in ("connect", "refused", "timed out", "unreachable", "could not")):
        return StoreUnavailableError(
            f"Cannot reach the Chroma server at {url}: {text}",
            hint="Start it (`chroma run --path DIR --port PORT`) or unset RAG_CHROMA_URL to use the embedded store.",
        )
    return StoreError(f"Chroma failed: {text}", hint="Run `rag doctor`; if the index is damaged, delete the data folder (RAG_DATA_DIR, default "
                           ".rag) and run `rag ingest` again.")
