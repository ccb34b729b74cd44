"""Fast checks of the UI's HTML rendering, upload validation and helpers (no browser, no index)."""
from __future__ import annotations

import argparse
import html
import json

import pytest

from rag import Answer, Citation, DocumentError, Passage, SentenceSupport
from ui import render as R
from ui.app import allowed_backends, call_run_eval, eval_tables, register, safe_name, validate_upload

EVIL = '<script>window.__pwned=1</script><img src=x onerror="alert(1)"> ![x](http://evil.example/a.png) $$x$$'


def _citation(n: int = 1, **kw) -> Citation:
    base = dict(number=n, doc_id="a.txt", title="Title <b>", date="2025-09-22", source_url="https://x.vn/a",
                agency="VNA", chunk_id="a.txt#0", start=0, end=10, quote="quote <i>")
    return Citation(**{**base, **kw})


def test_esc_neutralises_html_markdown_and_latex():
    out = R.esc(EVIL)
    assert "<" not in out and ">" not in out
    assert "![" not in out and "](" not in out and "$$" not in out
    assert html.unescape(out) == EVIL  # the browser shows exactly the original text
    assert R.esc("it's") == "it&#39;s"  # escaped once, never twice


def test_answer_links_markers_and_marks_unsupported():
    answer = Answer(
        question="q", text="Met on September 22 [1]. The moon is cheese *(unsupported)* Also [7].",
        citations=[_citation(1)],
        sentences=[SentenceSupport("Met on September 22", [1], 0.9, True),
                   SentenceSupport("The moon is cheese", [], 0.1, False, "no passage supports this sentence")])
    out = R.render_answer(answer, turn=3)
    assert '<a class="cite" href="#cite-3-1"' in out
    assert "&#91;7&#93;" in out  # a marker without a citation stays text
    assert '<span class="unsupported"' in out and "badge-unsupported" in out
    assert "\n" not in out  # one HTML block for the chat's markdown renderer


def test_model_output_is_escaped_in_answers_drafts_and_questions():
    answer = Answer(question=EVIL, text=EVIL + " [1]", citations=[_citation(1, title=EVIL, quote=EVIL)])
    for out in (R.render_answer(answer, 0), R.render_draft(EVIL), R.render_question(EVIL),
                R.render_sources(answer, 0), R.render_error(EVIL, EVIL)):
        assert "<script" not in out and "<img" not in out and "](http" not in out


def test_refusal_shows_related_passages_not_as_sources():
    p = Passage(chunk_id="a#0", doc_id="a.txt", text="Some text", start=0, end=9, title="A", date=None,
                source_url="javascript:alert(1)", agency=None)
    answer = Answer(question="q", text="The articles don't say.", refused=True, related=[p])
    assert "refusal" in R.render_answer(answer, 0)
    panel = R.render_sources(answer, 0)
    assert "Related passages (not sources)" in panel and 'data-ref="rel-0-0"' in panel
    assert "javascript:" not in panel  # only http(s) links are ever rendered
    assert "Related passages are shown beside the chat" in R.render_answer(answer, 0)


def test_refusal_over_an_empty_index_shows_how_to_add_articles():
    answer = Answer(question="q", text="The articles don't say. No articles are indexed yet.", refused=True,
                    notice="Add articles first: `rag ingest <folder>`, or the upload panel of the web app.")
    out = R.render_answer(answer, 0)
    assert "No articles are indexed yet." in out and "no passage comes close" in out
    assert "Related passages are shown" not in out  # there are none
    assert '<div class="notice" role="note">Add articles first' in out


def test_article_viewer_marks_the_span():
    text = "Intro. At noon on September 22 <b>they</b> met. End."
    start = text.index("At noon")
    end = text.index(" End")
    out = R.render_article(text, {"title": "T", "doc_id": "a.txt", "chunks": 1}, start, end, "[1]")
    marked = out.split('<mark class="hl" id="viewer-mark">')[1].split("</mark>")[0]
    assert html.unescape(marked) == text[start:end]
    assert "<b>" not in out


def test_plain_answer_for_the_clipboard():
    answer = Answer(question="q", text="Met [1].", citations=[_citation(1)])
    text = R.plain_answer(answer)
    assert text.startswith("Met [1].") and "Sources:" in text and "“quote <i>”" in text


def test_documents_rows_filter():
    docs = [{"doc_id": "a.txt", "title": "Guterres in Hanoi", "date": "2025-10-25", "agency": "VNA", "chunks": 3},
            {"doc_id": "b.txt", "title": "Other", "date": None, "agency": None, "source_url": "https://www.x.vn/1",
             "chunks": 1}]
    assert len(R.documents_rows(docs)) == 2
    assert [r[4] for r in R.documents_rows(docs, "hanoi")] == ["a.txt"]
    assert R.documents_rows(docs, "x.vn")[0][2] == "x.vn"


def test_validate_upload(tmp_path):
    limit = 1000
    good = tmp_path / "good article.txt"
    good.write_text("date 2025-01-02 HANOI – Something happened.", encoding="utf-8")
    assert validate_upload(good, limit)[0] == "good_article.txt"
    cases = {
        "big.txt": ("x" * 2000).encode(),
        "latin.txt": "café".encode("latin-1"),
        "binary.md": b"\x00\x01\x02",
        "empty.txt": b"",
        "image.png": b"\x89PNG",
    }
    messages = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DocumentError) as err:
            validate_upload(path, limit)
        messages[name] = str(err.value)
    assert "over the 1,000-byte limit" in messages["big.txt"]
    assert "not valid UTF-8" in messages["latin.txt"]
    assert "binary" in messages["binary.md"]
    assert "empty" in messages["empty.txt"]
    assert "unsupported file type .png" in messages["image.png"]


def test_validate_pdf(tmp_path):
    from pypdf import PdfWriter

    path = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentError, match="no extractable text"):
        validate_upload(path, 1_000_000)


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\Tin tức 1.HTML") == "Tin_t_c_1.html"
    assert safe_name("...") == "article"


def test_call_run_eval_adapts_to_the_signature():
    seen = {}

    def run_eval(dataset, *, out=None, limit=None, progress: bool | None = None):
        seen.update(dataset=dataset, out=out, limit=limit, progress=progress)
        return {"aggregates": {"hit@5": 1.0}, "questions": []}

    call_run_eval(run_eval, dataset="d.jsonl", out="o", limit=3, progress=lambda *a: None, engine=object())
    assert seen == {"dataset": "d.jsonl", "out": "o", "limit": 3, "progress": True}


def test_eval_tables():
    report = {"aggregates": {"hit@5": {"value": 0.91234, "n": 2}, "refusal_accuracy": {"value": None, "n": 0},
                             "confident_error": {"value": 0.5, "n": 2}},
              "questions": [{"id": "q1", "kind": "factoid", "question": "Q?", "status": "ok", "refused": False,
                             "metrics": {"hit@5": 1.0, "mrr@10": None, "other": 2, "confident_error": 1.0},
                             "answer": "A [1]"}]}
    summary, headers, rows = eval_tables(report)
    assert summary == [["confident_error", 0.5, 2], ["hit@5", 0.912, 2], ["refusal_accuracy", "—", 0]]
    assert headers == ["id", "kind", "question", "status", "confident_error", "hit@5", "answer"]
    assert rows[0] == ["q1", "factoid", "Q?", "ok", 1.0, 1.0, "A [1]"]
    json.dumps(rows)


def test_register_adds_serve():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["serve", "--port", "9999", "--api-only", "--backend", "extractive"])
    assert args.port == 9999 and args.api_only and args.backend == "extractive" and callable(args.func)


def test_browsers_cannot_pick_an_unconfigured_paid_backend():
    from rag import Settings

    def settings(**kw):
        return Settings.load().model_copy(update={"llm_base_url": None, **kw})

    assert allowed_backends(settings(backend="extractive")) == ["local", "extractive"]
    with_server = allowed_backends(settings(backend="local", llm_base_url="http://127.0.0.1:1/v1"))
    assert with_server == ["local", "openai-compatible", "extractive"]
    assert allowed_backends(settings(backend="openai")) == ["local", "openai", "extractive"]
