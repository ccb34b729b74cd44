"""Hybrid retrieval: dense (Chroma) + BM25, weighted reciprocal-rank fusion, date boost, cross-encoder rerank,
and per-article diversity. Also exposed as a LlamaIndex ``BaseRetriever`` (:func:`as_llamaindex_retriever`)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..ingest.chunking import chunk_id
from ..config import Settings
from .analysis import QuestionAnalysis, analyse
from .dates import days_after
from ..index.news_index import NewsIndex
from ..models import Passage
from .crosslingual import rank_by_similarity, score_similarity, words_held
from .rerank import Reranker

__all__ = ["Retriever", "RetrievalResult", "rrf_fuse", "fused_with_first_stage", "diversify", "retrievers_agree", "lead_with",
           "newest_relevant_first", "openings_first", "as_llamaindex_retriever"]


@dataclass
class RetrievalResult:
    """Final context passages (best first), the wider candidate list, and timings."""

    passages: list[Passage]
    candidates: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    date_hint: tuple[int, int] | None = None
    reranked: bool = False
    # what the cross-encoder scored the passages against: the question, or the topic of a topical question
    relevance_query: str = ""
    # the publication period a "What happened in October 2025?" question was answered from (a filter), else None
    period: tuple[int, int] | None = None
    # of a compound question ("Who …, and where …?"): each part's own retrieval, in the question's order
    parts: list["RetrievalResult"] = field(default_factory=list)

    @property
    def best_score(self) -> float | None:
        return self.passages[0].score if self.passages else None


def rrf_fuse(rankings: dict[str, list[str]], weights: dict[str, float], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: ``sum_r w_r / (k + rank_r(d))`` with ranks starting at 1."""
    fused: dict[str, float] = {}
    for name, ids in rankings.items():
        w = weights.get(name, 1.0)
        for rank, item in enumerate(ids, start=1):
            fused[item] = fused.get(item, 0.0) + w / (k + rank)
    return fused


def fused_with_first_stage(candidates: list[Passage], name: str, k: int = 60) -> None:
    """Order ``candidates`` by reciprocal-rank fusion of their ``scores[name]`` (a reranker's) and their first-stage
    rank (``scores["fused"]``: dense and BM25), which also breaks ties (two passages the two orders swap keep the
    first stage's order); ``score`` is the fused value; in place.
    Late interaction alone put the right article second on near ties between two articles on one event (seeds
    MRR@10 0.965 against the cross-encoder's 0.974; fused, 0.974: docs/benchmarks.md)."""
    orders = {key: [p.chunk_id for p in sorted(candidates, key=lambda p: p.scores.get(key, 0.0), reverse=True)]
              for key in (name, "fused")}
    fused = rrf_fuse(orders, {name: 1.0, "fused": 1.0}, k=k)
    for p in candidates:
        p.score = fused[p.chunk_id]
    candidates.sort(key=lambda p: (p.score, p.scores.get("fused", 0.0)), reverse=True)


def diversify(passages: list[Passage], k: int, max_per_doc: int) -> list[Passage]:
    """Top ``k`` passages with at most ``max_per_doc`` from any one article (order kept).

    Two articles about the same story then cannot crowd out the rest; when fewer than ``k`` passages pass the cap,
    the best of the remaining ones fill up.
    """
    chosen: list[Passage] = []
    per_doc: dict[str, int] = {}
    rest: list[Passage] = []
    for p in passages:
        if per_doc.get(p.doc_id, 0) < max_per_doc:
            chosen.append(p)
            per_doc[p.doc_id] = per_doc.get(p.doc_id, 0) + 1
        else:
            rest.append(p)
        if len(chosen) == k:
            return chosen
    return chosen + rest[: k - len(chosen)]


class Retriever:
    """Finds the passages that answer a (standalone) question."""

    def __init__(self, index: NewsIndex, settings: Settings, reranker: Reranker | None = None) -> None:
        """``reranker`` replaces the packaged cross-encoder (loaded on first use when None)."""
        self.index = index
        self.settings = settings
        self.reranker = reranker

    def _reranker(self) -> Reranker:
        """The injected reranker, else the process-wide cross-encoder."""
        if self.reranker is None:
            from .rerank import get_cross_encoder

            return get_cross_encoder(self.settings.rerank_max_tokens)
        return self.reranker

    def retrieve(self, query: str | QuestionAnalysis, *, k: int | None = None, since: int | None = None,
                 until: int | None = None, rerank: bool | None = None,
                 doc_ids: set[str] | None = None) -> RetrievalResult:
        """Retrieve the final context for ``query`` (a standalone question, or the analysis of one: its standalone
        question is searched); ``since``/``until`` are ``yyyymmdd`` publication-date bounds."""
        analysis = query if isinstance(query, QuestionAnalysis) else analyse(query)
        shape, foreign = analysis.resolved, analysis.foreign  # foreign: searched in its English rendering
        if len(shape.parts) > 1 and not foreign:
            return self._retrieve_parts(shape.parts, k=k, since=since, until=until, rerank=rerank, doc_ids=doc_ids)
        query = shape.text
        s = self.settings
        k = k or s.context_k
        timings: dict[str, float] = {}
        self.index.refresh()
        t0 = time.perf_counter()
        topic = shape.topic_with_time  # with the time it names: what the cross-encoder reads
        period = None
        if shape.asks_for_a_period and since is None and until is None:
            # "What happened in October 2025?" asks for the news of a period: the articles published in it (or a
            # few days after, reporting it) are the candidates, and any of them answers; there is no subject for
            # the cross-encoder to judge
            period = shape.period(self.index.latest_year())
            if period is not None:
                since, until = period[0], days_after(period[1], 3)
                rerank, topic = False, None
        where = _date_where(since, until, doc_ids)
        query_vec = self.index.embedder.embed_query(query)
        timings["embed"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        dense_ids, dense_scores = self.index.store.query(query_vec, s.dense_k, where)
        timings["dense"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        lexical = self.index.lexical.search(query, s.lexical_k, since=since, until=until, doc_ids=doc_ids)
        timings["lexical"] = time.perf_counter() - t2
        fused = rrf_fuse({"dense": dense_ids, "lexical": [c for c, _ in lexical]},
                         {"dense": s.dense_weight, "lexical": s.lexical_weight}, k=s.rrf_k)
        date_hint = period or shape.period(self.index.latest_year())
        if date_hint and since is None and until is None:
            fused = self._boost_dates(fused, date_hint)
        order = sorted(fused, key=fused.get, reverse=True)
        do_rerank = s.rerank if rerank is None else rerank
        pool = order[: max(s.rerank_k, k) if do_rerank else max(k * 3, k)]
        if period is not None:  # "what happened then" is told by the articles' openings: make sure they are there
            pool += _opening_ids(pool, self.index.records())
        passages = self.index.passages(pool)
        dense_map = dict(zip(dense_ids, dense_scores))
        lexical_map = dict(lexical)
        candidates: list[Passage] = []
        for cid in pool:
            p = passages.get(cid)
            if p is None:  # deleted meanwhile
                continue
            p.scores = {"fused": fused.get(cid, 0.0)}
            if cid in dense_map:
                p.scores["dense"] = dense_map[cid]
            if cid in lexical_map:
                p.scores["lexical"] = lexical_map[cid]
            p.score = fused.get(cid, 0.0)
            candidates.append(p)
        # "Any news on Mozambique?" asks what the articles say about Mozambique: passages are scored against the
        # topic, every candidate (their relevance decides the order), and the newest come first when it asks for
        # the latest
        relevance_query = topic or query
        top = (retrievers_agree(candidates, s.rerank_skip)
               if do_rerank and rerank is None and s.rerank_skip != "never" and topic is None and not foreign
               else None)
        agreed = top is not None
        if agreed:  # what both retrievers rank first leads, whatever a near-tie in the fused scores says
            lead_with(candidates, top, s.rerank_skip)
        if foreign and do_rerank and candidates and s.crosslingual_rank:  # by the multilingual model alone
            timings["rerank"] = rank_by_similarity(analysis.standalone, candidates)
            t3 = time.perf_counter()  # and the passage it puts first judged by the cross-encoder on the rendering
            top_passage = candidates[0]
            self._score_relevance(analysis, query, [top_passage])
            timings["rerank"] += time.perf_counter() - t3
        elif do_rerank and candidates:
            if foreign:  # the multilingual closeness, shown beside the cross-encoder's logit (which decides)
                timings["crosslingual"] = score_similarity(analysis.standalone, candidates)
            # when both retrievers already rank the same article first, the cross-encoder rarely moves it: only the
            # top passage is scored, for the relevance threshold that feeds the refusal decision, and not even
            # that when the embedder finds the two clearly related
            bar = self.index.embedder.confident_similarity
            # late interaction orders the candidates (not a topic's: their order and the newest-first rule read
            # calibrated cross-encoder logits; not a question in another language: the packaged ColBERT model reads
            # English only and ranks a Vietnamese question's mixed rendering worse than the cross-encoder does,
            # vi:dev MRR@10 0.800 against 0.836); the cross-encoder then scores only the passage it puts first
            late = not agreed and topic is None and not foreign and s.reranker == "late-interaction"
            if late:
                t3 = time.perf_counter()
                self._late_rerank(relevance_query, candidates)
                timings["late_interaction"] = time.perf_counter() - t3
            if not agreed and not late:
                scored = candidates
            elif not late and bar is not None and max(dense_scores, default=0.0) >= bar:
                scored = []
            else:
                scored = candidates[:1]
            if scored:
                t3 = time.perf_counter()
                self._score_relevance(analysis, relevance_query, scored)
                timings["rerank"] = time.perf_counter() - t3
            if not agreed and not late:  # the final ranking is the cross-encoder's
                for p in candidates:
                    p.score = p.scores["rerank"]
                candidates.sort(key=lambda p: p.score, reverse=True)
                if topic is not None and shape.asks_latest:
                    newest_relevant_first(candidates, s.relevance_threshold)
        if period is not None:  # "what happened then": each article's opening first, newest article first
            openings_first(candidates)
        final = diversify(candidates, k, s.max_per_doc)
        if (do_rerank and not foreign and topic is None and final
                and final[0].scores.get("rerank", float("inf")) < s.relevance_threshold):
            t4 = time.perf_counter()  # below the bar read whole: the context's passages read sentence by sentence
            self._score_sentences(relevance_query, final[:s.llm_context_k])
            timings["rerank"] = timings.get("rerank", 0.0) + time.perf_counter() - t4
        timings["retrieval"] = time.perf_counter() - t0
        return RetrievalResult(passages=final, candidates=candidates, timings=timings, date_hint=date_hint,
                               reranked=do_rerank and bool(candidates) and not agreed,
                               relevance_query=relevance_query if do_rerank else "",
                               period=(since, until) if period is not None else None)

    def _retrieve_parts(self, parts: tuple[str, ...], *, k: int | None, since: int | None, until: int | None,
                        rerank: bool | None, doc_ids: set[str] | None) -> RetrievalResult:
        """A compound question: each part retrieved on its own, the context taking their passages in turn (the best
        passage of every part first), so that two articles answering two parts both reach the answer."""
        results = [self.retrieve(part, k=k, since=since, until=until, rerank=rerank, doc_ids=doc_ids)
                   for part in parts]
        timings: dict[str, float] = {}
        for r in results:
            for stage, seconds in r.timings.items():
                timings[stage] = timings.get(stage, 0.0) + seconds
        return RetrievalResult(passages=in_turn([r.passages for r in results], k or self.settings.context_k),
                               candidates=in_turn([r.candidates for r in results]), timings=timings,
                               date_hint=results[0].date_hint, reranked=any(r.reranked for r in results),
                               relevance_query=results[0].relevance_query, parts=results)

    def _score_relevance(self, analysis: QuestionAnalysis, query: str, passages: Sequence[Passage]) -> None:
        """Cross-encoder logits of ``passages`` against ``query`` (``scores["rerank"]``), in place. A passage written
        in the language of a question asked in another language than the articles is read against the question as
        asked instead (:meth:`QuestionAnalysis.in_own_language`), and gets the share of the question's own content
        words it holds (``scores["own_words"]``)."""
        texts = [f"{p.title}. {p.text}" for p in passages]
        own = [analysis.in_own_language(p.text) for p in passages]
        questions = [analysis.standalone if o else query for o in own]
        for question in dict.fromkeys(questions):
            chosen = [i for i, q in enumerate(questions) if q == question]
            for i, logit in zip(chosen, self._reranker().score(question, [texts[i] for i in chosen])):
                passages[i].scores["rerank"] = float(logit)
        for p, text, o in zip(passages, texts, own):
            if o:
                p.scores["own_words"] = words_held(analysis.standalone, text)

    def _score_sentences(self, query: str, passages: Sequence[Passage]) -> None:
        """The best cross-encoder logit of each passage's sentences (each read on its own) against
        ``query`` (``scores["sentence_rerank"]``), in place. The cross-encoder was trained on short passages; read
        whole, a long passage holding one answering sentence among others on the story can score far below it
        ("memphis gun passenger bail?": −7.4 for the passage, −0.5 for "… was released on $5,000 bail.")."""
        texts, owners = [], []
        for i, p in enumerate(passages):
            for start, end in p.sentence_spans():
                texts.append(p.text_at(start, end))
                owners.append(i)
        if not texts:
            return
        for i, logit in zip(owners, self._reranker().score(query, texts)):
            scores = passages[i].scores
            scores["sentence_rerank"] = max(float(logit), scores.get("sentence_rerank", float("-inf")))

    def _late_rerank(self, query: str, candidates: list[Passage]) -> None:
        """Score ``candidates`` by late-interaction MaxSim (``scores["late"]``) and order them by
        :func:`fused_with_first_stage`; in place."""
        from .late_interaction import LateInteractionReranker, get_colbert_encoder, late_text

        reranker = LateInteractionReranker(get_colbert_encoder(self.settings.embed_batch_size), self.index.tokens.get)
        scores = reranker.score(query, [p.chunk_id for p in candidates], [late_text(p.title, p.text) for p in candidates])
        for p, value in zip(candidates, scores):
            p.scores["late"] = float(value)
        fused_with_first_stage(candidates, "late", self.settings.rrf_k)

    def _boost_dates(self, fused: dict[str, float], hint: tuple[int, int]) -> dict[str, float]:
        """Nudge chunks of articles published in (or a few days after) the period the question names."""
        since, until = hint
        records = self.index.records()
        bonus = 0.5 / (self.settings.rrf_k + 1)
        out = dict(fused)
        for cid in fused:
            doc = cid.split("#", 1)[0]
            num = int(records.get(doc, {}).get("date_num") or 0)
            if num and since <= num <= until + 3:
                out[cid] += bonus
        return out


def in_turn(rankings: list[list[Passage]], k: int | None = None) -> list[Passage]:
    """The passages of several rankings taken in turn (every ranking's first, then every second…), each passage
    once, at most ``k``."""
    out: list[Passage] = []
    seen: set[str] = set()
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking) and ranking[rank].chunk_id not in seen:
                seen.add(ranking[rank].chunk_id)
                out.append(ranking[rank])
    return out[:k] if k is not None else out


def retrievers_agree(candidates: list[Passage], unit: str = "article") -> Passage | None:
    """The dense retriever's top passage when the lexical retriever ranks the same article (``unit="passage"``: the
    same passage) first; None when they disagree."""
    dense = [p for p in candidates if "dense" in p.scores]
    lexical = [p for p in candidates if "lexical" in p.scores]
    if not dense or not lexical:
        return None
    top_dense = max(dense, key=lambda p: p.scores["dense"])
    top_lexical = max(lexical, key=lambda p: p.scores["lexical"])
    same = top_dense.chunk_id == top_lexical.chunk_id if unit == "passage" else top_dense.doc_id == top_lexical.doc_id
    return top_dense if same else None


LATEST_MARGIN = 2.0  # cross-encoder logits: within this of the best passage counts as about as relevant (≈ 7× odds)


def newest_relevant_first(candidates: list[Passage], threshold: float) -> None:
    """For "What's the latest on X?": the passages about as relevant as the best one (within
    :data:`LATEST_MARGIN` logits, and above ``threshold``) newest article first, undated ones after the dated, best
    score first within a date; then the rest in score order. In place; ``candidates`` are sorted by score."""
    if not candidates:
        return
    bar = max(threshold, candidates[0].score - LATEST_MARGIN)
    candidates.sort(key=lambda p: (p.score >= bar, (p.date or "") if p.score >= bar else "", p.score), reverse=True)


def _opening_ids(pool: list[str], records: dict[str, dict]) -> list[str]:
    """Ids of the first chunk of every article ``pool`` draws from that ``pool`` lacks."""
    docs = dict.fromkeys(cid.split("#", 1)[0] for cid in pool)
    ids = [chunk_id(d, records[d]["content_hash"], 0) for d in docs if records.get(d, {}).get("content_hash")]
    return [cid for cid in ids if cid not in pool]


def openings_first(candidates: list[Passage]) -> None:
    """The earliest candidate passage of each article (its lead, where retrieved) first, newest article first
    (undated last), then the other passages in article order; in place."""
    first: dict[str, int] = {}
    for p in candidates:
        first[p.doc_id] = min(p.start, first.get(p.doc_id, p.start))
    candidates.sort(key=lambda p: (p.doc_id, p.start))  # stable sorts, the last one decides most
    candidates.sort(key=lambda p: p.date or "", reverse=True)
    candidates.sort(key=lambda p: p.start != first[p.doc_id])


def lead_with(candidates: list[Passage], top: Passage, unit: str) -> None:
    """Move the best-fused passage of ``top``'s article (``unit="passage"``: ``top`` itself) to the front, and
    ``top`` (the embedder's best passage) right behind it: the lexical side may favour the article's lead for the
    names it repeats while the passage that answers sits lower in the fused order."""
    first = next(p for p in candidates if (p.chunk_id == top.chunk_id if unit == "passage" else p.doc_id == top.doc_id))
    lead = [first] if first is top else [first, top]
    for p in lead:
        candidates.remove(p)
    candidates[:0] = lead


def _date_where(since: int | None, until: int | None, doc_ids: set[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if since is not None:
        clauses.append({"date_num": {"$gte": since}})
    if until is not None:
        clauses.append({"date_num": {"$lte": until}})
        clauses.append({"date_num": {"$gt": 0}})
    if doc_ids is not None:
        clauses.append({"doc_id": {"$in": sorted(doc_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def as_llamaindex_retriever(retriever: Retriever) -> Any:
    """Wrap :class:`Retriever` as a LlamaIndex ``BaseRetriever`` returning ``NodeWithScore`` objects."""
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    class HybridNewsRetriever(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            result = retriever.retrieve(query_bundle.query_str)
            return [
                NodeWithScore(
                    node=TextNode(id_=p.chunk_id, text=p.text, start_char_idx=p.start, end_char_idx=p.end,
                                  metadata={"doc_id": p.doc_id, "title": p.title, "date": p.date or "",
                                            "source_url": p.source_url or ""}),
                    score=p.score,
                )
                for p in result.passages
            ]

    return HybridNewsRetriever()
