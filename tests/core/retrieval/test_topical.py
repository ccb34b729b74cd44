"""Topical questions ("Any news on X?", "What's the latest on X?", "Tell me about X"): reranked by their topic,
answered where the articles cover it, refused where they do not, newest coverage first when the latest is asked."""
from __future__ import annotations

import pytest

from rag import REFUSAL_TEXT
from rag.models import Passage
from rag.retrieval.retrieve import newest_relevant_first
from rag.retrieval.topic import asks_for_latest, topic_of

from ..helpers import D003, D004


@pytest.mark.parametrize("question, topic", [
    ("Any news on Mozambique?", "Mozambique"),
    ("What's the latest on the peace talks in Sudan?", "the peace talks in Sudan"),
    ("What is the latest news about Guterres?", "Guterres"),
    ("What's new with the Bank of England?", "the Bank of England"),
    ("What happened in markets in July 2025?", "markets"),
    ("Latest news on inflation this week?", "inflation"),
    ("Tell me about the Hanoi Convention.", "the Hanoi Convention"),
    ("What do the articles say about cybercrime?", "cybercrime"),
    ("Summarize the news about Vietnam and the UN.", "Vietnam and the UN"),
    ("Give me an overview of the Hanoi Convention", "the Hanoi Convention"),
    ("What is going on in Gaza today?", "Gaza"),
    ("Updates on the floods", "the floods"),
    # not topical: they ask for one fact, or have no topic of their own
    ("When did Guterres visit Hanoi?", None),
    ("What happened when Guterres visited Vietnam?", None),
    ("What did Guterres say about climate?", None),
    ("What is the Hanoi Convention?", None),
    ("What does the article say about it?", None),
    ("What's the latest?", None),
])
def test_topic_of(question, topic):
    assert topic_of(question) == topic


def test_the_cross_encoder_reads_the_topic_with_the_time_it_names():
    assert topic_of("What happened in markets in July 2025?", keep_time=True) == "markets in July 2025"
    assert topic_of("Latest news on inflation this week?", keep_time=True) == "inflation this week"
    assert topic_of("Any news on Mozambique?", keep_time=True) == "Mozambique"


def test_asks_for_latest():
    assert asks_for_latest("What's the latest on Gaza?") and asks_for_latest("What is new with the convention?")
    assert asks_for_latest("Any updates on the floods?") and not asks_for_latest("Tell me about the floods.")


@pytest.mark.parametrize("question, topic_words", [
    ("Any news on the Hanoi Convention?", ("Cybercrime", "Convention")),
    ("What do the articles say about UN peacekeeping?", ("peacekeeping",)),
    ("Give me an overview of the news about climate finance.", ("climate finance",)),
    ("What did the articles report about ASEAN?", ("ASEAN",)),
])
def test_a_topic_the_articles_cover_is_answered_from_passages_about_it(engine, question, topic_words):
    result = engine.retrieve(question)
    assert result.relevance_query == topic_of(question)  # the cross-encoder scored the topic, not the question
    answer = engine.ask(question)
    assert not answer.refused and answer.citations
    assert any(word.lower() in c.quote.lower() for c in answer.citations for word in topic_words)


@pytest.mark.parametrize("question", [
    "Any news about the World Cup?",
    "What's the latest on the conflict in Sudan?",
    "Tell me about inflation in the eurozone.",
    "What do the articles say about COVID-19 vaccines?",
])
def test_a_topic_the_articles_do_not_cover_is_refused(engine, question):
    answer = engine.ask(question)
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT) and answer.citations == []


def test_the_latest_news_comes_from_the_newest_article_about_it(engine):
    result = engine.retrieve("What is the latest news about Guterres?")
    assert result.passages[0].doc_id == D004  # 2025-10-26, the newest seed; all five are about Guterres
    dated = [p.date for p in result.passages if p.date]
    assert dated[0] == max(dated)


def _passage(doc: str, date: str | None, score: float) -> Passage:
    return Passage(chunk_id=f"{doc}#0", doc_id=doc, text="t", start=0, end=1, title=doc, date=date,
                   source_url=None, agency=None, score=score)


def test_newest_relevant_first_keeps_less_relevant_passages_behind():
    passages = [_passage("best-old", "2025-01-01", 7.0), _passage("close-new", "2025-06-01", 5.5),
                _passage("undated", None, 6.5), _passage("weak-newest", "2025-12-01", 4.0),
                _passage("off-topic-newest", "2026-01-01", -5.0)]
    newest_relevant_first(passages, threshold=-2.0)
    # within 2 logits of the best: newest first, undated after the dated; then the rest by score
    assert [p.doc_id for p in passages] == ["close-new", "best-old", "undated", "weak-newest", "off-topic-newest"]


@pytest.mark.parametrize("text, is_time", [
    ("October 2025", True), ("25 October", True), ("early 2025", True), ("the week of March 3, 2025", True),
    ("2025", True), ("markets", False), ("Hanoi in 2025", False), ("last week", False), ("the 80th session", False),
])
def test_only_a_time(text, is_time):
    from rag.retrieval.dates import only_a_time

    assert only_a_time(text) is is_time


def test_days_after():
    from rag.retrieval.dates import days_after

    assert days_after(20251031, 3) == 20251103 and days_after(20241231, 1) == 20250101


def test_a_period_question_is_answered_from_the_articles_published_then(engine):
    """"What happened in October 2025?" has no subject: the articles published in October 2025 (or up to three days
    after) are the candidates, whatever the cross-encoder would think of the question."""
    result = engine.retrieve("What happened in October 2025?")
    assert result.period == (20251001, 20251103)
    assert result.candidates and all(p.date and "2025-10-01" <= p.date <= "2025-11-03" for p in result.candidates)
    # each article's opening first, newest article first: the news of the period, not a stray quote from it
    first = result.passages[0]
    assert first.doc_id == D004 and first.start == min(p.start for p in result.candidates if p.doc_id == D004)
    assert {p.doc_id for p in result.passages[:2]} == {D003, D004}
    answer = engine.ask("What happened in October 2025?")
    assert not answer.refused and answer.citations
    assert all(c.date and c.date.startswith("2025-10") for c in answer.citations)
    # "on October 25": the reports of that day and of the next three
    assert {p.doc_id for p in engine.retrieve("What was in the news on October 25, 2025?").candidates} <= {D003, D004}


def test_a_period_no_article_was_published_in_is_refused_saying_so(engine):
    answer = engine.ask("What happened in March 2024?")
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} None of them was published in that period."


def test_openings_first_orders_each_articles_first_passage_newest_first():
    from rag.retrieval.retrieve import openings_first

    def at(doc, date, start):
        return Passage(chunk_id=f"{doc}#{start}", doc_id=doc, text="t", start=start, end=start + 1, title=doc,
                       date=date, source_url=None, agency=None)

    passages = [at("a", "2025-01-01", 500), at("b", "2025-02-01", 300), at("a", "2025-01-01", 10),
                at("undated", None, 5), at("b", "2025-02-01", 900), at("d", "2025-02-01", 50)]
    openings_first(passages)
    assert [(p.doc_id, p.start) for p in passages] == [("b", 300), ("d", 50), ("a", 10), ("undated", 5),
                                                       ("b", 900), ("a", 500)]
