"""Per-chunk token vectors for late-interaction reranking, persisted beside the lexical index.

Layout in the folder: ``vectors.<gen>.i8`` (all token vectors, int8, one row per token, appended to),
``scales.<gen>.f2`` (one float16 scale per row: ``vector ≈ int8 row * scale``) and ``table.pkl`` (format, dim,
generation, rows written, and ``chunk id -> (first row, rows)``), replaced atomically after the rows it points to
are on disk. Readers memory-map the files, so only the candidates' rows are read per query. Deleted chunks leave
dead rows until :meth:`TokenVectorStore.save` compacts (rewrites live rows into the next generation) once they
outnumber the live ones; a crash between an append and the table leaves only unreferenced rows.
"""
from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

__all__ = ["TokenVectorStore", "quantise"]

_FORMAT = 1


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 rows, float16 scale per row) with ``rows * scale ≈ vectors`` (max-abs scaling, per vector)."""
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
    scale = np.maximum(peak, 1e-12) / 127.0
    rows = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return rows, scale.astype(np.float16)


class TokenVectorStore:
    """Append, look up and drop chunks' token vectors (``chunk id -> n x dim`` float arrays)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dim = 0
        self._gen = 0
        self._rows = 0  # rows written to the current generation's files
        self._table: dict[str, tuple[int, int]] = {}
        self._maps: tuple[np.ndarray, np.ndarray] | None = None
        self._stamp: tuple | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------ persistence
    def _paths(self, gen: int) -> tuple[Path, Path]:
        return self.folder / f"vectors.{gen}.i8", self.folder / f"scales.{gen}.f2"

    def load(self) -> bool:
        """(Re)read the table when it changed on disk; False when there is none or it is unreadable."""
        path = self.folder / "table.pkl"
        try:
            st = path.stat()
        except OSError:
            return False
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp == self._stamp:
                return True
            try:
                with path.open("rb") as fh:
                    data = pickle.load(fh)
                if data.get("format") != _FORMAT:
                    return False
                self.dim, self._gen, self._rows, self._table = data["dim"], data["gen"], data["rows"], data["table"]
            except Exception:
                return False
            self._maps, self._stamp = None, stamp
            return True

    def save(self) -> None:
        """Compact when dead rows outnumber live ones, then atomically write the table."""
        with self._lock:
            live = sum(n for _, n in self._table.values())
            if self._rows > 2 * live and self._rows > 0:
                self.compact()
            self._write_table()

    def _write_table(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"table.pkl.tmp{os.getpid()}"
        with tmp.open("wb") as fh:
            pickle.dump({"format": _FORMAT, "dim": self.dim, "gen": self._gen, "rows": self._rows,
                         "table": self._table}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "table.pkl")
        self._stamp = None
        self.load()
        self._remove_old_generations()

    def compact(self) -> None:
        """Rewrite the live rows into the next generation's files (table written by the caller)."""
        with self._lock:
            ids = sorted(self._table, key=lambda c: self._table[c][0])
            vectors, scales = self._mapped()
            new_table: dict[str, tuple[int, int]] = {}
            vec_path, scale_path = self._paths(self._gen + 1)
            self.folder.mkdir(parents=True, exist_ok=True)
            start = 0
            with vec_path.open("wb") as vf, scale_path.open("wb") as sf:
                for cid in ids:
                    first, n = self._table[cid]
                    vf.write(vectors[first:first + n].tobytes())
                    sf.write(scales[first:first + n].tobytes())
                    new_table[cid] = (start, n)
                    start += n
                _sync_files(vf, sf)
            self._gen, self._rows, self._table, self._maps = self._gen + 1, start, new_table, None

    def _remove_old_generations(self) -> None:
        keep = {p.name for p in self._paths(self._gen)}
        for path in self.folder.glob("*.i8"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
        for path in self.folder.glob("*.f2"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    # ---------------------------------------------------------------- updates
    def add(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Append ``(chunk id, n x dim vectors)``; visible to :meth:`get` at once, persisted by :meth:`save`."""
        items = list(items)
        if not items:
            return
        with self._lock:
            if not self.dim:
                self.dim = int(items[0][1].shape[1])
            rows, scales = quantise(np.concatenate([v.reshape(-1, self.dim) for _, v in items]).astype(np.float32))
            self.folder.mkdir(parents=True, exist_ok=True)
            vec_path, scale_path = self._paths(self._gen)
            with vec_path.open("r+b" if vec_path.exists() else "wb") as vf, \
                    scale_path.open("r+b" if scale_path.exists() else "wb") as sf:
                vf.seek(self._rows * self.dim)  # past the last committed row: a crashed append is overwritten
                sf.seek(self._rows * 2)
                vf.write(rows.tobytes())
                sf.write(scales.tobytes())
                _sync_files(vf, sf)
            for cid, v in items:
                self._table[cid] = (self._rows, len(v))
                self._rows += len(v)
            self._maps = None

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget chunks (their rows become dead until the next compaction)."""
        with self._lock:
            for cid in chunk_ids:
                self._table.pop(cid, None)

    # ----------------------------------------------------------------- lookups
    def chunk_ids(self) -> set[str]:
        return set(self._table)

    def _mapped(self) -> tuple[np.ndarray, np.ndarray]:
        if self._maps is None:
            vec_path, scale_path = self._paths(self._gen)
            if not self._rows:
                self._maps = (np.zeros((0, max(self.dim, 1)), dtype=np.int8), np.zeros(0, dtype=np.float16))
            else:
                self._maps = (np.memmap(vec_path, dtype=np.int8, mode="r", shape=(self._rows, self.dim)),
                              np.memmap(scale_path, dtype=np.float16, mode="r", shape=(self._rows,)))
        return self._maps

    def get(self, chunk_ids: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """(float32 vectors of the stored chunks, stacked in order; rows per chunk, -1 for a chunk not stored)."""
        with self._lock:
            try:
                vectors, scales = self._mapped()
            except (OSError, ValueError):  # compacted away by a writer in another process: encode them anew
                self._stamp = None
                return np.zeros((0, self.dim), dtype=np.float32), [-1] * len(chunk_ids)
            spans = [self._table.get(cid) for cid in chunk_ids]
        counts = [span[1] if span else -1 for span in spans]
        rows = [np.arange(first, first + n) for first, n in (s for s in spans if s)]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32), counts
        index = np.concatenate(rows)
        return vectors[index].astype(np.float32) * scales[index].astype(np.float32)[:, None], counts

    def disk_bytes(self) -> int:
        """Bytes of the current files (vectors, scales and table)."""
        paths = [*self._paths(self._gen), self.folder / "table.pkl"]
        return sum(p.stat().st_size for p in paths if p.exists())

    def __len__(self) -> int:
        return len(self._table)


def _sync_files(*handles) -> None:
    for fh in handles:
        fh.flush()
        os.fsync(fh.fileno())
