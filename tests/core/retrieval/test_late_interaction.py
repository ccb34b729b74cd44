"""Late-interaction reranking: MaxSim, the on-disk token-vector store, and an index that reranks with it."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ..helpers import D003, D004, ROOT, SEED_CHUNKS, SEEDS


def _unit(*rows: list[float]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_maxsim_sums_each_query_tokens_best_match_per_passage():
    from rag.retrieval.late_interaction import maxsim_scores

    query = _unit([1, 0, 0], [0, 1, 0])
    a = _unit([1, 0, 0], [0, 0, 1])  # matches the first query token exactly, the second not at all
    b = _unit([1, 1, 0])  # cos 0.707 with both
    c = _unit([1, 0, 0], [0, 1, 0], [0, 0, 1])  # matches both exactly
    scores = maxsim_scores(query, np.concatenate([a, b, c]), [2, 1, 3])
    np.testing.assert_allclose(scores, [1.0, 2 * 0.70710677, 2.0], rtol=1e-5)
    assert maxsim_scores(query, np.concatenate([a, c]), [2, 0, 3])[1] == 0.0  # no tokens: no evidence


def test_store_round_trip_delete_compact_and_reopen(tmp_path):
    from rag.index.token_vectors import TokenVectorStore

    rng = np.random.default_rng(1)
    vectors = {f"d#{i}": _unit(*rng.standard_normal((3 + i, 8)).tolist()) for i in range(6)}
    store = TokenVectorStore(tmp_path / "late")
    store.add(list(vectors.items())[:4])
    store.add(list(vectors.items())[4:])
    store.save()

    reopened = TokenVectorStore(tmp_path / "late")
    assert reopened.load() and reopened.chunk_ids() == set(vectors)
    got, counts = reopened.get(["d#5", "missing", "d#0"])
    assert counts == [8, -1, 3]
    np.testing.assert_allclose(got, np.concatenate([vectors["d#5"], vectors["d#0"]]), atol=0.01)  # int8 + scale

    reopened.remove([f"d#{i}" for i in range(5)])  # 8 of 33 rows left alive: the save compacts
    reopened.save()
    assert len(list((tmp_path / "late").glob("vectors.*.i8"))) == 1
    assert (tmp_path / "late" / "vectors.1.i8").stat().st_size == 8 * 8
    again = TokenVectorStore(tmp_path / "late")
    assert again.load() and again.chunk_ids() == {"d#5"}
    np.testing.assert_allclose(again.get(["d#5"])[0], vectors["d#5"], atol=0.01)
    again.add([("d#9", vectors["d#1"])])  # appends after the compacted rows
    again.save()
    last = TokenVectorStore(tmp_path / "late")
    assert last.load() and last.chunk_ids() == {"d#5", "d#9"}
    np.testing.assert_allclose(last.get(["d#9"])[0], vectors["d#1"], atol=0.01)


def test_reader_of_compacted_files_encodes_instead_of_failing(tmp_path):
    from rag.index.token_vectors import TokenVectorStore

    writer, reader = TokenVectorStore(tmp_path), TokenVectorStore(tmp_path)
    writer.add([("a", _unit([1, 0])), ("b", _unit([0, 1]))])
    writer.save()
    reader.load()
    writer.remove(["a"])
    writer.add([("c", _unit([1, 1]))])
    writer.remove(["c"])
    writer.save()  # compacts: the generation the reader loaded is gone
    assert reader.get(["b"])[1] == [-1]  # "not stored": the reranker encodes it, never reads stale rows


@pytest.fixture(scope="module")
def late_engine(tmp_path_factory):
    from rag import Engine

    from ..helpers import core_settings

    engine = Engine(core_settings(tmp_path_factory.mktemp("late"), reranker="late-interaction",
                                  rerank_skip="never"))
    engine.ingest([SEEDS])
    return engine


def test_ingest_stores_token_vectors_for_every_chunk_and_delete_drops_them(tmp_path, seeds_copy):
    from rag import Engine

    from ..helpers import core_settings

    engine = Engine(core_settings(tmp_path / "i", reranker="late-interaction"))
    engine.ingest([seeds_copy])
    index = engine.index
    assert index.tokens.chunk_ids() == set(index.store.chunk_ids()) and len(index.tokens) == SEED_CHUNKS
    index.delete(D004)
    assert index.tokens.chunk_ids() == set(index.store.chunk_ids())
    reopened = Engine(core_settings(tmp_path / "i", reranker="late-interaction")).index  # survives a restart
    assert reopened.tokens.chunk_ids() == set(index.store.chunk_ids())
    assert not any(c.startswith(D004) for c in reopened.tokens.chunk_ids())


def test_index_built_without_vectors_is_filled_in_at_its_next_write(fresh_engine):
    engine = fresh_engine(reranker="late-interaction")
    assert len(engine.index.tokens) == 0  # built with the cross-encoder: no token vectors yet
    result = engine.retrieve("Who did Lương Cường meet in New York?")  # still reranked: encoded on the fly
    assert result.candidates and all("late" in p.scores for p in result.candidates if "rerank" not in p.scores)
    engine.index.delete(D003)
    assert engine.index.tokens.chunk_ids() == set(engine.index.store.chunk_ids())


def _scored(chunk_id: str, **scores: float):
    from rag.models import Passage

    return Passage(chunk_id=chunk_id, doc_id=chunk_id.split("#")[0], text="", start=0, end=0, title="", date=None,
                   source_url=None, agency=None, scores=scores)


def test_late_scores_are_fused_with_the_first_stage_rank():
    from rag.retrieval.retrieve import fused_with_first_stage

    def order(late_and_fused: dict[str, tuple[float, float]]) -> list[str]:
        candidates = [_scored(cid, late=late, fused=fused) for cid, (late, fused) in late_and_fused.items()]
        fused_with_first_stage(candidates, "late")
        return [p.chunk_id for p in candidates]

    # two passages the two orders swap keep the first stage's order (a near tie between two articles)
    assert order({"b#0": (9.0, 0.02), "a#0": (8.0, 0.03)}) == ["a#0", "b#0"]
    # a passage late interaction puts first passes one it ranks far below
    assert order({"a#0": (1.0, 0.05), "b#0": (9.0, 0.04), "c#0": (8.0, 0.03), "d#0": (7.0, 0.02),
                  "e#0": (6.0, 0.01)}) == ["b#0", "c#0", "a#0", "d#0", "e#0"]
    # where both agree nothing moves
    assert order({"a#0": (9.0, 0.05), "b#0": (8.0, 0.04), "c#0": (7.0, 0.03)}) == ["a#0", "b#0", "c#0"]


def test_late_interaction_orders_candidates_and_keeps_the_refusal_signal(late_engine):
    result = late_engine.retrieve("What did Tô Lâm tell Guterres?")
    assert all("late" in p.scores for p in result.candidates)
    scores = [p.score for p in result.candidates]
    assert scores == sorted(scores, reverse=True)  # the fused order
    assert result.passages[0].doc_id == D004
    assert "rerank" in result.passages[0].scores  # the cross-encoder's logit for the refusal threshold
    off_topic = late_engine.ask("What is the boiling point of mercury?")
    assert off_topic.refused


def test_seed_questions_find_the_right_article(late_engine):
    rows = [json.loads(line) for line in (ROOT / "evals" / "datasets" / "seeds.jsonl").open()]
    answerable = [r for r in rows if r.get("answerable", True) and r.get("kind") == "factoid"]
    hits = [bool(set(r["sources"]) & {p.doc_id for p in late_engine.retrieve(r["question"]).passages[:5]})
            for r in answerable]
    assert len(hits) >= 10 and sum(hits) / len(hits) >= 0.9, hits


def test_reranker_setting_is_validated():
    from rag import Settings
    from rag.errors import ConfigError

    assert Settings.load(reranker="late-interaction").reranker == "late-interaction"
    with pytest.raises(ConfigError):
        Settings.load(reranker="colbert")


def test_cross_encoder_stays_the_reranker_by_default(engine):
    assert engine.settings.reranker == "cross-encoder"
    assert not any("late" in p.scores for p in engine.retrieve("Who did Guterres meet in Hà Nội?").candidates)


def test_a_vietnamese_question_is_reranked_by_the_cross_encoder_not_late_interaction(late_engine):
    result = late_engine.retrieve("Tổng Bí thư Tô Lâm đã nói gì với Tổng Thư ký Guterres?")
    assert result.candidates and not any("late" in p.scores for p in result.candidates)
    assert all("rerank" in p.scores for p in result.candidates)  # the cross-encoder read every candidate
    assert result.passages[0].doc_id == D004
