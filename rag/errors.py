"""One exception tree: every error the library raises is a :class:`RagError`.

Each message says what went wrong *and* what to do next, so front ends can show it as is.
"""
from __future__ import annotations

from .redact import redact

__all__ = [
    "RagError",
    "ConfigError",
    "InputError",
    "DocumentError",
    "StoreError",
    "IndexNotReadyError",
    "StoreUnavailableError",
    "BackendError",
    "BackendUnavailableError",
    "BusyError",
]


class RagError(Exception):
    """Base class of all errors raised by :mod:`rag`. ``code`` is a stable machine-readable id.

    Message and hint are redacted (URL passwords, key-like URL parameters, bearer tokens) so they can be shown as is.
    """

    code = "rag_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else hint
        super().__init__(f"{self.message} {self.hint}" if self.hint else self.message)


class ConfigError(RagError):
    """A setting is missing or invalid."""

    code = "config_error"


class InputError(RagError):
    """A question, file or dataset given by the user cannot be used as it is."""

    code = "invalid_input"


class DocumentError(InputError):
    """An article file cannot be read or parsed."""

    code = "invalid_document"


class StoreError(RagError):
    """The index is inconsistent or cannot be written."""

    code = "index_error"


class IndexNotReadyError(StoreError):
    """Nothing is indexed yet, or the index was built with another embedding model."""

    code = "index_not_ready"


class StoreUnavailableError(StoreError):
    """The Chroma server cannot be reached."""

    code = "store_unavailable"


class BackendError(RagError):
    """The language-model backend failed to answer."""

    code = "backend_error"
    status: int | None = None  # the HTTP status the model server answered, when it answered one


class BackendUnavailableError(BackendError):
    """The language-model backend is not installed, not running or not reachable."""

    code = "backend_unavailable"


class BusyError(RagError):
    """Every language-model slot stayed taken for the bounded wait; ``retry_after`` is a hint in seconds."""

    code = "busy"
    retry_after = 5

    def __init__(self, message: str = "The server is busy answering other questions.", *,
                 hint: str | None = "The model is answering other questions; try again in a few seconds.") -> None:
        super().__init__(message, hint=hint)
