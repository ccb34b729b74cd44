"""A bounded load test: N concurrent clients for ``--load-seconds`` against the HTTP API served by uvicorn on
127.0.0.1 in its own process (extractive backend, the seed index), mixing ``/api/ask`` and
``/v1/chat/completions`` (half of them streamed). Zero errors allowed; p50/p95 latency and throughput are printed and
written to tests/artifacts/load.json. ``make loadtest`` runs it for 60 s.
"""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .helpers import ARTIFACTS, GUTERRES_DOC, QUESTION, child_env, copy_index, free_port, served_process

SERVE = Path(__file__).with_name("serve_api.py")
MAX_REQUESTS_PER_CLIENT = 1000
QUESTIONS = [QUESTION, "How many representatives attended the signing opening in New York?",
             "What did To Lam say about peacekeeping?", "What is the capital of Mongolia?"]


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("load-index")
    copy_index(seed_index, data_dir)
    port = free_port()
    with served_process([sys.executable, str(SERVE), str(data_dir), str(port)], data_dir.parent / "serve.log",
                        port=port, what="the API server", env=child_env()) as url:
        yield url


def one_request(http: httpx.Client, n: int) -> str:
    """Request number ``n`` of a client (the kind rotates); raises AssertionError on any wrong answer."""
    question = QUESTIONS[n % len(QUESTIONS)]
    kind = ("ask", "chat", "chat-stream")[n % 3]
    if kind == "ask":
        response = http.post("/api/ask", json={"question": question})
        assert response.status_code == 200, response.text[:300]
        answer = response.json()
    elif kind == "chat":
        response = http.post("/v1/chat/completions", json={"model": "extractive",
                                                           "messages": [{"role": "user", "content": question}]})
        assert response.status_code == 200, response.text[:300]
        answer = response.json()["answer"]
    else:
        with http.stream("POST", "/v1/chat/completions", json={
                "model": "extractive", "stream": True, "messages": [{"role": "user", "content": question}]}) as r:
            assert r.status_code == 200, r.read()[:300]
            data = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
        assert data[-1] == "[DONE]", data[-3:]
        final = json.loads(data[-2])
        assert final["choices"][0]["finish_reason"] == "stop"
        answer = final["answer"]
        streamed = "".join(json.loads(d)["choices"][0]["delta"].get("content") or "" for d in data[:-2])
        assert streamed == answer["text"]
    if question == QUESTION:
        assert any(c["doc_id"] == GUTERRES_DOC for c in answer["citations"]), answer["text"]
    if "Mongolia" in question:
        assert answer["refused"] is True
    return kind


def test_concurrent_clients_get_correct_answers_without_errors(server, request):
    seconds = float(request.config.getoption("--load-seconds"))
    clients = int(request.config.getoption("--load-clients"))
    latencies: dict[str, list[float]] = {"ask": [], "chat": [], "chat-stream": []}
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients)

    def client(index: int) -> None:
        with httpx.Client(base_url=server, trust_env=False, timeout=120) as http:
            start_line.wait(60)
            end = time.monotonic() + seconds
            n = index  # clients start at different points of the rotation
            for _ in range(MAX_REQUESTS_PER_CLIENT):  # bounded by count ...
                if time.monotonic() >= end:  # ... and by time
                    break
                began = time.monotonic()
                try:
                    kind = one_request(http, n)
                except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:300])
                else:
                    with lock:
                        latencies[kind].append(time.monotonic() - began)
                n += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)  # a request in flight at the deadline may still finish; never wait forever
    elapsed = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a client hung"

    every = sorted(x for values in latencies.values() for x in values)
    def pct(values: list[float], q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 3) if values else 0.0
    result = {
        "clients": clients, "seconds": seconds, "elapsed_s": round(elapsed, 2), "requests": len(every),
        "errors": len(errors), "throughput_rps": round(len(every) / elapsed, 2),
        "p50_s": pct(every, 0.50), "p95_s": pct(every, 0.95), "max_s": round(every[-1], 3) if every else 0.0,
        "mean_s": round(statistics.fmean(every), 3) if every else 0.0,
        "by_kind": {k: {"requests": len(v), "p50_s": pct(sorted(v), 0.5), "p95_s": pct(sorted(v), 0.95)}
                    for k, v in latencies.items()},
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps({**result, "first_errors": errors[:10]}, indent=2) + "\n")
    print(f"\n[load] {clients} clients, {seconds:g}s: {result['requests']} requests, {result['errors']} errors, "
          f"p50 {result['p50_s']}s, p95 {result['p95_s']}s, max {result['max_s']}s, "
          f"{result['throughput_rps']} req/s")
    assert not errors, errors[:5]
    assert len(every) >= clients  # every client got answers
    assert all(latencies[k] for k in latencies) or len(every) < 3  # the whole mix was exercised

    with httpx.Client(base_url=server, trust_env=False, timeout=30) as http:  # still healthy, index unchanged
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz").json()
        assert ready["status"] == "ready" and ready["articles"] == 5
