"""Answers of the extractive backend: quoted, cited spans; honest refusals; citation numbering."""
from __future__ import annotations

import json
import re

import pytest

from rag import REFUSAL_TEXT, Answer, InputError

from ..helpers import D000, D002, QUESTION, ROOT, assert_citations_consistent, one_passage


@pytest.fixture(scope="module")
def meeting_events(engine):
    return list(engine.stream(QUESTION))


def test_meeting_question_is_answered_with_the_date_quoted(engine, meeting_events):
    # the retrieved passages first (the web app shows them while the answer is written), then the answer: nothing
    # to stream without a language model
    assert [e.type for e in meeting_events] == ["sources", "answer"]
    answer = meeting_events[-1].answer
    assert {p.doc_id for p in meeting_events[0].passages} >= {c.doc_id for c in answer.citations}
    assert not answer.refused and answer.backend == "extractive" and answer.notice is None
    assert "September 22" in answer.text
    dated = [c for c in answer.citations if "September 22" in c.quote]
    assert dated and all(c.doc_id in (D000, D002) for c in dated)
    for c in answer.citations:
        text, info = engine.article(c.doc_id)
        assert c.quote == text[c.start:c.end]
        assert c.quote in answer.text
        assert (c.title, c.date, c.source_url, c.agency) == (info.title, info.date, info.source_url, info.agency)
    assert_citations_consistent(engine, answer)
    assert all(s.supported and s.citations for s in answer.sentences)
    assert answer.standalone_question == QUESTION
    assert answer.passages and answer.timings["total"] > 0


def test_answer_round_trips_through_json(meeting_events):
    answer = meeting_events[-1].answer
    data = json.loads(json.dumps(answer.to_dict()))
    assert Answer.from_dict(data) == answer


def test_off_topic_question_is_refused_with_related_passages(engine):
    answer = engine.ask("What is the capital of Australia?")
    assert answer.refused
    assert answer.text.startswith(REFUSAL_TEXT)
    assert answer.citations == [] and "[" not in answer.text
    assert 1 <= len(answer.related) <= 3
    assert all(p.text and p.doc_id for p in answer.related)


def test_question_about_someone_the_articles_never_mention_is_refused(engine):
    answer = engine.ask("What did Guterres say about Angela Merkel?")
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT)
    assert "Merkel" in answer.text  # says who is not mentioned
    assert answer.citations == []


@pytest.mark.parametrize("backend", ["extractive", "local"])
def test_an_empty_index_says_so_and_how_to_fill_it(tmp_path, backend):
    from rag import Engine

    from ..helpers import core_settings

    engine = Engine(core_settings(tmp_path / "empty"))
    events = list(engine.stream("What did Guterres say?", backend=backend))
    assert [e.type for e in events] == ["sources", "answer"]  # no "Starting the local language model…": it is not started
    answer = events[-1].answer
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} No articles are indexed yet."
    assert "rag ingest" in answer.notice and answer.citations == [] and answer.related == []


@pytest.mark.parametrize("question", [
    "What did Ghada Waly say about the Convention?",
    "How many representatives attended the signing opening in New York?",
    "What did To Lam say about peacekeeping?",
])
def test_citations_are_numbered_in_order_of_first_use(engine, question):
    answer = engine.ask(question)
    assert not answer.refused and answer.citations
    assert_citations_consistent(engine, answer)
    for sentence in answer.sentences:
        assert sentence.supported and all(1 <= n <= len(answer.citations) for n in sentence.citations)


def test_representatives_question_quotes_the_number(engine):
    answer = engine.ask("How many representatives attended the signing opening in New York?")
    assert any("120 representatives" in c.quote and c.doc_id == D002 for c in answer.citations)


def test_counted_nouns_are_the_same_kind_only_when_near_synonyms(engine):
    """"How many soldiers …?" is not answered by a count of militants: things of one domain are not synonyms. The
    bar's calibration (rag/answering/answer.py, SAME_KIND_SIMILARITY) on the general pair list holds."""
    same = engine.composer._same_kind
    rows = [line.split("\t") for line in (ROOT / "tests" / "data" / "same_kind_pairs.tsv").read_text().splitlines()
            if not line.startswith("#")]
    synonyms = [same(a, b) for a, b, kind in rows if kind == "1"]
    different = [same(a, b) for a, b, kind in rows if kind == "0"]
    assert (len(synonyms), len(different)) == (50, 40)
    assert sum(synonyms) >= 40 and sum(different) <= 5, (sum(synonyms), sum(different))
    assert same("countries", "nations") and not same("soldiers", "militants")


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01", "x" * 2001])
def test_invalid_questions_are_rejected(engine, question):
    with pytest.raises(InputError) as info:
        engine.ask(question)
    assert info.value.hint


def test_chat_needs_a_final_user_message(engine):
    with pytest.raises(InputError):
        engine.chat([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}])


def test_a_numbered_name_the_articles_never_give_is_refused(tmp_path):
    """"Storm No. 2" is not "Storm No. 1": an answer about the one the articles report would be about something
    else. The same for "Highway 38" when they speak of Highway 37."""
    from rag.testing import engine_with_fakes

    engine = engine_with_fakes(tmp_path)
    engine.ingest(texts=[
        ("storm.txt", "QUẢNG TRỊ – Heavy rain brought by Storm No. 1 has left 22 people dead and four missing in the "
                      "central province of Quảng Trị, the provincial Civil Defence Command said on Saturday.\n\n"
                      "Traffic on National Highway 37 was cut for two days."),
    ])
    answer = engine.ask("How many people died in Quang Tri because of Storm No. 1?")
    assert not answer.refused and "22 people dead" in answer.text
    answer = engine.ask("How many people died in Storm No. 2 in Quảng Trị?")
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} They do not mention Storm No. 2."
    assert engine.ask("Was traffic on National Highway 37 cut?").citations
    answer = engine.ask("Was traffic on National Highway 38 cut?")
    assert answer.refused and answer.text.endswith("They do not mention Highway 38.")


def test_the_outlet_a_question_names_is_the_articles_agency_or_web_address(engine):
    """"What did Lao Động report …?" names the outlet of an article from laodong.vn, whose text never names it: the
    names check reads each article's agency and web address beside its text. An outlet none of them is still
    missing."""
    answer = engine.ask("What did Lao Động report about President Luong Cuong's meeting with Guterres?")
    assert not answer.refused and D000 in {c.doc_id for c in answer.citations}
    answer = engine.ask("What did Reuters report about President Luong Cuong's meeting with Guterres?")
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} They do not mention Reuters."


@pytest.mark.parametrize("question, identifiers", [
    ("How many people died in Storm No. 2 in Quảng Trị?", ["Storm No. 2"]),
    ("When did Storm Number 3 hit?", ["Storm Number 3"]),
    ("What does Decree 15 say about Route 1?", ["Decree 15", "Route 1"]),
    ("What happened on October 25?", []),  # a date, not a numbered name
    ("How many of the 120 delegates came in 2024?", []),
    ("What is Resolution 57-NQ/TW?", []),
])
def test_which_numbered_names_a_question_asks_about(composer, question, identifiers):
    """Sources holding every word of the question but other numbers miss exactly its numbered names."""
    other_numbers = one_passage(re.sub(r"\d", "0", question))
    assert composer.missing_names(question, [other_numbers]) == identifiers
    assert composer.missing_names(question, [one_passage(question)]) == []
