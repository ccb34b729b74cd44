"""Test doubles: a fake OpenAI-compatible HTTP server, and in-memory fakes of the engine's seams.

In-memory fakes (no Chroma, no ONNX models, no HTTP), one per seam:

* :class:`FakeChatModel` (:class:`~rag.llm.client.ChatModel`): scripted replies, records every request;
* :class:`InMemoryStore` (:class:`~rag.index.store.VectorStore`): chunks and article records in dicts, numpy cosine;
* :class:`HashEmbedder` (:class:`~rag.index.embeddings.Embedder`): vectors from hashed content words, so lexically
  similar texts are near each other;
* :class:`FakeReranker` (:class:`~rag.retrieval.rerank.Reranker`): the share of the query's content words a passage
  holds, on the cross-encoder's logit scale.

:func:`engine_with_fakes` builds an :class:`~rag.engine.Engine` over them (any part can be swapped back)::

    engine = engine_with_fakes(tmp_path, chat=FakeChatModel(["Guterres met him [1]."]), backend="openai")
    engine.ingest(texts=[("a.txt", "Guterres met Luong Cuong in New York on September 22, 2025.")])
    answer = engine.ask("Who did Guterres meet?")

The fake OpenAI-compatible HTTP server (:mod:`rag.testing.fake_server`) is for the real client code; see
:class:`FakeOpenAIServer`.
"""
from .fake_server import FakeOpenAIServer
from .fakes import FakeChatModel, FakeReranker, HashEmbedder, InMemoryStore, engine_with_fakes, matches  # noqa: F401
from .replies import DEFAULT_REPLY, Reply

__all__ = ["DEFAULT_REPLY", "FakeOpenAIServer", "Reply", "FakeChatModel", "InMemoryStore", "HashEmbedder",
           "FakeReranker", "engine_with_fakes"]
