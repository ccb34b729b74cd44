"""Request and response schemas of the HTTP API.

Requests are validated pydantic models. The bodies of answers, citations, passages, documents and ingest reports
are the dataclasses of :mod:`rag.models` (and :class:`~rag.index.news_index.IngestReport`) as JSON, so their
response models are derived from those dataclasses' fields instead of repeating them: every float may be ``null``
(non-finite numbers are sent as ``null``) and every field is always sent.
"""
import dataclasses
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..config import QUESTION_CHARS_CEILING
from ..index.news_index import IngestReport
from ..models import Answer, Citation, DocumentInfo, Passage, SentenceSupport

_DATE = r"^[1-9][0-9]{3}(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12][0-9]|3[01]))?)?$"
_VISIBLE = r"[^\s\x00-\x1f\x7f]"  # at least one visible character (patterns match anywhere)
_DOC_ID = r"^[^/\\\s\x00-\x1f\x7f.]([^/\\\x00-\x1f\x7f]*[^/\\\s\x00-\x1f\x7f])?$"


# ---------------------------------------------------------------------------------------------------- errors
class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable error code, e.g. invalid_input, document_not_found.")
    message: str = Field(description="What went wrong.")
    hint: str | None = Field(None, description="What to do about it.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# ------------------------------------------------------------------------------------------ derived responses
_DERIVED: dict[type, type[BaseModel]] = {}


def _served_type(hint: Any) -> Any:
    """The JSON type of a dataclass field: floats may be null, nested dataclasses become their derived models."""
    if hint is float:
        return float | None
    if hint in _DERIVED:
        return _DERIVED[hint]
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        return list[_served_type(args[0])]
    if origin is dict:
        return dict[args[0], _served_type(args[1])]  # type: ignore[valid-type]
    return hint


def derive_model(cls: type, name: str, descriptions: dict[str, str] | None = None,
                 base: type[BaseModel] | None = None) -> type[BaseModel]:
    """A pydantic model of the JSON form (``dataclasses.asdict``) of dataclass ``cls``; every field is required."""
    descriptions = descriptions or {}
    hints = get_type_hints(cls)
    fields = {f.name: (_served_type(hints[f.name]), Field(description=descriptions.get(f.name)))
              for f in dataclasses.fields(cls)}
    model = create_model(name, __base__=base, __doc__=cls.__doc__, **fields)  # type: ignore[call-overload]
    _DERIVED[cls] = model
    return model


CitationModel = derive_model(Citation, "CitationModel", {
    "start": "Offset of the quote in the article text (GET /api/documents/{doc_id}).",
    "flags": "Sentences of the cited passage that read as instructions to an AI (article offsets): shown, never "
             "evidence."})
SentenceModel = derive_model(SentenceSupport, "SentenceModel")
PassageModel = derive_model(Passage, "PassageModel", {
    "flags": "Sentences that read as instructions to an AI (article offsets): shown, never evidence."})
AnswerModel = derive_model(Answer, "AnswerModel", {
    "text": "Markdown with [n] markers pointing at `citations`.",
    "refused": "True when the articles do not hold the answer."})
IngestReportModel = derive_model(IngestReport, "IngestReportModel")
DocumentInfoModel = derive_model(DocumentInfo, "DocumentInfoModel")


class DocumentModel(DocumentInfoModel):  # type: ignore[misc, valid-type]
    """An indexed article with its full text."""

    text: str = Field(description="The full article text; citation offsets point into it.")


class DocumentListModel(BaseModel):
    documents: list[DocumentInfoModel]  # type: ignore[valid-type]


class DeletedModel(BaseModel):
    doc_id: str
    deleted: bool


class HealthModel(BaseModel):
    status: Literal["ok"]


class ReadyModel(BaseModel):
    """With ``RAG_API_KEY`` set, only ``status`` is sent to a request without the key."""

    status: Literal["ready"]
    articles: int | None = None
    chunks: int | None = None
    backend: str | None = None
    model: str | None = None
    embedder: str | None = None
    store: Literal["embedded", "server"] | None = None
    version: str | None = None
    llm: Literal["unknown", "ok", "failing", "busy"] | None = Field(
        None, description="Outcome of the last model call (unknown: none yet); from memory, never a new call.")


# ------------------------------------------------------------------------------------------------- /api input
class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    """A question about the indexed articles."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=QUESTION_CHARS_CEILING, pattern=_VISIBLE,
                          description="The question (the server's max_question_chars applies).")
    history: list[Turn] = Field(default_factory=list, max_length=50,
                                description="Earlier turns, oldest first; follow-ups are rewritten to stand alone.")
    since: str | None = Field(None, pattern=_DATE, description="Only articles from this date on (YYYY[-MM[-DD]]).")
    until: str | None = Field(None, pattern=_DATE, description="Only articles up to this date (YYYY[-MM[-DD]]).")
    top_k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve and answer from.")
    backend: str | None = Field(None, description="Answer backend for this request (one the server enables).")
    retrieval_only: bool = Field(False, description="Return the retrieved passages without composing an answer.")
    language: str | None = Field(None, min_length=1, max_length=40, description="Answer language, e.g. English.")


class DocumentText(BaseModel):
    """An article given as text."""

    model_config = ConfigDict(extra="forbid")
    doc_id: str = Field(min_length=1, max_length=200, pattern=_DOC_ID,
                        description="Document id: a plain file name such as my-article.txt (no folders).")
    text: str = Field(min_length=1, pattern=_VISIBLE, description="The article text.")


# ---------------------------------------------------------------------------------------------- /v1 (OpenAI)
class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "newsrag"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class TextPart(BaseModel):
    type: Literal["text"]
    text: str = Field(max_length=20_000)


class QuestionPart(BaseModel):
    type: Literal["text"]
    text: str = Field(min_length=1, max_length=QUESTION_CHARS_CEILING // 4, pattern=_VISIBLE)


class UserMessage(BaseModel):
    """A user turn: a question (the last one is answered)."""

    model_config = ConfigDict(extra="allow")
    role: Literal["user"]
    content: Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS_CEILING, pattern=_VISIBLE)] | Annotated[
        list[QuestionPart], Field(min_length=1, max_length=4)] = Field(description="Text, or a list of text parts.")


class OtherMessage(BaseModel):
    """An assistant turn (history), or a system/developer/tool message (ignored: the answer rules are fixed)."""

    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "assistant", "tool"]
    content: str | list[TextPart] | None = Field(None, description="Text, or a list of text parts.")


ChatMessage = Annotated[UserMessage | OtherMessage, Field(discriminator="role")]


class ChatCompletionRequest(BaseModel):
    """OpenAI chat-completions request. Other OpenAI parameters (temperature, max_tokens, …) are accepted and
    ignored; the fields after ``stream`` are extensions (send them with the openai client's ``extra_body``)."""

    model_config = ConfigDict(extra="allow")
    model: str | None = Field(None, max_length=200,
                              description="Any name; a backend name (see GET /v1/models) selects that backend.")
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=200, json_schema_extra={"contains": {"type": "object", "required": ["role"],
                                                                      "properties": {"role": {"const": "user"}}}},
        description="The conversation; the last user message is the question, the user and assistant turns "
                    "before it are the history.")
    stream: bool = False
    since: str | None = Field(None, pattern=_DATE)
    until: str | None = Field(None, pattern=_DATE)
    top_k: int | None = Field(None, ge=1, le=50)
    backend: str | None = None
    language: str | None = Field(None, min_length=1, max_length=40)
    draft: bool = Field(True, description="Stream a generative backend's draft as it is generated (default); "
                                          "false streams only the verified answer.")


class ChatMessageOut(BaseModel):
    role: Literal["assistant"]
    content: str
    citations: list[CitationModel]  # type: ignore[valid-type]
    refused: bool


class ChatChoice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: Literal["stop"]
    logprobs: None = None


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChatChoice]
    citations: list[CitationModel]  # type: ignore[valid-type]
    refused: bool
    answer: AnswerModel  # type: ignore[valid-type]


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    citations: list[CitationModel] | None = Field(None, description="Only in the final chunk.")  # type: ignore
    refused: bool | None = Field(None, description="Only in the final chunk.")


class ChunkChoice(BaseModel):
    index: int
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent event of a streamed completion; the last one (``finish_reason: "stop"``) carries
    ``citations``, ``refused``, ``answer`` and ``text_changed``."""

    id: str
    object: Literal["chat.completion.chunk"]
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationModel] | None = None  # type: ignore[valid-type]
    refused: bool | None = None
    answer: AnswerModel | None = None  # type: ignore[valid-type]
    text_changed: bool | None = Field(None, description="True when answer.text differs from the streamed content.")


SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "description": "`data:` lines of chat.completion.chunk JSON objects, then `data: [DONE]`; an error after the "
                   "stream started is sent as `data: {\"error\": {...}}`.",
    "properties": {"data": {"oneOf": [
        {"type": "string", "const": "[DONE]"},
        {"type": "string", "contentMediaType": "application/json",
         "contentSchema": {"anyOf": [{"$ref": "#/components/schemas/ChatCompletionChunk"},
                                     {"$ref": "#/components/schemas/ErrorResponse"}]}},
    ]}},
}
"""The OpenAPI schema of one server-sent event of a streamed completion."""


# ------------------------------------------------------------------------------------------------------ openapi
def tidy_openapi(schema: dict[str, Any], allowed: list[str]) -> dict[str, Any]:
    """FastAPI's schema, made exact: our 400 error instead of its 422 validation error, and the backend enum."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            fastapi_422 = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if fastapi_422.get("$ref", "").endswith("/HTTPValidationError"):
                responses.pop("422")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    chunk = ChatCompletionChunk.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in chunk.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["ChatCompletionChunk"] = chunk
    for name in ("AskRequest", "ChatCompletionRequest"):
        prop = components.get(name, {}).get("properties", {}).get("backend")
        if prop is not None:
            prop.pop("anyOf", None)
            prop.update({"anyOf": [{"type": "string", "enum": allowed}, {"type": "null"}]})
    return schema
