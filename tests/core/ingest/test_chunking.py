"""Sentence chunks of the seeds: exact offsets, size budget, overlap, and stable ids."""
from __future__ import annotations

import dataclasses

import pytest

from rag.ingest.articles import parse_article
from rag.ingest.chunking import sentence_runs, approx_tokens, chunk_article

from ..helpers import D002, D004, SEED_CHUNKS, SEED_IDS


def _size(article, chunk) -> int:
    return sum(approx_tokens(article.text[s:e]) for s, e in chunk.sentences)


def _run_of(runs, sentence):
    return next(i for i, run in enumerate(runs) if sentence in run)


def test_default_chunking_of_the_seeds(seed_articles):
    chunks = {d: chunk_article(a) for d, a in seed_articles.items()}
    assert sorted(chunks) == sorted(SEED_IDS)
    assert sum(len(c) for c in chunks.values()) == SEED_CHUNKS
    for doc_id, cs in chunks.items():
        assert [c.index for c in cs] == list(range(len(cs)))
        assert all(c.doc_id == doc_id for c in cs)
        assert len({c.chunk_id for c in cs}) == len(cs)
        assert all(c.chunk_id.startswith(f"{doc_id}#{c.index}-") for c in cs)


@pytest.mark.parametrize("chunk_tokens,overlap", [(120, 1), (60, 0), (200, 2), (20, 1)])
def test_chunk_offsets_and_sentences(seed_articles, chunk_tokens, overlap):
    for article in seed_articles.values():
        chunks = chunk_article(article, chunk_tokens=chunk_tokens, overlap_sentences=overlap)
        assert chunks
        content = article.content_spans
        for c in chunks:
            assert c.text == article.text[c.start:c.end]
            assert c.sentences[0][0] == c.start and c.sentences[-1][1] == c.end
            for s, e in c.sentences:
                assert c.start <= s < e <= c.end
                # every sentence comes from one content paragraph (never from removed boilerplate)
                assert any(cs <= s and e <= ce for cs, ce in content)
                sentence = article.text[s:e]
                assert sentence == sentence.strip()
            assert list(c.sentences) == sorted(c.sentences)


@pytest.mark.parametrize("chunk_tokens", [40, 120, 300])
def test_chunks_are_a_few_sentences_within_the_budget(seed_articles, chunk_tokens):
    for article in seed_articles.values():
        runs = sentence_runs(article)
        chunks = chunk_article(article, chunk_tokens=chunk_tokens, overlap_sentences=1)
        for c in chunks:
            if len(c.sentences) > 1:
                assert _size(article, c) <= chunk_tokens, (article.doc_id, c.index)
            run = runs[_run_of(runs, c.sentences[0])]
            last = run.index(c.sentences[-1])
            if last + 1 < len(run):  # greedy: the next sentence of the run would not have fit
                assert _size(article, c) + approx_tokens(article.text[slice(*run[last + 1])]) > chunk_tokens
        if chunk_tokens == 120:
            assert max(len(c.sentences) for c in chunks) <= 6
            assert max(approx_tokens(c.text) for c in chunks if len(c.sentences) > 1) <= chunk_tokens + 5


@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_consecutive_chunks_overlap_by_the_configured_sentences(seed_articles, overlap):
    for article in seed_articles.values():
        runs = sentence_runs(article)
        chunks = chunk_article(article, chunk_tokens=60, overlap_sentences=overlap)
        covered = set()
        for a, b in zip(chunks, chunks[1:]):
            same_run = _run_of(runs, a.sentences[0]) == _run_of(runs, b.sentences[0])
            shared = set(a.sentences) & set(b.sentences)
            if same_run:
                k = min(overlap, len(a.sentences) - 1)
                assert len(shared) == k, (article.doc_id, a.index)
                if k:
                    assert b.sentences[:k] == a.sentences[-k:]
                # no sentence of the run is skipped between two chunks
                assert runs[_run_of(runs, a.sentences[0])].index(b.sentences[0]) <= \
                    runs[_run_of(runs, a.sentences[0])].index(a.sentences[-1]) + 1
            else:
                assert not shared and a.end < b.start
        for c in chunks:
            covered.update(c.sentences)
        assert covered == {s for run in runs for s in run}  # every content sentence is in some chunk


def test_removed_caption_breaks_the_run(seed_articles):
    article = seed_articles[D004]
    caption_at = article.text.index("United Nations Secretary-General António Guterres is in Hanoi")
    chunks = chunk_article(article)
    assert not any(c.start <= caption_at < c.end for c in chunks)
    assert len(sentence_runs(article)) == 2


def test_chunk_ids_are_stable_and_follow_the_content(seed_articles):
    article = seed_articles[D002]
    first = [c.chunk_id for c in chunk_article(article)]
    again = [c.chunk_id for c in chunk_article(parse_article(D002, article.text))]
    assert first == again
    changed = parse_article(D002, article.text.replace("120 representatives", "130 representatives"))
    assert changed.content_hash != article.content_hash
    new_ids = [c.chunk_id for c in chunk_article(changed)]
    assert len(new_ids) == len(first)
    assert not set(new_ids) & set(first)  # a changed article never reuses a stale id
    renamed = dataclasses.replace(article, doc_id="other.txt")
    assert not {c.chunk_id for c in chunk_article(renamed)} & set(first)


def test_seed_chunks_in_the_index_match_the_chunker(engine, seed_articles):
    ids, texts, metas = engine.index.store.chunk_records()
    expected = {c.chunk_id: (a, c) for a in seed_articles.values() for c in chunk_article(a)}
    assert sorted(ids) == sorted(expected)
    for cid, text, meta in zip(ids, texts, metas):
        article, chunk = expected[cid]
        assert text == chunk.text == article.text[meta["start"]:meta["end"]]
        assert meta["doc_id"] == article.doc_id and meta["content_hash"] == article.content_hash
