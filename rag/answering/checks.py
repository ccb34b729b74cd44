"""Independent answer checks: each reads the :class:`~rag.retrieval.analysis.QuestionAnalysis` and the
:class:`Evidence` an answer rests on and returns why the answer must be refused (``""``: refuse without a reason)
or None. They run in one place (:func:`first_refusal`), in the order of the lists below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from ..retrieval.analysis import CountedNoun, DATE_PART, QuestionAnalysis, QuestionShape, figures, is_lesser, \
    is_plural, phrases_holding
from ..text import NAME_SKIP, fold, model_text, name_written, stem, tokens

__all__ = ["Evidence", "Check", "first_refusal", "ANSWER_CHECKS", "answers_question", "names_unmentioned",
           "cited_names_unmentioned", "missing_names", "written_in_part", "counts", "ties_role"]


def _same_word(a: str, b: str) -> bool:
    return a == b


@dataclass(frozen=True)
class Evidence:
    """What an answer rests on, and how its words are compared."""

    sentences: Sequence[str] = ()  # the answer's supported sentences
    sources: Sequence[str] = ()  # the texts they quote or cite (or, for names, the texts that must mention them)
    generated: bool = False  # written by a language model (checked against the user's own question)
    quoted_only: bool = False  # every supported sentence is a source's words quoted in place of the model's
    same_kind: Callable[[str, str], bool] = _same_word  # near-synonyms by the embedder ("countries" / "nations")
    same_name: Callable[[str, str], bool] = _same_word  # one name in two forms, by the embedder ("Peruvian" / "Peru")
    relevance: Callable[[str, Sequence[str]], Sequence[float]] | None = None  # cross-encoder logits
    quote_relevance_threshold: float = 0.0
    extractive_relevance_threshold: float | None = None  # the same for the sentences an extractive answer quotes
    crosslingual_relevance_threshold: float = 4.0  # the same bar for a question in another language (its rendering)
    cited: Sequence[str] = ()  # the spans the answer's citations point at


Check = Callable[[QuestionAnalysis, Evidence], "str | None"]


def first_refusal(checks: Sequence[Check], analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """The reason of the first check that refuses, else None."""
    for check in checks:
        if (reason := check(analysis, evidence)) is not None:
            return reason
    return None


def _answered(analysis: QuestionAnalysis, evidence: Evidence) -> QuestionShape:
    """The question an answer is held to: the user's own words for a generated answer, the standalone question the
    extractive answer was composed for."""
    return analysis.asked if evidence.generated else analysis.resolved


# ------------------------------------------------------------------ answer type
def no_figure(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """A "how many / how much" question answered by sentences that give no figure besides the question's own:
    quoting the right passage is not answering it."""
    shape = _answered(analysis, evidence)
    if shape.answer_type != "number" or any(figures(s) - shape.figures for s in evidence.sentences):
        return None
    return "They give no figure for it."


def wrong_count(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """A figure of something else than the question counts: "How many countries signed?" answered by "120
    representatives from UN member countries". A model-written answer is held to it twice: its own sentences, and
    the spans it cites, since a small model binds a figure of the span to the noun asked about ("There are 21 CCTV
    cameras" cited to "at least 21 manned checkpoints … plus a vast array of CCTV cameras": every word is there,
    the count is of checkpoints)."""
    shape = _answered(analysis, evidence)
    counted = shape.counted
    if shape.answer_type != "number" or counted is None:
        return None
    asked = set(shape.figures)
    texts = [evidence.sentences] + ([evidence.cited] if evidence.generated and evidence.cited else [])
    if all(any(counts(s, counted, asked, evidence.same_kind) for s in group) for group in texts):
        return None
    return f"They give no number of {counted.words}."


def unlinked_role(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """"Who is the <Title> of <X>?" answered from sources none of which ties the title to X ("President of the 80th
    session", "General Assembly President", "UN Secretary-General"). Every word of "The President of the 80th
    session is President Cường" can be in a source that only says President Cường attended the 80th session: the
    words are there, the role is not."""
    asked = _answered(analysis, evidence).role
    if asked is None or any(ties_role(text, asked.title, asked.keys, evidence.same_kind) for text in evidence.sources):
        return None
    return f"They do not say who the {asked.phrase} is."


def answers_question(relevance: Callable[[str, Sequence[str]], Sequence[float]] | None, analysis: QuestionAnalysis,
                     sentences: Sequence[str], bar: float, crosslingual_bar: float) -> bool:
    """Do ``sentences``, read together, answer the question by the cross-encoder? An English question is held to
    ``bar``; one in another language is read in its English rendering and held to ``crosslingual_bar``, or, against
    sentences written in its own language (:meth:`QuestionAnalysis.in_own_language`), read as asked and held to
    ``bar`` like an English question against English sentences. Without a cross-encoder, without sentences, or for
    a question about a period alone (whatever that period's articles say answers it), yes."""
    shape = analysis.resolved
    if relevance is None or not sentences or shape.asks_for_a_period:
        return True
    text = " ".join(sentences)
    if analysis.in_own_language(text):
        question, threshold = analysis.standalone, bar
    else:
        question, threshold = shape.topic_with_time or shape.text, crosslingual_bar if analysis.foreign else bar
    # a compound question ("Who …, and where …?") is answered in part by sentences that answer one of its parts,
    # as retrieval and the relevance gate read it part by part
    readings = [question] + ([] if analysis.foreign else list(shape.parts))
    return max(float(relevance(q, [text])[0]) for q in readings) >= threshold


def sources_off_question(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """An answer resting on source sentences that do not answer the question, by the cross-encoder reading the
    question against them (at ``quote_relevance_threshold``): a model-written answer's cited spans, or the
    sentences quoted in place of the model's words, or (at ``extractive_relevance_threshold``) the sentences an
    extractive answer quotes. Asked something the articles do not hold, a small model answers
    from the closest sentence on the topic ("Who was the finals MVP at Worlds 2022?" -> a sentence on the 2023
    final) or restates the question as a fact; each word can be in the source, so the verifier passes it, but the
    sentence does not answer. A question in another language is held to this for any quoted answer, at
    ``crosslingual_relevance_threshold``: the multilingual model ranks a related sentence close even when it does
    not answer. Measured on the dev halves: docs/rules.md."""
    foreign_quote = (analysis.foreign and not evidence.generated
                     and not analysis.in_own_language(" ".join(evidence.sentences)))
    bar = evidence.quote_relevance_threshold
    if evidence.quoted_only or foreign_quote:
        sentences = evidence.sentences
    elif evidence.generated:
        sentences = evidence.cited
    elif evidence.extractive_relevance_threshold is not None:  # an extractive answer: the sentences it quotes
        sentences, bar = evidence.sentences, evidence.extractive_relevance_threshold
    else:
        return None
    if answers_question(evidence.relevance, analysis, sentences, bar, evidence.crosslingual_relevance_threshold):
        return None
    return ""


ANSWER_CHECKS: tuple[Check, ...] = (no_figure, wrong_count, unlinked_role, sources_off_question)


# ------------------------------------------------------------------------ names
_DEMONYM_SUFFIXES = ("ese", "ian", "ean", "an", "ish", "i")  # Vietnamese → Vietnam, Indonesian → Indonesia


# words an acronym skips: "UN Office on Drugs and Crime" is UNODC
_ACRONYM_LINKS = frozenset({"of", "on", "and", "the", "for", "in", "de", "du", "des", "&"})
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'&-]*(?:\s+(?:(?:of|on|and|the|for|in|de|du|des|&)\s+)*[A-Z][\w’'&-]*)*")


def _initials(words: Sequence[str], keep_links: bool = False) -> str:
    """The acronym of a name: its words' first letters (an all-capitals word whole), links skipped unless kept."""
    return "".join(w if w.isupper() else w[:1] for w in words
                   if keep_links or w.lower() not in _ACRONYM_LINKS).upper()


def acronyms(text: str) -> set[str]:
    """The acronyms of every run of capitalised words in ``text`` and of each of its sub-runs, learned from the
    articles themselves: "New South Wales" gives NSW, "UN Office on Drugs and Crime" gives UNODC (and UNO, ODC…),
    and, as some acronyms keep their linking words, "Students for Fair Admissions" gives SFFA as well as SFA and
    "Department of Defense" DOD as well as DD."""
    found: set[str] = set()
    for part in _sub_runs(text, 8):
        if len(part) >= 2:
            found.add(_initials(part))
            found.add(_initials(part, keep_links=True))
    return found


def _sub_runs(text: str, longest: int) -> Iterator[list[str]]:
    """The words of every run of capitalised words in ``text`` and of each of its sub-runs of at most ``longest``
    words, in order; none starts or ends with a linking word."""
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group(0).split()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + longest) + 1):
                if words[i].lower() not in _ACRONYM_LINKS and words[j - 1].lower() not in _ACRONYM_LINKS:
                    yield words[i:j]


def _without_possessive(word: str) -> str:
    """``word`` without a final "'s" ("UN's" → "UN")."""
    return re.sub(r"['’]s$", "", word)


def _is_acronym(word: str) -> bool:
    """Two to eight capital letters ("UN", "NSW", "UNODC")."""
    return 2 <= len(word) <= 8 and word.isalpha() and word.isupper()


def _in_order(short: str, acronym: str) -> bool:
    """Is ``short`` the acronym's first letter followed by others of its letters, in order ("SC" in SCOTUS)?"""
    if not short or short[0] != acronym[0]:
        return False
    rest = iter(acronym[1:])
    return all(letter in rest for letter in short[1:])


_MOST_TRIED = 120  # phrases compared by the embedder per acronym: a bound on the time of one check


def written_in_part(acronym: str, text: str, same_kind: Callable[[str, str], bool]) -> bool:
    """Is ``acronym`` written another way in ``text``, as news writes the names it abbreviates: partly out
    ("Supreme Court" for SCOTUS, "New York Police" for NYPD) or as one word ("American" for US, "British" for UK)?
    A run of two or more capitalised words must have initials that are the acronym's first letter and then others
    of its letters in order, and the embedder must put it near the acronym (``same_kind``): the letters alone would
    take "Senate Committee" for SCOTUS, the embedder alone "Hanoi City" for HCMC. One capitalised word needs the
    embedder alone (US / Canadian stays apart). Calibrated on a general list (tests/data/acronym_pairs.tsv)."""
    tried: set[str] = set()
    for part in _sub_runs(text, 6):
        phrase, short = " ".join(part), _initials(part)
        if phrase in tried or short == acronym:
            continue
        if len(part) == 1:
            if len(phrase) < 3 or phrase.isupper():
                continue
        elif not _in_order(short, acronym):
            continue
        tried.add(phrase)
        if same_kind(acronym, phrase):
            return True
        if len(tried) >= _MOST_TRIED:
            return False
    return False


def _written_other_way(shape: QuestionShape, missing: list[str], sources: Sequence[str],
                       same_kind: Callable[[str, str], bool] = _same_word) -> list[str]:
    """``missing`` without the names the sources write the other way: an acronym of the question spelled out in
    the articles ("NSW" / "New South Wales") or written partly out (:func:`written_in_part`), or a name of the
    question the articles only abbreviate."""
    text = " ".join(sources)
    spelled = acronyms(text)
    kept = [m for m in missing if not (_is_acronym(bare := _without_possessive(m))
                                       and (bare in spelled or written_in_part(bare, text, same_kind)))]
    for run in _CAPITALISED_RUN.finditer(shape.text):
        words = run.group(0).split()
        short = _initials(words)
        if len(short) >= 2 and any(w in kept for w in words) and re.search(rf"\b{re.escape(short)}\b", text):
            kept = [m for m in kept if m not in words]
    return kept


def _demonym_bases(key: str) -> set[str]:
    """``key`` and what it leaves without a demonym suffix ("vietnamese" → "vietnam"), at least four letters."""
    return {key} | {key[: -len(suffix)] for suffix in _DEMONYM_SUFFIXES
                    if key.endswith(suffix) and len(key) - len(suffix) >= 4}


def _inflected_bases(key: str) -> set[str]:
    """The bases of an inflected name ``key`` that ``key`` itself does not contain: "argentines" → "argentin",
    "australians" → "austral"; none for a name with digits or other signs."""
    return _demonym_bases(stem(key)) - _demonym_bases(key) if key.isalpha() else set()


_FORM_PREFIX = 4  # letters two forms of one name share at the start ("Peru-vian", "Norw-egian" / "Norw-ay")


def _another_form(name: str, capitalised: Iterable[str], same_name: Callable[[str, str], bool]) -> bool:
    """Is ``name`` written in another form among the ``capitalised`` words of the sources: one that starts with
    the same four letters and that the embedder puts very near it (``same_name``)? "Peruvian" / "Peru", "Norwegian"
    / "Norway", "Antarctica" / "Antarctic", "Argentina" / "Argentine": the forms no suffix list foresees. The
    letters alone would take "Austria" for "Australia" and "Johnson" for "Johnston"; the embedder puts such pairs
    at 0.70 and 0.74, most forms of one name (30 of 40) at 0.85 or more. Calibrated on a general list
    (tests/data/name_form_pairs.tsv)."""
    key = fold(name)
    if len(key) < _FORM_PREFIX or not key.isalpha():
        return False
    tried = 0
    for word in capitalised:
        other = fold(word)
        if other[:_FORM_PREFIX] != key[:_FORM_PREFIX] or other == key:
            continue
        if same_name(name, word):
            return True
        tried += 1
        if tried >= _MOST_TRIED:
            return False
    return False


def _capitalised_words(text: str) -> list[str]:
    """The distinct capitalised words of ``text``, possessives dropped, in order."""
    return list(dict.fromkeys(_without_possessive(w) for w in tokens(text) if w[:1].isupper()))


def _written_together(shape: QuestionShape, haystack: str) -> set[str]:
    """The question's capitalised words that a run of them names as one ("Hà Nội" written "Hanoi", "Viet Nam"
    written "Vietnam", "Lương Cường" written "Luong Cuong"): the words of every run of two or more the folded
    ``haystack`` writes, in any spacing."""
    found: set[str] = set()
    for run in shape.name_runs:
        for i in range(len(run)):
            for j in range(len(run), i + 1, -1):
                if name_written(fold("".join(_without_possessive(w) for w in run[i:j])), haystack):
                    found.update(run[i:j])
                    break
    return found


def missing_names(shape: QuestionShape, sources: Sequence[str],
                  same_kind: Callable[[str, str], bool] = _same_word,
                  same_name: Callable[[str, str], bool] = _same_word) -> list[str]:
    """Names (and numbered names) ``shape`` asks about that none of ``sources`` mention, as the question wrote
    them. A name the sources write the other way (acronym / spelled out, in full or in part by ``same_kind``: the
    embedder's near-synonyms; or another form of the word, by ``same_name``: :func:`_another_form`) is
    mentioned."""
    haystack = fold(" ".join(sources))
    missing = []
    capitalised: list[str] | None = None  # the sources' capitalised words, listed when first needed
    together = _written_together(shape, haystack)
    for word in shape.names:
        if word in together:
            continue
        key = _without_possessive(fold(word))
        if _is_acronym(_without_possessive(word)):
            # an acronym is a word of its own ("CIA" is not in "officials", nor "IRA" in "Iranian"), dotted or
            # not ("U.S."), in the plural too ("NGOs")
            dotted = r"\.?".join(re.escape(letter) for letter in key)
            if not re.search(rf"\b{dotted}\.?(?:['’]?s)?(?!\w)", haystack):
                missing.append(word)
            continue
        forms = _demonym_bases(key)
        # an inflected name ("Argentines", "Australians") is mentioned by a word its stem or the stem's demonym base
        # begins ("Argentina", "Australia")
        stemmed = _inflected_bases(key)
        if key and not (any(name_written(f, haystack) for f in forms)
                        or any(name_written(f, haystack) for f in stemmed if len(f) >= 4)):
            if capitalised is None:
                capitalised = _capitalised_words(" ".join(sources))
            if not _another_form(_without_possessive(word), capitalised, same_name):
                missing.append(word)
    if missing:
        missing = _written_other_way(shape, missing, sources, same_kind)
    for ident in shape.identifiers:
        # "Storm No. 2" when the sources only report Storm No. 1; "Highway 14" when they speak of Highway 37
        if not any(re.search(rf"(?<![\w.]){re.escape(f)}(?!\d)", haystack) for f in ident.forms):
            missing.append(ident.phrase)
    return missing


def _unmentioned(shape: QuestionShape, missing: Sequence[str], said: str) -> str:
    """The reason quoting the question's names the sources do not mention, as whole phrases ("UN General
    Assembly"); identifiers ("Storm No. 2") are already phrases."""
    words = set(shape.words)
    named = [m for m in missing if m in words]
    phrases = phrases_holding(shape.name_runs, named) if named else []
    phrases += [m for m in missing if m not in words]
    return f"{said} {', '.join(phrases)}."


def names_unmentioned(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """A name the question asks about that no retrieved passage mentions ("When did Guterres visit Gotham?"): the
    passages are about something else. ``evidence.sources``: the passages' titles and texts and the opening lines
    of their articles (a dateline "NEW YORK –" places every passage of its story)."""
    missing = missing_names(analysis.asked, evidence.sources, evidence.same_kind, evidence.same_name)
    return _unmentioned(analysis.asked, missing, "They do not mention") if missing else None


def cited_names_unmentioned(analysis: QuestionAnalysis, evidence: Evidence) -> str | None:
    """An answer whose cited articles (``evidence.sources``: their whole texts) never mention a name the question
    asks about is about something else ("his speech to the General Assembly" answered from his talks in Hanoi)."""
    missing = missing_names(analysis.asked, evidence.sources, evidence.same_kind, evidence.same_name)
    said = "The only answer found comes from articles that do not mention"
    return _unmentioned(analysis.asked, missing, said) if missing else None


# ---------------------------------------------------------------------- helpers
_GENERIC_COUNTS = frozenset({"peopl", "person", "individu"})


def counts(sentence: str, counted: CountedNoun, asked: set[str],
           same_kind: Callable[[str, str], bool] = lambda a, b: False) -> bool:
    """Does ``sentence`` give a figure that can count ``counted``? A new figure followed within four words by the
    counted noun does; so does one followed by no plural noun ("12 were killed") or by a near-synonym
    (``same_kind``: "65 states" for countries), and any figure when the question counts people in general.
    "120 representatives" does not count countries, nor "20 years"; "one of its armoured vehicles" counts the
    vehicles, not soldiers."""
    words = tokens(DATE_PART.sub(" ", sentence))
    stems = [stem(fold(w)) for w in words]
    for i, w in enumerate(words):
        if not (figures(w) - asked):
            continue
        if counted[0] in stems[i + 1:i + 5] or counted[0] in _GENERIC_COUNTS:
            return True
        if words[i + 1:i + 2] and words[i + 1].lower() == "of":  # a part of something: the noun after "of" is counted
            noun = next((x for x in words[i + 2:i + 6] if not figures(x) and is_plural(x)), "")
            if noun and (stem(fold(noun)) == counted[0] or same_kind(counted[1].split()[-1].lower(), noun.lower())):
                return True
            continue
        # the noun the figure counts: the first plural within three words, past adjectives ("three Palestinian
        # militants"); none ("12 were killed") counts anything
        following = next((x for x in words[i + 1:i + 4] if not figures(x) and is_plural(x)), "")
        if not following or same_kind(counted[1].split()[-1].lower(), following.lower()):
            return True
    return False


_WORD = r"[\w’'-]+"


def ties_role(text: str, title: str, keys: Sequence[str], same_kind: Callable[[str, str], bool]) -> bool:
    """Does ``text`` name ``title`` together with one of ``keys``: "<title> of (the) … <key>" or "<key>('s) …
    <title>", within three words and no punctuation between, the title word itself or a near-synonym by
    ``same_kind`` ("Tesla chief executive" for CEO), and not a lesser rank ("Deputy Secretary-General" is not the
    Secretary-General)? Words are compared accent-folded and lower-cased; a key also matches as a prefix
    ("Vietnamese" for Vietnam)."""
    low = fold(model_text(text)).lower()
    key = "(?:" + "|".join(re.escape(k) + (r"[\w’'-]*" if len(k) >= 4 else r"\b") for k in keys) + ")"
    size = len(title.split())

    def is_title(words: list[str], i: int) -> bool:
        word = " ".join(words[max(0, i - size + 1):i + 1]).strip("’'-")
        if i >= size and is_lesser(words[i - size]) or is_lesser(word) and not is_lesser(title):
            return False
        return word.startswith(title) or (len(word) > 2 and word not in NAME_SKIP and same_kind(title, word))

    for m in re.finditer(rf"\b({_WORD})\s+of\s+(?:the\s+)?(?:{_WORD}\s+){{0,2}}{key}", low):
        words = low[max(0, m.start(1) - 40):m.end(1)].split()
        if is_title(words, len(words) - 1):
            return True
    for m in re.finditer(rf"\b{key}(?:['’]s)?((?:\s+{_WORD}){{1,3}})", low):
        words = low[max(0, m.start(1) - 40):m.start(1)].split()[-1:] + m.group(1).split()
        if any(is_title(words, i) for i in range(1, len(words))):
            return True
    return False
