"""The OpenAI-compatible routes: ``GET /v1/models`` and ``POST /v1/chat/completions`` (JSON or server-sent events)."""
import json
import logging
import re
import time
import uuid
from dataclasses import asdict
from typing import Any, Iterator

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from ..engine import StreamEvent
from ..errors import RagError
from ..models import Answer
from .context import ApiContext, finite
from .errors import ApiError, error_body, error_responses
from .schemas import SSE_EVENT, ChatCompletionRequest, ChatCompletionResponse, ModelList, QuestionPart, TextPart

__all__ = ["openai_router"]

log = logging.getLogger("rag.http.app")

_COMPLETION_RESPONSES = {200: {"description": "A chat completion, or with `stream: true` server-sent events of "
                                              "`chat.completion.chunk` objects ending with `data: [DONE]`.",
                               "content": {"text/event-stream": {"schema": SSE_EVENT}}}}


def _content_text(content: str | list[TextPart] | list[QuestionPart] | None) -> str:
    """The text of a message's content (parts joined)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.text for part in content)


def _pieces(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` exactly."""
    return re.findall(r"\s*\S+\s*|\s+", text)


def _sse(data: Any) -> str:
    """One server-sent event of JSON ``data``."""
    return f"data: {json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(',', ':'))}\n\n"


def _question_and_history(body: ChatCompletionRequest) -> tuple[str, list[dict[str, str]]]:
    """The last user message and the user/assistant turns before it."""
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    while turns and turns[-1].role != "user":
        turns.pop()
    if not turns:
        raise ApiError(400, "invalid_input", "The conversation has no user message.",
                       "Send the question as a user message.")
    history = [{"role": m.role, "content": _content_text(m.content)} for m in turns[:-1]]
    return _content_text(turns[-1].content), history


def _last_answer(first: StreamEvent, events: Iterator[StreamEvent]) -> Answer:
    """The final answer of an event stream."""
    answer = first.answer
    for event in events:
        if event.type == "answer":
            answer = event.answer
    assert answer is not None
    return answer


def _completion(ctx: ApiContext, completion_id: str, created: int, answer: Answer) -> dict[str, Any]:
    """The ``chat.completion`` body of an answer."""
    citations = finite([asdict(c) for c in answer.citations])
    return {
        "id": completion_id, "object": "chat.completion", "created": created,
        "model": answer.model or answer.backend,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": answer.text, "citations": citations,
                                 "refused": answer.refused}}],
        "citations": citations, "refused": answer.refused, "answer": ctx.answer_dict(answer),
    }


class _ChatStream:
    """The server-sent events of one streamed completion."""

    def __init__(self, ctx: ApiContext, completion_id: str, created: int, model: str) -> None:
        self.ctx, self.completion_id, self.created, self.model = ctx, completion_id, created, model
        self.streamed: list[str] = []

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        """One ``chat.completion.chunk`` event."""
        return _sse({"id": self.completion_id, "object": "chat.completion.chunk", "created": self.created,
                     "model": self.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                                       "logprobs": None}], **extra})

    def events(self, first: StreamEvent, events: Iterator[StreamEvent], draft: bool) -> Iterator[str]:
        """Every event, errors after the start sent as an ``error`` event (never a trace)."""
        scrub = self.ctx.scrub
        try:
            yield from self._answer_events(first, events, draft)
        except RagError as exc:
            log.warning("chat stream failed: %s", scrub(str(exc)))
            yield _sse(error_body(exc.code, scrub(exc.message) or "", scrub(exc.hint)))
        except Exception as exc:  # never a trace on the wire
            log.error("chat stream crashed: %s", scrub(str(exc)), exc_info=exc)
            yield _sse(error_body("internal_error", "The answer stream failed.", "Try again."))

    def _answer_events(self, first: StreamEvent, events: Iterator[StreamEvent], draft: bool) -> Iterator[str]:
        yield self.chunk({"role": "assistant", "content": ""})
        event: StreamEvent | None = first
        answer: Answer | None = None
        while event is not None:
            if event.type == "token" and event.text:
                if draft:
                    self.streamed.append(event.text)
                    yield self.chunk({"content": event.text})
                else:
                    yield ": generating\n\n"  # SSE comment: keeps the connection alive, ignored by clients
            elif event.type == "answer":
                answer = event.answer
            event = next(events, None)
        assert answer is not None
        self.model = answer.model or answer.backend or self.model
        if not self.streamed:
            for piece in _pieces(answer.text):
                self.streamed.append(piece)
                yield self.chunk({"content": piece})
        yield self._final_chunk(answer)
        yield "data: [DONE]\n\n"

    def _final_chunk(self, answer: Answer) -> str:
        citations = finite([asdict(c) for c in answer.citations])
        return self.chunk({"citations": citations, "refused": answer.refused}, "stop", citations=citations,
                          refused=answer.refused, answer=self.ctx.answer_dict(answer),
                          text_changed="".join(self.streamed) != answer.text)


def openai_router(ctx: ApiContext, dependencies: list[Any]) -> APIRouter:
    """The ``/v1`` routes over ``ctx``."""
    v1 = APIRouter(prefix="/v1", dependencies=dependencies, tags=["OpenAI-compatible"])

    @v1.get("/models", response_model=ModelList, responses=error_responses(*ctx.common))
    def list_models() -> dict[str, Any]:
        """The model names accepted in ``model``: the default, then each backend a request may choose."""
        ids = list(dict.fromkeys([ctx.default_model, *ctx.allowed]))
        return {"object": "list", "data": [{"id": i, "object": "model", "created": 0, "owned_by": "newsrag"}
                                           for i in ids]}

    @v1.post("/chat/completions", response_model=ChatCompletionResponse,
             responses={**_COMPLETION_RESPONSES, **error_responses(*ctx.common, 409, 502, 503)})
    def chat_completions(body: ChatCompletionRequest) -> Any:
        """Answer the last user message from the articles; earlier user/assistant turns are the history."""
        question, history = _question_and_history(body)
        backend = ctx.pick_backend(body.backend, body.model)
        events = ctx.engine.stream(question, history=history, since=body.since, until=body.until, top_k=body.top_k,
                                   backend=backend, language=body.language)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        # The first event (retrieval done: a draft token or the final answer) is awaited here, so that input,
        # index and store errors become proper HTTP errors instead of a broken stream.
        first = next(events)
        if not body.stream:
            answer = first.answer if first.type == "answer" else _last_answer(first, events)
            return JSONResponse(_completion(ctx, completion_id, created, answer))
        if first.type == "answer" and first.answer is not None:
            model = first.answer.model or first.answer.backend
        else:
            settings = ctx.settings
            model = ctx.default_model if (backend or settings.backend) == settings.backend else str(backend)
        stream = _ChatStream(ctx, completion_id, created, model).events(first, events, body.draft)
        return StreamingResponse(stream, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return v1
