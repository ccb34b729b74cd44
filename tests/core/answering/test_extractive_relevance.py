"""The optional cross-encoder check of an extractive answer's quoted sentences (``extractive_relevance_threshold``):
off by default, and when set it refuses quotes the cross-encoder scores below the bar for the question."""
from __future__ import annotations

from rag.answering.checks import Evidence, sources_off_question
from rag.retrieval.analysis import analyse

QUOTE = "The event raised money for the Red Cross."


def _evidence(logit: float, threshold: float | None) -> Evidence:
    return Evidence(sentences=[QUOTE], sources=[QUOTE], relevance=lambda question, texts: [logit] * len(texts),
                    extractive_relevance_threshold=threshold)


def test_off_by_default_an_extractive_quote_is_not_judged():
    assert Evidence().extractive_relevance_threshold is None
    assert sources_off_question(analyse("What was the winning time?"), _evidence(-9.0, None)) is None


def test_when_set_a_quote_below_the_bar_is_refused_and_one_above_kept():
    analysis = analyse("What was the winning time?")
    assert sources_off_question(analysis, _evidence(-3.0, -1.0)) == ""  # refused, no extra reason
    assert sources_off_question(analysis, _evidence(-0.5, -1.0)) is None


def test_the_setting_reaches_the_engines_composer(fresh_engine):
    engine = fresh_engine(extractive_relevance_threshold=-1.0)
    assert engine.composer.extractive_relevance_threshold == -1.0
    assert engine.composer.evidence([QUOTE]).extractive_relevance_threshold == -1.0
