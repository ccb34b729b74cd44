"""The ``rag`` command for crash and multi-process tests, run as a child process.

    python tests/reliability/fastrag.py ingest DIR --data-dir X --backend extractive   # = `rag ingest ...`
    python tests/reliability/fastrag.py repair X                                        # open the index, repair it
    python tests/reliability/fastrag.py inspect X                                       # JSON state, read-only

Everything is the real code path of ``rag.cli.main`` (parsing, chunking, Chroma, the article registry, the lexical
index, the file lock) except the embedding model, which is replaced by a deterministic hashing embedder
(``hash-test-64``, its own Chroma collection): crash safety lives in the store, the registry and the lexical index,
and a real model would make a 200-article ingest take minutes on a 2-core machine.

Hooks, set through environment variables:

* ``FASTRAG_EMBED_DELAY`` seconds slept per embedded article (so a kill lands mid-ingest);
* ``FASTRAG_HANG_AT=N``: after the chunks of the N-th written article are stored and before its article record (the
  commit marker) is written, print ``HANG <doc_id>`` and sleep, waiting for ``kill -9``;
* ``FASTRAG_TRACE=1``: print ``LOCK <pid> <acquired> <released>`` (monotonic seconds) for every writer-lock hold.

Progress lines (``EMBED <n> <doc_id>``) go to stdout, flushed, so the parent can decide when to kill.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

MODEL_ID = "hash-test-64"
DIM = 64


class HashEmbedder:
    """Deterministic unit vectors from word hashes (similar texts get similar vectors); no model to load."""

    model_id = MODEL_ID
    dim = DIM
    confident_similarity = None  # uncalibrated: agreement keeps the one-passage relevance check

    def __init__(self, batch_size: int = 32) -> None:
        self.delay = float(os.environ.get("FASTRAG_EMBED_DELAY", "0") or 0)
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        for word in text.lower().split():
            h = hashlib.blake2b(word.encode("utf-8", "replace"), digest_size=8).digest()
            vec[h[0] % DIM] += 1.0 if h[1] & 1 else -1.0
            vec[h[2] % DIM] += 0.5
        vec[0] += 1e-3  # never the zero vector
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts):
        self.calls += 1
        first = texts[0].split("\n", 1)[0][:40] if texts else ""
        print(f"EMBED {self.calls} {first}", flush=True)
        if self.delay:
            time.sleep(self.delay)
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def install() -> None:
    """Swap the embedder behind ``--embedder bge-small`` for :class:`HashEmbedder` and install the hooks."""
    import contextlib

    from rag.index import embeddings, store
    from rag.index import news_index as index

    embeddings.register_embedder("bge-small", HashEmbedder)

    hang_at = int(os.environ.get("FASTRAG_HANG_AT", "0") or 0)
    if hang_at:
        real_metadata = store.article_metadata
        written = {"n": 0}

        def article_metadata(article, chunk_count):  # called after the chunks were upserted, before the record
            written["n"] += 1
            if written["n"] == hang_at:
                print(f"HANG {article.doc_id}", flush=True)
                time.sleep(600)
            return real_metadata(article, chunk_count)

        store.article_metadata = article_metadata

    if os.environ.get("FASTRAG_TRACE"):
        real_writing = index.NewsIndex.writing

        @contextlib.contextmanager
        def writing(self):
            with real_writing(self):
                acquired = time.monotonic()
                try:
                    yield
                finally:
                    print(f"LOCK {os.getpid()} {acquired:.6f} {time.monotonic():.6f}", flush=True)

        index.NewsIndex.writing = writing


def collection(prefix: str = "news") -> str:
    from rag.index.store import collection_name

    return collection_name(prefix, MODEL_ID)


def inspect(data_dir: Path) -> dict:
    """The raw state of an index folder, read without repairing or re-syncing anything."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    name = collection()
    client = chromadb.PersistentClient(path=str(data_dir / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    chunks = client.get_collection(name)
    articles = client.get_collection(f"{name}__articles")
    got = chunks.get(include=["metadatas", "embeddings"])
    records = articles.get(include=["metadatas"])
    # every stored vector is found by a nearest-neighbour query on itself (the dense index lost nothing)
    lost = []
    if got["ids"]:
        found = chunks.query(query_embeddings=[list(map(float, e)) for e in got["embeddings"]], n_results=1,
                             include=[])
        lost = [cid for cid, hit in zip(got["ids"], found["ids"]) if not hit or hit[0] != cid]
    from rag.index.lexical import LexicalIndex

    lexical = LexicalIndex(data_dir / "lexical" / name)
    lexical_ids = sorted(lexical.chunk_ids()) if lexical.load() else None  # load() only reads
    return {
        "chunk_ids": got["ids"],
        "chunk_docs": [(m or {}).get("doc_id", "") for m in got["metadatas"]],
        "chunk_hashes": [(m or {}).get("content_hash", "") for m in got["metadatas"]],
        "count": chunks.count(),
        "records": {i: dict(m or {}) for i, m in zip(records["ids"], records["metadatas"])},
        "lexical_ids": lexical_ids,
        "dense_lost": lost,
    }


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    command = argv[0] if argv else ""
    if command == "inspect":
        print(json.dumps(inspect(Path(argv[1]))))
        return 0
    install()
    if command == "repair":
        from rag import Settings
        from rag.index.news_index import NewsIndex

        started = time.perf_counter()
        idx = NewsIndex(Settings.load(backend="extractive", data_dir=argv[1]))
        with idx.writing():
            counts = idx.repair()
        print(json.dumps({**counts, "seconds": time.perf_counter() - started}))
        return 0
    from rag.cli import main as rag_main

    return rag_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
