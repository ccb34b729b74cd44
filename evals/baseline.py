"""The baseline: a plain LlamaIndex pipeline over the same articles, for "ours vs baseline" reports.

* ``VectorStoreIndex`` (in memory) over the full text of every indexed article, split by LlamaIndex's default
  ``SentenceSplitter`` (1024-token chunks, 200 overlap), embedded with the same embedder as the engine
  (``rag.llamaindex_embedding``); the article id is kept as metadata but not embedded;
* answers from the default retriever (``similarity_top_k`` = 2): with an LLM backend through ``CitationQueryEngine``
  and ``OpenAILike`` (the same base URL, model and key as the engine); with the extractive backend the retrieved
  chunks' text itself is the answer, each chunk followed by its ``[n]`` marker and separated by a blank line (there
  is no language model, and a plain pipeline has no extractive answerer of its own);
* the packaged embedders read at most 512 tokens, so the embedding of a 1024-token default chunk sees its first
  half only (a consequence of LlamaIndex's default chunk size with this embedder);
* ranking metrics use a second retriever with ``similarity_top_k = max(k)`` (same vectors, longer list);
* no conversation memory: follow-up questions are asked as they are;
* it never refuses unless the LLM says the sources do not hold the answer (or nothing is retrieved).

LlamaIndex's global ``Settings.llm`` is set to the pipeline's LLM (``MockLLM`` when there is none) while the
pipeline is built or queried (and restored afterwards), so nothing can fall back to OpenAI's defaults and try the
network.
"""
from __future__ import annotations

import contextlib
import re
import time
from typing import Any, Iterator, Sequence

from rag import Answer, Citation, Engine, Passage, is_refusal_text

__all__ = ["BaselinePipeline"]

_SOURCE_PREFIX = re.compile(r"^\s*Source \d+:\s*\n?")


@contextlib.contextmanager
def _llamaindex_llm(llm: Any) -> Iterator[None]:
    """Set LlamaIndex's global LLM explicitly for the duration of the block (restored afterwards)."""
    from llama_index.core import Settings as LISettings

    previous = getattr(LISettings, "_llm", None)
    LISettings.llm = llm
    try:
        yield
    finally:
        LISettings._llm = previous


class BaselinePipeline:
    """A plain LlamaIndex RAG pipeline over the articles of ``engine``'s index."""

    def __init__(self, engine: Engine, *, rank_k: int = 10, settings: Any = None) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        from rag import get_embedder, llamaindex_embedding

        self.engine = engine
        settings = settings or engine.settings
        self.backend = settings.backend
        self.model = ""
        self.embed_model = llamaindex_embedding(get_embedder(settings.embedder, settings.embed_batch_size))
        if self.backend == "extractive":
            self.llm: Any = MockLLM()
        else:
            from llama_index.llms.openai_like import OpenAILike

            from rag import chat_client_for

            client = chat_client_for(settings)  # resolves the local server / base URL / model like the engine
            _, _, key = settings.chat_endpoint()
            self.model = client.model
            self.llm = OpenAILike(api_base=client.base_url, model=client.model, api_key=key or "not-needed",
                                  is_chat_model=True, temperature=settings.temperature,
                                  max_tokens=settings.max_tokens, timeout=settings.llm_timeout,
                                  max_retries=settings.llm_max_retries)
        documents = []
        for info in engine.documents():
            got = engine.article(info.doc_id)
            if got is None:
                continue
            documents.append(Document(text=got[0], doc_id=info.doc_id,
                                      metadata={"doc_id": info.doc_id, "title": info.title, "date": info.date or ""},
                                      excluded_embed_metadata_keys=["doc_id", "title", "date"],
                                      excluded_llm_metadata_keys=["doc_id", "title", "date"]))
        self.articles = len(documents)
        with _llamaindex_llm(self.llm):
            self.index = VectorStoreIndex.from_documents(documents, embed_model=self.embed_model,
                                                         transformations=[SentenceSplitter()])
            self.retriever = self.index.as_retriever()  # LlamaIndex default similarity_top_k
            self.rank_retriever = self.index.as_retriever(similarity_top_k=max(rank_k, 1))
            self.query_engine = None
            if self.backend != "extractive":
                from llama_index.core.query_engine import CitationQueryEngine

                self.query_engine = CitationQueryEngine.from_args(self.index, llm=self.llm,
                                                                  retriever=self.retriever)

    def ask(self, question: str, history: Sequence[dict[str, str]] | None = None) -> Answer:
        """Answer ``question`` (history is ignored: the plain pipeline has no conversation memory)."""
        from llama_index.core.schema import QueryBundle

        started = time.perf_counter()
        bundle = QueryBundle(question)
        timings: dict[str, float] = {}
        with _llamaindex_llm(self.llm):
            t0 = time.perf_counter()
            if self.query_engine is not None:
                nodes = self.query_engine.retrieve(bundle)
            else:
                nodes = self.retriever.retrieve(bundle)
            timings["retrieval"] = time.perf_counter() - t0
            passages = [_passage(n) for n in nodes]
            if self.query_engine is not None:
                t1 = time.perf_counter()
                response = self.query_engine.synthesize(bundle, nodes)
                timings["generation"] = time.perf_counter() - t1
                text = str(response.response or "").strip()
                citations = [_citation(i, n) for i, n in enumerate(response.source_nodes, start=1)]
                refused = not text or not nodes or (is_refusal_text(text) and len(text) < 200)
            else:
                citations = [_citation(i, n) for i, n in enumerate(nodes, start=1)]
                text = "\n\n".join(f"{c.quote.strip()} [{c.number}]" for c in citations)
                refused = not nodes
        timings["total"] = time.perf_counter() - started
        if refused:
            citations = []
        return Answer(question=question, text=text or "", citations=citations, refused=refused,
                      standalone_question=question, passages=passages, related=passages[:3] if refused else [],
                      timings={k: round(v, 4) for k, v in timings.items()},
                      backend=f"baseline-{self.backend}", model=self.model)

    def retrieve(self, question: str) -> list[Passage]:
        """The longer ranking (``similarity_top_k = max(k)``) used for the ranking metrics."""
        from llama_index.core.schema import QueryBundle

        with _llamaindex_llm(self.llm):
            return [_passage(n) for n in self.rank_retriever.retrieve(QueryBundle(question))]


def _doc_id(node: Any) -> str:
    meta = node.node.metadata or {}
    return str(meta.get("doc_id") or getattr(node.node, "ref_doc_id", "") or "")


def _passage(node: Any) -> Passage:
    meta = node.node.metadata or {}
    return Passage(chunk_id=node.node.node_id, doc_id=_doc_id(node), text=node.node.get_content(),
                   start=int(node.node.start_char_idx or 0), end=int(node.node.end_char_idx or 0),
                   title=str(meta.get("title", "")), date=meta.get("date") or None, source_url=None, agency=None,
                   score=float(node.score or 0.0), scores={"dense": float(node.score or 0.0)})


def _citation(number: int, node: Any) -> Citation:
    meta = node.node.metadata or {}
    quote = _SOURCE_PREFIX.sub("", node.node.get_content()).strip()
    return Citation(number=number, doc_id=_doc_id(node), title=str(meta.get("title", "")),
                    date=meta.get("date") or None, source_url=None, agency=None, chunk_id=node.node.node_id,
                    start=int(node.node.start_char_idx or 0), end=int(node.node.end_char_idx or 0), quote=quote)
