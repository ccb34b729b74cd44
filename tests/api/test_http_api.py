"""The /api routes, auth, limits, upload validation, JSON errors and the OpenAPI schema, over a live server."""
from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from rag import BackendError, Engine, Settings, create_http_app
from rag.engine import StreamEvent

from .conftest import GUTERRES_DOC, QUESTION, openai_client, serve

ARTICLE = ("Hanoi opens a new river bridge\n\n"
           "HANOI – The city opened the Tran Hung Dao bridge over the Red River on 3 March 2025. "
           "The bridge is 2.5 kilometres long and carries six lanes of traffic.\n\n"
           "Officials said it cuts the trip between the two banks to ten minutes.")
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def server(engine):
    with serve(create_http_app(engine, engine.settings.model_copy(update={"api_key": None}))) as live:
        yield live


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.text
    return error


# ------------------------------------------------------------------------------------------------ health, ask
def test_health_and_readiness(http):
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz").json()
    assert ready["status"] == "ready" and ready["articles"] == 5 and ready["chunks"] > 20
    assert ready["backend"] == "extractive" and ready["store"] == "embedded"


def test_ask_returns_the_answer_object(http):
    answer = http.post("/api/ask", json={"question": QUESTION}).json()
    assert answer["citations"][0]["doc_id"] == GUTERRES_DOC and "[1]" in answer["text"]
    assert answer["refused"] is False and answer["backend"] == "extractive"
    only = http.post("/api/ask", json={"question": QUESTION, "retrieval_only": True, "top_k": 3}).json()
    assert only["text"] == "" and 0 < len(only["passages"]) <= 3
    dated = http.post("/api/ask", json={"question": QUESTION, "since": "2030", "until": "2030-12"}).json()
    assert dated["refused"] is True  # no article in that period


def test_request_errors_are_json_with_codes(http):
    assert_error(http.post("/api/ask", json={"question": ""}), 400, "invalid_request")
    assert_error(http.post("/api/ask", json={"question": " \x0f "}), 400, "invalid_request")
    assert_error(http.post("/api/ask", json={"question": QUESTION, "since": "2025-13"}), 400, "invalid_request")
    assert_error(http.post("/api/ask", json={"question": QUESTION, "since": "2025-02-30"}), 400, "invalid_input")
    assert_error(http.post("/api/ask", json={"question": QUESTION, "backend": "openai"}), 400,
                 "backend_not_allowed")
    assert_error(http.post("/api/ask", json={"question": QUESTION, "top_k": 0}), 400, "invalid_request")
    assert_error(http.post("/api/ask", json={"questoin": QUESTION}), 400, "invalid_request")
    assert_error(http.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"}), 400,
                 "invalid_request")
    assert_error(http.get("/api/nothing-here"), 404, "not_found")
    assert_error(http.get("/"), 404, "not_found")  # "/" is left to the UI
    assert_error(http.put("/api/ask", json={}), 405, "method_not_allowed")
    assert_error(http.delete("/api/documents/not-indexed.txt"), 404, "document_not_found")
    assert_error(http.get("/api/documents/not-indexed.txt"), 404, "document_not_found")


# ------------------------------------------------------------------------------------------------ documents
def test_document_lifecycle_json(http):
    doc_id = "bridge-json.txt"
    report = http.post("/api/documents", json={"doc_id": doc_id, "text": ARTICLE}).json()
    assert report["added"] == [doc_id] and report["chunks_embedded"] >= 1 and report["failed"] == {}
    again = http.post("/api/documents", json={"doc_id": doc_id, "text": ARTICLE}).json()
    assert again["unchanged"] == [doc_id] and again["chunks_embedded"] == 0
    listed = [d["doc_id"] for d in http.get("/api/documents").json()["documents"]]
    assert doc_id in listed and GUTERRES_DOC in listed
    doc = http.get(f"/api/documents/{doc_id}").json()
    assert doc["text"].startswith("Hanoi opens") and doc["title"] and doc["chunks"] >= 1
    answer = http.post("/api/ask", json={"question": "How long is the Tran Hung Dao bridge?"}).json()
    assert any(c["doc_id"] == doc_id for c in answer["citations"])
    assert http.delete(f"/api/documents/{doc_id}").json() == {"doc_id": doc_id, "deleted": True}
    assert_error(http.delete(f"/api/documents/{doc_id}"), 404, "document_not_found")
    assert_error(http.post("/api/documents", json={"doc_id": "a/b.txt", "text": ARTICLE}), 400, "invalid_request")
    assert_error(http.post("/api/documents", json={"doc_id": "x.txt"}), 400, "invalid_request")
    assert_error(http.post("/api/documents", content=b"hello", headers={"content-type": "text/plain"}), 415,
                 "unsupported_media_type")


def test_upload_validation(http, tmp_path):
    def upload(name: str, data: bytes) -> httpx.Response:
        return http.post("/api/documents", files=[("files", (name, data, "application/octet-stream"))])

    error = assert_error(upload("binary.txt", b"\x00\x01\x02PNG\x00" * 50), 422, "invalid_document")
    assert "binary" in error["message"]
    error = assert_error(upload("latin1.txt", "Café à Hà Nội – déjà vu.".encode("latin-1", "replace")), 422,
                         "invalid_document")
    assert "UTF-8" in error["message"] and error["hint"]
    assert_error(upload("empty.txt", b""), 422, "invalid_document")
    assert_error(upload("blank.md", b"   \n\n  "), 422, "invalid_document")
    assert_error(upload("report.pdf", b"%PDF-1.4 ..."), 415, "unsupported_file_type")
    assert_error(upload("noext", ARTICLE.encode()), 415, "unsupported_file_type")
    assert_error(upload(".hidden.txt", ARTICLE.encode()), 400, "invalid_file_name")
    assert_error(upload("..", ARTICLE.encode()), 400, "invalid_file_name")
    assert_error(http.post("/api/documents", files=[("note", (None, b"no file"))]), 400, "invalid_input")
    # one bad file refuses the whole upload: nothing is ingested
    response = http.post("/api/documents", files=[("files", ("good.txt", ARTICLE.encode(), "text/plain")),
                                                  ("files", ("bad.txt", b"\xff\xfe\xfa", "text/plain"))])
    assert_error(response, 422, "invalid_document")
    assert "good.txt" not in [d["doc_id"] for d in http.get("/api/documents").json()["documents"]]

    # path traversal is reduced to the base name; nothing is written outside the index
    for raw in ("../../traversal.txt", "..\\..\\traversal.txt", "/etc/traversal.txt"):
        report = upload(raw, ARTICLE.encode()).json()
        assert (report["added"] or report["unchanged"]) == ["traversal.txt"], report
    assert not Path("../../traversal.txt").exists() and not Path("/etc/traversal.txt").exists()
    assert http.get("/api/documents/traversal.txt").json()["doc_id"] == "traversal.txt"
    assert http.delete("/api/documents/traversal.txt").status_code == 200

    # HTML is reduced to its text; several files in one request
    html = b"<html><head><script>x()</script></head><body><h1>Bridge</h1><p>" + ARTICLE.encode() + b"</p></body>"
    report = http.post("/api/documents", files=[("files", ("page.html", html, "text/html")),
                                                ("files", ("notes.md", ARTICLE.encode(), "text/markdown"))]).json()
    assert sorted(report["added"]) == ["notes.md", "page.html"]
    assert "x()" not in http.get("/api/documents/page.html").json()["text"]
    for doc_id in ("page.html", "notes.md"):
        assert http.delete(f"/api/documents/{doc_id}").status_code == 200


# ------------------------------------------------------------------------------------------------ limits, auth
def test_size_limits(engine):
    settings = engine.settings.model_copy(update={"api_key": None, "max_upload_bytes": 10_000})
    with serve(create_http_app(engine, settings)) as live, live.client() as http:
        error = assert_error(http.post("/api/documents", files=[("files", ("big.txt", b"word " * 4000, "text/plain"))]),
                             413, "file_too_large")
        assert "10,000" in error["message"]
        assert_error(http.post("/api/documents", json={"doc_id": "big.txt", "text": "word " * 4000}), 413,
                     "file_too_large")
        huge = b'{"question": "' + b"a" * (10_000 + (1 << 20)) + b'"}'
        assert_error(http.post("/api/ask", content=huge, headers={"content-type": "application/json"}), 413,
                     "request_too_large")

        def chunks():  # no Content-Length: the limit is enforced while reading
            for _ in range(200):
                yield b"x" * 10_000

        assert_error(http.post("/api/documents", content=chunks(), headers={"content-type": "application/json"}),
                     413, "request_too_large")
        assert http.get("/healthz").status_code == 200


def test_bearer_token(engine):
    import openai

    settings = engine.settings.model_copy(update={"api_key": TOKEN})
    with serve(create_http_app(engine, settings)) as live, live.client() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            response = http.get("/v1/models", headers=headers)
            error = assert_error(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer" and TOKEN not in response.text
            assert error["hint"] == "Send the header 'Authorization: Bearer <RAG_API_KEY>'."
        assert_error(http.post("/api/ask", json={"question": QUESTION}), 401, "unauthorized")
        assert_error(http.get("/api/documents"), 401, "unauthorized")
        assert http.get("/healthz").status_code == 200 and http.get("/readyz").status_code == 200
        assert http.get("/openapi.json").status_code == 200
        good = {"Authorization": f"Bearer {TOKEN}"}
        assert http.get("/v1/models", headers=good).status_code == 200
        assert http.get("/api/documents", headers=good).status_code == 200
        with pytest.raises(openai.AuthenticationError):
            openai_client(live.url, api_key="wrong").models.list()
        completion = openai_client(live.url, api_key=TOKEN).chat.completions.create(
            model="x", messages=[{"role": "user", "content": QUESTION}])
        assert completion.model_extra["citations"]
        schema = http.get("/openapi.json").json()
        assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_cors(engine):
    settings = engine.settings.model_copy(update={"api_key": None, "cors_origins": ["http://app.example"]})
    with serve(create_http_app(engine, settings)) as live, live.client() as http:
        preflight = http.options("/v1/chat/completions", headers={
            "Origin": "http://app.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://app.example"
        other = http.get("/healthz", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_store_unreachable_is_503(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there
    settings = Settings.load(backend="extractive", data_dir=tmp_path, chroma_url=f"http://user:pw@127.0.0.1:{port}")
    with serve(create_http_app(Engine(settings))) as live, live.client() as http:
        assert http.get("/healthz").status_code == 200
        error = assert_error(http.get("/readyz"), 503, "store_unavailable")
        assert "pw" not in error["message"]
        assert_error(http.get("/api/documents"), 503, "store_unavailable")
        assert_error(http.post("/api/ask", json={"question": QUESTION}), 503, "store_unavailable")


class _BrokenEngine:
    """Fails the way bugs and dying backends do, to check what reaches the client."""

    def documents(self):
        raise RuntimeError("Traceback (most recent call last): sk-abcdefghijklmnop /srv/secret/path")

    def stream(self, question, **kwargs):
        yield StreamEvent("token", "Half an ")
        raise BackendError("The model died with key sk-abcdefghijklmnop.", hint="Try again.")


def test_unexpected_failures_leak_nothing(tmp_path):
    import openai

    settings = Settings.load(backend="openai-compatible", data_dir=tmp_path, llm_base_url="http://127.0.0.1:9/v1",
                             llm_model="m", llm_api_key="sk-abcdefghijklmnop")
    with serve(create_http_app(_BrokenEngine(), settings)) as live, live.client() as http:
        response = http.get("/api/documents")
        assert_error(response, 500, "internal_error")
        assert "sk-" not in response.text and "/srv/secret" not in response.text
        client = openai_client(live.url)
        stream = client.chat.completions.create(model="m", stream=True,
                                                messages=[{"role": "user", "content": QUESTION}])
        with pytest.raises(openai.APIError) as caught:
            for _ in stream:
                pass
        assert "sk-abcdefghijklmnop" not in str(caught.value) and "***" in str(caught.value)


# ------------------------------------------------------------------------------------------------ OpenAPI
def test_openapi_schema(http):
    schema = http.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/v1/chat/completions", "/v1/models", "/api/ask", "/api/documents", "/api/documents/{doc_id}",
            "/healthz", "/readyz"} <= set(paths)
    assert all(p.startswith(("/v1/", "/api/", "/healthz", "/readyz")) for p in paths)
    assert "422" not in str({p: {m: op["responses"].keys() for m, op in ops.items()} for p, ops in paths.items()
                             if p != "/api/documents"})
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ErrorResponse" in components
    upload = paths["/api/documents"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(upload)
    assert components["AskRequest"]["properties"]["backend"]["anyOf"][0]["enum"] == ["extractive"]
    chat = paths["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert {"application/json", "text/event-stream"} <= set(chat)
    assert "citations" in components["ChatMessageOut"]["properties"]
    assert http.get("/api/docs").status_code == 200
