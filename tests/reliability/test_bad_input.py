"""Bad input never changes the index and always gets a clear error with a stable code: questions (engine and HTTP),
article files (engine paths and HTTP uploads), document ids with path traversal, malformed eval datasets.

Already proven elsewhere and not repeated here: "", "   ", "\\x00\\x01" and 2,001-character questions raise
InputError (tests/core/answering/test_answer_extractive.py); unreadable files are reported, not fatal
(tests/core/test_ingest.py, tests/core/test_articles.py); upload refusals, traversal reduced to the base name and
size limits over HTTP (tests/api/test_http_api.py); dataset rows naming line and field
(tests/evals/test_eval_dataset.py). Here every case also checks that nothing in the index changed.
"""
from __future__ import annotations

import json

import httpx
import pytest

from rag import DocumentError, InputError, create_http_app

from .helpers import ARTICLE, GUTERRES_DOC, QUESTION, LiveServer, copy_index, engine_for, snapshot, within

BAD_QUESTIONS = {
    "empty": "",
    "whitespace": " \n\t\u3000 ",
    "100k-chars": "Who met Guterres? " * 5556,  # 100,008 characters
    "control-only": "\x00\x01\x02\x1b\x7f\x08\x0c",
    "invisible-only": "\u200b\u200c\u200d\u2060\ufeff",
    "lone-surrogate": "Who met \ud800 Guterres?",
}
ODD_BUT_VALID = {
    "controls-inside": "When did\x00 Luong Cuong\x07 meet\x1b Guterres?",
    "mixed-scripts": "Lương Cường 会见 Гутерреш في نيويورك when?",
    "emoji-rtl": "\u202eWhen did Luong Cuong meet Guterres? 🇻🇳🇺🇳",
}


@pytest.fixture(scope="module")
def engine(seed_index, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bad-input")
    copy_index(seed_index, data_dir)
    return engine_for(data_dir, max_upload_bytes=200_000)


@pytest.fixture(scope="module")
def live(engine):
    with LiveServer(create_http_app(engine)) as server:
        yield server


@pytest.fixture(scope="module")
def http(live):
    with live.client(timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def before(engine):
    return snapshot(engine)


def assert_json_error(response: httpx.Response, status: int, codes: tuple[str, ...]) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text and 'File "' not in response.text
    error = response.json()["error"]
    assert error["code"] in codes and error["message"], error
    return error


# ------------------------------------------------------------------------------------------------ questions
@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
def test_bad_question_is_refused_by_the_engine(engine, before, question):
    for call in (lambda: engine.ask(question), lambda: next(iter(engine.stream(question))),
                 lambda: engine.chat([{"role": "user", "content": question}]),
                 lambda: engine.retrieve(question)):
        with pytest.raises(InputError) as info:
            within(60, call)
        assert info.value.code == "invalid_input" and info.value.message and info.value.hint
        assert len(str(info.value)) < 400  # the message does not echo a 100k question
    assert snapshot(engine) == before


@pytest.mark.parametrize("question", ODD_BUT_VALID.values(), ids=ODD_BUT_VALID.keys())
def test_odd_but_valid_question_is_answered_or_refused(engine, before, question):
    answer = within(120, engine.ask, question)
    assert answer.text and (answer.refused or answer.citations)
    for c in answer.citations:
        assert engine.article(c.doc_id)[0][c.start:c.end] == c.quote
    if "Luong Cuong" in question:  # control characters are blanks: same answer as the clean question
        assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)
    json.dumps(answer.to_dict())  # serialisable, whatever the script
    assert snapshot(engine) == before


@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
def test_bad_question_over_http_is_a_json_400(engine, http, before, question):
    raw = json.dumps({"question": question})  # lone surrogates travel as a JSON \ud800 escape
    ask = http.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert_json_error(ask, 400, ("invalid_request", "invalid_input"))
    for stream in (False, True):
        body = json.dumps({"model": "x", "stream": stream, "messages": [{"role": "user", "content": question}]})
        response = http.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"})
        assert_json_error(response, 400, ("invalid_request", "invalid_input"))
    assert snapshot(engine) == before


def test_odd_but_valid_questions_over_http(engine, http, before):
    for question in ODD_BUT_VALID.values():
        answer = http.post("/api/ask", json={"question": question})
        assert answer.status_code == 200, answer.text[:300]
        completion = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
        assert completion.status_code == 200 and completion.json()["choices"][0]["message"]["content"]
    assert snapshot(engine) == before


# ------------------------------------------------------------------------------------------------ files
def _bad_files(tmp_path, limit: int) -> dict[str, tuple[str, bytes]]:
    viet = "Thủ tướng Phạm Minh Chính tiếp Tổng Thư ký Liên Hợp Quốc tại Hà Nội ngày 25 tháng 10."
    return {
        "empty": ("empty.txt", b""),
        "blank": ("blank.md", b"  \n\r\n\t  "),
        "binary": ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
        "cp1258": ("cp1258.txt", ("Ha Noi, Viet Nam: " + viet).encode("cp1258", "replace") + b"\xd2\xde\xf2\xfe"),
        "latin-1": ("latin1.txt", "Café à Hà Nội – déjà vu, señor Müller.".encode("latin-1", "replace")),
        "utf-16": ("utf16.txt", ARTICLE.encode("utf-16")),
        "huge": ("huge.txt", (ARTICLE + "\n\n").encode() * (limit // len(ARTICLE) + 10)),
        "pdf": ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"),
        "docx": ("report.docx", b"PK\x03\x04" + b"\x00" * 64),
        "no-suffix": ("README", ARTICLE.encode()),
        "boilerplate-only": ("menu.txt", b"Share\nPrint\nBack to top\nComments (3)\n"),
    }


def test_bad_files_via_engine_paths(engine, before, tmp_path):
    limit = engine.settings.max_upload_bytes
    folder = tmp_path / "incoming"
    folder.mkdir()
    for case, (name, data) in _bad_files(tmp_path, limit).items():
        path = folder / name
        path.write_bytes(data)
        report = within(60, engine.ingest, [path])
        assert not (report.added or report.updated or report.unchanged), case
        assert list(report.failed) == [name], (case, report.failed)
        message = report.failed[name]
        assert name in message and len(message) < 400, message
        if case in ("cp1258", "latin-1", "utf-16"):
            assert "UTF-8" in message or "binary" in message
        if case == "huge":
            assert f"{limit:,}" in message
        if case in ("pdf", "docx", "no-suffix"):
            assert "unsupported file type" in message
        assert snapshot(engine) == before, case
    # a whole folder of bad files: every one reported, none indexed; the supported-suffix filter skips the rest
    report = within(60, engine.ingest, [folder])
    assert not report.added and set(report.failed) >= {"empty.txt", "binary.txt", "cp1258.txt", "huge.txt"}
    with pytest.raises(InputError, match="does not exist"):
        engine.ingest([folder / "missing.txt"])
    assert snapshot(engine) == before


@pytest.mark.parametrize("doc_id", ["../../x.txt", "..", "/etc/passwd", "a\\..\\b.txt", "x\x00.txt", "", "n" * 201])
def test_bad_document_ids_via_engine_texts(engine, before, doc_id, tmp_path):
    with pytest.raises(InputError) as info:
        within(60, engine.ingest, texts=[("fine.txt", ARTICLE), (doc_id, ARTICLE)])
    assert info.value.code == "invalid_input" and "document id" in info.value.message
    assert snapshot(engine) == before  # not even the valid item before it was written


def test_bad_uploads_over_http(engine, http, before, tmp_path):
    limit = engine.settings.max_upload_bytes
    expected = {"pdf": (415, "unsupported_file_type"), "docx": (415, "unsupported_file_type"),
                "no-suffix": (415, "unsupported_file_type"), "huge": (413, "file_too_large")}
    for case, (name, data) in _bad_files(tmp_path, limit).items():
        status, code = expected.get(case, (422, "invalid_document"))
        response = http.post("/api/documents", files=[("files", (name, data, "application/octet-stream"))])
        error = assert_json_error(response, status, (code,))
        assert len(error["message"]) < 400
        assert snapshot(engine) == before, case
    # JSON documents: traversal in the id, a text over the limit, an invisible text
    for body, status in (({"doc_id": "../../x.txt", "text": ARTICLE}, 400), ({"doc_id": "..", "text": ARTICLE}, 400),
                         ({"doc_id": "big.txt", "text": "word " * (limit // 4)}, 413),
                         ({"doc_id": "zw.txt", "text": "\u200b\u200b"}, 422)):
        response = http.post("/api/documents", json=body)
        assert_json_error(response, status, ("invalid_request", "invalid_input", "file_too_large", "invalid_document"))
    # a multipart name with traversal is reduced to its base name (tests/api); here: nothing lands outside
    response = http.post("/api/documents", files=[("files", ("../../../../tmp/escape-test.pdf", b"x", "text/plain"))])
    assert_json_error(response, 415, ("unsupported_file_type",))
    assert snapshot(engine) == before


def test_documents_error_is_a_document_error(engine, tmp_path):
    from rag.ingest.articles import read_article_file

    path = tmp_path / "c.txt"
    path.write_bytes("Việt Nam".encode("cp1258", "replace") + b"\xd2")
    with pytest.raises(DocumentError) as info:
        read_article_file(path)
    assert info.value.code == "invalid_document" and "iconv" in info.value.hint


# ------------------------------------------------------------------------------------------------ eval datasets
GOOD_ROW = {"id": "q1", "question": "Who met Guterres?", "answer": "Luong Cuong.", "facts": [["Luong Cuong"]],
            "sources": [GUTERRES_DOC], "answerable": True, "kind": "factoid"}


@pytest.mark.parametrize("third, field, words", [
    ({**GOOD_ROW, "id": "q3", "facts": "Luong Cuong"}, "facts", "list"),
    ({**GOOD_ROW, "id": "q3", "answerable": "true"}, "answerable", "true or false"),
    ({k: v for k, v in GOOD_ROW.items() if k != "sources"} | {"id": "q3"}, "sources", "missing"),
    ({**GOOD_ROW, "id": "q1"}, "id", "duplicate"),
    ('{"id": "q3", "question": "cut off by a crash', None, "not valid JSON"),
])
def test_malformed_dataset_file_names_line_and_field(tmp_path, third, field, words):
    from evals import load_dataset

    path = tmp_path / "data.jsonl"
    rows = [json.dumps(GOOD_ROW), json.dumps({**GOOD_ROW, "id": "q2"}),
            third if isinstance(third, str) else json.dumps(third)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dataset(path)
    message = info.value.message
    assert message.startswith(f"{path}, line 3: ") and words in message, message
    if field:
        assert f"field {field!r}" in message
    assert info.value.hint


def test_non_utf8_dataset_is_refused_clearly(tmp_path):
    from evals import load_dataset

    path = tmp_path / "data.jsonl"
    path.write_bytes(json.dumps(GOOD_ROW, ensure_ascii=False).encode() + b"\n"
                     + json.dumps({**GOOD_ROW, "id": "q2", "answer": "Hà Nội"}, ensure_ascii=False).encode("cp1258",
                                                                                                        "replace"))
    with pytest.raises(InputError) as info:
        load_dataset(path)
    assert str(path) in info.value.message and "UTF-8" in info.value.message and info.value.hint


def test_invalid_unicode_in_texts_and_history(engine, before):
    report = within(60, engine.ingest, texts=[("surrogate.txt", "Hanoi opened a bridge \ud800 on Monday."),
                                              ("invisible.txt", "\u200b\u2060\ufeff\n\u200b")])
    assert not report.added and set(report.failed) == {"surrogate.txt", "invisible.txt"}
    assert "not valid Unicode" in report.failed["surrogate.txt"] and "empty" in report.failed["invisible.txt"]
    history = [{"role": "user", "content": "Tell me about Luong Cuong \ud800 and Guterres"},
               {"role": "assistant", "content": "They met \udfff in New York."}]
    answer = within(120, engine.ask, "When did they meet?", history=history)
    assert answer.text
    assert snapshot(engine) == before
