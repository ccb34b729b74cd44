"""Secrets out of any text that is shown or written: URL passwords, key-like query parameters, bearer tokens and
the configured keys themselves.

>>> redact("Cannot reach http://user:pass@llm.lan/v1?api_key=abc&x=1")
'Cannot reach http://***@llm.lan/v1?api_key=***&x=1'
"""
from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["redact", "Redactor", "secret_text", "SECRET_PARAMS"]

SECRET_PARAMS = ("key", "api_key", "api-key", "apikey", "token", "access_token", "auth", "password", "passwd", "pwd",
                 "secret", "client_secret", "sig", "signature")
"""Query parameters whose value is a secret (matched case-insensitively)."""

_PARAM_NAMES = "|".join(re.escape(name) for name in sorted(SECRET_PARAMS, key=len, reverse=True))
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # scheme://user:password@host -> scheme://***@host
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s@?#\"'<>]+@"), r"\1***@"),
    # ?api_key=… / &token=… -> ?api_key=***
    (re.compile(rf"(?i)([?&;](?:{_PARAM_NAMES})=)[^&#;\s\"'<>]+"), r"\1***"),
    (re.compile(r"(?i)\bbearer\s+(?!<)[^\s\"']+"), "Bearer ***"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), "sk-***"),
]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret replaced by ``***``: each of ``secrets`` (values of 4+ characters), then URL
    credentials, key-like query parameters, bearer tokens and ``sk-`` keys."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """:func:`redact` bound to a fixed set of known secrets; ``None`` passes through."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str | None) -> str | None:
        return None if text is None else redact(text, self.secrets)


def secret_text(value: Any) -> str | None:
    """The text of a SecretStr (or of a plain str set with ``model_copy``), None when unset or empty."""
    if value is None:
        return None
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text or None
