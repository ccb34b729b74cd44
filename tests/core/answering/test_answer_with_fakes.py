"""Answer composition, citation verification and refusals over the in-memory seams (rag.testing): the seeds in an
:class:`~rag.testing.InMemoryStore` with hashed vectors and a word-overlap reranker, a scripted chat model. No
Chroma, no ONNX model, no HTTP: these are the engine's own rules, checked in milliseconds."""
from __future__ import annotations

import pytest

from rag import REFUSAL_TEXT, BackendError
from rag.answering.notices import NONE_QUOTED
from rag.testing import FakeChatModel, InMemoryStore, engine_with_fakes

from ..helpers import (MET, QUESTION, SEED_IDS, SEEDS, assert_citations_consistent, cite_the_wrong_passage, number_of,
                      sent_passages, user_prompt)



@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    """The seeds ingested once into an in-memory store (read-only for the tests)."""
    store = InMemoryStore()
    report = engine_with_fakes(tmp_path_factory.mktemp("fakes"), store=store).ingest([SEEDS])
    assert sorted(report.added) == sorted(SEED_IDS)
    return store


@pytest.fixture
def chat():
    return FakeChatModel()


@pytest.fixture
def fake(seeds_store, chat, tmp_path):
    """A generative engine over the seeds, every seam a fake (the BM25 side is real: it is not a seam)."""
    return engine_with_fakes(tmp_path, store=seeds_store, chat=chat, backend="openai-compatible")


def test_the_fakes_answer_the_meeting_question_extractively(seeds_store, tmp_path):
    engine = engine_with_fakes(tmp_path, store=seeds_store)
    answer = engine.ask(QUESTION)
    assert not answer.refused and answer.backend == "extractive"
    assert any("September 22" in c.quote for c in answer.citations)
    assert_citations_consistent(engine, answer)


def test_a_correct_citation_is_kept_and_renumbered(fake, chat):
    chat.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
    answer = fake.ask(QUESTION)
    assert not answer.refused and (answer.backend, answer.model) == ("openai-compatible", "fake-model")
    assert answer.text == f"{MET} [1]."
    [citation] = answer.citations
    assert "September 22" in citation.quote
    assert "Question: " + QUESTION in user_prompt(chat.requests[-1])
    assert_citations_consistent(fake, answer)


def test_a_wrong_source_is_moved_to_the_passage_that_supports_the_sentence(fake, chat):
    chat.responder = cite_the_wrong_passage
    answer = fake.ask(QUESTION)
    [sentence] = answer.sentences
    assert not answer.refused and sentence.supported and "re-attributed from" in sentence.note
    assert "September 22" in answer.citations[0].quote
    assert_citations_consistent(fake, answer)


def test_an_invented_number_is_flagged_never_supported(fake, chat):
    chat.responder = lambda body: (f"{MET} [{number_of(body, 'September 22')}]. "
                                   f"They met again on September 29 [{number_of(body, 'September 22')}].")
    good, invented = fake.ask(QUESTION).sentences
    assert good.supported and not invented.supported and invented.citations == []
    assert "29" in invented.note


def test_a_citation_beyond_the_passages_sent_is_not_trusted(fake, chat):
    chat.push("Guterres praised Viet Nam [7].")
    answer = fake.ask(QUESTION)
    assert all(1 <= n <= len(answer.citations) for s in answer.sentences for n in s.citations)
    assert_citations_consistent(fake, answer)


def test_a_failing_model_falls_back_to_a_quoted_answer(fake, chat):
    chat.push(BackendError("The language model broke.", hint="Try again."))
    answer = fake.ask(QUESTION)
    assert answer.backend == "extractive" and answer.notice.startswith("The language model failed")
    assert answer.citations and not answer.refused


def test_a_failing_model_whose_quotes_are_refused_too_says_so_not_that_it_quoted(fake, chat):
    chat.push(BackendError("The language model broke.", hint="Try again."))
    answer = fake.ask("How many delegates from Hanoi attended?")  # no sentence gives a figure for it
    assert answer.refused and answer.backend == "extractive" and answer.citations == []
    assert answer.notice == f"The language model failed (The language model broke.); {NONE_QUOTED}"


def test_a_reply_that_restates_the_question_is_a_refusal(fake, chat):
    chat.push(QUESTION)
    answer = fake.ask(QUESTION)
    assert answer.refused and answer.citations == [] and answer.backend == "openai-compatible"


def test_the_model_says_it_does_not_know(fake, chat):
    chat.push("The articles don't say.")
    answer = fake.ask(QUESTION)
    assert answer.refused and answer.citations == [] and answer.related


@pytest.mark.parametrize("question, reason", [
    ("What is the capital of France?", "France"),
    ("What did Guterres say about Storm No. 2?", "Storm No. 2"),
])
def test_questions_the_articles_do_not_cover_are_refused_without_asking_the_model(fake, chat, question, reason):
    answer = fake.ask(question)
    assert answer.refused and answer.text.startswith(f"{REFUSAL_TEXT} They do not mention ")
    assert answer.text.endswith(f"{reason}.") and answer.citations == []
    assert chat.requests == []


def test_an_empty_index_is_refused_without_asking_the_model(tmp_path, chat):
    engine = engine_with_fakes(tmp_path, chat=chat, backend="openai-compatible")
    answer = engine.ask("What did Guterres say?")
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} No articles are indexed yet."
    assert chat.requests == []


def test_a_follow_up_is_rewritten_by_the_model_then_retrieved(fake, chat):
    chat.push("When did Luong Cuong meet Guterres in New York?", f"{MET} [1].")
    answer = fake.chat([{"role": "user", "content": "Did Luong Cuong meet Guterres in New York?"},
                        {"role": "assistant", "content": "Yes."},
                        {"role": "user", "content": "When did they meet there?"}])
    assert answer.standalone_question == "When did Luong Cuong meet Guterres in New York?"
    assert chat.requests[0]["max_tokens"] == 60 and len(chat.requests) == 2
