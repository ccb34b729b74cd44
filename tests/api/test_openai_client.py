"""The official ``openai`` client against our /v1 API served by uvicorn: answers, citations, streaming."""
from __future__ import annotations

import json

import pytest

from rag import REFUSAL_TEXT, Engine, create_http_app
from rag.testing import FakeOpenAIServer, Reply

from .conftest import GUTERRES_DOC, QUESTION, openai_client, serve


@pytest.fixture(scope="module")
def server(engine):
    with serve(create_http_app(engine, engine.settings.model_copy(update={"api_key": None}))) as live:
        yield live


@pytest.fixture(scope="module")
def client(server):
    return openai_client(server.url)


def _article_text(server, doc_id: str) -> str:
    with server.client() as http:
        response = http.get(f"/api/documents/{doc_id}")
    assert response.status_code == 200
    return response.json()["text"]


def test_completion_carries_verified_citations(server, client):
    completion = client.chat.completions.create(model="anything", messages=[{"role": "user", "content": QUESTION}])
    message = completion.choices[0].message
    assert completion.model == "extractive"
    assert "[1]" in message.content and "September 22" in message.content
    citations = message.model_extra["citations"]
    assert citations == completion.model_extra["citations"]
    assert citations[0]["number"] == 1 and citations[0]["doc_id"] == GUTERRES_DOC
    text = _article_text(server, GUTERRES_DOC)
    for c in citations:
        if c["doc_id"] == GUTERRES_DOC:
            assert text[c["start"]:c["end"]] == c["quote"]
    assert message.model_extra["refused"] is False and completion.model_extra["refused"] is False
    answer = completion.model_extra["answer"]
    assert answer["text"] == message.content and answer["backend"] == "extractive"
    assert {"retrieval", "total"} <= set(answer["timings"]) or "total" in answer["timings"]


def test_streaming_sends_the_answer_then_citations(client):
    stream = client.chat.completions.create(model="newsrag", stream=True,
                                            messages=[{"role": "system", "content": "Be brief."},
                                                      {"role": "user", "content": QUESTION}])
    chunks = list(stream)
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert len(chunks) > 3  # streamed in pieces, not in one block
    assert final.model_extra["answer"]["text"] == content
    assert final.model_extra["text_changed"] is False
    citations = final.choices[0].delta.model_extra["citations"]
    assert citations == final.model_extra["citations"] and citations[0]["doc_id"] == GUTERRES_DOC
    assert "[1]" in content


def test_follow_up_uses_history(client):
    completion = client.chat.completions.create(model="extractive", messages=[
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "On September 22, 2025 [1]."},
        {"role": "user", "content": "Where did they meet?"},
    ])
    answer = completion.model_extra["answer"]
    assert answer["question"] == "Where did they meet?"
    assert "Guterres" in answer["standalone_question"]
    assert completion.model_extra["citations"]


def test_refusal_is_reported(client):
    completion = client.chat.completions.create(
        model="x", messages=[{"role": "user", "content": "What is the capital of Mongolia?"}])
    assert completion.model_extra["refused"] is True
    assert completion.choices[0].message.content.startswith(REFUSAL_TEXT)
    assert completion.choices[0].message.model_extra["citations"] == []


def test_models_and_bad_requests(client):
    import openai

    ids = [m.id for m in client.models.list().data]
    assert "extractive" in ids
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="x", messages=[{"role": "assistant", "content": "Hi"}])
    assert caught.value.body["code"] == "invalid_input"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="x", messages=[{"role": "user", "content": "  "}])
    assert caught.value.body["code"] == "invalid_request"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="x", messages=[{"role": "user", "content": QUESTION}],
                                       extra_body={"backend": "openai"})
    assert caught.value.body["code"] == "backend_not_allowed"


def test_generative_backend_streams_draft_then_verified_citations(engine):
    draft = ("President Luong Cuong met UN Secretary-General Antonio Guterres at the United Nations "
             "Headquarters in New York on September 22, 2025 [1].")
    with FakeOpenAIServer() as llm:
        settings = engine.settings.model_copy(update={
            "backend": "openai-compatible", "llm_base_url": llm.base_url, "llm_model": "fake-model",
            "llm_max_retries": 0, "api_key": None})
        generative = Engine(settings)  # same data folder, so the same index
        with serve(create_http_app(generative)) as live:
            client = openai_client(live.url)
            llm.push(Reply(draft))
            chunks = list(client.chat.completions.create(
                model="fake-model", stream=True, messages=[{"role": "user", "content": QUESTION}]))
            content = "".join(c.choices[0].delta.content or "" for c in chunks)
            assert content == draft  # the draft tokens arrive as they were generated
            assert len([c for c in chunks if c.choices[0].delta.content]) > 5
            final = chunks[-1].model_extra
            assert final["answer"]["backend"] == "openai-compatible" and chunks[-1].model == "fake-model"
            assert "[1]" in final["answer"]["text"]
            assert final["citations"][0]["doc_id"] == GUTERRES_DOC
            assert final["text_changed"] == (final["answer"]["text"] != draft)
            assert "Guterres" in llm.requests[-1]["messages"][-1]["content"]

            # draft=false: only the verified text is streamed, so content is answer.text
            llm.push(Reply(draft))
            chunks = list(client.chat.completions.create(
                model="fake-model", stream=True, messages=[{"role": "user", "content": QUESTION}],
                extra_body={"draft": False, "language": "French"}))
            content = "".join(c.choices[0].delta.content or "" for c in chunks)
            assert content == chunks[-1].model_extra["answer"]["text"]
            assert chunks[-1].model_extra["text_changed"] is False
            assert "Answer in French." in json.dumps(llm.requests[-1]["messages"])

            # the raw wire format: SSE data lines, the final chunk with citations, then [DONE]
            llm.push(Reply(draft))
            with live.client() as http, http.stream("POST", "/v1/chat/completions", json={
                    "model": "fake-model", "stream": True,
                    "messages": [{"role": "user", "content": QUESTION}]}) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                lines = [line for line in response.iter_lines() if line.startswith("data: ")]
            assert lines[-1] == "data: [DONE]"
            last = json.loads(lines[-2][6:])
            assert last["object"] == "chat.completion.chunk" and last["choices"][0]["delta"]["citations"]
