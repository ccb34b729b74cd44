"""Tests for the deterministic synthetic news corpus generator."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402

SEED_PHRASES = (
    "Hanoi Convention",
    "High-level General Debate of the 80th Session",
    "Ghada Waly",
)
DATE_TOKEN = re.compile(r"^ date (\d{4}-\d{2}-\d{2}) ")
FOOTER = re.compile(r"^(Source: https?://\S+|Comment \(\d+\)|Laodong\.vn|Songhong Daily|"
                    r"Mekong Times Online|Lotus Newswire|Coastal Post)$")


def parse(text: str) -> tuple[str | None, str, list[str]]:
    """Split an article into (date, title line, body paragraphs)."""
    m = DATE_TOKEN.match(text)
    date = m.group(1) if m else None
    body = text[m.end():] if m else text
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    title, rest = lines[0], lines[1:]
    paragraphs = [ln for ln in rest if not FOOTER.match(ln)]
    return date, title, paragraphs


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return synthetic.generate(300, seed=0)


def test_requested_count_and_file_names(corpus):
    assert len(corpus) == 300
    names = [name for name, _ in corpus]
    assert names == [f"syn_{i:06d}.txt" for i in range(300)]
    assert synthetic.generate(0) == []
    assert len(synthetic.generate(1, seed=5)) == 1


def test_same_seed_is_byte_identical(corpus):
    again = synthetic.generate(300, seed=0)
    assert again == corpus
    assert [t.encode("utf-8") for _, t in again] == [t.encode("utf-8") for _, t in corpus]


def test_smaller_corpus_is_a_prefix(corpus):
    assert synthetic.generate(25, seed=0) == corpus[:25]


def test_different_seed_gives_different_output(corpus):
    other = synthetic.generate(300, seed=1)
    assert other != corpus
    differing = sum(a != b for (_, a), (_, b) in zip(corpus, other))
    assert differing >= 295


def test_article_length_bounds(corpus):
    lengths = [len(t) for _, t in corpus]
    assert min(lengths) >= synthetic.MIN_CHARS
    assert max(lengths) <= synthetic.MAX_CHARS
    assert 2000 <= sum(lengths) / len(lengths) <= 4000


def test_articles_parse_into_title_and_paragraphs(corpus):
    for name, text in corpus:
        _, title, paragraphs = parse(text)
        assert 15 <= len(title) <= 700, name
        assert 4 <= len(paragraphs) <= 16, (name, len(paragraphs))
        # every body line is prose: starts with a capital letter or a quote mark
        for para in paragraphs:
            assert para[0].isupper() or para[0] in "“\"", (name, para[:60])
        assert "{" not in text and "}" not in text and "[[" not in text, name


def test_dated_articles_start_with_date_token(corpus):
    dated = 0
    for name, text in corpus:
        # the token may only appear once, as the very first thing in the file
        assert not re.search(r"date \d{4}-\d{2}-\d{2}", text[1:].split(" ", 2)[-1]), name
        if text.startswith(" date "):
            m = DATE_TOKEN.match(text)
            assert m, name
            day = dt.date.fromisoformat(m.group(1))
            assert synthetic.START_DATE <= day <= synthetic.END_DATE, name
            dated += 1
        else:
            assert not re.search(r"\bdate \d{4}-\d{2}-\d{2}\b", text), name
    # both dated and undated articles occur
    assert 0.25 * len(corpus) <= dated <= 0.8 * len(corpus)


def test_wire_service_conventions(corpus):
    texts = [t for _, t in corpus]
    assert any(t.endswith("— VNA/VNS") for t in texts)
    assert any(t.endswith("/.") for t in texts)
    assert any("\nSource: https://" in t for t in texts)
    assert any("(Photo: VNA)" in t or "Photo: VNA" in t for t in texts)
    dateline = re.compile(r"^(?: date \d{4}-\d{2}-\d{2} )?(?:[^\n]*\n\n)?[A-ZÀ-Ỹ][A-ZÀ-Ỹ .]+ [—–] ",
                          re.MULTILINE)
    assert sum(1 for t in texts if dateline.match(t)) >= 0.3 * len(texts)
    for t in texts:
        assert "(Reuters)" not in t and "(AP)" not in t and "(AFP)" not in t


def test_vocabulary_variety(corpus):
    joined = "\n".join(t for _, t in corpus)
    for word in ("Nguyễn", "Hà Nội", "Việt Nam", "Đà Nẵng", "ASEAN", "per cent"):
        assert word in joined, word
    topics = {"economy": "export", "climate": "flood", "health": "hospital",
              "education": "exam", "technology": "cyber", "sports": "athletes",
              "culture": "festival", "infrastructure": "expressway", "agriculture": "rice"}
    for topic, word in topics.items():
        assert word in joined.lower(), topic


def test_no_seed_specific_facts():
    texts = [t for _, t in synthetic.generate(3000, seed=0)]
    texts += [t for _, t in synthetic.generate(500, seed=42)]
    for text in texts:
        low = text.lower()
        for phrase in SEED_PHRASES:
            assert phrase.lower() not in low, phrase
        for phrase in synthetic.FORBIDDEN:
            assert phrase not in low, phrase
    # hard distractors are present nonetheless
    joined = "\n".join(texts)
    for name in ("António Guterres", "Phạm Minh Chính", "Tô Lâm", "General Assembly", "cybercrime"):
        assert name in joined, name


def test_sentences_rarely_repeat_across_articles():
    counts: dict[str, int] = {}
    total = 0
    for _, text in synthetic.generate(1500, seed=3):
        for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z“])", text):
            if len(sent) > 60:
                counts[sent] = counts.get(sent, 0) + 1
                total += 1
    repeated = sum(c for c in counts.values() if c > 1)
    assert repeated / total < 0.05
    assert max(counts.values()) <= 10


def test_articles_for_chunks_is_plausible():
    n = synthetic.articles_for_chunks(1000, seed=0)
    per_chunk_bounds = (1000 * synthetic.CHARS_PER_CHUNK // synthetic.MAX_CHARS,
                        1000 * synthetic.CHARS_PER_CHUNK // synthetic.MIN_CHARS)
    assert per_chunk_bounds[0] <= n <= per_chunk_bounds[1]
    texts = [t for _, t in synthetic.generate(n, seed=0)]
    assert 800 <= synthetic.estimate_chunks(texts) <= 1200
    assert synthetic.articles_for_chunks(10_000) > 5 * n


def test_write_corpus(tmp_path):
    paths = synthetic.write_corpus(tmp_path / "out", 5, seed=9)
    assert [p.name for p in paths] == [f"syn_{i:06d}.txt" for i in range(5)]
    expected = synthetic.generate(5, seed=9)
    for p, (_, text) in zip(paths, expected):
        assert p.read_bytes() == text.encode("utf-8")


def _run_cli(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    return subprocess.run([sys.executable, "-m", "benchmarks.synthetic", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_cli_articles(tmp_path):
    out = tmp_path / "corpus"
    res = _run_cli(str(out), "--articles", "12", "--seed", "7", "--quiet", hashseed="12345")
    assert res.returncode == 0, res.stderr
    files = sorted(out.glob("syn_*.txt"))
    assert len(files) == 12
    # identical to in-process generation, independent of hash randomisation
    for f, (name, text) in zip(files, synthetic.generate(12, seed=7)):
        assert f.name == name
        assert f.read_text(encoding="utf-8") == text


def test_cli_chunks(tmp_path):
    out = tmp_path / "corpus"
    res = _run_cli(str(out), "--chunks", "400")
    assert res.returncode == 0, res.stderr
    files = list(out.glob("syn_*.txt"))
    assert len(files) == synthetic.articles_for_chunks(400, seed=0)
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
    assert 300 <= chars / synthetic.CHARS_PER_CHUNK <= 500


def test_cli_requires_a_size(tmp_path):
    res = _run_cli(str(tmp_path / "x"))
    assert res.returncode != 0
