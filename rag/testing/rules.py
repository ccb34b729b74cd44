"""Switches for measuring the answer path's question-shape rules: each entry of :data:`RULES` turns one rule off
for the length of a ``with`` block by patching the one place that applies it (``evals/ablate.py`` runs the dev
halves with each off; ``docs/rules.md`` holds the figures). Never used by the engine itself."""
from __future__ import annotations

import contextlib
import dataclasses
import importlib
from typing import Any, Callable, ContextManager, Iterator
from unittest import mock

__all__ = ["RULES"]


def _shape_without(**fields: Any) -> Callable[[], ContextManager[Any]]:
    """Switch a rule off by blanking the question-analysis fields it fills (every reader then sees 'no rule')."""
    def patch() -> ContextManager[Any]:
        from rag.retrieval import analysis

        real = analysis.shape_of
        return mock.patch.object(analysis, "shape_of", lambda text: dataclasses.replace(real(text), **fields))
    return patch


def _without_check(name: str) -> Callable[[], ContextManager[Any]]:
    """Switch one answer check off (it never refuses)."""
    def patch() -> ContextManager[Any]:
        from rag.answering import answer, checks

        kept = tuple(c for c in checks.ANSWER_CHECKS if c.__name__ != name)
        return mock.patch.object(answer, "ANSWER_CHECKS", kept)
    return patch


def _patched(target: str, attribute: str, value: Callable[[], Any]) -> Callable[[], ContextManager[Any]]:
    def patch() -> ContextManager[Any]:
        return mock.patch.object(importlib.import_module(target), attribute, value())
    return patch


@contextlib.contextmanager
def _all_of(*patches: Callable[[], ContextManager[Any]]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p())
        yield


def _names_off() -> ContextManager[Any]:
    return _all_of(_patched("rag.engine", "names_unmentioned", lambda: lambda analysis, evidence: None),
                   _patched("rag.engine", "cited_names_unmentioned", lambda: lambda analysis, evidence: None))


# rule name -> (what it does, how to switch it off)
RULES: dict[str, tuple[str, Callable[[], ContextManager[Any]]]] = {
    "answer type": ("question words give the kind of answer wanted ('when' -> a date, 'how many' -> a figure); "
                    "it feeds 'no figure', 'wrong count' and the extractive sentence choice",
                    _shape_without(answer_type=None)),
    "no figure": ("a how-many/how-much question answered by sentences with no figure besides the question's own "
                  "is refused", _without_check("no_figure")),
    "wrong count": ("a how-many answer must count the asked noun ('120 representatives' does not count countries)",
                    _without_check("wrong_count")),
    "role of X": ("'Who is the <Title> of <X>?' needs a source that ties the title to X",
                  _without_check("unlinked_role")),
    "sources off question": ("an answer is refused when the cross-encoder scores the source sentences it rests on "
                             "(cited spans, or quotes) as not answering the question",
                             _without_check("sources_off_question")),
    "names asked about": ("a name the question asks about that no retrieved passage (before generation) or no "
                          "cited article (after) mentions means a refusal", _names_off),
    "demonyms": ("'Vietnamese' in a question is mentioned by an article that writes 'Vietnam'",
                 _patched("rag.answering.checks", "_DEMONYM_SUFFIXES", lambda: ())),
    "inflected names": ("a plural or inflected name is mentioned by an article that writes its stem "
                        "('Argentines' / 'Argentina')",
                        _patched("rag.answering.checks", "_inflected_bases", lambda: lambda key: set())),
    "name forms": ("a name is mentioned by another form of it that begins with the same four letters and that the "
                   "embedder puts very near it ('Peruvian' / 'Peru')",
                   _patched("rag.answering.checks", "_another_form", lambda: lambda name, capitalised, same_name: False)),
    "acronyms": ("a question's acronym the articles spell out, in full or in part (or the reverse), is mentioned",
                 _patched("rag.answering.checks", "_written_other_way",
                          lambda: lambda shape, missing, sources, same_kind=None: missing)),
    "numbered names": ("'Storm No. 2' is not mentioned by an article that only reports Storm No. 1",
                       _shape_without(identifiers=())),
    "compound questions": ("'Who …, and where …?' is retrieved part by part, each part's best passage in the context",
                           _shape_without(parts=())),
    "topical questions": ("'Any news on X?' / 'What is the latest on X?' is searched and judged by its topic X",
                          _shape_without(topic=None, topic_with_time=None)),
    "latest news": ("a question asking for the latest news ranks newer articles first",
                    _shape_without(asks_latest=False)),
    "antecedents": ("a quoted sentence that leans on the one before ('He said …') is quoted with it",
                    lambda: _all_of(*(_patched(m, "with_antecedents", lambda: lambda chosen, passages: list(chosen))
                                      for m in ("rag.answering.answer", "rag.answering.extractive")))),
}
