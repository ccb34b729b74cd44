"""Sentence-aware chunking with character offsets into the original article.

A chunk is a run of whole sentences from the article's content paragraphs, about ``chunk_tokens`` long, overlapping
the previous chunk by ``overlap_sentences`` sentences. Chunks never span removed boilerplate, so
``chunk.text == article.text[chunk.start:chunk.end]`` always holds.
"""
from __future__ import annotations

import hashlib

from ..models import Article, Chunk
from ..text import split_sentences

__all__ = ["chunk_article", "approx_tokens", "chunk_id", "sentence_runs"]


def approx_tokens(text: str) -> int:
    """A fast token estimate (~4 characters per token for English news, as subword tokenizers count)."""
    return max(1, (len(text) + 3) // 4)


def chunk_article(article: Article, *, chunk_tokens: int = 120, overlap_sentences: int = 1) -> list[Chunk]:
    """Split ``article`` into citable chunks of a few sentences each."""
    chunks: list[Chunk] = []
    for run in sentence_runs(article):
        start_i = 0
        while start_i < len(run):
            end_i = start_i
            size = 0
            while end_i < len(run):
                s, e = run[end_i]
                add = approx_tokens(article.text[s:e])
                if end_i > start_i and size + add > chunk_tokens:
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


def sentence_runs(article: Article) -> list[list[tuple[int, int]]]:
    """Sentences grouped into runs of adjacent content paragraphs (a removed line breaks the run); a chunk never
    spans two runs."""
    runs: list[list[tuple[int, int]]] = []
    previous_end = None
    for s, e in article.content_spans:
        sentences = split_sentences(article.text[s:e], offset=s)
        if not sentences:
            continue
        gap = article.text[previous_end:s] if previous_end is not None else None
        if gap is not None and gap.strip() == "" and runs:
            runs[-1].extend(sentences)
        else:
            runs.append(list(sentences))
        previous_end = e
    return runs


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    """The id of chunk ``index`` of an article version (stable: the same text gives the same ids)."""
    digest = hashlib.sha1(f"{doc_id}\x00{content_hash}\x00{index}".encode()).hexdigest()[:16]
    return f"{doc_id}#{index}-{digest}"
