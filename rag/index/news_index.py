"""The news index: Chroma (dense) + BM25 (lexical) + the article registry, kept in sync.

Writes go through one writer at a time (an exclusive file lock in the data folder), so concurrent ingests from
several processes queue instead of corrupting anything; queries never take the lock. Each article is written
chunks-first, article-record-last, and :meth:`NewsIndex.repair` removes whatever a crash left half-written.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence


from ..ingest.articles import SUPPORTED_SUFFIXES, parse_article, read_article_file
from ..ingest.chunking import chunk_article
from ..config import Settings
from .embeddings import Embedder, get_embedder
from ..errors import DocumentError, InputError, StoreError, StoreUnavailableError
from ..ingest.injection import passage_flags
from .lexical import LexicalIndex
from ..models import Article, Chunk, DocumentInfo, Passage
from .store import ChromaStore, VectorStore, collection_name
from .token_vectors import TokenVectorStore

__all__ = ["NewsIndex", "IngestReport", "Progress"]

Progress = Callable[[int, int, str], None]  # (done, total, current doc id)

MAX_DOC_ID_CHARS = 200
INGEST_BATCH_CHUNKS = 64  # chunks embedded and written per group of articles during ingest


@dataclass
class IngestReport:
    """What an ingest did: ids added, replaced (changed), unchanged, removed, and failed (id -> message)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    chunks_embedded: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed, {len(self.failed)} failed; {self.chunks_embedded} chunks embedded "
                f"in {self.seconds:.1f}s")


class NewsIndex:
    """Ingest, delete, list and look up articles; the retriever reads :attr:`store` and :attr:`lexical`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: VectorStore | None = None) -> None:
        """``embedder`` and ``store`` replace the configured embedder and Chroma store (see :mod:`rag.testing`)."""
        self.settings = settings
        self.embedder = embedder or get_embedder(settings.embedder, settings.embed_batch_size)
        self.name = collection_name(settings.collection_prefix, self.embedder.model_id)
        self.data_dir = Path(settings.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store: VectorStore = store if store is not None else self._open_chroma()
        self.lexical = LexicalIndex(self.data_dir / "lexical" / self.name)
        # token vectors for late-interaction reranking, computed at ingest when that reranker is chosen
        self.tokens = TokenVectorStore(self.data_dir / "late" / self.name)
        self.tokens.load()
        self._meta_cache: dict[str, dict] | None = None
        self._latest_year: tuple[object, int | None] = (None, None)  # (records it was read from, year)
        self._text_cache: dict[str, str] = {}
        self._thread_lock = threading.RLock()
        self._last_sync_check = 0.0
        self._seen_generation: tuple | None = None
        self._needs_repair = True
        self.lexical.load()
        self.refresh(force=True)

    def _open_chroma(self) -> ChromaStore:
        """The configured Chroma store (embedded in the data folder, or the server at ``chroma_url``)."""
        # opening a new embedded store runs Chroma's migrations: two processes doing that at once collide
        with (self.data_dir / "chroma.open.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return ChromaStore(self.data_dir, self.name, url=self.settings.chroma_url)

    # ------------------------------------------------------------- locking
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive writer lock across threads and processes.

        Inside the lock the writer state file says "dirty" until the block ends without an error, so a writer that
        dies midway makes the next one :meth:`repair` first (a clean state lets ingest skip that full scan). Every
        state change also tells readers in other processes that the index changed (see :meth:`refresh`).
        """
        with self._thread_lock:
            lock_path = self.data_dir / f"{self.name}.write.lock"
            with lock_path.open("w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                finished = False
                try:
                    self._needs_repair = not self._last_writer_finished()
                    self._write_state(clean=False)
                    yield
                    finished = True
                finally:
                    with contextlib.suppress(OSError):
                        self._write_state(clean=finished)
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def _state_path(self) -> Path:
        return self.data_dir / f"{self.name}.writer.json"

    def _last_writer_finished(self) -> bool:
        """True when the last writer of this data folder ended cleanly (never assumed with a Chroma server, whose
        writers may run on other machines)."""
        if self.settings.chroma_url:
            return False
        try:
            return bool(json.loads(self._state_path().read_text()).get("clean"))
        except (OSError, ValueError, AttributeError):
            return False

    def _write_state(self, *, clean: bool) -> None:
        """Atomically replace the writer state file (a new inode each time: readers compare stat results)."""
        path = self._state_path()
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        with tmp.open("w") as out:
            out.write(json.dumps({"clean": clean, "pid": os.getpid(), "time": time.time()}))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    def _generation(self) -> tuple | None:
        """Identity of the writer state file; None when it cannot tell (Chroma server: writers elsewhere)."""
        if self.settings.chroma_url:
            return None
        try:
            st = os.stat(self._state_path())
        except OSError:
            return ("missing",)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    # ------------------------------------------------------------- ingest
    def ingest_paths(self, paths: Iterable[Path], *, sync: bool = False, force: bool = False,
                     progress: Progress | None = None) -> IngestReport:
        """Index article files and folders (recursively). With ``sync``, indexed articles not found are removed.

        A file's document id is its path relative to the folder given (``2025-05/article.txt``, ``/``-separated);
        files given directly, and files directly in a given folder, keep their bare file name."""
        report = IngestReport()
        texts: list[tuple[str, str]] = []
        sources: dict[str, Path] = {}
        for doc_id, f in _article_files(paths):
            if doc_id in sources:
                report.failed[str(f)] = (f"{f}: has the same document id {doc_id!r} as {sources[doc_id]}. "
                                         "Ingest the folder that holds both, so their ids keep their sub-folders.")
                continue
            sources[doc_id] = f
            try:
                texts.append((doc_id, read_article_file(f, max_bytes=self.settings.max_upload_bytes)))
            except DocumentError as exc:
                report.failed[doc_id] = str(exc)
        return self.ingest_texts(texts, sync=sync, force=force, progress=progress, report=report)

    def ingest_texts(self, items: Sequence[tuple[str, str]], *, sync: bool = False, force: bool = False,
                     progress: Progress | None = None, report: IngestReport | None = None) -> IngestReport:
        """Index ``(doc_id, text)`` pairs. Unchanged articles are skipped (re-embedded with ``force``), changed ones
        replaced; either way an article's old version stays until its new one is written."""
        started = time.perf_counter()
        report = report or IngestReport()
        _check_doc_ids([doc_id for doc_id, _ in items])
        seen = {doc_id for doc_id, _ in items} | set(report.failed)
        with self.writing():
            if self._needs_repair:  # the last writer did not finish (or cannot be known to have finished)
                self.repair()
            existing = self.store.article_records()
            todo: list[Article] = []
            for doc_id, raw in items:
                try:
                    article = parse_article(doc_id, raw)
                except DocumentError as exc:
                    report.failed[doc_id] = str(exc)
                    continue
                old = existing.get(doc_id)
                if old and old.get("content_hash") == article.content_hash and not force:
                    report.unchanged.append(doc_id)
                    continue
                (report.updated if old else report.added).append(doc_id)
                todo.append(article)
            removed_chunks: list[str] = []
            if sync:
                for doc_id in sorted(set(existing) - seen):
                    self.store.delete_article(doc_id)
                    report.removed.append(doc_id)
            total = len(todo)
            done = 0
            # Articles are chunked, embedded and written in groups of about INGEST_BATCH_CHUNKS chunks: one embedding
            # call and two Chroma writes per group instead of per article, and only one group's chunks in memory.
            # Within a group every chunk is written before any article record, so each article still commits
            # (record last) only after all its chunks. A changed article's old chunks are removed only after its new
            # version is committed (chunk ids hold the content hash, so the two never collide): a crash in between
            # leaves both versions until the next repair, never neither.
            for group in _groups(todo, INGEST_BATCH_CHUNKS, self._chunk):
                if progress:
                    progress(done, total, group[0][0].doc_id)
                vectors = self.embedder.embed_passages(
                    [embedding_text(article.title, c.text) for article, chunks in group for c in chunks])
                batch = []
                offset = 0
                for article, chunks in group:
                    batch.append((article, chunks, vectors[offset:offset + len(chunks)]))
                    offset += len(chunks)
                for article, chunks, _ in self._write_group(batch, report):
                    if article.doc_id in existing:
                        self.store.delete_stale_chunks(article.doc_id, article.content_hash)
                    report.chunks_embedded += len(chunks)
                    # tokenised now, while the text is at hand; the BM25 matrix is rebuilt once, by _sync_lexical
                    self.lexical.stage([(c.chunk_id, c.text, article.date_number or 0, article.doc_id)
                                        for c in chunks])
                    if self._late_interaction:
                        self._add_token_vectors([(c.chunk_id, article.title, c.text) for c in chunks])
                done += len(group)
            if progress:
                progress(total, total, "")
            if todo or report.removed:
                self._sync_lexical(removed_hint=removed_chunks)
            self._sync_tokens()
        report.seconds = time.perf_counter() - started
        return report

    def _write_group(self, batch: list[tuple[Article, list[Chunk], Any]], report: IngestReport) -> list:
        """Write a group of articles in one go; when that fails, each article alone, so one bad article fails by
        itself (in ``report.failed``, its written chunks removed again) and the others still go in."""
        try:
            self.store.add_articles(batch)
            return batch
        except StoreUnavailableError:
            raise
        except StoreError:
            pass
        written = []
        for item in batch:
            try:
                self.store.add_articles([item])
                written.append(item)
            except StoreUnavailableError:
                raise
            except StoreError as exc:
                self._roll_back(item[0], item[1], report, exc)
        return written

    def _roll_back(self, article: Article, chunks: list[Chunk], report: IngestReport, exc: StoreError) -> None:
        """Remove the chunks written for a new version that failed to commit; report the article as failed."""
        self.store.delete_chunks([c.chunk_id for c in chunks])
        for done in (report.added, report.updated):
            if article.doc_id in done:
                done.remove(article.doc_id)
        report.failed[article.doc_id] = f"{article.doc_id}: could not be stored ({exc.message})."

    def _chunk(self, article: Article) -> list[Chunk]:
        return chunk_article(article, chunk_tokens=self.settings.chunk_tokens,
                             overlap_sentences=self.settings.chunk_overlap_sentences,
                             max_chars=self.settings.chunk_max_chars)

    def delete(self, doc_id: str) -> bool:
        """Remove one article; False when it was not indexed."""
        with self.writing():
            if self.store.article_text(doc_id) is None:
                return False
            self.store.delete_article(doc_id)
            self._sync_lexical()
            self._sync_tokens()
            return True

    # ------------------------------------------------------------- consistency
    def repair(self) -> dict[str, int]:
        """Remove chunks of uncommitted or half-deleted articles; re-sync the lexical index. Returns counts."""
        records = self.store.article_records()
        ids, _, metas = self.store.chunk_records(documents=False)
        per_doc: dict[str, int] = {}
        orphans: list[str] = []
        for cid, meta in zip(ids, metas):
            doc = meta.get("doc_id", "")
            rec = records.get(doc)
            if rec is None or rec.get("content_hash") != meta.get("content_hash"):
                orphans.append(cid)
            else:
                per_doc[doc] = per_doc.get(doc, 0) + 1
        broken = [d for d, rec in records.items() if per_doc.get(d, 0) != int(rec.get("chunks", 0))]
        self.store.delete_chunks(orphans)
        for doc in broken:
            self.store.delete_article(doc)
        if orphans or broken or self.lexical.fingerprint != self._fingerprint(self.store.article_records()):
            self._sync_lexical()
        self._sync_tokens()
        return {"orphan_chunks": len(orphans), "broken_articles": len(broken)}

    def _fingerprint(self, records: dict[str, dict]) -> str:
        digest = hashlib.sha256()
        for doc_id in sorted(records):
            digest.update(f"{doc_id}\x00{records[doc_id].get('content_hash')}\n".encode())
        return digest.hexdigest()

    def _sync_lexical(self, added_hint: list | None = None, removed_hint: list | None = None) -> None:
        """Bring the lexical index to the chunk collection's state, tokenising only chunks it does not have."""
        records = self.store.article_records()
        current = self.store.chunk_ids()  # ids only: texts are read for the chunks the lexical index lacks
        known = self.lexical.chunk_ids()
        ids, texts, metas = self.store.chunk_records(ids=[cid for cid in current if cid not in known])
        add = [(cid, text, int(meta.get("date_num", 0) or 0), meta.get("doc_id", ""))
               for cid, text, meta in zip(ids, texts, metas)]
        self.lexical.update(add, known - set(current), self._fingerprint(records))
        self.lexical.save()
        self._meta_cache = None
        self._text_cache.clear()

    @property
    def _late_interaction(self) -> bool:
        return self.settings.reranker == "late-interaction"

    def _add_token_vectors(self, items: list[tuple[str, str, str]]) -> None:
        """Encode and store the token vectors of ``(chunk id, title, text)`` chunks (writers only)."""
        from ..retrieval.late_interaction import get_colbert_encoder, late_text

        vectors = get_colbert_encoder(self.settings.embed_batch_size).encode_passages(
            [late_text(title, text) for _, title, text in items])
        self.tokens.add(zip([cid for cid, _, _ in items], vectors))

    def _sync_tokens(self) -> None:
        """Drop the token vectors of chunks no longer indexed and, with late interaction on, compute the missing
        ones (an index built before, or with the other reranker, is filled in here: at its next write)."""
        current = set(self.store.chunk_ids())
        known = self.tokens.chunk_ids()
        self.tokens.remove(known - current)
        if self._late_interaction:
            missing = sorted(current - known)
            for i in range(0, len(missing), INGEST_BATCH_CHUNKS):
                ids, texts, metas = self.store.chunk_records(ids=missing[i:i + INGEST_BATCH_CHUNKS])
                self._add_token_vectors([(cid, (meta or {}).get("title", ""), text or "")
                                         for cid, text, meta in zip(ids, texts, metas)])
        if known - current or self._late_interaction:
            self.tokens.save()

    def refresh(self, force: bool = False, every: float | None = None) -> None:
        """Pick up changes made by other processes or app instances (checked at most every ``every`` seconds,
        default ``settings.refresh_seconds``)."""
        now = time.monotonic()
        if not force and now - self._last_sync_check < (self.settings.refresh_seconds if every is None else every):
            return
        self._last_sync_check = now
        self.tokens.load()
        generation = self._generation()
        if not force and generation is not None and generation == self._seen_generation:
            return  # no writer started or finished since the last full check (reading every record is not free)
        records = self.store.article_records()
        if self.lexical.fingerprint != self._fingerprint(records) or len(self.lexical) != sum(
                int(r.get("chunks", 0)) for r in records.values()):
            # never wait for a writer of this process: it holds the lock for a whole ingest and re-syncs at its end
            if self._thread_lock.acquire(blocking=False):
                try:
                    self._sync_lexical()
                finally:
                    self._thread_lock.release()
        self._meta_cache = records
        self._seen_generation = generation

    # ------------------------------------------------------------- lookups
    def records(self) -> dict[str, dict]:
        if self._meta_cache is None:
            self._meta_cache = self.store.article_records()
        return self._meta_cache

    def latest_year(self) -> int | None:
        """Publication year of the newest dated article (read once per change of the records, not per query)."""
        records = self.records()
        if self._latest_year[0] is not records:
            years = [int(r["date_num"]) // 10000 for r in records.values() if int(r.get("date_num") or 0)]
            self._latest_year = (records, max(years) if years else None)
        return self._latest_year[1]

    def documents(self) -> list[DocumentInfo]:
        """Every indexed article, newest first (undated last)."""
        docs = [
            DocumentInfo(doc_id=d, title=m.get("title", d), date=m.get("date") or None,
                         source_url=m.get("source_url") or None, agency=m.get("agency") or None,
                         chunks=int(m.get("chunks", 0)), content_hash=m.get("content_hash", ""),
                         chars=int(m.get("chars", 0)))
            for d, m in self.records().items()
        ]
        return sorted(docs, key=lambda d: (d.date or "", d.doc_id), reverse=True)

    def article_text(self, doc_id: str) -> str | None:
        """The stored (normalised) text of an article; citation offsets point into it."""
        if doc_id not in self._text_cache:
            got = self.store.article_text(doc_id)
            if got is None:
                return None
            self._text_cache[doc_id] = got[0]
        return self._text_cache[doc_id]

    def embedded_texts(self) -> list[str]:
        """The text embedded for every chunk of the index (headline and chunk, as ingest embeds them)."""
        passages = self.passages(sorted(self.store.chunk_ids()))
        return [embedding_text(p.title, p.text) for p in passages.values()]

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Passage]:
        """Chunk ids -> :class:`Passage` with text and article metadata."""
        if not chunk_ids:
            return {}
        out: dict[str, Passage] = {}
        for cid, text, meta in zip(*self.store.chunk_records(ids=list(chunk_ids))):
            meta = meta or {}
            out[cid] = Passage(
                chunk_id=cid, doc_id=meta.get("doc_id", ""), text=text or "", start=int(meta.get("start", 0)),
                end=int(meta.get("end", 0)), title=meta.get("title", ""), date=meta.get("date") or None,
                source_url=meta.get("source_url") or None, agency=meta.get("agency") or None,
                sentences=[tuple(s) for s in json.loads(meta.get("sentences", "[]"))],
            )
            out[cid].flags = passage_flags(meta.get("flags"), text or "", out[cid].start, out[cid].sentences)
        return out

    def stats(self) -> dict[str, int]:
        records = self.records()
        return {"articles": len(records), "chunks": sum(int(r.get("chunks", 0)) for r in records.values())}


def _groups(todo: list[Article], min_chunks: int,
            chunker: Callable[[Article], list[Chunk]]) -> Iterator[list[tuple[Article, list[Chunk]]]]:
    """Consecutive runs of whole, chunked articles holding at least ``min_chunks`` chunks (the last may hold fewer)."""
    group: list[tuple[Article, list[Chunk]]] = []
    size = 0
    for article in todo:
        chunks = chunker(article)
        group.append((article, chunks))
        size += len(chunks)
        if size >= min_chunks:
            yield group
            group, size = [], 0
    if group:
        yield group


def embedding_text(title: str, text: str) -> str:
    """What is embedded for a chunk: the headline gives the passage its context."""
    return f"{title}\n{text}" if title else text


def _check_doc_ids(doc_ids: Sequence[str]) -> None:
    """Refuse the whole ingest (before anything is written) when an id is unsafe or given twice."""
    seen: set[str] = set()
    for doc_id in doc_ids:
        _check_doc_id(doc_id)
        if doc_id in seen:
            raise InputError(f"The document id {doc_id!r} is given twice.", hint="Give every article its own id.")
        seen.add(doc_id)


def _check_doc_id(doc_id: str) -> None:
    """A document id is a relative ``/``-separated path (``2025-05/article.txt``) without empty, ``.`` or ``..``
    parts, backslashes, control characters, or invisible format characters (bidi overrides, zero-width marks)."""
    problem = _doc_id_problem(doc_id) if isinstance(doc_id, str) else "it is not text"
    if problem:
        raise InputError(f"Invalid document id {doc_id!r}: {problem}.",
                         hint="Use a file name such as article.txt, or a relative path such as 2025-05/article.txt.")


def _doc_id_problem(doc_id: str) -> str | None:
    """Why ``doc_id`` is unusable, or None."""
    if not doc_id or len(doc_id) > MAX_DOC_ID_CHARS:
        return f"it must be 1 to {MAX_DOC_ID_CHARS} characters long"
    if "\\" in doc_id:
        return "it holds a backslash"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in doc_id):
        return "it holds a control or invisible formatting character"
    if any(part in ("", ".", "..") for part in doc_id.split("/")):
        return "it is not a relative path (empty, '.' or '..' part)"
    return None


def _article_files(paths: Iterable[Path]) -> Iterator[tuple[str, Path]]:
    """(document id, file) of every article file given or found (recursively, skipping hidden names) in a folder."""
    for path in map(Path, paths):
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if (f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                        and not any(part.startswith(".") for part in rel.parts)):
                    yield rel.as_posix(), f
        elif path.is_file():
            yield path.name, path
        else:
            raise InputError(f"{path} does not exist.", hint="Give article files or folders that exist.")
