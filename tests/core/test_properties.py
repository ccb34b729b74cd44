"""Property-based tests (hypothesis) of the parser, the chunker, the citation parser and accent folding."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import DocumentError
from rag.ingest.articles import parse_article
from rag.ingest.chunking import chunk_article
from rag.answering.citations import parse_cited_sentences, strip_markers
from rag.text import fold, split_sentences

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# words that exercise the parser: names with diacritics, abbreviations, agencies, captions, date lines
WORDS = st.sampled_from(
    ["Lương", "Cường", "Hà", "Nội", "Guterres", "U.N.", "Mr.", "the", "met", "in", "on", "September", "22,",
     "2025", "—", "–", "VNA/VNS", "(Photo:", "VNA)", "Source:", "https://x.vn/a", "Comment", "(0)", "date",
     "2025-10-25", "/.", "[1]", "Đổi", "mới", "said", "\u0301", "e\u0301", "Laodong.vn", "...", "!", "?"]
)
SENTENCE = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(WORDS, min_size=1, max_size=12),
                     st.sampled_from([".", "!", "?", "", ". — VNA", " (Photo: VNA)"]))
PARAGRAPH = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=5))
SEPARATOR = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\n\n\n"])


@st.composite
def articles(draw):
    paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=8))
    text = ""
    for p in paragraphs:
        text += p + draw(SEPARATOR)
    if draw(st.booleans()):
        text = " date 2025-09-23 " + text
    return text


def _check_article(article):
    assert unicodedata.is_normalized("NFC", article.text)
    assert article.content_spans
    previous = 0
    for s, e in article.content_spans:
        assert previous <= s < e <= len(article.text)
        previous = e
    assert article.title.strip()
    assert article.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date)


@FAST
@given(st.text())
def test_parser_never_crashes_on_arbitrary_text(raw):
    try:
        article = parse_article("fuzz.txt", raw)
    except DocumentError as exc:
        assert exc.message and exc.hint
        return
    _check_article(article)


@FAST
@given(articles())
def test_parser_and_chunker_on_article_like_text(raw):
    try:
        article = parse_article("fuzz.txt", raw)
    except DocumentError:
        return
    _check_article(article)
    for s, e in article.content_spans:  # source and comment-counter lines are never content
        piece = article.text[s:e]
        assert not re.fullmatch(r"Source:\s*https?://\S+", piece, re.IGNORECASE)
        assert not re.fullmatch(r"comments?\s*\(\d+\)", piece, re.IGNORECASE)


@FAST
@given(articles(), st.integers(20, 200), st.integers(0, 3), st.sampled_from([20, 45, 200, 2000]))
def test_chunk_offsets_invariant(raw, chunk_tokens, overlap, max_chars):
    try:
        article = parse_article("fuzz.txt", raw)
    except DocumentError:
        return
    chunks = chunk_article(article, chunk_tokens=chunk_tokens, overlap_sentences=overlap, max_chars=max_chars)
    content_sentences = {s for cs, ce in article.content_spans
                         for s in split_sentences(article.text[cs:ce], offset=cs)}
    covered = set()
    for i, c in enumerate(chunks):
        assert c.index == i
        assert c.text == article.text[c.start:c.end]
        assert c.text.strip() == c.text and c.text
        assert len(c.text) <= max_chars
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end
            # a whole content sentence, or a piece of one that is longer than max_chars
            assert (s, e) in content_sentences or any(cs <= s < e <= ce and ce - cs > max_chars
                                                      for cs, ce in content_sentences)
        covered.update(c.sentences)
    assert covered >= {span for span in content_sentences if span[1] - span[0] <= max_chars}
    # every character of every sentence lands in some chunk (pieces lose only the white space between them)
    kept = {i for s, e in covered for i in range(s, e)}
    assert all(i in kept for s, e in content_sentences for i in range(s, e) if not article.text[i].isspace())
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@FAST
@given(st.lists(st.text(min_size=1), min_size=1, max_size=6), st.integers(20, 200), st.integers(0, 3),
       st.integers(5, 60))
def test_chunk_offsets_invariant_arbitrary_paragraphs(paragraphs, chunk_tokens, overlap, max_chars):
    try:
        article = parse_article("fuzz.txt", "\n\n".join(paragraphs))
    except DocumentError:
        return
    for c in chunk_article(article, chunk_tokens=chunk_tokens, overlap_sentences=overlap, max_chars=max_chars):
        assert c.text == article.text[c.start:c.end]
        assert 0 < len(c.text) <= max_chars
        assert all(c.start <= s < e <= c.end for s, e in c.sentences)


MARKERS = st.builds(lambda nums, sep: "[" + sep.join(map(str, nums)) + "]",
                    st.lists(st.integers(0, 1500), min_size=1, max_size=3), st.sampled_from([",", ", ", ";", "; "]))
ANSWER_PIECES = st.one_of(MARKERS, st.sampled_from(["Guterres met Lương Cường", "on September 22", ".", ". ", "\n",
                                                     "- ", "U.N.", "Mr. Lam", "[n]", "[", "]", " ", "2025."]),
                          st.text(max_size=8))


@FAST
@given(st.lists(ANSWER_PIECES, max_size=25).map("".join), st.integers(0, 12))
def test_citation_parser_numbers_stay_in_range(answer, n_passages):
    parsed = parse_cited_sentences(answer, n_passages)
    for sentence in parsed:
        assert all(1 <= n <= n_passages for n in sentence.cited)
        assert len(set(sentence.cited)) == len(sentence.cited)
        assert all(not 1 <= n <= n_passages for n in sentence.invalid)
        assert not re.search(r"\[\s*\d+\s*\]", sentence.text)  # markers never leak into the sentence text
        assert sentence.text == sentence.text.strip() and sentence.text


@FAST
@given(st.text(), st.integers(-3, 12))
def test_citation_parser_never_crashes(answer, n_passages):
    for sentence in parse_cited_sentences(answer, n_passages):
        assert all(1 <= n <= max(n_passages, 0) for n in sentence.cited)
    strip_markers(answer)


def test_citation_parser_examples():
    parsed = parse_cited_sentences("Guterres met Lương Cường on September 22 [1]. He visited Hà Nội. [2][9] "
                                   "The U.N. chief spoke [1, 2; 3].", 2)
    assert [(p.text, p.cited, p.invalid) for p in parsed] == [
        ("Guterres met Lương Cường on September 22.", [1], []),
        ("He visited Hà Nội.", [2], [9]),
        ("The U.N. chief spoke.", [1, 2], [3]),
    ]
    assert parse_cited_sentences("The articles don't say.", 3)[0].cited == []
    assert parse_cited_sentences("", 3) == []


@FAST
@given(st.text())
def test_fold_is_idempotent_and_removes_combining_marks(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert folded == folded.lower()


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["Lu", "Ll", "Mn", "Zs"])))
def test_fold_ignores_the_normal_form(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_fold_handles_letters_without_decomposition():
    # Đ/đ, the look-alike Icelandic Ð (often typed for Đ), Ø, Ł and ß have no combining decomposition
    assert fold("Đà Nẵng") == fold("Ðà Nẵng") == fold("ĐÀ NẴNG") == "da nang"
    assert fold("Ǿresund Łódź STRAẞE") == "oresund lodz strasse"
