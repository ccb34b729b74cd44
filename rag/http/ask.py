"""``POST /api/ask``: a question answered as the whole Answer object."""
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .context import ApiContext
from .errors import error_responses
from .schemas import AnswerModel, AskRequest

__all__ = ["add_ask_route"]


def add_ask_route(api: APIRouter, ctx: ApiContext) -> None:
    """Add ``/ask`` to the ``/api`` router."""

    @api.post("/ask", response_model=AnswerModel, responses=error_responses(*ctx.common, 409, 502, 503))
    def ask(body: AskRequest) -> JSONResponse:
        """Answer a question with verified citations (or refuse), as the whole Answer object."""
        answer = ctx.engine.ask(body.question, history=[t.model_dump() for t in body.history], since=body.since,
                                until=body.until, top_k=body.top_k, backend=ctx.pick_backend(body.backend),
                                retrieval_only=body.retrieval_only, language=body.language)
        return JSONResponse(ctx.answer_dict(answer))
