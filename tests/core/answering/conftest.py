"""Fixtures of the answering tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def verifier():
    """The offline citation verifier over the packaged embedder."""
    from rag.answering.verify import Verifier
    from rag.index.embeddings import get_embedder

    return Verifier(get_embedder("bge-small"))


@pytest.fixture(scope="session")
def composer(verifier):
    """The answer composer as the engine builds it, over the packaged embedder (near-synonyms need a real model),
    with no index and no reranker: for the rules that judge an answer against the passages it is given."""
    from rag.answering.answer import Composer

    return Composer(verifier)
