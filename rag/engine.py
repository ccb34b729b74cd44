"""The :class:`Engine`: ingest articles, retrieve, answer with verified citations; the one API every front end uses."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterator, Sequence
from urllib.parse import urlparse

from .answering.answer import Composer, build_messages
from .answering.evidence import evidence_prompt, stream_evidence
from .answering.checks import cited_names_unmentioned, names_unmentioned
from .retrieval.condense import asks_the_same, condense_deterministic, condense_messages, needs_context
from .config import Settings
from .retrieval.dates import parse_date_bound
from .deadline import Deadline
from .errors import BackendError, BusyError, InputError, RagError
from .index.news_index import IngestReport, NewsIndex
from .answering.repetition import until_loop, without_loop
from .answering.llm_check import support_judge
from .answering.limits import capped as _capped, clean_question as _clean_question, valid_text as _valid_text
from .answering.languages_apart import other_language_hint, written_across_languages
from .answering.localize import answer_language, localize_answer
from .answering.notices import BUILT_EXTRACTIVELY, NONE_QUOTED, NOTHING_SUPPORTED, QUOTED_INSTEAD, RESTATED, model_failed
from .models import Answer, Citation, DocumentInfo, Passage
from .retrieval.analysis import QuestionAnalysis, analyse
from .retrieval.retrieve import RetrievalResult, Retriever
from .answering.verify import Verifier

if TYPE_CHECKING:  # pragma: no cover
    from .index.embeddings import Embedder
    from .index.store import VectorStore
    from .llm.client import ChatModel
    from .retrieval.rerank import Reranker

__all__ = ["Engine", "StreamEvent"]

DateLike = str | int | None


@dataclass
class StreamEvent:
    """One event of :meth:`Engine.stream`: ``status`` (progress text), ``sources`` (the retrieved ``passages``, sent
    once retrieval is done and before any draft), ``token`` (a piece of the draft answer) or ``answer`` (the final,
    verified :class:`Answer`; its text replaces the draft)."""

    type: str
    text: str = ""
    answer: Answer | None = None
    passages: list[Passage] = field(default_factory=list)


class Engine:
    """Question answering over indexed news articles.

    >>> from rag import Engine, Settings
    >>> engine = Engine(Settings.load(backend="extractive"))      # doctest: +SKIP
    >>> engine.ingest(["seeds/"])                                # doctest: +SKIP
    >>> answer = engine.ask("When did Luong Cuong meet Guterres?") # doctest: +SKIP
    >>> print(answer.text, answer.citations[0].quote)            # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None, *, store: "VectorStore | None" = None,
                 embedder: "Embedder | None" = None, chat: "ChatModel | None" = None,
                 reranker: "Reranker | None" = None) -> None:
        """``store``, ``embedder``, ``chat`` and ``reranker`` replace the parts ``settings`` configure (Chroma, the
        packaged embedder, the backend's chat client, the cross-encoder); ``chat`` then answers for every backend
        but ``extractive``. :func:`rag.testing.engine_with_fakes` builds one over in-memory fakes."""
        self.settings = settings or Settings.load()
        self._index: NewsIndex | None = None
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._composer_for: tuple[tuple[Any, ...], Composer] | None = None
        self.on_stage: Callable[[str], None] | None = None  # called with each stage name a question's path enters
        self._store, self._embedder, self.chat_model, self.reranker = store, embedder, chat, reranker

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
                self._index = NewsIndex(self.settings, embedder=self._embedder, store=self._store)
            return self._index

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.index, self.settings, self.reranker)

    @property
    def composer(self) -> Composer:
        """The answer composer, built once and rebuilt only when the settings it reads change (its cache of
        near-synonym verdicts lives as long)."""
        s = self.settings
        key = (id(self.index), s.rerank, s.rerank_max_tokens, s.support_threshold, s.relevance_threshold,
               s.quote_relevance_threshold, s.extractive_relevance_threshold, s.evidence_relevance_threshold)
        if self._composer_for is None or self._composer_for[0] != key:
            self._composer_for = (key, self._new_composer())
        return self._composer_for[1]

    def _new_composer(self) -> Composer:
        s = self.settings
        relevance = None
        if s.rerank:
            def relevance(question: str, texts: Sequence[str]) -> Sequence[float]:
                from .retrieval.rerank import get_cross_encoder

                reranker = self.reranker if self.reranker is not None else get_cross_encoder(s.rerank_max_tokens)
                return reranker.score(question, texts)
        return Composer(Verifier(self.index.embedder), support_threshold=s.support_threshold,
                        relevance_threshold=s.relevance_threshold, relevance=relevance,
                        quote_relevance_threshold=s.quote_relevance_threshold,
                        extractive_relevance_threshold=s.extractive_relevance_threshold,
                        crosslingual_threshold=s.crosslingual_threshold,
                        crosslingual_relevance_threshold=s.crosslingual_relevance_threshold,
                        own_language_coverage=s.own_language_coverage,
                        evidence_relevance_threshold=s.evidence_relevance_threshold)

    def _client(self, backend: str) -> Any:
        if self.chat_model is not None:
            return self.chat_model
        if backend not in self._clients:
            from .llm.client import chat_client_for

            self._clients[backend] = chat_client_for(self.settings, backend)
        return self._clients[backend]

    # ----------------------------------------------------------------- ingest
    def ingest(self, paths: Sequence[str | Path] | None = None, *, texts: Sequence[tuple[str, str]] | None = None,
               sync: bool = False, force: bool = False,
               progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        """Index article files/folders (``paths``) and/or ``(doc_id, text)`` pairs. Re-ingesting never duplicates.

        ``sync=True`` also removes indexed articles that are not among ``paths``. ``force=True`` re-indexes articles
        even when unchanged (after a change of chunking or embedder), each replaced in place: one that fails to
        re-index keeps its previous version.
        """
        report = IngestReport()
        if paths:
            report = self.index.ingest_paths([Path(p) for p in paths], sync=sync, force=force, progress=progress)
        if texts:
            more = self.index.ingest_texts(list(texts), force=force, progress=progress)
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
        citations) come from, each after the article's outlet: its agency and the host of its web address, which
        the text itself rarely names ("What did Lao Động report about …?" of an article from laodong.vn)."""
        articles = {p.doc_id: p for p in passages}  # every passage of an article carries its agency and address
        texts = ((p, self.index.article_text(doc_id)) for doc_id, p in articles.items())
        return [f"{p.agency or ''} {urlparse(p.source_url or '').hostname or ''}\n{t[:chars]}" for p, t in texts if t]

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
                if 5 < len(rewritten) < 400 and (not asks or rewritten.endswith("?")) \
                        and asks_the_same(question, rewritten):
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
        question = _clean_question(question, self.settings.max_question_chars)
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
        """Stream an answer: one ``sources`` event with the retrieved passages, ``token`` events with the draft as it
        is generated, then one final ``answer`` event.

        The stages, each once and in order: analyse → retrieve → decide → generate or extract → verify → finish
        (see docs/architecture.md; :attr:`on_stage` sees them). Model calls share one deadline
        (``request_deadline``, less what the extractive fallback needs)."""
        clock = _Clock()
        deadline = self._llm_deadline()
        question = _clean_question(question, self.settings.max_question_chars)
        backend = backend or self.settings.backend
        with clock.time("condense"):
            analysis = self._analyse(question, history, backend, deadline)
        result = self._retrieve(analysis, since, until, top_k)
        clock.timings.update(result.timings)
        yield StreamEvent("sources", passages=list(result.passages))
        if retrieval_only:
            passages = result.passages
            drafted = _Drafted(Answer(question=question, text="", passages=passages, related=passages),
                               "retrieval-only")
        elif refusal := self._decide(analysis, result, backend):
            drafted = refusal
        elif backend == "extractive":
            drafted = self._extract(analysis, result.passages)
        else:
            drafted = yield from self._generate(analysis, result.passages, backend, top_k, language, clock, deadline)
        answer = self._finish(self._verify(analysis, drafted, result), analysis, result, drafted, clock)
        localize_answer(answer, question, answer_language(question, language or self.settings.answer_language),
                        drafted.used)
        answer = _capped(answer, self.settings.max_passage_chars)
        yield StreamEvent("answer", answer.text, answer)

    def _stage(self, name: str) -> None:
        """Enter stage ``name`` of a question's path (reported to :attr:`on_stage`)."""
        if self.on_stage is not None:
            self.on_stage(name)

    def _analyse(self, question: str, history: Sequence[dict[str, str]] | None, backend: str,
                 deadline: Deadline | None = None) -> QuestionAnalysis:
        """The question resolved against the conversation and analysed, once for the whole path."""
        self._stage("analyse")
        return analyse(question, self.standalone_question(question, history, backend, deadline))

    def _retrieve(self, analysis: QuestionAnalysis, since: DateLike, until: DateLike,
                  top_k: int | None) -> RetrievalResult:
        """Passages for the standalone question."""
        self._stage("retrieve")
        return self.retriever.retrieve(analysis, k=top_k, since=_bound(since), until=_bound(until, end=True))

    def _decide(self, analysis: QuestionAnalysis, result: RetrievalResult, backend: str) -> "_Drafted | None":
        """The refusal the retrieved passages call for before any answer is composed, else None: nothing indexed,
        nothing published in the period asked about, no passage relevant enough, or a name of the question that no
        passage mentions."""
        self._stage("decide")
        question, passages, nearest = analysis.question, result.passages, result.candidates or result.passages
        composer = self.composer
        if not result.candidates and not self.index.records():
            return _Drafted(composer.refusal(question, [], "No articles are indexed yet."), backend, notice=(
                "Add articles first: `rag ingest <folder>`, `POST /api/documents`, or the upload panel of the web app."))
        if result.period and not result.candidates:
            return _Drafted(composer.refusal(question, [], "None of them was published in that period."), backend)
        # a compound question is answered only when each of its parts has a passage relevant enough
        if not all(composer.has_evidence(part.passages) for part in result.parts or [result]):
            return _Drafted(composer.refusal(question, nearest, other_language_hint(analysis, nearest)), backend)
        if result.period:  # a period question names no subject
            return None
        sources = [f"{p.title} {p.text}" for p in nearest] + self._leads(nearest)
        if reason := names_unmentioned(analysis, composer.evidence(sources)):
            return _Drafted(composer.refusal(question, nearest, reason), backend)
        return None

    def _extract(self, analysis: QuestionAnalysis, passages: Sequence[Passage], cause: str | None = None,
                 quoted: str = BUILT_EXTRACTIVELY, model: str = "") -> "_Drafted":
        """The extractive answer: the passages' best sentences, quoted. With ``cause`` (why not the model's words)
        the notice says so, then what the answer is: ``quoted``, or :data:`NONE_QUOTED` when it is refused too."""
        self._stage("extract")
        notices = (f"{cause}; {quoted}", f"{cause}; {NONE_QUOTED}") if cause else (None, None)
        return _Drafted(self.composer.extractive(analysis, passages), "extractive", model, *notices, composed=True)

    def _generate(self, analysis: QuestionAnalysis, passages: Sequence[Passage], backend: str, top_k: int | None,
                  language: str | None, clock: "_Clock",
                  deadline: Deadline | None = None) -> Generator[StreamEvent, None, "_Drafted"]:
        """The language model's answer, streamed as ``token`` events and then verified (evidence first when
        :meth:`evidence_first`); the extractive answer when the model fails or runs out of time, and, when it wrote
        in another language than its passages (:func:`.answering.languages_apart.written_across_languages`), when it
        only restates the question or nothing it wrote is supported (a busy model raises :class:`BusyError`)."""
        self._stage("generate")
        model = ""
        try:
            with clock.time("generation"):
                if backend not in self._clients and backend == "local" and self.chat_model is None:
                    yield StreamEvent("status", "Starting the local language model (the first answer can take a minute)…")
                client = self._client(backend)
                model = client.model
                context = passages[: self.settings.llm_context_k if top_k is None else top_k]
                lang = answer_language(analysis.question, language or self.settings.answer_language)
                reply = prompt = None
                # the sentences shown are those that match the question's English rendering and, for a question
                # in another language, those closest to it by the multilingual model
                excerpts = {"match": analysis.search_text, "closeness": self.composer.closeness(analysis, context)}
                if self.evidence_first(backend):
                    prompt = evidence_prompt(analysis.standalone, context, lang, **excerpts)
                    try:
                        reply = yield from _token_events(stream_evidence(client, prompt, deadline))
                    except BackendError as exc:
                        if exc.status not in (400, 422):  # a server that does not take response_format
                            raise
                if reply is not None:
                    draft = reply.answer
                else:
                    pieces = client.stream(build_messages(analysis.standalone, context, lang, **excerpts),
                                           deadline=deadline)
                    draft = without_loop("".join((yield from _token_events(until_loop(pieces), collect=True))))
            across = written_across_languages(lang, context)
            if draft and self.composer.only_restates(analysis, draft):
                if not across:  # in the articles' own language a restatement marks a near miss
                    return _Drafted(self.composer.refusal(analysis.question, passages), backend, model)
                return self._extract(analysis, passages, RESTATED, model=model)
            judge = support_judge(client, deadline) if self.settings.llm_check else None
            if reply is not None:
                answer = self.composer.from_evidence(analysis, reply, prompt, context, judge=judge,
                                                     threshold=self.settings.answerability_threshold)
            else:
                answer = self.composer.from_generation(analysis, draft, context, judge=judge)
                if answer.refused and not self.composer.declines(draft) and across:
                    return self._extract(analysis, passages, NOTHING_SUPPORTED, QUOTED_INSTEAD, model)
            return _Drafted(answer, backend, model, composed=True, generated=True)
        except BusyError:
            raise
        except (BackendError, RagError) as exc:
            return self._extract(analysis, passages, model_failed(exc.message), model=model)

    def evidence_first(self, backend: str) -> bool:
        """Does the model choose its evidence sentences before writing (setting ``evidence_first``; auto: the local
        model only)?"""
        mode = self.settings.evidence_first
        return mode == "on" or (mode == "auto" and backend == "local")

    def _verify(self, analysis: QuestionAnalysis, drafted: "_Drafted", result: RetrievalResult) -> Answer:
        """The composed answer after the answer checks, and refused when the articles it cites never mention a name
        the question asks about."""
        self._stage("verify")
        answer = drafted.answer
        if drafted.composed:
            answer = self.composer.checked(analysis, answer, generated=drafted.generated)
        if answer.refused or not answer.citations or result.period:  # a period question names no subject
            return answer
        evidence = self.composer.evidence(self._leads(answer.citations, chars=None))
        if reason := cited_names_unmentioned(analysis, evidence):
            return self.composer.refusal(analysis.question, result.passages, reason)
        return answer

    def _finish(self, answer: Answer, analysis: QuestionAnalysis, result: RetrievalResult, drafted: "_Drafted",
                clock: "_Clock") -> Answer:
        """The answer as every front end gets it: question, backend, notice, context and timings filled in."""
        self._stage("finish")
        answer.question = analysis.question
        answer.standalone_question = analysis.standalone
        answer.backend = drafted.used
        answer.model = drafted.model
        notice = drafted.notice_if_refused if answer.refused and drafted.notice_if_refused else drafted.notice
        if notice:
            answer.notice = notice if not answer.notice else f"{notice} {answer.notice}"
        if not answer.passages:
            answer.passages = result.passages
        if answer.refused and not answer.related:
            answer.related = list(result.passages[:3])
        answer.timings = clock.done()
        return answer

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


@dataclass
class _Drafted:
    """An answer before the verify stage: who made it (``used``: backend name), with which model, the notice to
    show, and whether it was composed from the passages (``composed``: the answer checks apply) by a language model
    (``generated``)."""

    answer: Answer
    used: str = ""
    model: str = ""
    notice: str | None = None
    notice_if_refused: str | None = None  # the notice when the answer ends refused
    composed: bool = False
    generated: bool = False


class _Clock:
    """Seconds per stage of one question, and the total."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        """Record the seconds the ``with`` block takes (also when it raises) as ``name``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - t0

    def done(self) -> dict[str, float]:
        """The timings with the total so far, rounded."""
        self.timings["total"] = time.perf_counter() - self.started
        return {k: round(v, 4) for k, v in self.timings.items()}


def _token_events(pieces: Iterator[str], collect: bool = False) -> Generator[StreamEvent, None, Any]:
    """``token`` events of the text ``pieces``; returns what the ``pieces`` generator returns (or, with
    ``collect``, the list of pieces)."""
    seen: list[str] = []
    while True:
        try:
            piece = next(pieces)
        except StopIteration as stop:
            return seen if collect else stop.value
        if collect:
            seen.append(piece)
        yield StreamEvent("token", piece)


def _bound(value: DateLike, end: bool = False) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    return parse_date_bound(str(value), end=end)
