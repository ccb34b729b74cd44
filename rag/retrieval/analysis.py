"""What a question asks for, read once: :func:`analyse` turns a question (and its standalone rewrite) into a
:class:`QuestionAnalysis` that retrieval, the refusal gates, answer composition and the answer checks all read.

Everything here is English question-shape parsing: the kind of answer wanted ("when" → a date), the names and
numbered names asked about ("Storm No. 2"), what a "how many" question counts, the title whose holder a "Who is the
President of …?" question asks for, the topic of a topical question, whether it asks for the latest news, and the
times it names. No other module parses the question text for these facts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from ..text import NAME_SKIP, capitalised_runs, capitalised_words, content_terms, fold, model_text, nfc, numbers_in, stem, tokens
from .dates import MONTH_NUMBERS, MONTH_REGEX, WEEKDAY_NAMES, TimeMention, only_a_time, period_of, time_mentions
from .topic import asks_for_latest, topic_of

__all__ = ["QuestionAnalysis", "QuestionShape", "Identifier", "CountedNoun", "AskedRole", "analyse", "shape_of",
           "figures", "is_plural", "is_lesser", "name_phrases", "phrases_holding"]


class Identifier(NamedTuple):
    """A numbered name ("Storm No. 2") and the folded forms a source could write it in ("no. 2", "number 2")."""

    phrase: str
    forms: list[str]


class CountedNoun(NamedTuple):
    """What a "how many" question counts: the stem of its plural noun and the words up to it."""

    stem: str
    words: str


class AskedRole(NamedTuple):
    """A "Who is the <Title> of <X>?" question: the title, the words of X (longest first), "title of X" as written."""

    title: str
    keys: list[str]
    phrase: str


@dataclass(frozen=True)
class QuestionShape:
    """The facts one question text states about what it asks for."""

    text: str
    words: tuple[str, ...]
    terms: frozenset[str]  # accent-folded content words
    restated_stems: frozenset[str]  # stems of the content words, as a model would write them
    answer_type: str | None  # "date", "number", "name", "place" or None
    names: tuple[str, ...]  # capitalised words after the first (names, places, organisations)
    name_runs: tuple[tuple[str, ...], ...]  # runs of capitalised words ("UN General Assembly")
    identifiers: tuple[Identifier, ...]
    figures: frozenset[str]  # quantities the question itself writes
    counted: CountedNoun | None
    role: AskedRole | None
    topic: str | None  # of a topical question, trailing time words removed
    topic_with_time: str | None  # the same with the time it names: what the cross-encoder reads
    asks_latest: bool
    times: tuple[TimeMention, ...]
    parts: tuple[str, ...] = ()  # the questions a compound one joins ("Who …, and where …?"), each standing alone

    @property
    def asks_for_a_period(self) -> bool:
        """Does it ask for the news of a period alone ("What happened in October 2025?"), naming no subject?"""
        return self.topic_with_time is not None and only_a_time(self.topic_with_time)

    def period(self, default_year: int | None = None) -> tuple[int, int] | None:
        """The (since, until) period the question names; a month or day without a year is in ``default_year``."""
        return period_of(self.times, default_year=default_year)


@dataclass(frozen=True)
class QuestionAnalysis:
    """One question, analysed once: ``asked`` reads the user's own words (names the sources must mention, the
    checks of a generated answer), ``resolved`` the standalone question after follow-up resolution (retrieval,
    the extractive answer, the relevance of quoted sentences). Both are the same object when nothing was resolved."""

    question: str
    standalone: str
    asked: QuestionShape
    resolved: QuestionShape
    language: str = "en"  # "vi": the shapes read the English rendering of the question (rag.retrieval.crosslingual)

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the standalone question, in its English rendering when it is Vietnamese."""
        return self.resolved.text

    @property
    def foreign(self) -> bool:
        """Is the question in another language than the English articles?"""
        return self.language != "en"

    def in_own_language(self, text: str) -> bool:
        """Is ``text`` (a passage, an answer's sentences) written in the language of a question asked in another
        language than the English articles, a Vietnamese article for a Vietnamese question? The question is then
        read against it as asked, not in its English rendering."""
        from ..answering.language import written_in_vietnamese

        return self.foreign and written_in_vietnamese(text)

    @property
    def follow_up(self) -> bool:
        """Was the question rewritten from the conversation?"""
        return self.standalone != self.question


def analyse(question: str, standalone: str | None = None) -> QuestionAnalysis:
    """Analyse ``question`` and its standalone rewrite (default: the question itself); a Vietnamese question is
    analysed in its English rendering (its alias-table terms in English, names as written)."""
    from ..answering.language import detect_language
    from .crosslingual import as_searched

    standalone = question if standalone is None else standalone
    language = detect_language(standalone)
    asked = shape_of(as_searched(question))
    resolved = asked if standalone == question else shape_of(as_searched(standalone))
    return QuestionAnalysis(question=question, standalone=standalone, asked=asked, resolved=resolved,
                            language=language)


def shape_of(text: str) -> QuestionShape:
    """The :class:`QuestionShape` of one question text."""
    words = tokens(text)
    return QuestionShape(
        text=text, words=tuple(words), terms=frozenset(content_terms(text)),
        restated_stems=frozenset(stem(t) for t in content_terms(model_text(text))),
        answer_type=_answer_type(text), names=tuple(_question_names(words)),
        name_runs=tuple(tuple(r) for r in capitalised_runs(text, words)), identifiers=tuple(_identifiers(text)),
        figures=frozenset(figures(text)), counted=_counted_noun(text), role=_asked_role(text),
        topic=topic_of(text), topic_with_time=topic_of(text, keep_time=True), asks_latest=asks_for_latest(text),
        times=time_mentions(text), parts=question_parts(text))


# ------------------------------------------------------------ compound questions
# "…, and who …" / "… and where …": a question word right after "and" starts a second question
_NEXT_QUESTION = re.compile(r",?\s+and\s+(?=(?:who|whom|whose|what|which|when|where|why|how)\b)", re.IGNORECASE)
MAX_PARTS = 3  # each part is a retrieval of its own: a longer chain is searched as one question


_QUESTION_START = re.compile(r"(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|"
                             r"could|will|would|has|have|had)\b", re.IGNORECASE)


def question_parts(text: str) -> tuple[str, ...]:
    """The questions a compound question joins, each standing alone: "Who ran the Pentagon, and who led the
    Treasury?" asks two things that two different articles may answer; a later part that leans on an earlier one
    ("… and where was the plane diverted?") carries its names, as a follow-up does. () for a simple question."""
    from .condense import condense_deterministic

    pieces = [p.strip(" ,;?") for p in _NEXT_QUESTION.split(text.strip())]
    pieces = [p for p in pieces if p]
    if not 2 <= len(pieces) <= MAX_PARTS or any(len(p.split()) < 3 for p in pieces) \
            or not _QUESTION_START.match(pieces[0]):
        return ()
    parts: list[str] = []
    for piece in pieces:
        question = f"{piece[:1].upper()}{piece[1:]}?"
        history = [{"role": "user", "content": earlier} for earlier in parts]
        parts.append(condense_deterministic(question, history) if history else question)
    return tuple(parts)


# ------------------------------------------------------------------ answer type
# question words (regular expressions) and the kind of answer each asks for; those asking for no particular kind
# count too, so that "What did she say when …?" is not read as a "when" question
_TYPE_WORDS: dict[str, str | None] = {
    "when": "date", r"(?:what|which) (?:date|day|month|year)s?": "date", "how many": "number", "how much": "number",
    "what percentage": "number", "who": "name", "whom": "name", "where": "place",
    "what": None, "which": None, "why": None, "how": None,
}


def _answer_type(question: str) -> str | None:
    """The kind of answer the question asks for, by its first question word, the longer of two starting at the same
    word ("When did …" and "In which year …" → "date"): "How many soldiers were wounded when militants attacked?"
    asks for a number and "What did she say when she spoke?" for no particular kind; their "when" opens a clause."""
    q = question.lower()
    found = [(m.start(), -len(m.group()), kind) for words, kind in _TYPE_WORDS.items()
             for m in [re.search(rf"\b{words}\b", q)] if m]
    return min(found, key=lambda f: f[:2])[2] if found else None


# ------------------------------------------------------------------------ names
_TIME_WORDS = frozenset(MONTH_NUMBERS) | frozenset(WEEKDAY_NAMES)  # "november", "nov", "sept", "thursday"


def _question_names(words: Sequence[str]) -> list[str]:
    """Capitalised words of a question that are not its first word (names, places, organisations). Month and
    weekday words are the question's time, not names: news writes a date in many forms ("Nov. 27", "27/11", "last
    Thursday"), and the time is judged by the period the question names (:meth:`QuestionShape.period`)."""
    return list(dict.fromkeys(w for w in capitalised_words(words, NAME_SKIP) if fold(w) not in _TIME_WORDS))


def phrases_holding(runs: Sequence[Sequence[str]], words: Sequence[str]) -> list[str]:
    """The ``runs`` of capitalised words that hold ``words``, joined ("Assembly" -> "UN General Assembly")."""
    phrases = [" ".join(r) for r in runs if any(w in r for w in words)]
    return list(dict.fromkeys(phrases)) or list(words)


def name_phrases(question: str, words: Sequence[str]) -> list[str]:
    """The runs of capitalised words of ``question`` that hold ``words`` ("Assembly" -> "UN General Assembly"), for
    messages that quote what the question asked about."""
    return phrases_holding(capitalised_runs(question, tokens(question)), words)


_IDENTIFIER = re.compile(r"\b(?:([A-Z][\w-]*)\s+)?(?:(No\.|Number|#)\s?(\d+)|(?<=[a-z] )(\d{1,3})(?![\d,./:-]))")


def _identifiers(question: str) -> list[Identifier]:
    """Numbered names a question asks about — "Storm No. 2", "Highway 14", "Decree 15" — each with the folded forms
    a source could write it in ("no. 2", "no 2", "number 2"; "highway 14")."""
    out = []
    for m in _IDENTIFIER.finditer(question):
        word, mark, number = m.group(1), m.group(2), m.group(3) or m.group(4)
        if mark:
            forms = [f"no. {number}", f"no {number}", f"no.{number}", f"number {number}", f"#{number}"]
        elif word and m.start() > 0 and fold(word) not in NAME_SKIP | _TIME_WORDS:
            forms = [f"{fold(word)} {number}"]
        else:
            continue
        out.append(Identifier(m.group(0).strip(), forms))
    return out


# ---------------------------------------------------------------------- figures
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|trillions?|dozens?|half|double|twice|triple|percent)\b", re.IGNORECASE)
DATE_PART = re.compile(
    rf"\b{MONTH_REGEX}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"  # October 25(, 2025)
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_REGEX}\b(?:,?\s+\d{{4}})?"  # 25 October(, 2025)
    r"|\b(?:1[89]|20)\d{2}\b(?!\s*%)",  # a year
    re.IGNORECASE)


def figures(text: str) -> set[str]:
    """Quantities written in ``text`` (digits or number words), leaving out dates and years: "On October 25, 120
    delegates…" gives {"120"}."""
    undated = DATE_PART.sub(" ", text)
    return numbers_in(undated) | {w.lower().rstrip("s") for w in _NUMBER_WORDS.findall(undated)}


_IRREGULAR_PLURALS = frozenset("people men women children police staff personnel troops cattle sheep fish deer data "
                               "media crew".split())


def is_plural(word: str) -> bool:
    """Is ``word`` a plural noun (by its ending, or one of the irregular plurals news counts)?"""
    low = word.lower()
    return low in _IRREGULAR_PLURALS or (low.endswith("s") and not low.endswith(("ss", "us", "'s", "’s"))
                                         and len(low) > 3)


def _counted_noun(question: str) -> CountedNoun | None:
    """What a "how many …" question counts: the words after "how many" up to the first plural noun ("How many
    international organisations is …" gives ("organis", "international organisations")); None when no plural follows
    within four words ("how many of …", "how many are …")."""
    words = tokens(question)
    lower = [w.lower() for w in words]
    for i in range(len(lower) - 1):
        if lower[i] == "how" and lower[i + 1] == "many":
            run: list[str] = []
            for w in words[i + 2:i + 8]:
                if not w[:1].isalpha():
                    break
                low = w.lower()
                if low in ("of", "the") and not run:  # "how many of the world's largest economies"
                    continue
                run.append(w)
                if is_plural(w):
                    return CountedNoun(stem(fold(w)), " ".join(run))
            return None
    return None


# ------------------------------------------------------------------------- role
_ROLE_QUESTION = re.compile(
    r"^\s*(?i:who\s+(?:is|was|are|were|will\s+be|has\s+been|had\s+been)\s+(?:the\s+)?)"
    r"(?P<role>(?i:(?:current|new|former|acting|then)\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})\s+of\s+"
    r"(?P<of>[^?]+)")
_LESSER = ("deputy", "vice", "assistant", "under", "former", "ex-", "ex ")


def is_lesser(word: str) -> bool:
    """Does a title word lower the rank ("Deputy", "Vice", "vice-president", "former")?"""
    return word.startswith(_LESSER)


def _asked_role(question: str) -> AskedRole | None:
    """The title asked for by "Who is the <Title> of <X>?" questions where X is described, not only named ("the 80th
    session of the UN General Assembly", not "Vietnam"); the title is written with a capital ("President", "CEO",
    "Secretary-General"), so "Who was the winner of …" (often answered as "X won …") is left out."""
    m = _ROLE_QUESTION.match(nfc(question))
    if not m:
        return None
    role, of = m.group("role"), m.group("of").strip()
    words = tokens(of)
    if all(w[:1].isupper() or fold(w).lower() in NAME_SKIP for w in words):
        # the title of a named country, party or company is often written bare in its own news ("Prime Minister
        # Phạm Minh Chính" in Vietnamese reports): only the title of a described body ("the 80th session of …",
        # "the organising committee") must be written out with it
        return None
    title = fold(role.split()[-1]).lower()
    if any(is_lesser(fold(w).lower()) for w in role.split()[:-1]):
        title = " ".join(fold(w).lower() for w in role.split()[-2:])  # "Vice President": the whole rank
    keys = {fold(w).lower() for w in words if len(w) > 1 and fold(w).lower() not in NAME_SKIP}
    run: list[str] = []
    for w in words + [""]:  # "United Nations" is also "UN", "UN General Assembly" "UNGA"
        if w[:1].isupper():
            run.append(w)
            continue
        if len(run) >= 2:
            keys.add("".join(x if x.isupper() else x[0] for x in run).lower())
        run = []
    return AskedRole(title, sorted(keys, key=len, reverse=True), f"{role} of {of}")
