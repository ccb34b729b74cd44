"""Topical questions: "What's the latest on X?", "Any news about X?", "Tell me about X", "What happened in X?".

Such a question asks what the articles say about its topic, not for one fact, so a passage is relevant when it is
about the topic. The cross-encoder, trained on specific search queries, scores the whole question low against the
very article it asks about ("Any news on Mozambique?" → −4 on the Mozambique floods story, below the refusal bar),
while the topic alone scores high where the articles cover it (+5.8) and stays as low as off-topic text where they
do not ("Brazil": −10). Retrieval therefore reranks a topical question by its topic.
"""
from __future__ import annotations

import re

from .dates import MONTH_NAMES

__all__ = ["topic_of", "asks_for_latest"]

_ABOUT = r"(?:on|about|with|regarding|concerning|from|in|at|for|of)"
_NEWS = r"(?:news|updates?|developments?|reports?|reporting|headlines|stories|coverage|articles?)"
_LEAD = (
    r"(?:what(?:'s| is| are)|whats)\s+(?:the\s+)?(?:(?:latest|newest|most recent|recent|new)\s+)?" + _NEWS + r"\s+" + _ABOUT
    + r"|(?:what(?:'s| is)|whats)\s+(?:the\s+)?(?:latest|newest|most recent|new|happening|going on|up)\s+" + _ABOUT
    + r"|(?:is there\s+|are there\s+)?any\s+(?:new\s+)?(?:news|updates?|word|developments?|reports?|stories)\s+"
    + _ABOUT
    + r"|(?:give me\s+|can you give me\s+|i want\s+)?(?:the\s+)?(?:latest\s+|recent\s+)?" + _NEWS + r"\s+"
    r"(?:on|about|from|regarding|concerning)"
    r"|(?:please\s+|can you\s+)?(?:tell me|tell us|brief me|update me|fill me in)\s+(?:about|on)"
    r"|what\s+(?:do|does|did)\s+(?:the\s+|you\s+|these\s+)?(?:articles?|news|reports?|sources?|stories|you)\s+"
    r"(?:say|know|report|tell(?: me| us)?|write)\s+(?:about|on|regarding)"
    r"|what\s+(?:is|was|has been)\s+(?:said|reported|written)\s+(?:about|on)"
    r"|what(?:'s| is| was| were)\s+(?:in\s+)?the\s+(?:news|headlines)\s+(?:on|in|about|for|from|during)"
    r"|what\s+(?:happened|has happened|is happening|was happening|happens|is going on|went on)\s+(?:in|to|with|at|"
    r"on|around|inside)"
    r"|(?:please\s+|can you\s+)?(?:summari[sz]e|give (?:me\s+)?(?:a\s+|an\s+)?(?:summary|overview|rundown|roundup)\s+of"
    r"|(?:a\s+|an\s+)?(?:summary|overview|rundown|roundup)\s+of)(?:\s+(?:the\s+)?" + _NEWS
    + r"\s+(?:about|on|of|regarding))?"
)
_TOPICAL = re.compile(r"^\s*(?:" + _LEAD + r")\s+(?P<topic>.+?)\s*[?.!]*\s*$", re.IGNORECASE)
_TRAILING_TIME = re.compile(
    r"\s+(?:(?:in|on|during|since|from|over|for|this|last|past|so far)\b[^,;]*?\b(?:\d{4}|" + "|".join(MONTH_NAMES)
    + r"|week|weekend|month|year|days?|today|yesterday)"
    r"|today|yesterday|recently|lately|so far|these days|right now|now)\s*$", re.IGNORECASE)
_LATEST = re.compile(r"\b(?:latest|newest|most recent|recent(?:ly)?|lately|new with|what(?:'s| is) new|updates?)\b",
                     re.IGNORECASE)
_NOT_A_TOPIC = re.compile(r"^(?:it|this|that|them|him|her|they|he|she|there|here|you|me|us)$", re.IGNORECASE)


def topic_of(question: str, *, keep_time: bool = False) -> str | None:
    """The topic a topical question asks about ("What's the latest on the Hanoi Convention?" → "the Hanoi
    Convention"), without trailing time words ("in July 2025", "this week") unless ``keep_time`` (what the
    cross-encoder should read: "Hanoi on October 25" is not any news of Hanoi); None for any other question.

    >>> topic_of("Any news on Mozambique?"), topic_of("What happened in markets in July 2025?")
    ('Mozambique', 'markets')
    >>> topic_of("When did Guterres visit Hanoi?") is None, topic_of("What happened to him?") is None
    (True, True)
    """
    m = _TOPICAL.match(question)
    if not m:
        return None
    whole = topic = m.group("topic").strip()
    while (cut := _TRAILING_TIME.sub("", topic).strip()) != topic and cut:
        topic = cut
    topic = topic.strip(" ,;:")
    if not topic or _NOT_A_TOPIC.match(topic) or len(topic.split()) > 12:
        return None
    return whole.strip(" ,;:") if keep_time else topic


def asks_for_latest(question: str) -> bool:
    """Does the question ask for the latest news ("What's the latest on …", "recent developments", "updates")?"""
    return bool(_LATEST.search(question))
