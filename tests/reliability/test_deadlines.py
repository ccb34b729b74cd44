"""Time limits that bound the worst case: a model server that accepts connections and never answers, one that
stalls mid-answer or keeps failing, and more questions than model slots. Every question ends within
``request_deadline`` (with the extractive answer and a notice, or a clear 'busy' 503), and /healthz and /readyz
answer while every worker is busy.

The limits are set through ``RAG_*`` environment variables, the way an operator sets them.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai  # noqa: F401  (imported before any clock starts: its first import takes seconds)
import pytest

from rag import RagError, create_http_app
from rag.testing import FakeOpenAIServer, Reply

from .helpers import GUTERRES_DOC, QUESTION, LiveServer, copy_index, engine_for, record_figure, timed, within

DEADLINE = 3.0
MARGIN = 1.5  # retrieval and the extractive fallback run on 2 shared cores
THREADPOOL = 40  # anyio's default worker threads: sync endpoints beyond this many queue


@pytest.fixture(scope="module")
def data_dir(seed_index, tmp_path_factory):
    target = tmp_path_factory.mktemp("deadlines")
    copy_index(seed_index, target)
    return target


@pytest.fixture
def silent():
    """A model server that accepts every connection and request and never sends a byte back."""
    with FakeOpenAIServer(responder=lambda body: Reply(delay=600)) as server:
        yield server


@pytest.fixture
def limits(monkeypatch):
    """Set time limits as RAG_* variables: ``limits(request_deadline=3, ...)``."""

    def apply(**values: float) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"RAG_{name.upper()}", str(value))

    monkeypatch.setenv("RAG_RERANK", "false")  # keeps 48 concurrent retrievals light on 2 cores
    return apply


def generative(data_dir, server, **overrides):
    """An engine answering through ``server``, its embedder loaded before any clock starts."""
    engine = engine_for(data_dir, backend="openai-compatible", llm_base_url=server.base_url, llm_model="fake-model",
                        **overrides)
    engine.retrieve(QUESTION)
    return engine


def assert_fallback(answer, words: str) -> None:
    assert answer.backend == "extractive" and not answer.refused
    assert answer.notice and "timed out" in answer.notice and words in answer.notice, answer.notice
    assert any(c.doc_id == GUTERRES_DOC for c in answer.citations)


# ------------------------------------------------------------------------------------------------ one request
def test_a_silent_model_costs_one_deadline_not_timeout_times_retries(data_dir, silent, limits):
    deadline = 2 * DEADLINE  # room for the call to start on a loaded machine
    limits(request_deadline=deadline)
    answer, seconds = timed(deadline + MARGIN, generative(data_dir, silent).ask, QUESTION)
    assert_fallback(answer, "did not finish within the request deadline")
    assert seconds <= deadline + MARGIN
    assert len(silent.requests) == 1  # no retry was started that could not finish


def test_first_token_timeout_cuts_each_attempt(data_dir, silent, limits):
    limits(llm_first_token_timeout=1, llm_max_retries=1, request_deadline=30)
    answer, seconds = timed(6, generative(data_dir, silent).ask, QUESTION)
    assert_fallback(answer, "no answer text within 1 s")
    assert len(silent.requests) == 2 and seconds < 6  # two 1 s attempts and a 0.5 s backoff


def test_retries_stay_inside_the_deadline(data_dir, limits):
    starts: list[float] = []

    def failing(body: dict) -> Reply:
        starts.append(time.monotonic())
        return Reply(status=500, error_message="upstream exploded")

    limits(request_deadline=DEADLINE, llm_max_retries=10)  # 10 retries would back off for 55 s
    with FakeOpenAIServer(responder=failing) as server:
        engine = generative(data_dir, server)
        started = time.monotonic()
        answer, seconds = timed(DEADLINE + MARGIN, engine.ask, QUESTION)
    assert answer.backend == "extractive" and "HTTP 500" in answer.notice
    assert seconds <= DEADLINE + MARGIN
    assert len(starts) >= 2  # it did retry ...
    assert all(s - started <= DEADLINE - 1.0 for s in starts), [round(s - started, 2) for s in starts]  # ... in time


def test_a_stream_that_stalls_mid_answer_is_cut(data_dir, limits):
    limits(llm_stall_timeout=1, llm_first_token_timeout=10, request_deadline=60)
    content = "Luong Cuong met Guterres in New York on September 22 , 2025 [1]."  # 13 pieces, 3 s apart: 39 s
    with FakeOpenAIServer(responder=lambda body: Reply(content=content, chunk_delay=3)) as server:
        answer, seconds = timed(8, generative(data_dir, server).ask, QUESTION)
    assert_fallback(answer, "stalled")
    assert seconds < 8  # first piece at 3 s, cut 1 s after it


def test_the_concurrency_cap_answers_busy_after_a_bounded_wait(data_dir, silent, limits):
    limits(max_concurrent_llm=1, llm_slot_wait=0.5, request_deadline=8)
    engine = generative(data_dir, silent)
    engine.retrieve(QUESTION)  # models loaded before the clock starts
    first = ThreadPoolExecutor(1).submit(engine.ask, QUESTION)  # takes the only slot and waits
    within(10, lambda: _wait_for(lambda: len(silent.requests) == 1))
    with pytest.raises(RagError) as info:
        timed(3, engine.ask, QUESTION)
    assert info.value.code == "busy" and "try again in a few seconds" in info.value.hint
    assert first.result(timeout=10).backend == "extractive"  # the first one still ends, with its fallback
    assert len(silent.requests) == 1


def _wait_for(condition, step: float = 0.05) -> None:
    while not condition():
        time.sleep(step)


# ------------------------------------------------------------------------------------------------ HTTP
@pytest.mark.parametrize("clients", [24, 48], ids=["24-hung", "48-hung-over-the-threadpool"])
def test_health_answers_while_hung_requests_fill_the_workers(data_dir, silent, limits, clients):
    limits(request_deadline=DEADLINE, max_concurrent_llm=4, llm_slot_wait=1)
    engine = generative(data_dir, silent)
    rounds = -(-clients // THREADPOOL)  # requests beyond the threadpool wait for a worker
    bound = rounds * DEADLINE + MARGIN
    with LiveServer(create_http_app(engine)) as live, live.client(timeout=bound + 30) as http:
        results: list[tuple[int, dict, dict, float]] = []

        def ask() -> None:
            started = time.monotonic()
            try:
                response = http.post("/api/ask", json={"question": QUESTION})
            except httpx.TimeoutException:
                results.append((0, {}, {}, time.monotonic() - started))
                return
            results.append((response.status_code, response.json(), dict(response.headers),
                            time.monotonic() - started))

        threads = [threading.Thread(target=ask, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        health, ready = [], []
        with live.client(timeout=10) as probe:
            while any(t.is_alive() for t in threads):
                _, seconds = timed(10, probe.get, "/healthz")
                health.append(seconds)
                response, seconds = timed(10, probe.get, "/readyz")
                assert response.status_code == 200 and response.json()["status"] == "ready"
                ready.append(seconds)
                time.sleep(0.1)
        for thread in threads:
            thread.join(bound + 30)
        last_call = http.get("/readyz").json().get("llm")
    assert len(results) == clients
    # a probe queued behind the hung requests would wait for a deadline (3 s) to free a worker; under 2 shared cores
    # busy with the fallbacks a free probe still takes up to about a second, so half a deadline tells them apart
    assert max(health) < DEADLINE / 2, sorted(health)[-5:]
    assert max(ready) < 3.0, sorted(ready)[-5:]
    for status, body, headers, seconds in results:
        assert seconds <= bound, (status, seconds)
        if status == 200:
            assert body["backend"] == "extractive" and "timed out" in body["notice"] and body["citations"]
        else:
            assert status == 503 and body["error"]["code"] == "busy", body
            assert headers["retry-after"] == "5" and body["error"]["hint"]
    assert last_call in ("failing", "busy")  # /readyz tells the model is in trouble, from memory
    ok = sum(1 for r in results if r[0] == 200)
    record_figure(f"deadlines_{clients}_hung", {
        "deadline_s": DEADLINE, "max_request_s": round(max(r[3] for r in results), 2), "fallback_200": ok,
        "busy_503": clients - ok, "healthz_max_ms": round(1000 * max(health)), "readyz_max_ms": round(1000 * max(ready)),
        "probes": len(health)})
