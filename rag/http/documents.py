"""``/api/documents``: add (upload or JSON text), list, read and delete articles."""
import re
import unicodedata
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from .context import ApiContext, finite
from .errors import ApiError, error_responses
from .schemas import DeletedModel, DocumentListModel, DocumentModel, DocumentText, IngestReportModel

__all__ = ["add_document_routes", "safe_upload_name", "UPLOAD_SUFFIXES"]

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["files"],
            "properties": {"files": {"type": "array", "minItems": 1, "maxItems": 50,
                                     "items": {"type": "string", "format": "binary"},
                                     "description": "One or more .txt, .md or .html files (UTF-8)."}},
        }, "encoding": {"files": {"headers": {"Content-Disposition": {
            "schema": {"type": "string"}, "example": 'form-data; name="files"; filename="article.txt"'}}}}},
        "application/json": {"schema": DocumentText.model_json_schema()},
    },
}


def safe_upload_name(raw: str | None) -> str:
    """A file name reduced to its base name (``../../x.txt`` -> ``x.txt``); refuses names that stay unsafe."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").split("/")[-1]
    name = _CONTROL.sub("", name).strip()
    if not name or name in (".", "..") or name.startswith("."):
        raise ApiError(400, "invalid_file_name", f"Unusable file name {raw!r}.",
                       "Give the file a plain name such as article.txt.")
    if len(name) > 200:
        raise ApiError(400, "invalid_file_name", "The file name is longer than 200 characters.", "Shorten it.")
    return name


def _check_suffix(name: str) -> None:
    """Refuse a file type that cannot be ingested."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise ApiError(415, "unsupported_file_type", f"{name}: unsupported file type {suffix or '(none)'}.",
                       f"Upload {', '.join(UPLOAD_SUFFIXES)} files.")


def _decode(data: bytes, name: str) -> str:
    """The article text of an uploaded file."""
    from ..ingest.articles import decode_article_bytes

    return decode_article_bytes(data, name, html_input=name.lower().endswith((".html", ".htm")))


def _not_found(doc_id: str) -> ApiError:
    return ApiError(404, "document_not_found", f"No indexed document {doc_id!r}.", "List them with GET /api/documents.")


async def _json_item(request: Request, max_upload: int) -> tuple[str, str]:
    """(doc id, text) of a JSON ``{doc_id, text}`` body."""
    try:
        doc = DocumentText.model_validate_json(await request.body())
    except ValueError as exc:
        raise RequestValidationError(getattr(exc, "errors", lambda: [{"msg": "invalid JSON"}])()) from exc
    name = unicodedata.normalize("NFC", doc.doc_id)
    if name != safe_upload_name(name):
        raise ApiError(400, "invalid_input", f"Invalid document id {doc.doc_id!r}.",
                       "Use a plain name such as my-article.txt (no folders).")
    if len(doc.text.encode("utf-8")) > max_upload:
        raise ApiError(413, "file_too_large", f"{name}: the text is over the {max_upload:,}-byte limit.",
                       "Split it or raise max_upload_bytes.")
    return name, _decode(doc.text.encode("utf-8"), name)


async def _read_uploads(uploads: list[UploadFile], max_upload: int) -> list[tuple[str, str]]:
    """(name, text) of every uploaded file; one refused file refuses them all."""
    if not uploads:
        raise ApiError(400, "invalid_input", "No file in the upload.", "Send the files in the multipart field 'files'.")
    items = []
    for upload in uploads:
        name = safe_upload_name(upload.filename)
        _check_suffix(name)
        data = await upload.read(max_upload + 1)
        if len(data) > max_upload:
            raise ApiError(413, "file_too_large", f"{name}: over the {max_upload:,}-byte limit.",
                           "Split it or raise max_upload_bytes.")
        items.append((name, _decode(data, name)))
    return items


async def _multipart_items(request: Request, max_upload: int) -> list[tuple[str, str]]:
    """(name, text) of the files of a multipart upload, names unique."""
    form = await request.form(max_files=50, max_fields=50)
    try:
        items = await _read_uploads([v for _, v in form.multi_items() if isinstance(v, UploadFile)], max_upload)
    finally:
        await form.close()
    if len({n for n, _ in items}) != len(items):
        raise ApiError(400, "invalid_input", "Two uploaded files have the same name.", "Give every file its own name.")
    return items


async def _request_items(request: Request, max_upload: int) -> list[tuple[str, str]]:
    """(name, text) of the articles of an add request, by its content type."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return [await _json_item(request, max_upload)]
    if content_type == "multipart/form-data":
        return await _multipart_items(request, max_upload)
    raise ApiError(415, "unsupported_media_type", "Send multipart/form-data files or an application/json "
                   "{doc_id, text} body.", "Set the Content-Type header.")


def add_document_routes(api: APIRouter, ctx: ApiContext) -> None:
    """Add ``/documents`` routes to the ``/api`` router."""
    engine, common = ctx.engine, ctx.common

    @api.post("/documents", response_model=IngestReportModel, openapi_extra={"requestBody": _UPLOAD_BODY},
              responses=error_responses(*common, 409, 415, 422, 503))
    async def add_documents(request: Request) -> JSONResponse:
        """Add or replace articles: multipart upload of files, or JSON ``{doc_id, text}``. Re-adding an
        unchanged article is a no-op. Each file may be at most ``max_upload_bytes``; nothing is ingested when one
        of the files is refused."""
        items = await _request_items(request, ctx.settings.max_upload_bytes)
        report = await run_in_threadpool(engine.ingest, texts=items)
        if report.failed and not (report.added or report.updated or report.unchanged):
            doc_id, message = next(iter(report.failed.items()))
            raise ApiError(422, "invalid_document", message, "Check the file content.")
        return JSONResponse(finite(asdict(report)))

    @api.get("/documents", response_model=DocumentListModel, responses=error_responses(*common, 503))
    def list_documents() -> JSONResponse:
        """The indexed articles, newest first."""
        return JSONResponse({"documents": [asdict(d) for d in engine.documents()]})

    @api.get("/documents/{doc_id:path}", response_model=DocumentModel,
             responses=error_responses(*common, 404, 503))
    def get_document(doc_id: str) -> JSONResponse:
        """An article's metadata and full text (citation ``start``/``end`` offsets point into ``text``)."""
        got = engine.article(doc_id)
        if got is None:
            raise _not_found(doc_id)
        text, info = got
        return JSONResponse({**asdict(info), "text": text})

    @api.delete("/documents/{doc_id:path}", response_model=DeletedModel,
                responses=error_responses(*common, 404, 503))
    def delete_document(doc_id: str) -> JSONResponse:
        """Remove an article from the index."""
        if not engine.delete(doc_id):
            raise _not_found(doc_id)
        return JSONResponse({"doc_id": doc_id, "deleted": True})
