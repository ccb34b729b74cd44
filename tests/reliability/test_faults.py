"""Faults of the parts the engine depends on: the language-model backend (down, slow, 429/500, broken SSE) and
the Chroma server (killed, then restarted). Bounded retries with backoff, then the extractive answer with a visible
notice; never a hang, never a stack trace on the wire; recovery when the Chroma server comes back.

Already proven elsewhere: one retry after a 503 then success (tests/core/answering/test_answer_generative.py::
test_retry_after_a_server_error); /readyz and /api/ask answer 503 while `chroma run` is stopped
(tests/api/test_store_modes.py::test_readyz_follows_the_chroma_server).
"""
from __future__ import annotations

import json
import shutil
import time

import pytest

from rag import StoreUnavailableError, create_http_app
from rag.testing import FakeOpenAIServer, Reply

from .helpers import (GUTERRES_DOC, QUESTION, ChromaServer, LiveServer, copy_index, engine_for, free_port,
                      record_figure, timed, within)

RETRIES = 2
TIMEOUT = 1.0
BACKOFF = sum(min(8.0, 0.5 * 2 ** (n - 1)) for n in range(1, RETRIES + 1))  # rag.llm.client: 0.5 s, 1 s, ...


@pytest.fixture(scope="module")
def llm():
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_script(llm):
    llm.reset()
    llm.responder = None


@pytest.fixture(scope="module")
def gen_dir(seed_index, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("faults")
    copy_index(seed_index, data_dir)
    return data_dir


def generative(data_dir, base_url, **overrides):
    values = dict(backend="openai-compatible", llm_base_url=base_url, llm_model="fake-model",
                  llm_max_retries=RETRIES, llm_timeout=TIMEOUT)
    return engine_for(data_dir, **{**values, **overrides})


@pytest.fixture(scope="module")
def gen(gen_dir, llm):
    return generative(gen_dir, llm.base_url)


def assert_extractive_fallback(answer, words: str) -> None:
    assert answer.backend == "extractive" and not answer.refused
    assert answer.notice and "language model failed" in answer.notice and words in answer.notice, answer.notice
    assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)
    assert "Traceback" not in answer.notice


# ------------------------------------------------------------------------------------------------ LLM faults
FAILURES = {
    "429": (lambda: Reply(status=429, error_message="Rate limit reached", headers={"retry-after": "0"}),
            1 + RETRIES, "HTTP 429"),
    "500": (lambda: Reply(status=500, error_message="upstream exploded"), 1 + RETRIES, "HTTP 500"),
    "slow": (lambda: Reply(content="Too late [1].", delay=8), 1 + RETRIES, "timed out"),
    "sse-broken-before-content": (lambda: Reply(content="Luong Cuong met Guterres [1].", break_stream_after=0),
                                  1 + RETRIES, "broke"),
    # once a draft reached the user a retry would repeat it: no retry, the verified extractive answer replaces it
    "sse-broken-mid-answer": (lambda: Reply(content="Luong Cuong met Guterres in New York [1].",
                                            break_stream_after=3), 1, "broke"),
}


@pytest.mark.parametrize("case", FAILURES, ids=FAILURES.keys())
def test_llm_failure_retries_then_falls_back(gen, llm, case):
    make, requests, words = FAILURES[case]
    llm.push(*[make() for _ in range(requests)])
    events, elapsed = timed(60, lambda: list(gen.stream(QUESTION)))
    answer = events[-1].answer
    assert [e.type for e in events].count("answer") == 1 and events[-1].type == "answer"
    assert len(llm.requests) == requests, f"{len(llm.requests)} requests, expected 1 + llm_max_retries"
    assert_extractive_fallback(answer, words)
    if requests > 1:  # the backoff really waited between attempts
        assert elapsed >= BACKOFF + (requests * TIMEOUT if case == "slow" else 0) - 0.1
    else:
        assert [e.text for e in events if e.type == "token"]  # the draft was streamed before the break
    record_figure(f"llm_{case}", {"requests": len(llm.requests), "seconds": round(elapsed, 2)})


def test_llm_down_falls_back_without_hanging(gen_dir):
    port = free_port()  # closed again at once: nothing listens there
    dead = generative(gen_dir, f"http://127.0.0.1:{port}/v1")
    answer, elapsed = timed(60, dead.ask, QUESTION)
    assert_extractive_fallback(answer, "Cannot reach")
    assert BACKOFF - 0.1 <= elapsed < 30
    record_figure("llm_down", {"seconds": round(elapsed, 2)})


def test_llm_faults_over_http_are_json_without_traces(gen, llm):
    app = create_http_app(gen, gen.settings.model_copy(update={"api_key": None}))
    with LiveServer(app) as live, live.client(timeout=60) as http:
        llm.push(*[Reply(status=500, error_message="boom") for _ in range(1 + RETRIES)])
        response = within(90, http.post, "/api/ask", json={"question": QUESTION})
        assert response.status_code == 200 and "Traceback" not in response.text
        body = response.json()
        assert body["backend"] == "extractive" and "language model failed" in body["notice"]

        llm.push(*[Reply(status=429) for _ in range(1 + RETRIES)])
        response = within(90, http.post, "/v1/chat/completions",
                          json={"model": "fake-model", "messages": [{"role": "user", "content": QUESTION}]})
        assert response.status_code == 200 and "Traceback" not in response.text
        assert "language model failed" in response.json()["answer"]["notice"]

        # a stream that breaks mid-answer: the draft, then the final chunk with the verified extractive answer
        llm.push(Reply(content="Luong Cuong met Guterres in New York [1].", break_stream_after=3))
        with http.stream("POST", "/v1/chat/completions", json={
                "model": "fake-model", "stream": True,
                "messages": [{"role": "user", "content": QUESTION}]}) as stream:
            lines = [line for line in within(90, lambda: list(stream.iter_lines())) if line.startswith("data: ")]
        assert lines[-1] == "data: [DONE]" and "Traceback" not in "".join(lines)
        final = json.loads(lines[-2][6:])
        assert final["choices"][0]["finish_reason"] == "stop" and final["text_changed"] is True
        assert final["answer"]["backend"] == "extractive" and "language model failed" in final["answer"]["notice"]
        assert http.get("/healthz").status_code == 200


# ------------------------------------------------------------------------------------------------ Chroma outage
def _ask_until_ok(engine, deadline: float) -> float:
    started = time.monotonic()
    while True:
        try:
            answer = within(60, engine.ask, QUESTION)
            assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)
            return time.monotonic() - started
        except StoreUnavailableError:
            if time.monotonic() - started > deadline:
                raise
            time.sleep(0.25)


def test_chroma_server_killed_and_restarted(seed_index, tmp_path):
    server_path = tmp_path / "chroma-server"
    shutil.copytree(seed_index / "chroma", server_path)  # the server serves the seed collections as they are
    chroma = ChromaServer(server_path)
    first_start = chroma.start()
    try:
        engine = engine_for(tmp_path / "app", chroma_url=chroma.url)
        assert len(engine.documents()) == 5
        assert within(60, engine.ask, QUESTION).citations
        app = create_http_app(engine)
        with LiveServer(app) as live, live.client(timeout=60) as http:
            assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200

            chroma.kill()  # kill -9: no goodbye
            with pytest.raises(StoreUnavailableError) as info:
                within(60, engine.ask, QUESTION)
            assert info.value.code == "store_unavailable" and chroma.url in info.value.message and info.value.hint
            for call in (lambda: http.post("/api/ask", json={"question": QUESTION}),
                         lambda: http.post("/v1/chat/completions",
                                           json={"messages": [{"role": "user", "content": QUESTION}]}),
                         lambda: http.get("/readyz")):
                response = within(60, call)
                assert response.status_code == 503, response.text[:300]
                assert response.json()["error"]["code"] == "store_unavailable"
                assert "Traceback" not in response.text
            assert http.get("/healthz").status_code == 200  # the app stays up
            listing = http.get("/api/documents")  # the cached article list, or a clear 503
            assert listing.status_code in (200, 503) and "Traceback" not in listing.text
            late = engine_for(tmp_path / "app2", chroma_url=chroma.url)  # an app started during the outage
            with pytest.raises(StoreUnavailableError):
                within(60, late.documents)

            restart = chroma.start()  # same port, same path
            recovery = _ask_until_ok(engine, deadline=60)
            assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200
            assert http.get("/readyz").json()["articles"] == 5
            assert len(late.documents()) == 5 and _ask_until_ok(late, deadline=30) < 30
        record_figure("chroma_restart", {"first_start_s": round(first_start, 2), "restart_s": round(restart, 2),
                                         "first_ask_ok_after_restart_s": round(recovery, 2)})
    finally:
        chroma.kill()
