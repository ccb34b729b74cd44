"""Uploaded articles: file checks (type, size, encoding), PDF text, and indexing them (no Gradio here)."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Sequence

import rag
from rag import DocumentError, RagError

from .strings import DEFAULT, t

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".pdf")

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A plain file name (document id) from an uploaded file's name."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _SAFE_NAME.sub("_", stem).strip("._-") or "article"
    suffix = _SAFE_NAME.sub("", suffix).lower()
    return (stem[:120] + (f".{suffix}" if suffix else ""))


def pdf_text(path: Path, name: str) -> str:
    """Text of a PDF (pypdf), pages separated by blank lines; :class:`DocumentError` when there is none."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except Exception as exc:
        raise DocumentError(f"{name}: the PDF cannot be read ({type(exc).__name__}).",
                            hint="Upload a text-based PDF, or the article as .txt/.md/.html.") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise DocumentError(f"{name}: the PDF has no extractable text (scanned images?).",
                            hint="Upload the article as .txt, .md or .html.")
    return text


def validate_upload(path: str | Path, max_bytes: int, original_name: str | None = None) -> tuple[str, Path | None, str | None]:
    """Check one uploaded file: (document id, file to ingest or None, text for PDFs or None).

    Raises :class:`rag.DocumentError` with a message for the user (wrong type, too large, not UTF-8, empty).
    """
    path = Path(path)
    name = safe_name(original_name or path.name)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise DocumentError(f"{name}: unsupported file type {suffix or '(none)'}.",
                            hint=f"Upload {', '.join(UPLOAD_TYPES)} files.")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"{name}: file is {size:,} bytes, over the {max_bytes:,}-byte limit.",
                            hint="Split it or raise max_upload_bytes.")
    if size == 0:
        raise DocumentError(f"{name}: the file is empty.", hint="Upload an article with some text.")
    if suffix == ".pdf":
        return name, None, pdf_text(path, name)
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: looks like a binary file, not text.", hint="Upload a .txt, .md or .html article.")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{name}: not valid UTF-8 (byte {exc.start}).",
                            hint="Re-save the file as UTF-8 (e.g. `iconv -f cp1258 -t utf-8`).") from exc
    return name, path, None


def ingest_uploads(engine: rag.Engine, files: Sequence[Any], progress: Any = None,
                   lang: str = DEFAULT) -> tuple[list[str], list[str]]:
    """Validate and index uploaded files; returns (done messages, error messages). The reasons a file is refused
    are the checks' and the library's (in English); the rest is in the interface language ``lang``."""
    settings = engine.settings
    done: list[str] = []
    errors: list[str] = []
    texts: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as tmp:
        paths: list[Path] = []
        names: set[str] = set()
        for f in files:
            src = Path(getattr(f, "name", None) or str(f))
            try:
                name, path, text = validate_upload(src, settings.max_upload_bytes,
                                                   getattr(f, "orig_name", None) or src.name)
            except RagError as exc:
                errors.append(str(exc))
                continue
            if name in names:
                errors.append(t(lang, "library.twice", doc=name))
                continue
            names.add(name)
            if text is not None:
                texts.append((name, text))
            elif path is not None:
                target = Path(tmp) / name
                shutil.copyfile(path, target)
                paths.append(target)
        if not paths and not texts:
            return done, errors
        try:
            report = engine.ingest(paths=paths or None, texts=texts or None, progress=progress)
        except RagError as exc:
            errors.append(str(exc))
            return done, errors
    for key, docs in (("library.added", report.added), ("library.replaced", report.updated),
                      ("library.unchanged", report.unchanged)):
        done += [t(lang, key, doc=doc) for doc in docs]
    for doc, message in report.failed.items():
        errors.append(message if message.startswith(doc) else f"{doc}: {message}")
    return done, errors
