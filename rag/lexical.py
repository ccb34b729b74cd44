"""BM25 lexical index (``bm25s``) over accent-folded *and* exact terms, persisted beside Chroma.

The index is a derived cache of the chunk collection: each chunk's terms are kept in a small term store so that an
ingest only tokenises new chunks; the BM25 matrix is rebuilt once per ingest (never per query) and swapped in
atomically, so queries running meanwhile keep using the previous version.
"""
from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Iterable

import numpy as np

from .text import lexical_terms

__all__ = ["LexicalIndex"]


class _Snapshot:
    def __init__(self, ids: list[str], date_nums: np.ndarray, doc_ids: list[str], retriever: object | None) -> None:
        self.ids = ids
        self.date_nums = date_nums
        self.doc_ids = doc_ids
        self.retriever = retriever
        self.position = {cid: i for i, cid in enumerate(ids)}


class LexicalIndex:
    """Search chunk ids by BM25 over :func:`rag.text.lexical_terms`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._terms: dict[str, tuple[list[str], int, str]] = {}  # chunk id -> (terms, date_num, doc_id)
        self._snapshot = _Snapshot([], np.zeros(0, dtype=np.int64), [], None)
        self._lock = threading.Lock()
        self.fingerprint = ""

    # ------------------------------------------------------------ persistence
    def load(self) -> bool:
        """Load the persisted index; False when there is none or it is unreadable."""
        path = self.folder / "lexical.pkl"
        if not path.is_file():
            return False
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            self._terms = data["terms"]
            self.fingerprint = data["fingerprint"]
        except Exception:
            return False
        self._rebuild()
        return True

    def save(self) -> None:
        """Atomically persist the term store (write, fsync, rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"lexical.pkl.tmp{os.getpid()}"
        with tmp.open("wb") as fh:
            pickle.dump({"terms": self._terms, "fingerprint": self.fingerprint}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "lexical.pkl")

    # ---------------------------------------------------------------- updates
    def update(self, add: Iterable[tuple[str, str, int, str]], remove: Iterable[str], fingerprint: str) -> None:
        """Add ``(chunk_id, text, date_num, doc_id)`` items and remove chunk ids, then rebuild the BM25 matrix."""
        for cid in remove:
            self._terms.pop(cid, None)
        for cid, text, date_num, doc_id in add:
            self._terms[cid] = (lexical_terms(text), int(date_num or 0), doc_id)
        self.fingerprint = fingerprint
        self._rebuild()

    def chunk_ids(self) -> set[str]:
        return set(self._terms)

    def _rebuild(self) -> None:
        import bm25s

        ids = sorted(self._terms)
        retriever = None
        if ids:
            retriever = bm25s.BM25(k1=1.2, b=0.75)
            retriever.index([self._terms[i][0] or ["\u2205"] for i in ids], show_progress=False)
        dates = np.array([self._terms[i][1] for i in ids], dtype=np.int64)
        docs = [self._terms[i][2] for i in ids]
        with self._lock:
            self._snapshot = _Snapshot(ids, dates, docs, retriever)

    # ----------------------------------------------------------------- search
    def search(self, query: str, k: int, *, since: int | None = None, until: int | None = None,
               doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """Best ``k`` chunk ids with BM25 scores, optionally limited to a date range (``yyyymmdd`` numbers)."""
        snap = self._snapshot
        if snap.retriever is None:
            return []
        terms = [t for t in dict.fromkeys(lexical_terms(query)) if t in snap.retriever.vocab_dict]
        if not terms:
            return []
        mask = None
        if since is not None or until is not None or doc_ids is not None:
            keep = np.ones(len(snap.ids), dtype=bool)
            if since is not None:
                keep &= snap.date_nums >= since
            if until is not None:
                keep &= (snap.date_nums <= until) & (snap.date_nums > 0)
            if doc_ids is not None:
                keep &= np.array([d in doc_ids for d in snap.doc_ids], dtype=bool)
            if not keep.any():
                return []
            mask = keep.astype(np.float32)
        scores = snap.retriever.get_scores(terms, weight_mask=mask) if mask is not None else snap.retriever.get_scores(terms)
        k = min(k, len(snap.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(snap.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def __len__(self) -> int:
        return len(self._snapshot.ids)


