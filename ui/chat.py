"""The chat column: asking, the streamed answer, Stop / Retry / Copy / Clear, and thumbs up/down feedback."""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Any, Iterator

import gradio as gr

from rag import RagError

from . import render as R
from .assets import COPY_JS
from .feedback import comment_record, rating_of, rating_record
from .language import T, Translated
from .sources import SourcesHandlers, wire_sources
from .state import SKIP, AnswerRun, AnswerRuns, AppState, Updates, session_of
from .strings import DEFAULT, t

log = logging.getLogger("ui")
STREAM_INTERVAL = 0.06  # seconds between chat updates while a draft streams


def stopped_html(lang: str = DEFAULT) -> str:
    return f'<div class="answer-kind stopped no-rating">{t(lang, "chat.stopped")}</div>'


STOPPED_HTML = stopped_html()


# ------------------------------------------------------------------ layout
@dataclass
class ChatView:
    chatbot: Any
    question: Any
    send: Any
    stop_btn: Any
    retry_btn: Any
    copy_btn: Any
    clear_btn: Any
    copy_text: Any
    fb_row: Any
    fb_comment: Any
    fb_send: Any


def chat_column(app: AppState, tr: Translated) -> ChatView:
    """The chatbot, the question box, the action buttons and the feedback row (inside the chat column)."""
    chatbot = tr(
        gr.Chatbot, elem_id="chatbot", show_label=False, height="62vh", min_height=380,
        buttons=[], layout="bubble", sanitize_html=True, render_markdown=True,
        latex_delimiters=[], allow_tags=False, feedback_options=("Like", "Dislike"),
        examples=T(lambda lang: [{"text": q} for q in app.examples.get(lang, [])] or None),
        placeholder=T("chat.placeholder"),
    )
    with gr.Row(elem_id="ask-row"):
        question = tr(
            gr.Textbox, elem_id="question", show_label=False, scale=5, lines=1, max_lines=6,
            placeholder=T("chat.question"), autofocus=True,
            submit_btn=False, max_length=getattr(app.settings, "max_question_chars", 2000))
        send = tr(gr.Button, value=T("chat.ask"), variant="primary", scale=1, min_width=80, elem_id="send-btn")
    with gr.Row(elem_id="chat-actions"):
        stop_btn = tr(gr.Button, value=T("chat.stop"), size="sm", variant="secondary", elem_id="stop-btn")
        retry_btn = tr(gr.Button, value=T("chat.retry"), size="sm", variant="secondary", elem_id="retry-btn")
        copy_btn = tr(gr.Button, value=T("chat.copy"), size="sm", variant="secondary", elem_id="copy-btn")
        clear_btn = tr(gr.Button, value=T("chat.clear"), size="sm", variant="secondary", elem_id="clear-btn")
    copy_text = gr.Textbox(visible=False, elem_id="copy-text")
    with gr.Row(visible=False, elem_id="feedback-row") as fb_row:
        fb_comment = tr(gr.Textbox, label=T("feedback.label"), scale=4, elem_id="feedback-comment", max_length=4000,
                        placeholder=T("feedback.placeholder"))
        fb_send = tr(gr.Button, value=T("feedback.send"), size="sm", scale=1, min_width=80, elem_id="feedback-send")
    return ChatView(chatbot=chatbot, question=question, send=send, stop_btn=stop_btn, retry_btn=retry_btn,
                    copy_btn=copy_btn, clear_btn=clear_btn, copy_text=copy_text, fb_row=fb_row,
                    fb_comment=fb_comment, fb_send=fb_send)


# ------------------------------------------------------------------ updates
class ChatUpdate(Updates):
    """Outputs of the chat events; the ``*_OUT`` tuples give each event's order."""

    FIELDS = (
        "question", "chatbot", "turns", "sources", "copy_text", "status", "viewer", "close_btn", "fb_comment",
        "fb_row", "fb_state")


ANSWER_OUT = ("question", "chatbot", "turns", "sources", "copy_text", "status", "viewer", "close_btn")
"""Every answer event's outputs: ask, retry, example and settle."""
STOP_OUT = ("chatbot", "turns")
CLEAR_OUT = ("chatbot", "turns", "sources", "copy_text", "viewer", "close_btn", "fb_comment", "fb_row", "fb_state")
RATING_OUT = ("fb_state", "fb_comment", "fb_row")
COMMENT_OUT = ("fb_state", "fb_row", "fb_comment")


def cleared(lang: str = DEFAULT) -> dict[str, Any]:
    """The chat, sources and viewer of an empty conversation."""
    return {"chatbot": [], "turns": [], "sources": gr.update(value=R.sources_placeholder(lang), visible=True),
            "copy_text": "", "viewer": R.VIEWER_PLACEHOLDER, "close_btn": gr.update(visible=False)}


# ------------------------------------------------------------------ turns
def history_of(turns: list[dict]) -> list[dict[str, str]]:
    """The answered turns as chat messages for the engine (retrieval-only turns are left out)."""
    history: list[dict[str, str]] = []
    for t in turns:
        if t.get("answer") and t["answer"].get("backend") != "retrieval-only":
            history += [{"role": "user", "content": t["q"]},
                        {"role": "assistant", "content": t["answer"].get("text", "")}]
    return history


def messages_of(turns: list[dict]) -> list[dict[str, str]]:
    """The turns as the chatbot's messages (escaped question, rendered answer)."""
    out: list[dict[str, str]] = []
    for t in turns:
        out.append({"role": "user", "content": R.render_question(t["q"])})
        out.append({"role": "assistant", "content": t["html"]})
    return out


def mark_stopped(turns: list[dict], lang: str = DEFAULT) -> list[dict]:
    """``turns`` with an unfinished last turn (pending or a draft) marked as stopped."""
    turns = [dict(turn) for turn in (turns or [])]
    if turns and turns[-1]["status"] in ("pending", "draft"):
        turn = turns[-1]
        prefix = R.render_draft(turn.get("draft", ""), lang=lang) if turn["status"] == "draft" else ""
        turn.update(status="stopped", html=prefix + stopped_html(lang))
    return turns


def in_language(turns: list[dict], lang: str) -> tuple[list[dict], Any]:
    """``turns`` with their finished and stopped answers rendered again in ``lang`` (the answers' own text stays as
    the engine wrote it), and the sources panel for the last turn (None when there is nothing to show again)."""
    turns = [dict(turn) for turn in (turns or [])]
    for i, turn in enumerate(turns):
        if turn["status"] == "done" and turn.get("answer"):
            turn["html"] = R.render_answer(turn["answer"], i, lang)
        elif turn["status"] == "stopped":
            prefix = R.render_draft(turn["draft"], lang=lang) if turn.get("draft") else ""
            turn["html"] = prefix + stopped_html(lang)
    if not turns:
        return turns, R.sources_placeholder(lang)
    last = turns[-1]
    if last["status"] == "done" and last.get("answer"):
        return turns, R.render_sources(last["answer"], len(turns) - 1, lang)
    if last["status"] == "stopped" and last.get("reading") is not None:
        return turns, R.render_reading(last["reading"], last["q"], True, lang)
    return turns, None


def pending_text(chosen: str, quick: bool, warmed: set[str], lang: str = DEFAULT) -> str:
    """What the answer bubble says before anything arrives (``quick``: no language model writes)."""
    if quick:
        return t(lang, "pending.search")
    return t(lang, "pending.search_write" if chosen in warmed else "pending.search_write_cold", model=chosen)


def shown(turns: list[dict], **values: Any) -> tuple:
    """A chat update showing ``turns`` (plus any other named ``values``)."""
    return ChatUpdate(chatbot=messages_of(turns), turns=turns, **values).as_tuple(ANSWER_OUT)


# ------------------------------------------------------------------ handlers
class ChatHandlers:
    """Answer runs (streamed, stoppable) and feedback of each browser session."""

    def __init__(self, app: AppState, runs: AnswerRuns) -> None:
        self.app = app
        self.runs = runs

    def respond(self, question: str, turns: list[dict], backend: str, top_k: float, since: str, until: str,
                language: str, retrieval_only: bool, lang: str, request: gr.Request) -> Iterator[tuple]:
        """Answer ``question`` (options as in the settings; ``lang``: the interface language)."""
        question = (question or "").strip()
        if not question:
            gr.Warning(t(lang, "chat.empty_question"))
            yield ChatUpdate().as_tuple(ANSWER_OUT)
            return
        run = self.runs.start(session_of(request))
        try:
            yield from self.answer_run(run, question, turns, backend, top_k, since, until, language, retrieval_only,
                                       lang)
        finally:  # also when the run is cancelled (Gradio closes the generator)
            self.runs.finish(run)

    def answer_run(self, run: AnswerRun, question: str, turns: list[dict], backend: str, top_k: float, since: str,
                   until: str, language: str, retrieval_only: bool, lang: str) -> Iterator[tuple]:
        """Stream one answer into a new turn; after Stop or Clear it yields nothing more (``settle`` ends it)."""
        app = self.app
        turns = [dict(turn) for turn in (turns or [])]
        history = history_of(turns)
        chosen = backend if backend in app.backends else app.settings.backend
        quick = bool(retrieval_only or chosen == "extractive")
        began = time.monotonic()
        pending = R.render_pending(pending_text(chosen, quick, app.warmed, lang), 0.0, lang)
        turn = {"q": question, "status": "pending", "html": pending, "answer": None}
        turns.append(turn)
        yield shown(turns, question="")
        try:
            stream = app.engine.stream(question, history=history, since=since or None, until=until or None,
                                       top_k=int(top_k) if top_k else None, backend=chosen,
                                       retrieval_only=bool(retrieval_only), language=language or None)
            answer = yield from self.follow(run, stream, turns, chosen, quick, began, lang)
        except RagError as exc:
            if run.halt is None:
                turn.update(status="error", html=R.render_error(exc.message, exc.hint, lang))
                yield shown(turns)
            return
        except Exception as exc:  # never leave the chat hanging
            log.exception("answer failed")
            if run.halt is None:
                turn.update(status="error", html=R.render_error(t(lang, "chat.unexpected", kind=type(exc).__name__),
                                                                t(lang, "chat.unexpected_hint"), lang))
                yield shown(turns)
            return
        if run.halt is not None:
            return
        if answer is None:  # pragma: no cover - the engine always ends with an answer
            turn.update(status="error", html=R.render_error(t(lang, "chat.no_answer"), t(lang, "chat.try_again"), lang))
            yield shown(turns)
            return
        yield self.finished(answer, turns, chosen, backend, bool(retrieval_only), lang)

    def follow(self, run: AnswerRun, stream: Iterator[Any], turns: list[dict], chosen: str, quick: bool,
               began: float, lang: str) -> Iterator[tuple]:
        """Show the engine's events in the last turn as they come; returns the answer."""
        turn, question = turns[-1], turns[-1]["q"]
        answer = None
        draft: list[str] = []
        last = 0.0
        for event in stream:
            if run.halt is not None:  # no change; hands control back so that Stop/Clear's cancellation can close it
                yield ChatUpdate().as_tuple(ANSWER_OUT)
                continue
            elapsed = time.monotonic() - began
            if event.type == "token":
                draft.append(event.text)
                now = time.monotonic()
                if now - last >= STREAM_INTERVAL:
                    last = now
                    text = "".join(draft)
                    turn.update(status="draft", html=R.render_draft(text, elapsed, lang), draft=text)
                    yield shown(turns)
            elif event.type == "sources":  # sources first: the passages show while the answer is written
                turn["reading"] = [asdict(p) for p in event.passages]
                step = t(lang, "pending.checking") if quick else t(lang, "pending.reading", model=chosen)
                turn.update(html=R.render_pending(step, elapsed, lang))
                reading = R.render_reading(turn["reading"], question, lang=lang)
                yield shown(turns, sources=gr.update(value=reading, visible=True),
                            viewer=R.VIEWER_PLACEHOLDER, close_btn=gr.update(visible=False))
            elif event.type == "status" and not draft:  # the engine's own words
                turn.update(html=R.render_pending(event.text.rstrip("…") or t(lang, "pending.working"), elapsed, lang))
                yield shown(turns)
            elif event.type == "answer":
                answer = event.answer
        return answer

    def finished(self, answer: Any, turns: list[dict], chosen: str, backend: str, retrieval_only: bool,
                 lang: str) -> tuple:
        """The chat update for a finished answer: the verified answer, its sources, the text to copy."""
        if answer.backend == chosen:
            self.app.warmed.add(chosen)
        data = answer.to_dict()
        if retrieval_only:
            data["backend"] = "retrieval-only"
        index = len(turns) - 1
        turns[-1].update(status="done", html=R.render_answer(data, index, lang), answer=data)
        header = SKIP
        if answer.notice and answer.backend != chosen:  # the model failed: the answer fell back to extraction
            header = self.app.header_html(backend, answer.notice, lang)
        return shown(turns, question="", sources=gr.update(value=R.render_sources(data, index, lang), visible=True),
                     copy_text=R.plain_answer(data, lang), status=header, viewer=R.VIEWER_PLACEHOLDER,
                     close_btn=gr.update(visible=False))

    def retry(self, turns: list[dict], backend: str, top_k: float, since: str, until: str, language: str,
              retrieval_only: bool, lang: str, request: gr.Request) -> Iterator[tuple]:
        if not turns:
            gr.Info(t(lang, "chat.nothing_to_retry"))
            yield ChatUpdate().as_tuple(ANSWER_OUT)
            return
        question = turns[-1]["q"]
        yield from self.respond(question, list(turns[:-1]), backend, top_k, since, until, language, retrieval_only,
                                lang, request)

    def stop(self, turns: list[dict], lang: str, request: gr.Request) -> tuple:
        self.runs.halt(session_of(request), "stopped")
        turns = mark_stopped(turns, lang)
        return ChatUpdate(chatbot=messages_of(turns), turns=turns).as_tuple(STOP_OUT)

    def clear(self, lang: str, request: gr.Request) -> tuple:
        self.runs.halt(session_of(request), "cleared")
        return ChatUpdate(**cleared(lang), fb_comment="", fb_row=gr.update(visible=False),
                          fb_state=None).as_tuple(CLEAR_OUT)

    def settle(self, turns: list[dict], lang: str, request: gr.Request) -> tuple:
        """After an answer run has ended (finished or cancelled): the chat as Stop/Clear left it.

        Runs after the run's last update has reached the browser, so nothing of the run can replace it; it reads
        the session state once the run has stopped writing it."""
        run = self.runs.ended(session_of(request))
        if run is None:  # a newer answer is running: it owns the chat
            return ChatUpdate().as_tuple(ANSWER_OUT)
        if run.halt == "cleared":
            return ChatUpdate(**cleared(lang)).as_tuple(ANSWER_OUT)
        unfinished = bool(turns) and turns[-1]["status"] in ("pending", "draft")
        if run.halt is None and not unfinished:  # the answer finished: nothing to change
            return ChatUpdate().as_tuple(ANSWER_OUT)
        turns = mark_stopped(turns, lang)
        reading = turns[-1].get("reading") if turns and not turns[-1].get("answer") else None
        sources = SKIP if reading is None else gr.update(value=R.render_reading(reading, turns[-1]["q"], True, lang),
                                                         visible=True)
        return shown(turns, sources=sources)

    def forget(self, request: gr.Request) -> None:
        self.runs.forget(session_of(request))

    def pick_example(self, evt: gr.SelectData) -> str:
        value = evt.value
        if isinstance(value, dict):
            return str(value.get("text") or value.get("display_text") or "")
        return str(value or "")

    def on_like(self, turns: list[dict], lang: str, evt: gr.LikeData) -> tuple:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        turn_no = int(index) // 2
        if not turns or turn_no >= len(turns) or not turns[turn_no].get("answer"):
            return ChatUpdate(fb_state=None, fb_comment=gr.update(value=""),
                                  fb_row=gr.update(visible=False)).as_tuple(RATING_OUT)
        rating = rating_of(evt.liked)
        record = rating_record(turns[turn_no], rating)
        self.app.feedback.append(record)
        thanks = t(lang, "feedback.thanks_up" if rating == "up" else "feedback.thanks_down")
        return ChatUpdate(fb_state=record, fb_comment=gr.update(label=thanks, value=""),
                              fb_row=gr.update(visible=True)).as_tuple(RATING_OUT)

    def send_comment(self, record: dict | None, comment: str, lang: str) -> tuple:
        comment = (comment or "").strip()
        if record and comment:
            self.app.feedback.append(comment_record(record, comment))
            gr.Info(t(lang, "feedback.saved"))
        return ChatUpdate(fb_state=None, fb_row=gr.update(visible=False), fb_comment="").as_tuple(COMMENT_OUT)


# ------------------------------------------------------------------ events
def wire_chat(chat: ChatHandlers, sources: SourcesHandlers, page: SimpleNamespace, options: list[Any]) -> None:
    """Ask / Retry / examples stream answers; Stop and Clear end them; sources, viewer and feedback events."""
    outputs = ChatUpdate.outputs(page, ANSWER_OUT)
    asking = {"concurrency_id": "answer", "show_progress": "hidden"}
    lang = page.ui_lang
    answer_events = [
        page.question.submit(chat.respond, [page.question, page.turns, *options, lang], outputs, **asking),
        page.send.click(chat.respond, [page.question, page.turns, *options, lang], outputs, **asking),
        page.retry_btn.click(chat.retry, [page.turns, *options, lang], outputs, **asking),
    ]
    answer_events.append(page.chatbot.example_select(chat.pick_example, None, page.question).then(
        chat.respond, [page.question, page.turns, *options, lang], outputs, **asking))
    # the browser runs a .then() once the run is over: after its last update, or after Stop/Clear cancelled it
    for event in answer_events:
        event.then(chat.settle, [page.turns, lang], outputs, queue=False, show_progress="hidden")
    page.stop_btn.click(chat.stop, [page.turns, lang], ChatUpdate.outputs(page, STOP_OUT), cancels=answer_events,
                        queue=False)
    page.copy_btn.click(None, [page.copy_text], None, js=COPY_JS)
    clearing = ChatUpdate.outputs(page, CLEAR_OUT)
    page.clear_btn.click(chat.clear, [lang], clearing, cancels=answer_events, queue=False)
    wire_sources(sources, page)
    page.chatbot.clear(chat.clear, [lang], clearing, cancels=answer_events, queue=False)
    page.chatbot.like(chat.on_like, [page.turns, lang], ChatUpdate.outputs(page, RATING_OUT), queue=False)
    commenting = ChatUpdate.outputs(page, COMMENT_OUT)
    page.fb_send.click(chat.send_comment, [page.fb_state, page.fb_comment, lang], commenting, queue=False)
    page.fb_comment.submit(chat.send_comment, [page.fb_state, page.fb_comment, lang], commenting, queue=False)
