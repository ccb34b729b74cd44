"""One question's path visits each stage once, in order, and the question is analysed once.

Show the path: ``pytest -q tests/core/test_stage_order.py -s`` (prints the stages of each question)."""
from __future__ import annotations

import pytest

from rag import Engine
from rag.testing import FakeOpenAIServer

from .helpers import QUESTION, core_settings, number_of

MET = "Luong Cuong met Guterres in New York on September 22"


def _stages(engine: Engine, question: str, **options) -> list[str]:
    """The stages ``engine`` enters answering ``question``, printed."""
    seen: list[str] = []
    engine.on_stage = seen.append
    try:
        answer = engine.ask(question, **options)
    finally:
        engine.on_stage = None
    print(f"\n{question!r} ({answer.backend}): {' → '.join(seen)}")
    return seen


def test_an_extractive_answer_visits_each_stage_once_in_order(engine):
    assert _stages(engine, QUESTION) == ["analyse", "retrieve", "decide", "extract", "verify", "finish"]


def test_a_refusal_is_decided_before_any_answer_is_composed(engine):
    stages = _stages(engine, "When did Guterres visit Gotham?")
    assert stages == ["analyse", "retrieve", "decide", "verify", "finish"]


def test_a_generated_answer_visits_each_stage_once_in_order(seed_index):
    with FakeOpenAIServer() as server:
        server.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
        gen = Engine(core_settings(seed_index[0], backend="openai-compatible", llm_base_url=server.base_url,
                                   llm_model="fake-model", llm_max_retries=0, llm_timeout=10))
        assert _stages(gen, QUESTION) == ["analyse", "retrieve", "decide", "generate", "verify", "finish"]
        server.responder = lambda body: "Luong Cuong did meet Guterres in New York. [1]"  # only the question again
        assert _stages(gen, QUESTION) == ["analyse", "retrieve", "decide", "generate", "verify", "finish"]  # refused
        # asked to answer in another language than the articles', the restatement gives way to quotes
        assert _stages(gen, QUESTION, language="Vietnamese") == ["analyse", "retrieve", "decide", "generate",
                                                                 "extract", "verify", "finish"]


def test_the_question_is_analysed_once(engine, monkeypatch):
    from rag.retrieval import analysis

    texts: list[str] = []
    shape_of = analysis.shape_of

    def counted(text: str):
        texts.append(text)
        return shape_of(text)

    monkeypatch.setattr(analysis, "shape_of", counted)
    engine.ask(QUESTION)
    assert texts == [QUESTION]  # one analysis, read by retrieval, the gates, the composer and the checks


def test_the_composer_is_built_once_per_engine_and_settings(fresh_engine):
    eng = fresh_engine()
    eng.ask(QUESTION)
    first = eng.composer
    eng.ask("When did Guterres visit Hanoi?")
    assert eng.composer is first  # its cache of near-synonym verdicts survives across questions
    eng.settings = eng.settings.model_copy(update={"support_threshold": 0.9})
    assert eng.composer is not first and eng.composer.support_threshold == 0.9
