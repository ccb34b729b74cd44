"""Evidence-first answers end to end, through the real openai client and the fake OpenAI-compatible server: the
model chooses numbered sentences (or none) in schema-constrained JSON, the probability of "none" decides refusal,
and the citations point at the chosen sentences."""
from __future__ import annotations

import json
import math

import pytest

from rag import REFUSAL_TEXT, Engine
from rag.testing import FakeOpenAIServer, Reply

from ..helpers import (MET, QUESTION, assert_citations_consistent, core_settings, number_of, sent_passages,
                      user_prompt)


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _fresh_script(server):
    server.reset()
    server.responder = None
    yield
    server.responder = None


@pytest.fixture(scope="module")
def engine(seed_index, server):
    return Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                llm_model="fake-model", llm_max_retries=0, llm_timeout=10, evidence_first="on"))


def _reply(evidence: list[int], answer: str, p_none: float) -> Reply:
    """A JSON reply whose second streamed piece (``[3], ``) carries the choice: "none" with ``p_none``."""
    content = json.dumps({"evidence": evidence, "answer": answer})
    first = f"[{evidence[0]}], " if evidence else "[], "
    other = "[], " if evidence else "[1], "
    chosen, alternative = (1 - p_none, p_none) if evidence else (p_none, 1 - p_none)
    return Reply(content, alternatives={1: [(first, math.log(chosen)), (other, math.log(alternative))]})


def test_chosen_sentence_is_what_the_answer_cites(engine, server):
    server.responder = lambda body: _reply([number_of(body, "September 22")], f"{MET} [{number_of(body, 'September 22')}].", 0.05)
    events = list(engine.stream(QUESTION))
    answer = events[-1].answer
    request = server.requests[-1]

    assert request["response_format"]["type"] == "json_schema" and request["logprobs"] is True
    assert request["top_logprobs"] >= 5
    assert "Reply in JSON" in user_prompt(request)
    assert not answer.refused and answer.text == f"{MET} [1]."
    [citation] = answer.citations
    assert "September 22" in citation.quote
    assert_citations_consistent(engine, answer)
    # the draft the user watches is the answer text, never the JSON around it
    draft = "".join(e.text for e in events if e.type == "token")
    assert draft == f"{MET} [{number_of(request, 'September 22')}]." and "evidence" not in draft


def test_a_likely_empty_choice_is_a_refusal_even_with_an_answer_written(engine, server):
    server.responder = lambda body: _reply([number_of(body, "September 22")], f"{MET}.", 0.7)
    answer = engine.ask(QUESTION)
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT) and not answer.citations


def test_no_evidence_is_a_refusal(engine, server):
    server.push(_reply([], "", 0.95))
    answer = engine.ask("Which company bought the Hanoi metro?")
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT)


def test_evidence_without_an_answer_is_quoted(engine, server):
    server.responder = lambda body: _reply([number_of(body, "September 22")], "", 0.1)
    answer = engine.ask(QUESTION)
    assert not answer.refused
    [citation] = answer.citations
    assert "September 22" in citation.quote and answer.text.startswith(citation.quote)


def test_a_wrong_sentence_number_is_caught_by_the_verifier(engine, server):
    """The answer states the meeting but cites a sentence that does not: verification moves or flags it."""
    def reply(body):
        good = number_of(body, "September 22")
        wrong = 1 if good != 1 else 2
        return _reply([wrong], f"{MET} [{wrong}].", 0.05)

    server.responder = reply
    answer = engine.ask(QUESTION)
    assert not answer.refused
    assert all("September 22" in c.quote for c in answer.citations) or answer.notice
    assert_citations_consistent(engine, answer)


def test_a_server_without_response_format_gets_the_plain_prompt(engine, server):
    def reply(body):
        if "response_format" in body:
            return Reply(status=400, error_message="response_format is not supported")
        return f"{MET} [{number_of(body, 'September 22')}]."

    server.responder = reply
    answer = engine.ask(QUESTION)
    assert [("response_format" in r) for r in server.requests] == [True, False]
    assert not answer.refused and answer.notice is None and "September 22" in answer.citations[0].quote


def test_off_by_default_and_auto_is_off_for_a_remote_server(seed_index, server):
    settings = core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                             llm_model="fake-model", llm_max_retries=0, llm_timeout=10)
    assert settings.evidence_first == "off" and not Engine(settings).evidence_first("local")
    engine = Engine(settings.model_copy(update={"evidence_first": "auto"}))
    assert not engine.evidence_first("openai-compatible") and engine.evidence_first("local")
    server.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
    engine.ask(QUESTION)
    assert "response_format" not in server.requests[-1]


def _copy_an_off_question_sentence(body):
    """The model picks a sentence that does not state the meeting and copies it (so every word is sourced)."""
    shown = {n: text.strip().split("\n")[0] for n, text in sent_passages(body).items()}
    n = next(n for n, text in shown.items() if "September 22" not in text and "Guterres" not in text
             and len(text.split()) > 8)
    return _reply([n], f"{shown[n]} [{n}]", 0.05)


def test_evidence_that_does_not_answer_is_a_refusal(engine, server, seed_index):
    """The verifier passes a copied sentence; the cross-encoder finds it not answering the question."""
    server.responder = _copy_an_off_question_sentence
    refused = engine.ask(QUESTION)
    assert refused.refused and not refused.citations
    lenient = Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                   llm_model="fake-model", llm_max_retries=0, llm_timeout=10, evidence_first="on",
                                   evidence_relevance_threshold=-100, quote_relevance_threshold=-100))
    assert not lenient.ask(QUESTION).refused  # the same reply passes without the checks
