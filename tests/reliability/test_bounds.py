"""Bounded sizes end to end, and document ids that survive real folders.

* an article without full stops still chunks into pieces of at most ``chunk_max_chars``, and a short question about
  it gets a small response (the passages in answers are capped as well, even from an index built without the bound);
* a question over ``max_question_chars`` is an InputError in Python and a JSON 400 over HTTP, with the same message;
* a date-foldered corpus (``2025-05/article.txt``, ``2025-06/article.txt``) indexes both files under distinct ids;
  a store write that fails for one article fails only that article and leaves no orphans;
* document ids with bidi controls or zero-width characters are refused, and so is PDF data named ``.txt``;
* a crash in the middle of an update never hides the article;
* every ``rag …`` command named in a hint exists, with the flags it names.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rag import DocumentError, InputError, create_http_app
from rag.errors import StoreError

from .fastrag import HashEmbedder
from .helpers import ARTICLE, ROOT, LiveServer, engine_for, snapshot, within

BODY_LIMIT = 64 * 1024  # bytes: what one answer over HTTP may weigh, whatever the articles hold
QUESTION = "Rice exports?"  # 13 characters, 14 bytes with its JSON quotes' neighbour
NO_FULL_STOP = ("Rice exports from the delta rose again this season as traders shipped more grain abroad while "
                "farmers watched prices and rain ") * 38_000  # about 4.9 MB, one "sentence"


def hash_engine(data_dir: Path, **overrides):
    """An extractive engine whose index embeds with the hashing test embedder (a 5 MB article embeds in seconds)."""
    from rag.index.news_index import NewsIndex

    engine = engine_for(data_dir, rerank=False, **overrides)
    engine._index = NewsIndex(engine.settings, embedder=HashEmbedder())
    return engine


def ask_over_http(client, question: str) -> tuple[int, int, int]:
    """Status codes and the larger body size of the same question through /api/ask and /v1/chat/completions."""
    ask = client.post("/api/ask", json={"question": question})
    chat = client.post("/v1/chat/completions", json={"model": "x", "messages": [{"role": "user", "content": question}]})
    return ask.status_code, chat.status_code, max(len(ask.content), len(chat.content))


def orphan_free(engine) -> None:
    """Every chunk belongs to a committed article of the same version, and nothing is left to repair."""
    index = engine.index
    records = index.store.article_records()
    ids, _, metas = index.store.chunk_records(documents=False)
    for cid, meta in zip(ids, metas):
        assert meta["doc_id"] in records, cid
        assert meta["content_hash"] == records[meta["doc_id"]]["content_hash"], cid
    assert index.repair() == {"orphan_chunks": 0, "broken_articles": 0}


# ------------------------------------------------------------------------------------------------ sizes
def test_article_without_full_stops_is_chunked_and_answered_within_bounds(tmp_path):
    engine = hash_engine(tmp_path / "index")
    article = tmp_path / "corpus" / "no-full-stops.txt"
    article.parent.mkdir()
    article.write_text("Rice exports keep rising\n\n" + NO_FULL_STOP)
    assert 4_500_000 < article.stat().st_size < engine.settings.max_upload_bytes
    report = within(300, engine.ingest, [article.parent])
    assert report.added == ["no-full-stops.txt"], report.failed
    _, texts, _ = engine.index.store.chunk_records()
    limit = 2000  # the default of Settings.chunk_max_chars
    assert len(texts) > 2000 and max(map(len, texts)) <= limit
    stored = engine.article("no-full-stops.txt")[0]
    _, texts_and_offsets, metas = engine.index.store.chunk_records()
    assert all(stored[m["start"]:m["end"]] == t for t, m in zip(texts_and_offsets, metas))  # offsets stay exact
    with LiveServer(create_http_app(engine)) as server, server.client(timeout=120) as client:
        ask_status, chat_status, size = within(120, ask_over_http, client, QUESTION)
    assert (ask_status, chat_status) == (200, 200)
    assert size < BODY_LIMIT, size


def test_passages_in_answers_are_capped_even_from_an_unbounded_index(tmp_path, monkeypatch):
    """An index built before the chunk bound (one chunk per paragraph, however long) still answers small."""
    from rag.index import news_index as index_module
    from rag.models import Chunk

    def one_chunk_per_paragraph(article, **_):
        return [Chunk(chunk_id=f"{article.doc_id}#{i}-{article.content_hash[:8]}", doc_id=article.doc_id, index=i,
                      text=article.text[s:e], start=s, end=e, sentences=((s, e),))
                for i, (s, e) in enumerate(article.content_spans)]

    monkeypatch.setattr(index_module, "chunk_article", one_chunk_per_paragraph)
    engine = hash_engine(tmp_path / "index")
    long_paragraph = NO_FULL_STOP[:60_000]
    engine.ingest(texts=[("old.txt", "Rice exports keep rising\n\n" + long_paragraph)])
    _, texts, _ = engine.index.store.chunk_records()
    assert max(map(len, texts)) >= 60_000  # the stored chunk is unbounded
    answer = within(120, engine.ask, QUESTION)
    shown = answer.passages + answer.related
    assert shown and all(len(p.text) <= 2000 for p in shown)
    assert any(p.text.endswith("…") and long_paragraph.startswith(p.text[:-1]) for p in shown)
    assert all(len(c.quote) <= 2000 for c in answer.citations)
    assert len(engine.article("old.txt")[0]) > 60_000  # the stored article is untouched
    with LiveServer(create_http_app(engine)) as server, server.client(timeout=120) as client:
        ask_status, chat_status, size = within(120, ask_over_http, client, QUESTION)
    assert (ask_status, chat_status) == (200, 200) and size < BODY_LIMIT, size


def test_long_question_is_refused_with_its_length_and_the_limit(seed_copy):
    engine = engine_for(seed_copy())
    question = "Who met Guterres? " * 1111 + "Hi"  # 20,000 characters
    assert len(question) == 20_000
    with pytest.raises(InputError) as info:
        engine.ask(question)
    expected = "Your question is 20,000 characters long; the limit is 2,000."
    assert info.value.message == expected and info.value.hint == "Shorten it."
    with LiveServer(create_http_app(engine)) as server, server.client(timeout=120) as client:
        for response in (client.post("/api/ask", json={"question": question}),
                         client.post("/v1/chat/completions",
                                     json={"model": "x", "stream": True,
                                           "messages": [{"role": "user", "content": question}]})):
            assert response.status_code == 400, response.text[:300]
            error = response.json()["error"]
            assert error["code"] == "invalid_input" and error["message"] == expected, error


def test_question_limit_is_a_setting(seed_copy):
    engine = engine_for(seed_copy(), max_question_chars=100)
    with pytest.raises(InputError, match="Your question is 150 characters long; the limit is 100"):
        engine.ask("x" * 149 + "?")


# ------------------------------------------------------------------------------------------------ document ids
def test_date_foldered_corpus_keeps_both_same_named_files(seed_copy, tmp_path, capsys):
    from rag.cli import main

    data_dir = seed_copy()
    engine = engine_for(data_dir)
    corpus = tmp_path / "corpus"
    for month, place in (("2025-05", "Hue"), ("2025-06", "Can Tho")):
        (corpus / month).mkdir(parents=True)
        (corpus / month / "article.txt").write_text(ARTICLE.replace("Hanoi", place).replace("HANOI", place.upper()))
    (corpus / "top.txt").write_text(ARTICLE.replace("Red River", "Perfume River"))
    report = within(120, engine.ingest, [corpus])
    assert sorted(report.added) == ["2025-05/article.txt", "2025-06/article.txt", "top.txt"], report.failed
    assert not report.failed
    orphan_free(engine)
    assert "Can Tho" in engine.article("2025-06/article.txt")[0] and "Hue" in engine.article("2025-05/article.txt")[0]
    assert sorted(within(120, engine.ingest, [corpus]).unchanged) == sorted(report.added)  # ids are stable
    assert main(["documents", "--data-dir", str(data_dir), "--backend", "extractive"]) == 0
    listed = capsys.readouterr().out
    assert "2025-05/article.txt" in listed and "2025-06/article.txt" in listed
    with LiveServer(create_http_app(engine)) as server, server.client(timeout=120) as client:
        got = client.get("/api/documents/2025-05/article.txt")
        assert got.status_code == 200 and "Hue" in got.json()["text"], got.text[:300]
        assert client.delete("/api/documents/2025-05/article.txt").json() == {
            "doc_id": "2025-05/article.txt", "deleted": True}
    assert main(["delete", "2025-06/article.txt", "--data-dir", str(data_dir), "--backend", "extractive"]) == 0
    engine.index.refresh(force=True)
    assert not {"2025-05/article.txt", "2025-06/article.txt"} & {d.doc_id for d in engine.documents()}
    orphan_free(engine)


def test_a_failing_article_fails_alone_and_leaves_no_orphans(seed_copy, monkeypatch):
    engine = engine_for(seed_copy())
    store = engine.index.store
    real_call = store._call

    def failing_call(fn, *args, **kwargs):  # the store refuses every write that holds bad.txt's chunks
        if getattr(fn, "__name__", "") == "upsert" and any(str(i).startswith("bad.txt") for i in kwargs.get("ids", [])):
            raise StoreError("Chroma failed: simulated write error", hint="Try again.")
        return real_call(fn, *args, **kwargs)

    monkeypatch.setattr(store, "_call", failing_call)
    items = [(f"good-{i}.txt", ARTICLE.replace("six lanes", f"{i + 2} lanes")) for i in range(3)]
    report = within(120, engine.ingest, texts=[items[0], ("bad.txt", ARTICLE + "\n\nA bad one."), *items[1:]])
    assert sorted(report.added) == ["good-0.txt", "good-1.txt", "good-2.txt"]
    assert list(report.failed) == ["bad.txt"] and "simulated write error" in report.failed["bad.txt"]
    monkeypatch.setattr(store, "_call", real_call)
    assert "bad.txt" not in {d.doc_id for d in engine.documents()}
    orphan_free(engine)


INVISIBLE_IDS = {
    "rtl-override": "report\u202etxt.exe",
    "rtl-isolate": "a\u2067b.txt",
    "lr-mark": "a\u200eb.txt",
    "zero-width-space": "\u200barticle.txt",
    "zero-width-joiner": "art\u200dicle.txt",
    "bom": "\ufeffarticle.txt",
    "soft-hyphen": "arti\u00adcle.txt",
    "line-separator": "a\u2028b.txt",
    "dot-dot-inside": "2025-05/../x.txt",
    "absolute": "/x.txt",
    "empty-part": "2025-05//x.txt",
}


@pytest.mark.parametrize("doc_id", INVISIBLE_IDS.values(), ids=INVISIBLE_IDS.keys())
def test_invisible_and_unsafe_document_ids_are_refused(seed_index, tmp_path, doc_id):
    from .helpers import copy_index

    copy_index(seed_index, tmp_path / "index")
    engine = engine_for(tmp_path / "index")
    before = snapshot(engine)
    with pytest.raises(InputError) as info:
        engine.ingest(texts=[("fine.txt", ARTICLE), (doc_id, ARTICLE)])
    assert "document id" in info.value.message and info.value.hint
    assert snapshot(engine) == before


PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Length 44 >>\nstream\n"
       b"BT /F1 12 Tf 72 712 Td (Rice exports rose.) Tj ET\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def test_pdf_and_control_character_data_under_a_text_name_are_refused(seed_copy, tmp_path):
    engine = engine_for(seed_copy())
    before = snapshot(engine)
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "report.txt").write_bytes(PDF)
    (folder / "notes.md").write_bytes(b"\x1b[2J\x01\x02\x03\x04\x05\x06rice\x07\x08\x0e\x0f\x10\x11\x12" * 50)
    report = within(60, engine.ingest, [folder])
    assert not report.added and set(report.failed) == {"report.txt", "notes.md"}
    assert "PDF" in report.failed["report.txt"] and "binary" in report.failed["notes.md"]
    with pytest.raises(DocumentError, match="PDF"):
        from rag.ingest.articles import read_article_file

        read_article_file(folder / "report.txt")
    with LiveServer(create_http_app(engine)) as server, server.client(timeout=120) as client:
        response = client.post("/api/documents", files={"files": ("report.txt", PDF, "text/plain")})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_document", response.text
    assert snapshot(engine) == before


# ------------------------------------------------------------------------------------------------ crash in an update
class Crash(BaseException):
    """The process dying at this point (not an Exception: nothing may catch it)."""


@pytest.mark.parametrize("after_writes", [1, 2])
def test_a_crash_during_an_update_never_hides_the_article(seed_copy, monkeypatch, after_writes):
    data_dir = seed_copy()
    engine = engine_for(data_dir)
    engine.ingest(texts=[("bridge.txt", ARTICLE)])
    store = engine.index.store
    real_call = store._call
    writes = {"n": 0}

    def crashing_call(fn, *args, **kwargs):
        result = real_call(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") in ("upsert", "add", "update", "delete"):
            writes["n"] += 1
            if writes["n"] == after_writes:
                raise Crash()
        return result

    monkeypatch.setattr(store, "_call", crashing_call)
    with pytest.raises(Crash):
        engine.ingest(texts=[("bridge.txt", ARTICLE.replace("ten minutes", "twelve minutes"))])
    restarted = engine_for(data_dir)  # a new process on the same folder, before any repair
    assert "bridge.txt" in {d.doc_id for d in restarted.documents()}
    passages = restarted.retrieve("When did the Tran Hung Dao bridge over the Red River open?").passages
    assert any(p.doc_id == "bridge.txt" for p in passages)
    report = restarted.ingest(texts=[("bridge.txt", ARTICLE.replace("ten minutes", "twelve minutes"))])
    assert report.failed == {}
    assert "twelve minutes" in restarted.article("bridge.txt")[0]
    orphan_free(restarted)


# ------------------------------------------------------------------------------------------------ hints
COMMAND_IN_TEXT = re.compile(r"`rag ([a-z][a-z-]*)((?: [^`]*)?)`")


def test_every_command_named_in_a_hint_exists():
    from rag.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    named = []
    for folder in ("rag", "ui", "evals", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for m in COMMAND_IN_TEXT.finditer(path.read_text()):
                named.append((path.relative_to(ROOT).as_posix(), m.group(1), m.group(2)))
    assert len(named) > 5
    for where, command, rest in named:
        assert command in commands, (where, command)
        options = {o for a in commands[command]._actions for o in a.option_strings}
        for flag in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", rest):
            assert flag in options, (where, command, flag)
