"""Scripted replies of the fake OpenAI server, and the OpenAI-shaped bodies built from them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_REPLY", "Reply", "as_reply", "error_body", "split_pieces", "count_tokens", "prompt_tokens"]

DEFAULT_REPLY = "This is a reply from the fake OpenAI server."
"""Content sent when no scripted reply is queued and no responder is set."""

# HTTP status -> (OpenAI error "type", "code") used for error bodies.
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "service_unavailable"),
}

_PIECES = re.compile(r"\s*\S+\s*|\s+")


@dataclass
class Reply:
    """One scripted response of the fake server.

    Example::

        Reply("Hello world")                                  # plain reply
        Reply("slow", delay=2.0)                              # test client timeouts
        Reply("a b c d", chunk_delay=0.05)                    # slow stream
        Reply("a b c d", break_stream_after=2)                # stream dies after "a b "
        Reply(status=429, error_message="Rate limit", headers={"retry-after": "1"})

    Attributes:
        content: assistant message text (split into word-sized chunks when streamed).
        status: HTTP status; anything but 200 sends an OpenAI-style error body.
        delay: seconds to wait before sending the response headers.
        chunk_delay: seconds to wait between server-sent-event chunks.
        break_stream_after: when streaming, send this many content chunks (at most
            all of them) and then drop the connection abruptly: no finish chunk,
            no ``[DONE]``, truncated HTTP body.
        error_message: message of the error body for non-200 statuses.
        headers: extra response headers (e.g. ``{"retry-after": "1"}``).
        finish_reason: ``finish_reason`` of the choice (``"stop"``, ``"length"``...).
        usage: whether to report token usage (non-streaming responses always carry
            a ``usage`` object when true; streams only when the request asks for it
            via ``stream_options.include_usage``).
        alternatives: for a request with ``logprobs``, the ``(token, logprob)``
            alternatives reported with each streamed piece (by piece index; a piece
            not listed reports only itself, with logprob 0).
    """

    content: str = ""
    status: int = 200
    delay: float = 0.0
    chunk_delay: float = 0.0
    break_stream_after: int | None = None
    error_message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"
    usage: bool = True
    alternatives: dict[int, list[tuple[str, float]]] = field(default_factory=dict)

    def logprobs(self, index: int, piece: str) -> dict[str, Any]:
        """The OpenAI ``logprobs`` object of streamed piece ``index``."""
        top = self.alternatives.get(index) or [(piece, 0.0)]
        chosen = next((lp for t, lp in top if t == piece), 0.0)
        return {"content": [{"token": piece, "logprob": chosen, "bytes": None,
                             "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in top]}]}


def as_reply(value: Reply | str) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(content=value)
    raise TypeError(f"expected Reply or str, got {type(value).__name__}")


def error_body(status: int, message: str | None) -> dict[str, Any]:
    err_type, code = _ERROR_KINDS.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", None)
    )
    return {
        "error": {
            "message": message or f"Fake server error (HTTP {status})",
            "type": err_type,
            "param": None,
            "code": code,
        }
    }


def split_pieces(text: str) -> list[str]:
    """Split text into word-sized pieces whose concatenation is exactly ``text``."""
    return _PIECES.findall(text)


def count_tokens(text: str) -> int:
    return len(text.split())


def prompt_tokens(body: dict[str, Any]) -> int:
    total = 0
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            total += count_tokens(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += count_tokens(part["text"])
    return total
