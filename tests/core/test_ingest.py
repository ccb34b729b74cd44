"""Incremental ingest on private copies of the seed index: skip unchanged, replace changed, sync, delete, repair."""
from __future__ import annotations

from collections import Counter

import numpy as np

from rag.ingest.articles import parse_article
from rag.ingest.chunking import chunk_article
from rag.text import content_terms, lexical_terms

from .helpers import D000, D002, D003, D004, SEED_CHUNKS, SEED_IDS, SEEDS


def _chunk_ids(engine, doc_id=None):
    where = {"doc_id": doc_id} if doc_id else None
    return engine.index.store.chunk_records(where)[0]


def assert_consistent(engine):
    """Chroma chunks, the article registry and the lexical index agree; no id appears twice."""
    ids = _chunk_ids(engine)
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert engine.index.store.count() == len(ids)
    records = engine.index.store.article_records()
    assert sum(int(r["chunks"]) for r in records.values()) == len(ids)
    assert {i.split("#", 1)[0] for i in ids} == set(records)
    assert len(engine.index.lexical) == len(ids)
    assert engine.index.lexical.chunk_ids() == set(ids)
    assert engine.stats()["chunks"] == len(ids) and engine.stats()["articles"] == len(records)


def test_first_ingest_report(seed_index):
    _, report, engine = seed_index
    assert sorted(report.added) == sorted(SEED_IDS)
    assert report.chunks_embedded == SEED_CHUNKS
    assert not (report.updated or report.unchanged or report.removed or report.failed)
    assert [d.doc_id for d in engine.documents()] == [
        "004_6016a5adcce3c608.txt", D003, D002, D000, "001_b510b4b12c9ffde5.txt"]  # newest first, undated last
    assert_consistent(engine)


def test_reingesting_unchanged_seeds_embeds_nothing(fresh_engine):
    eng = fresh_engine()
    before = sorted(_chunk_ids(eng))
    report = eng.ingest([SEEDS])
    assert sorted(report.unchanged) == sorted(SEED_IDS)
    assert report.chunks_embedded == 0
    assert not (report.added or report.updated or report.removed or report.failed)
    report = eng.ingest(texts=[(p.name, p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")])
    assert report.chunks_embedded == 0 and len(report.unchanged) == len(SEED_IDS)
    assert sorted(_chunk_ids(eng)) == before
    assert_consistent(eng)


def test_changing_one_article_replaces_only_that_one(fresh_engine, seeds_copy):
    eng = fresh_engine()
    old_004 = set(_chunk_ids(eng, D004))
    others = {d: sorted(_chunk_ids(eng, d)) for d in SEED_IDS if d != D004}
    path = seeds_copy / D004
    new_text = path.read_text(encoding="utf-8").replace(
        "for two consecutive terms,",
        "for two consecutive terms, a record the zanzibarquux delegation applauded,")
    path.write_text(new_text, encoding="utf-8")

    report = eng.ingest([seeds_copy])
    expected = chunk_article(parse_article(D004, new_text))
    assert report.updated == [D004]
    assert sorted(report.unchanged) == sorted(d for d in SEED_IDS if d != D004)
    assert report.chunks_embedded == len(expected)
    new_004 = _chunk_ids(eng, D004)
    assert sorted(new_004) == sorted(c.chunk_id for c in expected)
    assert not old_004 & set(new_004)
    assert {d: sorted(_chunk_ids(eng, d)) for d in others} == others
    assert_consistent(eng)
    text, info = eng.article(D004)
    assert "zanzibarquux" in text and info.chunks == len(expected)
    hits = eng.index.lexical.search("zanzibarquux", 5)
    assert hits and all(cid.split("#")[0] == D004 and cid in new_004 for cid, _ in hits)

    # the same change again is a no-op
    again = eng.ingest([seeds_copy])
    assert again.chunks_embedded == 0 and D004 in again.unchanged


def _word_only_in(seed_articles, doc_id):
    """Words of one article whose index terms (stems, folded and exact forms) no other article has."""
    mine = content_terms(seed_articles[doc_id].body)
    others = set().union(*(lexical_terms(a.body) for d, a in seed_articles.items() if d != doc_id))
    unique = sorted(w for w in mine if w.isalpha() and len(w) > 5 and not set(lexical_terms(w)) & others)
    assert unique
    return unique


def test_sync_removes_deleted_files_everywhere(fresh_engine, seeds_copy, seed_articles):
    eng = fresh_engine()
    words = _word_only_in(seed_articles, D003)
    assert any(eng.index.lexical.search(w, 5) for w in words)
    (seeds_copy / D003).unlink()

    report = eng.ingest([seeds_copy], sync=True)
    assert report.removed == [D003]
    assert report.chunks_embedded == 0 and len(report.unchanged) == 4
    assert _chunk_ids(eng, D003) == []
    assert D003 not in eng.index.store.article_records()
    assert D003 not in [d.doc_id for d in eng.documents()]
    assert eng.article(D003) is None
    for w in words:
        assert eng.index.lexical.search(w, 5) == []
    assert all(p.doc_id != D003 for p in eng.retrieve("Phạm Minh Chính", rerank=False).candidates)
    assert_consistent(eng)

    # without sync, a missing file is left alone
    (seeds_copy / D000).unlink()
    report = eng.ingest([seeds_copy])
    assert report.removed == [] and D000 in eng.index.records()


def test_bad_files_are_reported_not_fatal(fresh_engine, seeds_copy):
    eng = fresh_engine()
    (seeds_copy / "latin1.txt").write_bytes("Café au lait à Paris.".encode("latin-1"))
    (seeds_copy / "empty.txt").write_bytes(b"")
    report = eng.ingest([seeds_copy], sync=True)
    assert sorted(report.failed) == ["empty.txt", "latin1.txt"]
    assert "UTF-8" in report.failed["latin1.txt"]
    assert len(report.unchanged) == len(SEED_IDS) and report.removed == []


def test_delete(fresh_engine):
    eng = fresh_engine()
    assert eng.delete(D002) is True
    assert eng.article(D002) is None and _chunk_ids(eng, D002) == []
    assert eng.delete(D002) is False
    assert eng.delete("no-such-article.txt") is False
    assert all(p.doc_id != D002 for p in eng.retrieve("Ghada Waly", rerank=False).candidates)
    assert_consistent(eng)


def test_repair_removes_orphans_of_a_crash(fresh_engine):
    eng = fresh_engine()
    store = eng.index.store
    real = sorted(_chunk_ids(eng))
    # a crash after the chunks of "ghost.txt" were written but before its article record (the commit marker)
    ghost_ids = ["ghost.txt#0-deadbeefdeadbeef", "ghost.txt#1-deadbeefdeadbeef"]
    vectors = np.random.default_rng(0).normal(size=(2, eng.index.embedder.dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store.chunks.upsert(ids=ghost_ids, embeddings=vectors.tolist(), documents=["Ghost text one.", "Ghost two."],
                        metadatas=[{"doc_id": "ghost.txt", "content_hash": "x", "start": 0, "end": 10}] * 2)
    assert store.count() == SEED_CHUNKS + 2

    assert eng.index.repair() == {"orphan_chunks": 2, "broken_articles": 0}
    assert sorted(_chunk_ids(eng)) == real
    assert eng.index.repair() == {"orphan_chunks": 0, "broken_articles": 0}
    assert_consistent(eng)


def test_repair_removes_half_deleted_articles(fresh_engine):
    eng = fresh_engine()
    # a crash half-way through deleting D000's chunks: its record claims more chunks than exist
    victim = _chunk_ids(eng, D000)[0]
    eng.index.store.delete_chunks([victim])
    assert eng.index.repair() == {"orphan_chunks": 0, "broken_articles": 1}
    assert D000 not in eng.index.records() and _chunk_ids(eng, D000) == []
    assert_consistent(eng)
    report = eng.ingest([SEEDS])  # re-ingest brings it back whole
    assert report.added == [D000] and report.chunks_embedded == len(chunk_article(
        parse_article(D000, (SEEDS / D000).read_text(encoding="utf-8"))))
    assert_consistent(eng)
