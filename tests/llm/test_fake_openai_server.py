"""Tests for rag.testing.FakeOpenAIServer, driven by the official openai client."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import openai
import pytest

from rag.testing import DEFAULT_REPLY, FakeOpenAIServer, Reply

MESSAGES = [
    {"role": "system", "content": "You answer questions about news."},
    {"role": "user", "content": "What happened today?"},
]


_clients: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _clients:
        _clients.pop().close()


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def make_client(srv: FakeOpenAIServer, **kwargs) -> openai.OpenAI:
    kwargs.setdefault("api_key", "x")
    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("timeout", 10)
    client = openai.OpenAI(base_url=srv.base_url, **kwargs)
    _clients.append(client)
    return client


def ask(client: openai.OpenAI, **kwargs):
    return client.chat.completions.create(model="fake-model", messages=MESSAGES, **kwargs)


def test_non_streaming_reply(server):
    server.push("The council approved the new budget.")
    client = make_client(server)
    out = ask(client)
    assert out.object == "chat.completion"
    assert out.choices[0].message.role == "assistant"
    assert out.choices[0].message.content == "The council approved the new budget."
    assert out.choices[0].finish_reason == "stop"
    assert out.model == "fake-model"
    assert out.id.startswith("chatcmpl-")
    assert out.usage is not None and out.usage.completion_tokens > 0
    assert out.usage.total_tokens == out.usage.prompt_tokens + out.usage.completion_tokens


def test_replies_consumed_in_order_then_default(server):
    server.push("first", Reply("second", finish_reason="length", usage=False))
    client = make_client(server)
    assert ask(client).choices[0].message.content == "first"
    second = ask(client)
    assert second.choices[0].message.content == "second"
    assert second.choices[0].finish_reason == "length"
    assert second.usage is None
    assert ask(client).choices[0].message.content == DEFAULT_REPLY


def test_replies_given_to_constructor():
    with FakeOpenAIServer(["one", Reply("two")]) as srv:
        client = make_client(srv)
        assert [ask(client).choices[0].message.content for _ in range(2)] == ["one", "two"]


def test_streaming_reassembles_exact_content(server):
    text = "  Markets rose 3% on Monday,\nled by tech stocks.  "
    server.push(text)
    client = make_client(server)
    stream = ask(client, stream=True)
    chunks = list(stream)
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(content_chunks) > 1
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1


def test_streaming_usage_chunk_when_requested(server):
    server.push("one two three")
    client = make_client(server)
    chunks = list(ask(client, stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 3
    assert all(c.usage is None for c in chunks[:-1])


def test_streaming_with_chunk_delay(server):
    server.push(Reply("a b c d", chunk_delay=0.05))
    client = make_client(server)
    start = time.monotonic()
    text = "".join(c.choices[0].delta.content or "" for c in ask(client, stream=True))
    assert text == "a b c d"
    assert time.monotonic() - start >= 0.2


def test_requests_are_recorded(server):
    server.push("ok")
    client = make_client(server, api_key="secret-key")
    ask(client, temperature=0.2)
    assert len(server.requests) == 1
    body = server.requests[0]
    assert body["messages"] == MESSAGES
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0.2
    assert server.request_headers[0]["authorization"] == "Bearer secret-key"
    server.reset()
    assert server.requests == [] and server.request_headers == []


def test_rate_limit_error(server):
    server.push(
        Reply(status=429, error_message="Rate limit reached for fake-model", headers={"retry-after": "7"})
    )
    client = make_client(server)
    with pytest.raises(openai.RateLimitError) as info:
        ask(client)
    err = info.value
    assert err.status_code == 429
    assert "Rate limit reached for fake-model" in str(err)
    assert err.body["message"] == "Rate limit reached for fake-model"
    assert err.code == "rate_limit_exceeded"
    assert err.response.headers["retry-after"] == "7"


def test_internal_server_error(server):
    server.push(Reply(status=500, error_message="The server had an error"))
    client = make_client(server)
    with pytest.raises(openai.InternalServerError) as info:
        ask(client)
    assert info.value.status_code == 500
    assert "The server had an error" in str(info.value)
    assert info.value.type == "server_error"


def test_error_status_on_streaming_request(server):
    server.push(Reply(status=503, error_message="overloaded"))
    client = make_client(server)
    with pytest.raises(openai.InternalServerError) as info:
        ask(client, stream=True)
    assert info.value.status_code == 503
    assert "overloaded" in str(info.value)


def test_client_retries_then_succeeds(server):
    server.push(
        Reply(status=503, error_message="busy", headers={"retry-after-ms": "10"}),
        "recovered",
    )
    client = make_client(server, max_retries=2)
    assert ask(client).choices[0].message.content == "recovered"
    assert len(server.requests) == 2


def test_delay_longer_than_timeout_raises_timeout(server):
    server.push(Reply("too late", delay=3.0))
    client = make_client(server, timeout=0.3)
    start = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask(client)
    assert time.monotonic() - start < 2.0
    # The slow reply is still in flight on the server; stopping must not wait for it.
    start = time.monotonic()
    server.stop()
    assert time.monotonic() - start < 1.0


def test_delay_shorter_than_timeout_succeeds(server):
    server.push(Reply("on time", delay=0.2))
    client = make_client(server, timeout=5)
    assert ask(client).choices[0].message.content == "on time"


def test_broken_stream_raises_during_iteration(server):
    server.push(Reply("alpha beta gamma delta epsilon", break_stream_after=2))
    client = make_client(server)
    stream = ask(client, stream=True)  # headers arrive fine; the body is truncated
    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError):
        for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "alpha beta "
    # The server keeps working after a broken stream.
    assert ask(client).choices[0].message.content == DEFAULT_REPLY


def test_wrong_api_key_is_rejected():
    with FakeOpenAIServer(api_key="right-key") as srv:
        with pytest.raises(openai.AuthenticationError) as info:
            ask(make_client(srv, api_key="wrong-key"))
        assert info.value.status_code == 401
        assert info.value.code == "invalid_api_key"
        with pytest.raises(openai.AuthenticationError):
            make_client(srv, api_key="wrong-key").models.list()
        ok = ask(make_client(srv, api_key="right-key"))
        assert ok.choices[0].message.content == DEFAULT_REPLY


def test_responder_sees_request_body():
    seen: list[dict] = []

    def responder(body: dict) -> str:
        seen.append(body)
        return "echo: " + body["messages"][-1]["content"]

    with FakeOpenAIServer(responder=responder) as srv:
        srv.push("scripted first")
        client = make_client(srv)
        assert ask(client).choices[0].message.content == "scripted first"
        assert ask(client).choices[0].message.content == "echo: What happened today?"
    assert len(seen) == 1
    assert seen[0]["messages"] == MESSAGES


def test_responder_can_return_reply_objects_and_errors():
    def responder(body: dict) -> Reply:
        if body.get("temperature") == 0:
            return Reply(status=429, error_message="cold")
        raise ValueError("boom")

    with FakeOpenAIServer(responder=responder) as srv:
        client = make_client(srv)
        with pytest.raises(openai.RateLimitError, match="cold"):
            ask(client, temperature=0)
        with pytest.raises(openai.InternalServerError, match="boom"):
            ask(client)


def test_models_endpoint_lists_model():
    with FakeOpenAIServer(model="news-llm") as srv:
        client = make_client(srv)
        models = client.models.list()
        assert [m.id for m in models.data] == ["news-llm"]
        assert client.models.retrieve("news-llm").id == "news-llm"


def test_health_and_unknown_routes(server):
    assert httpx.get(server.url + "/health").json() == {"status": "ok"}
    resp = httpx.get(server.base_url + "/nope")
    assert resp.status_code == 404
    assert "message" in resp.json()["error"]
    resp = httpx.post(server.base_url + "/embeddings", json={"input": "x"})
    assert resp.status_code == 404
    assert resp.json()["error"]["type"] == "invalid_request_error"


def test_invalid_body_gets_400(server):
    resp = httpx.post(server.base_url + "/chat/completions", content=b"{not json")
    assert resp.status_code == 400
    assert resp.json()["error"]["message"]


def test_async_client_streaming(server):
    server.push("async streaming works fine")

    async def run() -> tuple[str, int]:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        try:
            stream = await client.chat.completions.create(
                model="fake-model", messages=MESSAGES, stream=True
            )
            parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        finally:
            await client.close()
        return "".join(parts), len(parts)

    text, n = asyncio.run(run())
    assert text == "async streaming works fine"
    assert n > 2


def test_concurrent_clients():
    # Every handler waits at a barrier that only opens once all 8 requests are in flight at the same time:
    # a server that handled them one by one would never get there (the barrier times out -> 500s).
    barrier = threading.Barrier(8, timeout=20)

    def responder(body: dict) -> Reply:
        barrier.wait()
        return Reply(body["messages"][-1]["content"].upper())

    with FakeOpenAIServer(responder=responder) as srv:
        results: dict[int, str] = {}
        errors: list[BaseException] = []

        def worker(i: int) -> None:
            try:
                client = make_client(srv)
                out = client.chat.completions.create(
                    model="fake-model", messages=[{"role": "user", "content": f"q{i}"}]
                )
                results[i] = out.choices[0].message.content
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert results == {i: f"Q{i}" for i in range(8)}
        assert len(srv.requests) == 8
        assert not barrier.broken


def test_start_stop_lifecycle():
    srv = FakeOpenAIServer()
    with pytest.raises(RuntimeError):
        srv.base_url
    srv.start()
    assert srv.base_url == f"http://127.0.0.1:{srv.port}/v1"
    assert ask(make_client(srv)).choices[0].message.content == DEFAULT_REPLY
    srv.stop()
    srv.stop()  # idempotent
