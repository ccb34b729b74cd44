"""The in-memory vector store and hash embedder (rag.testing) behave like the Chroma store and a real embedder
where the index relies on it: filters, cosine order, deletes, and lexically similar texts nearby."""
from __future__ import annotations

import numpy as np
import pytest

from rag.testing import HashEmbedder, InMemoryStore, matches


def test_where_filters_use_chromas_operators():
    meta = {"doc_id": "a.txt", "date_num": 20250922}
    assert matches(meta, None) and matches(meta, {"doc_id": "a.txt"})
    assert matches(meta, {"$and": [{"date_num": {"$gte": 20250901}}, {"date_num": {"$lte": 20250930}},
                                   {"date_num": {"$gt": 0}}]})
    assert not matches(meta, {"$and": [{"date_num": {"$gte": 20251001}}, {"date_num": {"$gt": 0}}]})
    assert matches(meta, {"doc_id": {"$in": ["a.txt", "b.txt"]}}) and not matches(meta, {"doc_id": {"$in": ["b.txt"]}})
    assert not matches({"doc_id": "a.txt"}, {"date_num": {"$gte": 1}})  # a missing field matches nothing


def test_ingest_query_filter_and_delete_through_the_index(tmp_path):
    from rag.testing import engine_with_fakes

    store = InMemoryStore()
    engine = engine_with_fakes(tmp_path, store=store)
    report = engine.ingest(texts=[
        ("rice.txt", "Published: 2025-09-22\n\nRice exports from Viet Nam rose sharply in September, traders said."),
        ("storm.txt", "Published: 2025-10-25\n\nA storm flooded the central provinces and cut the railway."),
    ])
    assert sorted(report.added) == ["rice.txt", "storm.txt"] and store.count() == report.chunks_embedded
    assert sorted(store.article_records()) == ["rice.txt", "storm.txt"]
    top = engine.retrieve("How did rice exports do?").passages[0]
    assert top.doc_id == "rice.txt" and "Rice exports" in top.text
    only_october = engine.retrieve("rice exports", since="2025-10-01").passages
    assert [p.doc_id for p in only_october] == ["storm.txt"]
    assert engine.delete("rice.txt") and not engine.delete("rice.txt")
    assert sorted(store.article_records()) == ["storm.txt"]
    assert {m["doc_id"] for m in store.chunk_records()[2]} == {"storm.txt"}


def test_cosine_order_and_k():
    from rag.ingest.articles import parse_article
    from rag.ingest.chunking import chunk_article

    store = InMemoryStore()
    embedder = HashEmbedder()

    texts = {"a.txt": "Rice exports rose sharply.", "b.txt": "Rice prices fell.", "c.txt": "The storm hit Hue."}
    for doc_id, text in texts.items():
        article = parse_article(doc_id, text)
        chunks = chunk_article(article)
        store.add_articles([(article, chunks, embedder.embed_passages([c.text for c in chunks]))])
    ids, sims = store.query(embedder.embed_query("rice exports"), 2, None)
    assert [i.split("#")[0] for i in ids] == ["a.txt", "b.txt"] and sims[0] > sims[1]
    assert store.query(embedder.embed_query("rice"), 5, {"doc_id": "c.txt"})[0][0].startswith("c.txt")


@pytest.mark.parametrize("a, b, c", [
    ("Luong Cuong met Guterres in New York.", "Guterres met Lương Cường in New York on Monday.", "Rice prices fell."),
    ("The storm killed 22 people.", "Twenty-two people were killed by the storm.", "The minister met the press."),
])
def test_hashed_vectors_put_texts_sharing_words_closer(a, b, c):
    embedder = HashEmbedder()
    va, vb, vc = embedder.embed_passages([a, b, c])
    assert np.isclose(np.linalg.norm(va), 1.0) and float(va @ vb) > float(va @ vc)
    assert np.array_equal(embedder.embed_query(a), va)  # deterministic, one space for queries and passages


def test_a_forced_reindex_replaces_an_article_in_place_and_keeps_it_when_it_fails(tmp_path):
    from rag import RagError
    from rag.testing import engine_with_fakes

    store = InMemoryStore()
    engine = engine_with_fakes(tmp_path, store=store)
    text = "Published: 2025-09-22\n\nRice exports from Viet Nam rose sharply in September, traders said."
    first = engine.ingest(texts=[("rice.txt", text)])
    chunks = store.count()
    assert engine.ingest(texts=[("rice.txt", text)]).unchanged == ["rice.txt"]
    again = engine.ingest(texts=[("rice.txt", text)], force=True)
    assert again.updated == ["rice.txt"] and again.chunks_embedded == first.chunks_embedded
    assert store.count() == chunks  # replaced, not duplicated

    def broken(texts):
        raise RagError("the embedder failed")

    engine.index.embedder.embed_passages = broken
    with pytest.raises(RagError):
        engine.ingest(texts=[("rice.txt", text)], force=True)
    assert store.count() == chunks and list(store.article_records()) == ["rice.txt"]
    assert engine.retrieve("How did rice exports do?").passages[0].doc_id == "rice.txt"


def test_a_changed_article_replaces_its_old_chunks(tmp_path):
    from rag.testing import engine_with_fakes

    store = InMemoryStore()
    engine = engine_with_fakes(tmp_path, store=store)
    engine.ingest(texts=[("rice.txt", "Published: 2025-09-22\n\nRice exports rose sharply in September.")])
    report = engine.ingest(texts=[("rice.txt", "Published: 2025-09-22\n\nRice exports fell in September.")])
    assert report.updated == ["rice.txt"]
    assert store.chunk_records()[1] == ["Rice exports fell in September."]
