"""The notice beside an answer built without the language model's words: why (the cause), then what the answer is:
the articles' sentences quoted, or a refusal when none of them answers either."""
from __future__ import annotations

__all__ = ["RESTATED", "NOTHING_SUPPORTED", "BUILT_EXTRACTIVELY", "QUOTED_INSTEAD", "NONE_QUOTED", "model_failed"]

RESTATED = "The language model only restated the question"
NOTHING_SUPPORTED = "Nothing the language model wrote is supported by the articles"
BUILT_EXTRACTIVELY = "this answer was built extractively."
QUOTED_INSTEAD = "this answer quotes them instead."
NONE_QUOTED = "no sentence of the articles answers the question either."


def model_failed(message: str) -> str:
    """The cause when the model call failed with ``message`` (a library or server message, kept as written)."""
    return f"The language model failed ({message})"
