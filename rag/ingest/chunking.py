"""Sentence-aware chunking with character offsets into the original article.

A chunk is a run of whole sentences from the article's content paragraphs, about ``chunk_tokens`` long, overlapping
the previous chunk by ``overlap_sentences`` sentences. Chunks never span removed boilerplate, so
``chunk.text == article.text[chunk.start:chunk.end]`` always holds. No chunk is longer than ``max_chars``: a sentence
over that length (a text without full stops) is split at white space, or cut hard where there is none.
"""
from __future__ import annotations

import hashlib

from ..models import Article, Chunk
from ..text import split_sentences

__all__ = ["chunk_article", "approx_tokens", "chunk_id", "sentence_runs", "MAX_CHUNK_CHARS"]

MAX_CHUNK_CHARS = 2000  # default hard bound on a chunk's length in characters


def approx_tokens(text: str) -> int:
    """A fast token estimate (~4 characters per token for English news, as subword tokenizers count)."""
    return max(1, (len(text) + 3) // 4)


def chunk_article(article: Article, *, chunk_tokens: int = 120, overlap_sentences: int = 1,
                  max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Split ``article`` into citable chunks of a few sentences each, none longer than ``max_chars``."""
    chunks: list[Chunk] = []
    for run in sentence_runs(article, max_chars):
        start_i = 0
        while start_i < len(run):
            end_i = start_i
            size = 0
            while end_i < len(run):
                s, e = run[end_i]
                add = approx_tokens(article.text[s:e])
                if end_i > start_i and (size + add > chunk_tokens or e - run[start_i][0] > max_chars):
                    break
                size += add
                end_i += 1
            sentences = tuple(run[start_i:end_i])
            start, end = sentences[0][0], sentences[-1][1]
            index = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(article.doc_id, article.content_hash, index),
                    doc_id=article.doc_id,
                    index=index,
                    text=article.text[start:end],
                    start=start,
                    end=end,
                    sentences=sentences,
                )
            )
            if end_i >= len(run):
                break
            start_i = max(start_i + 1, end_i - overlap_sentences)
    return chunks


def sentence_runs(article: Article, max_chars: int = MAX_CHUNK_CHARS) -> list[list[tuple[int, int]]]:
    """Sentences (over-long ones in pieces of at most ``max_chars``) grouped into runs of adjacent content
    paragraphs (a removed line breaks the run); a chunk never spans two runs."""
    runs: list[list[tuple[int, int]]] = []
    previous_end = None
    for s, e in article.content_spans:
        sentences = [piece for span in split_sentences(article.text[s:e], offset=s)
                     for piece in _pieces(article.text, span, max_chars)]
        if not sentences:
            continue
        gap = article.text[previous_end:s] if previous_end is not None else None
        if gap is not None and gap.strip() == "" and runs:
            runs[-1].extend(sentences)
        else:
            runs.append(list(sentences))
        previous_end = e
    return runs


def _pieces(text: str, span: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """``span`` of ``text`` as pieces of at most ``max_chars`` characters: cut at the last white space that fits,
    else hard; pieces never start or end with white space."""
    start, end = span
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = _last_space(text, start + 1, start + max_chars)
        piece_end = cut if cut is not None else start + max_chars
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = piece_end
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _last_space(text: str, lo: int, hi: int) -> int | None:
    """Index of the last white-space character in ``text[lo:hi + 1]``, None when there is none."""
    for i in range(min(hi, len(text) - 1), lo - 1, -1):
        if text[i].isspace():
            return i
    return None


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    """The id of chunk ``index`` of an article version (stable: the same text gives the same ids)."""
    digest = hashlib.sha1(f"{doc_id}\x00{content_hash}\x00{index}".encode()).hexdigest()[:16]
    return f"{doc_id}#{index}-{digest}"
