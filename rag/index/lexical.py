"""BM25 lexical index over accent-folded *and* exact terms, persisted beside Chroma.

The index is a derived cache of the chunk collection: each chunk's terms are kept in a small term store so that an
ingest only tokenises new chunks; the BM25 matrix is rebuilt once per ingest (never per query) and swapped in
atomically, so queries running meanwhile keep using the previous version.

Scoring is BM25 with ``bm25s``'s default (Lucene) variant and parameters: ``idf = ln(1 + (N - df + .5) / (df + .5))``
and ``tf / (tf + k1 (1 - b + b |d| / avgdl))``. The term store holds, per chunk, packed ``(term id, count)`` pairs
(8 bytes per distinct term) instead of lists of strings, and the term-by-chunk score matrix is built with a few
vectorised numpy passes instead of a Python loop per chunk: at 100k chunks that is about a tenth of the memory
and of the rebuild time.
"""
from __future__ import annotations

import os
import pickle
import threading
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np

from ..text import lexical_terms

__all__ = ["LexicalIndex", "K1", "B"]

K1 = 1.2
B = 0.75
_FORMAT = 3  # 3: spelling variants of place names indexed in one canonical form
_EMPTY = "\u2205"  # the one term of a chunk without words, so every chunk has a length


class _Snapshot:
    """An immutable, searchable version of the index (a CSC matrix: one column of chunk scores per term)."""

    def __init__(self, ids: list[str], date_nums: np.ndarray, doc_ids: list[str], vocab: dict[str, int],
                 indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
        self.ids = ids
        self.date_nums = date_nums
        self.doc_ids = doc_ids
        self.vocab = vocab
        self.indptr = indptr
        self.indices = indices
        self.data = data

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """BM25 score of every chunk for a query made of ``term_ids`` (each counted once)."""
        starts, ends = self.indptr[term_ids], self.indptr[np.asarray(term_ids) + 1]
        rows = np.concatenate([self.indices[s:e] for s, e in zip(starts, ends)])
        weights = np.concatenate([self.data[s:e] for s, e in zip(starts, ends)])
        return np.bincount(rows, weights=weights, minlength=len(self.ids))


_EMPTY_SNAPSHOT = _Snapshot([], np.zeros(0, dtype=np.int64), [], {}, np.zeros(1, dtype=np.int64),
                            np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


class LexicalIndex:
    """Search chunk ids by BM25 over :func:`rag.text.lexical_terms`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # chunk id -> (packed int32 (term id, count) pairs, date_num, doc_id)
        self._terms: dict[str, tuple[bytes, int, str]] = {}
        self._vocab: dict[str, int] = {}
        self._snapshot = _EMPTY_SNAPSHOT
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
            if data.get("format") != _FORMAT:  # tokenised another way: re-tokenise from the chunk collection
                return False
            vocab_list = data["vocab"]
            self._vocab = {term: i for i, term in enumerate(vocab_list)}
            self._terms = data["terms"]
            self.fingerprint = data["fingerprint"]
        except Exception:
            self._terms, self._vocab, self.fingerprint = {}, {}, ""
            return False
        self._rebuild()
        return True

    def save(self) -> None:
        """Atomically persist the term store (write, fsync, rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"lexical.pkl.tmp{os.getpid()}"
        vocab_list = [""] * len(self._vocab)
        for term, i in self._vocab.items():
            vocab_list[i] = term
        with tmp.open("wb") as fh:
            pickle.dump({"format": _FORMAT, "terms": self._terms, "vocab": vocab_list, "fingerprint": self.fingerprint},
                        fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "lexical.pkl")

    # ---------------------------------------------------------------- updates
    def update(self, add: Iterable[tuple[str, str, int, str]], remove: Iterable[str], fingerprint: str) -> None:
        """Add ``(chunk_id, text, date_num, doc_id)`` items and remove chunk ids, then rebuild the BM25 matrix."""
        for cid in remove:
            self._terms.pop(cid, None)
        self.stage(add)
        self.fingerprint = fingerprint
        self._rebuild()

    def stage(self, add: Iterable[tuple[str, str, int, str]]) -> None:
        """Tokenise ``(chunk_id, text, date_num, doc_id)`` items into the term store without rebuilding the matrix:
        searches see them after the next :meth:`update`, and :meth:`chunk_ids` lists them at once."""
        for cid, text, date_num, doc_id in add:
            self._terms[cid] = (self._pack(lexical_terms(text)), int(date_num or 0), doc_id)

    def chunk_ids(self) -> set[str]:
        return set(self._terms)

    def _pack(self, terms: list[str]) -> bytes:
        """``(term id, count)`` int32 pairs of a chunk's terms, new terms added to the vocabulary."""
        counts = Counter(terms or [_EMPTY])
        vocab = self._vocab
        pairs = np.empty((len(counts), 2), dtype=np.int32)
        for row, (term, count) in enumerate(counts.items()):
            term_id = vocab.get(term)
            if term_id is None:
                term_id = vocab[term] = len(vocab)
            pairs[row, 0] = term_id
            pairs[row, 1] = count
        return pairs.tobytes()

    def _rebuild(self) -> None:
        ids = sorted(self._terms)
        n = len(ids)
        if not n:
            with self._lock:
                self._snapshot = _EMPTY_SNAPSHOT
            return
        entries = [self._terms[i] for i in ids]
        pairs = np.frombuffer(b"".join(e[0] for e in entries), dtype=np.int32).reshape(-1, 2)
        per_chunk = np.fromiter((len(e[0]) // 8 for e in entries), dtype=np.int64, count=n)
        terms = pairs[:, 0]
        tf = pairs[:, 1].astype(np.float64)
        rows = np.repeat(np.arange(n, dtype=np.int32), per_chunk)
        lengths = np.bincount(rows, weights=tf, minlength=n)  # |d|: words in the chunk, repeats included
        n_terms = len(self._vocab)
        df = np.bincount(terms, minlength=n_terms)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        norm = K1 * ((1 - B) + B * lengths / lengths.mean())
        data = (idf[terms] * (tf / (tf + norm[rows]))).astype(np.float32)
        del tf, norm
        order = np.argsort(terms, kind="stable")  # column-major; chunks stay in order within a column
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        snapshot = _Snapshot(ids, np.array([e[1] for e in entries], dtype=np.int64), [e[2] for e in entries],
                             self._vocab, indptr, rows[order], data[order])
        with self._lock:
            self._snapshot = snapshot

    # ----------------------------------------------------------------- search
    def search(self, query: str, k: int, *, since: int | None = None, until: int | None = None,
               doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """Best ``k`` chunk ids with BM25 scores, optionally limited to a date range (``yyyymmdd`` numbers)."""
        snap = self._snapshot
        if not snap.ids:
            return []
        n_terms = len(snap.indptr) - 1  # the shared vocabulary may have grown since this snapshot was built
        term_ids = [i for i in (snap.vocab.get(t) for t in dict.fromkeys(lexical_terms(query)))
                    if i is not None and i < n_terms]
        if not term_ids:
            return []
        scores = snap.scores(term_ids)
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
            scores[~keep] = 0.0
        k = min(k, len(snap.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(snap.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def __len__(self) -> int:
        return len(self._snapshot.ids)
