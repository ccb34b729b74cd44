"""The :class:`Engine`: ingest articles, retrieve, answer with verified citations; the one API every front end uses."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .answering.answer import Composer, build_messages
from .ingest.articles import has_visible_text
from .retrieval.condense import condense_deterministic, condense_messages, needs_context
from .config import Settings
from .retrieval.dates import parse_date_bound
from .deadline import Deadline
from .errors import BackendError, BusyError, InputError, RagError
from .index.news_index import IngestReport, NewsIndex
from .answering.llm_check import support_judge
from .answering.localize import answer_language, localize_answer
from .answering.language import is_vietnamese
from .retrieval.crosslingual import as_searched, sentence_closeness
from .models import Answer, Citation, DocumentInfo, Passage
from .retrieval.retrieve import RetrievalResult, Retriever
from .answering.verify import Verifier

__all__ = ["Engine", "StreamEvent", "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = 2000
DateLike = str | int | None


@dataclass
class StreamEvent:
    """One event of :meth:`Engine.stream`: ``status`` (progress text), ``token`` (a piece of the draft answer) or
    ``answer`` (the final, verified :class:`Answer`; its text replaces the draft)."""

    type: str
    text: str = ""
    answer: Answer | None = None


class Engine:
    """Question answering over indexed news articles.

    >>> from rag import Engine, Settings
    >>> engine = Engine(Settings.load(backend="extractive"))      # doctest: +SKIP
    >>> engine.ingest(["seeds/"])                                # doctest: +SKIP
    >>> answer = engine.ask("When did Luong Cuong meet Guterres?") # doctest: +SKIP
    >>> print(answer.text, answer.citations[0].quote)            # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        self._index: NewsIndex | None = None
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> "Engine":
        """An engine from ``settings`` (default: :meth:`Settings.load`) with keyword overrides."""
        base = settings or Settings.load()
        if overrides:
            base = base.model_copy(update={k: v for k, v in overrides.items() if v is not None})
        return cls(base)

    # ------------------------------------------------------------------ parts
    @property
    def index(self) -> NewsIndex:
        """The index, opened on first use."""
        with self._lock:
            if self._index is None:
                self._index = NewsIndex(self.settings)
            return self._index

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.index, self.settings)

    def _composer(self) -> Composer:
        s = self.settings
        relevance = None
        if s.rerank:
            def relevance(question: str, texts: Sequence[str]) -> Sequence[float]:
                from .retrieval.rerank import get_cross_encoder

                return get_cross_encoder(s.rerank_max_tokens).score(question, texts)
        return Composer(Verifier(self.index.embedder), support_threshold=s.support_threshold,
                        relevance_threshold=s.relevance_threshold, relevance=relevance,
                        quote_relevance_threshold=s.quote_relevance_threshold,
                        crosslingual_threshold=s.crosslingual_threshold)

    def _client(self, backend: str) -> Any:
        if backend not in self._clients:
            from .llm.client import chat_client_for

            self._clients[backend] = chat_client_for(self.settings, backend)
        return self._clients[backend]

    # ----------------------------------------------------------------- ingest
    def ingest(self, paths: Sequence[str | Path] | None = None, *, texts: Sequence[tuple[str, str]] | None = None,
               sync: bool = False, progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        """Index article files/folders (``paths``) and/or ``(doc_id, text)`` pairs. Re-ingesting never duplicates.

        ``sync=True`` also removes indexed articles that are not among ``paths``.
        """
        report = IngestReport()
        if paths:
            report = self.index.ingest_paths([Path(p) for p in paths], sync=sync, progress=progress)
        if texts:
            more = self.index.ingest_texts(list(texts), progress=progress)
            for name in ("added", "updated", "unchanged", "removed"):
                getattr(report, name).extend(getattr(more, name))
            report.failed.update(more.failed)
            report.chunks_embedded += more.chunks_embedded
            report.seconds += more.seconds
        return report

    def delete(self, doc_id: str) -> bool:
        """Remove an article from the index; False when it was not there."""
        return self.index.delete(doc_id)

    def documents(self) -> list[DocumentInfo]:
        """The indexed articles, newest first."""
        return self.index.documents()

    def article(self, doc_id: str) -> tuple[str, DocumentInfo] | None:
        """(full text, info) of an indexed article; citation offsets point into this text."""
        text = self.index.article_text(doc_id)
        if text is None:
            return None
        info = next((d for d in self.index.documents() if d.doc_id == doc_id), None)
        return (text, info) if info else None

    def stats(self) -> dict[str, Any]:
        """Counts and models in use (for status lines and health checks)."""
        base_url, model, _ = self.settings.chat_endpoint()
        return {**self.index.stats(), "embedder": self.index.embedder.model_id, "backend": self.settings.backend,
                "model": self.settings.local_model if self.settings.backend == "local" else (model or ""),
                "base_url": base_url or ""}

    # --------------------------------------------------------------- retrieval
    def _leads(self, passages: Sequence[Passage | Citation], chars: int | None = 300) -> list[str]:
        """Opening lines (title, dateline, lead; ``chars=None``: the whole text) of the articles the passages (or
        citations) come from."""
        leads = []
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            text = self.index.article_text(doc_id)
            if text:
                leads.append(text[:chars])
        return leads

    def standalone_question(self, question: str, history: Sequence[dict[str, str]] | None = None,
                            backend: str | None = None, deadline: Deadline | None = None) -> str:
        """The follow-up ``question`` rewritten to stand alone (LLM when configured, else deterministic)."""
        history = [{**m, "content": _valid_text(m.get("content"))} for m in (history or [])
                   if m.get("role") in ("user", "assistant")]
        if not history or not needs_context(question):
            return question
        backend = backend or self.settings.backend
        if backend != "extractive":
            try:
                client = self._client(backend)
                rewritten = client.complete(condense_messages(question, history), max_tokens=60,
                                            deadline=deadline).strip()
                rewritten = rewritten.splitlines()[0].strip().strip('"') if rewritten else ""
                # a small model sometimes answers instead of rewriting: a question must stay a question
                asks = question.rstrip().endswith("?")
                if 5 < len(rewritten) < 400 and (not asks or rewritten.endswith("?")):
                    # keep the deterministic carry-over too: small models sometimes drop a name
                    return condense_deterministic(rewritten, history) if needs_context(rewritten) else rewritten
            except BusyError:
                raise
            except (BackendError, RagError):
                pass
        return condense_deterministic(question, history)

    def retrieve(self, question: str, *, history: Sequence[dict[str, str]] | None = None, since: DateLike = None,
                 until: DateLike = None, top_k: int | None = None, rerank: bool | None = None) -> RetrievalResult:
        """Passages for ``question`` (after the follow-up rewrite), best first."""
        question = _clean_question(question)
        standalone = self.standalone_question(question, history, backend="extractive")
        return self.retriever.retrieve(standalone, k=top_k, since=_bound(since), until=_bound(until, end=True),
                                       rerank=rerank)

    # ----------------------------------------------------------------- answers
    def ask(self, question: str, *, history: Sequence[dict[str, str]] | None = None, since: DateLike = None,
            until: DateLike = None, top_k: int | None = None, backend: str | None = None,
            retrieval_only: bool = False, language: str | None = None) -> Answer:
        """Answer ``question`` from the articles, with verified ``[n]`` citations, or refuse."""
        answer: Answer | None = None
        for event in self.stream(question, history=history, since=since, until=until, top_k=top_k, backend=backend,
                                 retrieval_only=retrieval_only, language=language):
            if event.type == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def chat(self, messages: Sequence[dict[str, str]], **options: Any) -> Answer:
        """Answer the last user message of an OpenAI-style ``messages`` list, the earlier turns as history."""
        turns = [m for m in messages if m.get("role") in ("user", "assistant")]
        if not turns or turns[-1].get("role") != "user":
            raise InputError("The conversation must end with a user message.", hint="Append the question.")
        return self.ask(turns[-1]["content"], history=turns[:-1], **options)

    def stream(self, question: str, *, history: Sequence[dict[str, str]] | None = None, since: DateLike = None,
               until: DateLike = None, top_k: int | None = None, backend: str | None = None,
               retrieval_only: bool = False, language: str | None = None) -> Iterator[StreamEvent]:
        """Stream an answer: ``token`` events with the draft as it is generated, then one final ``answer`` event."""
        started = time.perf_counter()
        deadline = self._llm_deadline()
        question = _clean_question(question)
        backend = backend or self.settings.backend
        lo, hi = _bound(since), _bound(until, end=True)
        t0 = time.perf_counter()
        standalone = self.standalone_question(question, history, backend, deadline)
        answer_lang = answer_language(question, language or self.settings.answer_language)
        condense_time = time.perf_counter() - t0
        result = self.retriever.retrieve(standalone, k=top_k, since=lo, until=hi)
        passages = result.passages
        composer = self._composer()
        if is_vietnamese(standalone):  # sentences are ranked by their meaning, the question's words being Vietnamese
            composer.sentence_similarity = sentence_closeness(standalone)
        timings = {"condense": condense_time, **result.timings}
        notice = None
        model = ""
        if retrieval_only:
            answer = Answer(question=question, text="", passages=passages, related=passages)
            used = "retrieval-only"
        elif not result.candidates and not self.index.records():
            answer = composer.refusal(question, [], "No articles are indexed yet.")
            notice = ("Add articles first: `rag ingest <folder>`, `POST /api/documents`, or the upload panel of the "
                      "web app.")
            used = backend
        elif result.period and not result.candidates:
            answer = composer.refusal(question, [], "None of them was published in that period.")
            used = backend
        elif not composer.has_evidence(passages):
            answer = composer.refusal(question, result.candidates or passages)
            used = backend
        elif not result.period and (missing := composer.missing_names(as_searched(question), result.candidates or passages,
                                                                      self._leads(result.candidates or passages))):
            answer = composer.unmentioned(question, result.candidates or passages, missing)
            used = backend
        elif backend == "extractive":
            answer = composer.extractive(as_searched(standalone), passages)
            used = "extractive"
        else:
            used = backend
            t1 = time.perf_counter()
            try:
                if backend not in self._clients and backend == "local":
                    yield StreamEvent("status", "Starting the local language model (the first answer can take a minute)…")
                client = self._client(backend)
                model = client.model
                context = passages[: self.settings.llm_context_k if top_k is None else top_k]
                draft: list[str] = []
                messages = build_messages(standalone, context, answer_lang)
                for piece in client.stream(messages, deadline=deadline):
                    draft.append(piece)
                    yield StreamEvent("token", piece)
                timings["generation"] = time.perf_counter() - t1
                if composer.only_restates(standalone, "".join(draft)):
                    notice = "The language model only restated the question; this answer was built extractively."
                    answer = composer.extractive(as_searched(standalone), passages)
                    used = "extractive"
                else:
                    judge = support_judge(client, deadline) if self.settings.llm_check else None
                    answer = composer.from_generation(question, "".join(draft), context, standalone=as_searched(standalone),
                                                      judge=judge)
            except BusyError:
                raise
            except (BackendError, RagError) as exc:
                timings["generation"] = time.perf_counter() - t1
                notice = f"The language model failed ({exc.message}); this answer was built extractively."
                answer = composer.extractive(as_searched(standalone), passages)
                used = "extractive"
        if not answer.refused and answer.citations and not result.period:  # a period question names no subject
            # an answer whose cited articles never mention a name the question asks about is about something else
            # ("his speech to the General Assembly" answered from his talks in Hanoi)
            if missing := composer.missing_names(as_searched(question), [], self._leads(answer.citations, chars=None)):
                answer = composer.unmentioned(question, passages, missing, cited=True)
        localize_answer(answer, question, answer_lang, used)
        answer.question = question
        answer.standalone_question = standalone
        answer.backend = used
        answer.model = model
        if notice:
            answer.notice = notice if not answer.notice else f"{notice} {answer.notice}"
        if not answer.passages:
            answer.passages = passages
        if answer.refused and not answer.related:
            answer.related = list(passages[:3])
        timings["total"] = time.perf_counter() - started
        answer.timings = {k: round(v, 4) for k, v in timings.items()}
        yield StreamEvent("answer", answer.text, answer)

    def _llm_deadline(self) -> Deadline:
        """The time model calls may use: ``request_deadline`` from now, less what the extractive fallback needs."""
        seconds = self.settings.request_deadline
        return Deadline(seconds).earlier(fallback_reserve(seconds))

    def llm_state(self, backend: str | None = None) -> str:
        """Outcome of the last model call of ``backend``: unknown (none yet), ok, failing or busy; never blocks."""
        client = self._clients.get(backend or self.settings.backend)
        return getattr(client, "state", "unknown") if client is not None else "unknown"

    def close(self) -> None:
        """Stop background servers started by this engine's process."""
        from .llm.client import shutdown_local_servers

        shutdown_local_servers()


def fallback_reserve(deadline_seconds: float) -> float:
    """Seconds of a request deadline kept for the extractive fallback: a quarter of it, at most 5 s."""
    return min(5.0, 0.25 * deadline_seconds)


def _bound(value: DateLike, end: bool = False) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    return parse_date_bound(str(value), end=end)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _valid_text(text: object) -> str:
    """History text as valid Unicode (lone surrogates become "?"), so it can be tokenised."""
    return text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else ""


def _clean_question(question: str) -> str:
    if not isinstance(question, str):
        raise InputError("The question must be text.", hint="Pass a string.")
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise InputError("The question is empty.", hint="Type a question about the articles.")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise InputError(f"The question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}.",
                         hint="Shorten it to the question itself.")
    if not has_visible_text(cleaned):  # only zero-width or other invisible characters
        raise InputError("The question is empty.", hint="Type a question about the articles.")
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("The question is not valid Unicode text (it holds a lone surrogate).",
                         hint="Send the question as UTF-8 text.") from None
    return cleaned


