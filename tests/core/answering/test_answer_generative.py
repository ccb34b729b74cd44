"""Answers of a generative backend, scripted with the fake OpenAI-compatible server: verification of citations,
refusals, fallbacks when the model fails, streaming, the prompt and the API key."""
from __future__ import annotations

import json
import re
import time

import pytest

from rag import REFUSAL_TEXT, BackendError, Engine
from rag.llm.client import ChatClient
from rag.testing import FakeOpenAIServer, Reply
from rag.text import split_sentences

from ..helpers import (MET, QUESTION, assert_citations_consistent, cite_the_wrong_passage, core_settings, neutral,
                      number_of, one_passage, sent_passages, user_prompt, wrong_passage)



@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def _generative(seed_index, server_url, **overrides):
    values = dict(backend="openai-compatible", llm_base_url=server_url, llm_model="fake-model",
                  llm_max_retries=0, llm_timeout=10)
    values.update(overrides)
    return Engine(core_settings(seed_index[0], **values))


@pytest.fixture(scope="module")
def gen(seed_index, server):
    return _generative(seed_index, server.base_url)


@pytest.fixture(autouse=True)
def _fresh_script(server):
    server.reset()
    server.responder = None
    yield
    server.responder = None


def _passage_for(answer, number):
    """The context passage the engine sent as ``[number]``."""
    return answer.passages[number - 1]


def _was_sent_as(request, number, passage) -> bool:
    """Did the prompt show (sentences of) ``passage`` under ``[number]``? Long passages may be excerpted."""
    block = sent_passages(request)[number]
    return any(neutral(passage.text[s - passage.start:e - passage.start]) in block for s, e in passage.sentences)


def test_correct_cited_answer_is_kept(gen, server):
    server.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
    answer = gen.ask(QUESTION)
    request = server.requests[-1]
    cited = number_of(request, "September 22")

    assert not answer.refused and answer.notice is None
    assert (answer.backend, answer.model) == ("openai-compatible", "fake-model")
    assert answer.text == f"{MET} [1]."
    [citation] = answer.citations
    sent = _passage_for(answer, cited)
    assert _was_sent_as(request, cited, sent)
    assert all(_was_sent_as(request, n, _passage_for(answer, n)) for n in sent_passages(request))
    assert citation.chunk_id == sent.chunk_id and citation.doc_id == sent.doc_id
    assert "September 22" in citation.quote
    assert sent.start <= citation.start < citation.end <= sent.end
    assert_citations_consistent(gen, answer)
    [sentence] = answer.sentences
    assert sentence.supported and sentence.citations == [1] and sentence.note is None
    assert request["model"] == "fake-model" and request["stream"] is True
    assert "Question: " + QUESTION in user_prompt(request)


def test_wrong_source_is_reattributed_to_the_supporting_passage(gen, server):
    server.responder = cite_the_wrong_passage
    answer = gen.ask(QUESTION)
    wrong = wrong_passage(server.requests[-1])
    assert not answer.refused
    [sentence] = answer.sentences
    assert sentence.supported
    assert f"re-attributed from [{wrong}]" in sentence.note
    [citation] = answer.citations
    assert citation.chunk_id != _passage_for(answer, wrong).chunk_id
    assert "September 22" in citation.quote
    assert_citations_consistent(gen, answer)


def test_invented_number_is_flagged_never_supported(gen, server):
    server.responder = lambda body: (f"{MET} [{number_of(body, 'September 22')}]. "
                                     f"They met again on September 29 [{number_of(body, 'September 22')}].")
    answer = gen.ask(QUESTION)
    assert not answer.refused
    good, invented = answer.sentences
    assert good.supported and good.citations == [1]
    assert not invented.supported and invented.citations == []
    assert "29" in invented.note and "not in the cited passage" in invented.note
    assert re.search(r"September 29\.? \*\(unsupported\)\*", answer.text) and "September 29 [" not in answer.text
    assert "not supported" in answer.notice
    assert len(answer.citations) == 1 and "September 29" not in answer.citations[0].quote
    assert_citations_consistent(gen, answer)


def test_answer_made_only_of_an_invented_number_is_refused(gen, server):
    server.responder = lambda body: f"Luong Cuong met Guterres in New York on September 29 [{number_of(body, 'September 22')}]."
    answer = gen.ask(QUESTION)
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT)
    assert answer.citations == [] and "29" not in answer.text


def test_citation_of_a_passage_that_does_not_exist(gen, server):
    server.responder = lambda body: f"{MET} [7]."
    answer = gen.ask(QUESTION)
    assert len(server.requests[-1]["messages"]) == 2 and len(sent_passages(server.requests[-1])) < 7
    assert "[7]" not in answer.text
    assert [c.number for c in answer.citations] == [1]  # re-attributed to a real passage, renumbered
    assert "September 22" in answer.citations[0].quote
    assert "invalid citation [7] dropped" in answer.sentences[0].note
    assert_citations_consistent(gen, answer)


def test_unsupported_sentence_citing_a_missing_passage_is_refused(gen, server):
    server.responder = lambda body: "The meeting lasted 45 minutes [7]."
    answer = gen.ask(QUESTION)
    assert answer.refused and answer.citations == [] and "[7]" not in answer.text


@pytest.mark.parametrize("reply", ["", "   ", REFUSAL_TEXT, "I'm sorry, the passages do not mention this."])
def test_empty_or_refusing_reply_is_a_refusal(gen, server, reply):
    server.push(Reply(content=reply))
    answer = gen.ask(QUESTION)
    assert answer.refused and answer.text.startswith(REFUSAL_TEXT)
    assert answer.citations == [] and answer.related
    assert answer.backend == "openai-compatible" and answer.notice is None


def test_citations_are_renumbered_in_order_of_first_use(gen, server, seed_articles):
    sentences = [neutral(a.text[s:e]) for a in seed_articles.values() for cs, ce in a.content_spans
                 for s, e in split_sentences(a.text[cs:ce], offset=cs)]

    def later_sentence(body):
        """A sentence copied from the highest-numbered passage that does not hold the date."""
        dated = number_of(body, "September 22")
        for number, block in sorted(sent_passages(body).items(), reverse=True):
            if number > dated:
                for sentence in sentences:
                    if sentence in block and len(sentence) > 60 and "September 22" not in sentence:
                        return number, sentence
        raise AssertionError("no later passage to cite")

    def reply(body):
        number, sentence = later_sentence(body)
        return f"{sentence} [{number}] {MET} [{number_of(body, 'September 22')}]."

    server.responder = reply
    answer = gen.ask(QUESTION)
    request = server.requests[-1]
    (last, _), dated = later_sentence(request), number_of(request, "September 22")
    assert [c.number for c in answer.citations] == [1, 2], answer.sentences
    assert answer.citations[0].chunk_id == _passage_for(answer, last).chunk_id
    assert answer.citations[1].chunk_id == _passage_for(answer, dated).chunk_id
    assert [s.citations for s in answer.sentences] == [[1], [2]]
    assert_citations_consistent(gen, answer)


@pytest.mark.parametrize("failure", [
    Reply(status=500, error_message="internal"),
    Reply(status=429, error_message="slow down", headers={"retry-after": "0"}),
    Reply(status=503),
    Reply(content=f"{MET} [1] and then some more words", break_stream_after=3),
], ids=["500", "429", "503", "broken-stream"])
def test_backend_failure_falls_back_to_the_extractive_answer(gen, server, failure):
    server.push(failure)
    events = list(gen.stream(QUESTION))
    answer = events[-1].answer
    assert [e.type for e in events][-1] == "answer" and sum(e.type == "answer" for e in events) == 1
    assert answer.backend == "extractive" and not answer.refused
    assert "language model failed" in answer.notice and "extractively" in answer.notice
    assert any("September 22" in c.quote for c in answer.citations)
    assert_citations_consistent(gen, answer)
    if failure.break_stream_after:
        assert [e.text for e in events if e.type == "token"]  # the draft streamed before the break


def test_unreachable_backend_falls_back(seed_index):
    dead = _generative(seed_index, "http://127.0.0.1:9/v1")
    answer = dead.ask(QUESTION)
    assert answer.backend == "extractive" and "Cannot reach" in answer.notice
    assert any("September 22" in c.quote for c in answer.citations)


def test_retry_after_a_server_error(seed_index, server):
    retrying = _generative(seed_index, server.base_url, llm_max_retries=1)
    server.push(Reply(status=503))
    server.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
    answer = retrying.ask(QUESTION)
    assert len(server.requests) == 2
    assert answer.backend == "openai-compatible" and answer.notice is None
    assert answer.text == f"{MET} [1]."


def test_slow_backend_times_out_and_falls_back(seed_index, server):
    impatient = _generative(seed_index, server.base_url, llm_timeout=1.0)
    server.push(Reply(content=f"{MET} [1].", delay=8))
    started = time.perf_counter()
    answer = impatient.ask(QUESTION)
    elapsed = time.perf_counter() - started
    assert answer.backend == "extractive" and "timed out" in answer.notice
    assert answer.timings["generation"] < 4
    assert elapsed < 8  # never waits for the slow reply
    assert answer.citations


def test_streaming_sends_tokens_before_the_final_answer(gen, server):
    server.responder = lambda body: Reply(content=f"{MET} [{number_of(body, 'September 22')}].", chunk_delay=0.01)
    events = list(gen.stream(QUESTION))
    types = [e.type for e in events]
    assert types[-1] == "answer" and types.count("answer") == 1
    tokens = [e.text for e in events if e.type == "token"]
    assert len(tokens) >= 5 and types.index("answer") > types.index("token")
    dated = number_of(server.requests[-1], "September 22")
    assert "".join(tokens) == f"{MET} [{dated}]."  # the raw draft ...
    assert events[-1].answer.text == f"{MET} [1]."  # ... replaced by the verified, renumbered answer
    assert events[-1].text == events[-1].answer.text


def test_system_prompt_treats_passages_as_data(gen, server):
    server.responder = lambda body: f"{MET} [{number_of(body, 'September 22')}]."
    gen.ask(QUESTION)
    messages = server.requests[-1]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    system = messages[0]["content"]
    assert re.search(r"\b(passages|excerpts|articles)\b[^.]*\bdata\b[^.]*\b(not|never)\b[^.]*instructions",
                     system, re.IGNORECASE), system
    assert "September 22" not in system  # article text only ever goes into the user message


def test_api_key_never_appears_in_errors(seed_index):
    secret = "sk-test-SECRET-0123456789abcdef"
    with FakeOpenAIServer(api_key="the-right-key") as locked:
        eng = _generative(seed_index, locked.base_url, llm_api_key=secret)
        answer = eng.ask(QUESTION)
        assert answer.backend == "extractive" and "refused the API key" in answer.notice
        assert secret not in json.dumps(answer.to_dict())
        assert secret not in repr(eng.settings) and secret not in json.dumps(eng.settings.public_dict())

    # a server that echoes the key back in its error body: the key is masked in the error
    with FakeOpenAIServer([Reply(status=400, error_message=f"bad request from key {secret}")]) as echo:
        client = ChatClient(echo.base_url, "fake-model", secret, max_retries=0, timeout=5)
        with pytest.raises(BackendError) as info:
            client.complete([{"role": "user", "content": "hi"}])
        assert echo.request_headers[-1]["authorization"] == f"Bearer {secret}"  # the key was really used
        assert secret not in str(info.value) and "***" in str(info.value)
        assert secret not in str(info.value.hint)


def test_sentence_going_beyond_its_source_is_replaced_by_the_source_sentence(gen, server):
    # supported in substance, but in words of its own that the cited sentence mostly does not use
    claim = "On September 22 Luong Cuong and the world body's chief held talks at its New York headquarters"
    server.responder = lambda body: f"{claim} [{number_of(body, 'September 22')}]. {MET} [{number_of(body, 'September 22')}]."
    answer = gen.ask(QUESTION)
    assert not answer.refused
    assert "world body" not in answer.text
    replaced = answer.sentences[0]
    assert replaced.supported and "quoted from the source instead of: " + claim in replaced.note
    [citation] = [c for c in answer.citations if c.number == replaced.citations[0]]
    assert replaced.text == citation.quote and "September 22" in citation.quote  # the source's own words, cited
    assert answer.sentences[-1].text.rstrip(".") == MET and answer.sentences[-1].note is None  # an exact sentence is kept
    assert_citations_consistent(gen, answer)


@pytest.mark.parametrize("question,reply,anchor", [
    # no number at all
    ("How many people took part in the New York event on the Hanoi Convention?",
     "Việt Nam introduced the opening for the signing ceremony for the Hà Nội Convention at United Nations "
     "headquarters", "headquarters"),
    # "October 25" repeats the question's date; it counts nobody
    ("How many guests did To Lam receive in Hanoi on October 25?",
     "Party General Secretary To Lam hosted a reception in Hanoi on October 25 for United Nations Secretary-General "
     "António Guterres", "reception"),
], ids=["no-number", "only-the-question-date"])
def test_how_many_question_answered_without_a_figure_is_refused(gen, server, question, reply, anchor):
    server.responder = lambda body: f"{reply} [{number_of(body, anchor)}]."
    answer = gen.ask(question)
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} They give no figure for it."
    assert answer.citations == [] and answer.related


def test_a_figure_that_counts_something_else_does_not_answer_how_many(gen, server):
    """"How many countries signed?" answered with the 120 representatives who attended: a figure, of other things."""
    server.responder = lambda body: ("120 representatives from UN member countries, research institutes and "
                                     "international organisations participated in the event "
                                     f"[{number_of(body, '120 representatives')}].")
    answer = gen.ask("How many countries signed the UN Convention against Cybercrime at the New York event?")
    assert answer.refused and answer.text == f"{REFUSAL_TEXT} They give no number of countries."
    # asked about the people who took part, the same figure answers
    answer = gen.ask("How many people attended the event the Ministry of Foreign Affairs held with UNODC?")
    assert not answer.refused and "120" in answer.text
    # and a count of the asked things answers, whatever else the sentence counts
    server.responder = lambda body: (f"Viet Nam has diplomatic ties with 194 countries "
                                     f"[{number_of(body, '194 countries')}].")
    answer = gen.ask("With how many countries does Viet Nam have diplomatic ties?")
    assert not answer.refused and "194 countries" in answer.text


@pytest.mark.parametrize("sentence,counts", [
    ("Viet Nam has diplomatic ties with 194 countries.", True),
    ("Sixty-five states signed it on the first day.", True),  # a near-synonym (embedder)
    ("Delegates from 40 nations attended.", True),
    ("At least 12 were killed.", True),  # no noun after the figure
    ("Officials of three African nations signed.", True),  # an adjective before the counted noun
    ("Three Palestinian militants signed it.", False),  # an adjective before another noun
    ("120 representatives from UN member countries attended.", False),
    ("It was the first such treaty in over 20 years.", False),
    ("Militants attacked one of its armoured vehicles.", False),  # "one of": the noun after "of" is counted
    ("Two of the ten countries present signed.", True),
])
def test_what_a_figure_counts(composer, sentence, counts):
    question = "How many countries signed the convention?"
    answer = composer.checked(question, composer.from_generation(question, f"{sentence[:-1]} [1].",
                                                                 [one_passage(sentence)]), generated=True)
    assert answer.refused is not counts
    if not counts:
        assert answer.text == f"{REFUSAL_TEXT} They give no number of countries."


@pytest.mark.parametrize("source,reply,answered", [
    # the figure the model binds to the asked noun counts something else in the span it cites
    ("The coast guard runs 40 patrol boats, backed by a few helicopters.", "The coast guard runs 40 helicopters",
     False),
    ("The coast guard runs 40 patrol boats, backed by six helicopters.", "The coast guard runs 6 helicopters", True),
    ("The coast guard's helicopters number 12.", "The coast guard runs 12 helicopters", True),  # no noun after it
])
def test_a_model_written_count_must_count_the_asked_noun_in_its_cited_span(composer, source, reply, answered):
    question = "How many helicopters does the coast guard run?"
    drafted = composer.from_generation(question, f"{reply} [1].", [one_passage(source)])
    assert not drafted.refused  # every word of the reply is in the span: the verifier alone lets it through
    answer = composer.checked(question, drafted, generated=True)
    assert answer.refused is not answered
    if not answered:
        assert answer.text == f"{REFUSAL_TEXT} They give no number of helicopters."


def test_a_title_the_sources_never_give_the_person_is_refused(gen, server):
    """Asked who presides over the 80th session, the model names President Cường, who attended it: every word of
    the answer is in the source, but the source never ties the title to the session."""
    question = "Who is the President of the 80th session of the UN General Assembly?"
    server.responder = lambda body: ("The President of the 80th session of the UN General Assembly is President "
                                     f"Lương Cường [{number_of(body, '80th')}].")
    answer = gen.ask(question)
    assert answer.refused and answer.citations == [] and answer.related
    assert answer.text == (f"{REFUSAL_TEXT} They do not say who the President of the 80th session of the UN General "
                           "Assembly is.")
    # the title of a named body is often written bare in its own news: the same kind of answer is kept
    server.responder = lambda body: ("The Secretary-General of the United Nations is António Guterres "
                                     f"[{number_of(body, 'Secretary-General')}].")
    answer = gen.ask("Who is the Secretary-General of the United Nations?")
    assert not answer.refused and "Guterres" in answer.text and answer.citations


_SESSION = "Who is the President of the 80th session of the UN General Assembly?"


@pytest.mark.parametrize("question,text,ties", [
    (_SESSION, "Annalena Baerbock, President of the 80th session of the General Assembly, opened it.", True),
    (_SESSION, "General Assembly President Annalena Baerbock opened the debate.", True),  # X before the title
    (_SESSION, "UNGA President Annalena Baerbock opened the debate.", True),  # acronym of "UN General Assembly"
    (_SESSION, "President Lương Cường attended the 80th session of the United Nations General Assembly.", False),
    (_SESSION, "On the UN’s 80th anniversary, President Cường voiced support.", False),  # a comma between
    (_SESSION, "General Assembly Vice President Tran Van Nam spoke.", False),  # a lesser rank
    ("Who is the Vice President of the organising committee?",
     "The organising committee's Vice President, Tran Van Nam, spoke.", True),  # the lesser rank, when asked
    ("Who is the CEO of the company that makes the chips?",
     "The company's chief executive, Jane Doe, said so.", True),  # a near-synonym of the title (embedder)
], ids=["title-of", "x-title", "acronym", "words-apart", "comma-between", "lesser-rank", "asked-lesser", "synonym"])
def test_when_a_source_ties_a_title_to_what_it_heads(composer, question, text, ties):
    answer = composer.checked(question, composer.from_generation(question, f"{text[:-1]} [1].", [one_passage(text)]),
                              generated=True)
    assert answer.refused is not ties
    if not ties:
        assert answer.text.startswith(f"{REFUSAL_TEXT} They do not say who the ")


@pytest.mark.parametrize("question,asked", [
    (_SESSION, "President of the 80th session of the UN General Assembly"),
    ("who was the acting Chair of the organising committee?", "acting Chair of the organising committee"),
    ("Who is the Vice President of the organising committee?", "Vice President of the organising committee"),
    # a named country, party or company: its own news often writes the title bare ("Prime Minister Phạm Minh Chính")
    ("Who is the President of Vietnam?", None),
    ("Who is the Secretary-General of the United Nations?", None),
    ("Who was the winner of the election?", None),  # not a title: often answered "X won …"
    ("Who met the President of the organising committee?", None),  # asks for someone else, not the title holder
    ("Who is Ghada Waly?", None),
])
def test_which_questions_ask_for_a_title_holder(composer, question, asked):
    """A source that names nobody's title answers a question for a title holder with a refusal naming the title
    asked about; any other "who" question it may answer."""
    text = "Tran Van Nam spoke at the meeting."
    answer = composer.checked(question, composer.from_generation(question, f"{text[:-1]} [1].", [one_passage(text)]),
                              generated=True)
    if asked is None:
        assert not answer.refused and answer.citations
    else:
        assert answer.text == f"{REFUSAL_TEXT} They do not say who the {asked} is."


def test_a_date_from_the_question_is_still_checked_against_the_passage(gen, server):
    # the question's own date is no licence: a passage about September 22 does not answer for September 29
    question = "What did Luong Cuong and Guterres discuss on September 29?"
    server.responder = lambda body: f"On September 29, {MET.replace(' on September 22', '')} [{number_of(body, 'September 22')}]."
    answer = gen.ask(question)
    assert answer.refused and answer.citations == []



def test_an_ordinal_the_passage_does_not_state_is_not_supported(gen, server):
    """Guterres's October trip was "his second visit"; an answer calling it his first is another fact."""
    question = "When did Guterres make his first visit to Vietnam?"
    server.responder = lambda body: f"Guterres made his first visit to Vietnam in late October 2025 [1]."
    answer = gen.ask(question)
    assert answer.refused and answer.citations == []
    server.responder = lambda body: (f"On his second visit to Việt Nam, Guterres praised the country’s rising global "
                                     f"influence [{number_of(body, 'second visit')}].")
    answer = gen.ask("What did Guterres praise on his second visit to Việt Nam?")
    assert not answer.refused and "second visit" in answer.citations[0].quote


def test_a_rewrite_that_answers_instead_of_asking_is_not_used(gen, server):
    """A small model asked to rewrite a follow-up sometimes answers it; retrieval then falls back to the
    deterministic rewrite, which carries the names of the previous turn."""
    history = [{"role": "user", "content": "When did Luong Cuong meet Guterres in New York?"},
               {"role": "assistant", "content": "On September 22 [1]."}]

    def reply(body):
        if "Rewrite the user's last question" in body["messages"][0]["content"]:
            return "Luong Cuong talked about UN reform."
        return f"{MET} [{number_of(body, 'September 22')}]."

    server.responder = reply
    answer = gen.ask("What did he say about it?", history=history)
    assert answer.standalone_question.startswith("What did he say about it? (about: Luong Cuong, Guterres")
    server.responder = lambda body: ("What did Luong Cuong say about UN reform when he met Guterres?"
                                     if "Rewrite the user's last question" in body["messages"][0]["content"]
                                     else f"{MET} [{number_of(body, 'September 22')}].")
    answer = gen.ask("What did he say about it?", history=history)
    assert answer.standalone_question.startswith("What did Luong Cuong say about UN reform when he met Guterres?")


def test_a_reply_that_repeats_the_carried_over_note_keeps_only_its_answer(gen, server):
    """A follow-up read with the previous question carried over states it in the prompt's question; a small model
    sometimes repeats that note before its answer. The note is no claim: the answer is the rest, and nothing is
    flagged."""
    history = [{"role": "user", "content": "When did Luong Cuong meet Guterres in New York?"},
               {"role": "assistant", "content": "On September 22 [1]."}]

    def reply(body):
        if "Rewrite the user's last question" in body["messages"][0]["content"]:
            return "Luong Cuong talked about UN reform."  # not a question: the carried-over rewrite is used
        note = re.search(r"\(about: [^\n]*\)", user_prompt(body)).group()
        return f"{note}\n\n{MET} [{number_of(body, 'September 22')}]."

    server.responder = reply
    answer = gen.ask("When was that?", history=history)
    assert "(about: " in answer.standalone_question and "(about: " in user_prompt(server.requests[-1])
    assert not answer.refused and answer.text == f"{MET} [1]." and answer.notice is None
    assert [s.supported for s in answer.sentences] == [True]


def test_a_rewrite_that_asks_another_question_is_not_used(gen, server):
    """A rewrite that drops the question's own question word ("how" → "who") asks something else; the deterministic
    rewrite is used instead."""
    history = [{"role": "user", "content": "When did Luong Cuong meet Guterres in New York?"},
               {"role": "assistant", "content": "On September 22 [1]."}]
    server.responder = lambda body: ("Who did Luong Cuong meet in New York?"
                                     if "Rewrite the user's last question" in body["messages"][0]["content"]
                                     else f"{MET} [{number_of(body, 'September 22')}].")
    answer = gen.ask("How did he describe it?", history=history)
    assert answer.standalone_question.startswith("How did he describe it? (about: Luong Cuong, Guterres")


def test_asks_the_same_compares_question_words_in_both_languages():
    from rag.retrieval.condense import asks_the_same

    assert asks_the_same("What did he say?", "What did Guterres say about reform?")
    assert not asks_the_same("And how was Kallis out?", "Who dismissed Kallis?")
    assert asks_the_same("Ông ấy nói gì?", "Ông Guterres nói gì về cải cách?")
    assert not asks_the_same("Ông ấy gặp ai?", "Ông Guterres nói gì?")


def test_support_does_not_depend_on_inflection_or_the_spelling_of_a_country(gen, server):
    """The passage says "Affirming that supporting and cooperating with the UN is a “tradition” of Việt Nam"; the
    model writes "Vietnam" and other word forms. The claim is the source's, so it is kept and cited there."""
    question = "What word did Prime Minister Chính use to describe Vietnam's support for and cooperation with the UN?"
    server.responder = lambda body: (f"Prime Minister Chính used the word \"tradition\" to describe Vietnam's support "
                                     f"for and cooperation with the UN. This is stated in excerpt "
                                     f"[{number_of(body, 'tradition')}].")
    answer = gen.ask(question)
    assert not answer.refused
    assert len(answer.citations) == 1 and "“tradition” of Việt Nam" in answer.citations[0].quote
    assert "This is stated" not in answer.text
    assert_citations_consistent(gen, answer)


def test_an_answer_from_an_article_that_never_names_what_was_asked_is_refused(gen, server):
    """Asked about a speech to the General Assembly, the model answers from the Hanoi talks (an article that never
    mentions the Assembly): the sentence is the source's, but it answers another question."""
    question = "What did Prime Minister Phạm Minh Chính say in his speech to the UN General Assembly?"
    server.responder = lambda body: ("Prime Minister Phạm Minh Chính said that supporting and cooperating with the UN "
                                     f"is a “tradition” of Việt Nam [{number_of(body, 'tradition')}].")
    answer = gen.ask(question)
    assert answer.refused and answer.citations == []
    # the Assembly is in other retrieved passages, just not in the one article the answer drew on
    assert answer.text == (f"{REFUSAL_TEXT} The only answer found comes from articles that do not mention UN General "
                           "Assembly.")
    assert answer.related  # the closest passages are still shown, as related
    # the same answer to a question about what the article does hold is kept
    answer = gen.ask("What word did Prime Minister Phạm Minh Chính use for Vietnam's support for and cooperation with "
                     "the UN?")
    assert not answer.refused and "“tradition”" in answer.citations[0].quote


def test_a_restated_question_filled_from_a_related_passage_is_refused(gen, server):
    """The articles never give the debate's theme. A small model restates the question as a fact and fills it from a
    passage about the session; its words are not the source's, and the source sentences quoted instead do not
    answer the question (cross-encoder), so nothing is presented as the answer."""
    question = "What was the theme of the 80th UN General Assembly's general debate?"

    def reply(body):
        return ("The theme of the 80th UN General Assembly's general debate was multilateralism and the central role "
                f"of the United Nations [{number_of(body, 'multilateralism')}].")

    server.responder = reply
    answer = gen.ask(question)
    assert answer.refused and answer.text == REFUSAL_TEXT and answer.citations == [] and answer.related
    # the same kind of reply, where the quoted source does answer the question, is kept
    server.responder = lambda body: (f"On September 22 Luong Cuong and the world body's chief held talks at its New "
                                     f"York headquarters [{number_of(body, 'September 22')}].")
    answer = gen.ask("When did Luong Cuong meet Guterres at UN headquarters?")
    assert not answer.refused and "quoted from the source instead of" in answer.sentences[0].note
    assert "September 22" in answer.text


def test_a_reply_that_only_restates_the_question_is_refused_or_quoted_across_languages(gen, server):
    """In the articles' own language a model that only restates the question did not find the answer (a near miss,
    measured): refused. Asked to write in another language, it more often failed to render the right sentence:
    the passages are quoted instead."""
    question = ("Besides stronger climate commitments, what UN efforts did Guterres hope Vietnam would join when he met "
                "the Prime Minister?")
    server.responder = lambda body: ("Besides stronger climate commitments, Guterres hoped Vietnam would join when he "
                                     "met the Prime Minister. [1]")
    answer = gen.ask(question)
    assert answer.refused and answer.citations == [] and answer.backend == "openai-compatible"
    answer = gen.ask(question, language="Vietnamese")
    assert not answer.refused and answer.backend == "extractive"
    assert answer.notice.startswith("Mô hình ngôn ngữ chỉ nhắc lại câu hỏi")
    assert "preventive diplomacy" in answer.text and any("preventive diplomacy" in c.quote for c in answer.citations)
    assert_citations_consistent(gen, answer)
    # a reply with a word of its own is verified as usual, not replaced
    server.responder = lambda body: ("Guterres hoped Vietnam would join the UN's efforts in preventive diplomacy "
                                     f"[{number_of(body, 'preventive diplomacy')}].")
    answer = gen.ask(question)
    assert not answer.refused and answer.backend != "extractive" and answer.notice is None


def _answer_or_verdict(verdict):
    """A responder answering the question with MET, and the support check (its own system prompt) with ``verdict``."""
    from rag.answering.llm_check import CHECK_SYSTEM_PROMPT

    def respond(body):
        if body["messages"][0]["content"] == CHECK_SYSTEM_PROMPT:
            return verdict
        return f"{MET} [{number_of(body, 'September 22')}]."
    return respond


def test_the_optional_llm_check_can_only_take_support_away(seed_index, server):
    checked = _generative(seed_index, server.base_url, llm_check=True)
    # the model says the cited span does not state the sentence: flagged, and with nothing else supported, refused
    server.responder = _answer_or_verdict("No.")
    answer = checked.ask(QUESTION)
    assert answer.refused and answer.citations == []
    prompt = next(r for r in server.requests if "Claim:" in r["messages"][-1]["content"])["messages"][-1]["content"]
    assert f"Claim: {MET}" in prompt and "September 22" in prompt.split("Claim:")[0]
    # a yes keeps the offline verdict, and so does a check that fails or answers neither yes nor no
    for verdict in ("Yes", "Maybe, partly.", Reply(status=500, error_message="check failed")):
        server.reset()
        server.responder = _answer_or_verdict(verdict)
        answer = checked.ask(QUESTION)
        assert not answer.refused and answer.text == f"{MET} [1]." and answer.sentences[0].supported
    # off by default: no check request at all
    server.reset()
    server.responder = _answer_or_verdict("No.")
    assert not _generative(seed_index, server.base_url).ask(QUESTION).refused
    assert not any("Claim:" in r["messages"][-1]["content"] for r in server.requests)


def test_a_flagged_sentence_says_the_llm_check_found_no_support(seed_index, server):
    """With a second, supported sentence the answer stands, and the flagged one is marked as such."""
    from rag.answering.llm_check import CHECK_SYSTEM_PROMPT

    def respond(body):
        if body["messages"][0]["content"] == CHECK_SYSTEM_PROMPT:
            return "no" if "New York on September 22" in body["messages"][-1]["content"] else "yes"
        return (f"{MET} [{number_of(body, 'September 22')}]. The meeting took place on the sidelines of the "
                f"High-level General Debate [{number_of(body, 'sidelines')}].")

    server.responder = respond
    # the supported sentence alone does not say when: the cross-encoder check of the cited spans is off here
    answer = _generative(seed_index, server.base_url, llm_check=True, quote_relevance_threshold=-100).ask(QUESTION)
    assert not answer.refused
    flagged = [s for s in answer.sentences if not s.supported]
    assert [s.text for s in flagged] == [f"{MET}."] and "language model check" in flagged[0].note
    assert f"{MET}. *(unsupported)*" in answer.text and "1 of 2 sentences" in answer.notice


def test_a_topical_question_is_answered_from_what_the_articles_say_about_the_topic(gen, server):
    """"Any news on X?" asks what the articles say about X: the model's summary, checked against the sources, is kept
    even where the cross-encoder would score the whole question low against it."""
    def reply(body):
        return ("Guterres congratulated Việt Nam on hosting the signing ceremony of the UN Convention against "
                f"Cybercrime [{number_of(body, 'congratulated')}].")

    server.responder = reply
    answer = gen.ask("What do the articles say about cybercrime?")  # the whole question scores −4.7, the topic +4.2
    assert not answer.refused and answer.citations
    assert "Cybercrime" in answer.citations[0].quote
    server.responder = lambda body: "The articles report that the World Cup final was postponed [1]."
    answer = gen.ask("Any news about the World Cup?")
    assert answer.refused and answer.citations == []


def test_an_answer_whose_cited_sentence_does_not_answer_is_refused(seed_index, server):
    """A near miss answered from the closest sentence on the topic: every word of the reply is in the cited
    sentence, so the verifier passes it, but the cross-encoder reading the question against the cited span (with
    its article's title) finds it does not answer; with the check off the same reply stands."""
    question = "How much money did the UNODC pledge at the event?"
    server.responder = lambda body: ("The event, jointly held by the Vietnamese Ministry of Foreign Affairs, the "
                                     "Ministry of Public Security and the UN Office on Drugs and Crime (UNODC), drew "
                                     "the participation of 120 representatives from UN member countries "
                                     f"[{number_of(body, '120 representatives')}].")
    refused = _generative(seed_index, server.base_url).ask(question)
    assert refused.refused and refused.text == REFUSAL_TEXT and not refused.citations
    kept = _generative(seed_index, server.base_url, quote_relevance_threshold=-100).ask(question)
    assert not kept.refused and "120 representatives" in kept.citations[0].quote


def test_a_reply_that_starts_to_loop_is_cut_and_its_stream_closed(gen, server):
    loop = " The two sides also agreed to hold more talks about the matter next year." * 40

    def reply(body):
        return f"{MET} [{number_of(body, 'September 22')}].{loop}"

    server.responder = reply
    events = list(gen.stream(QUESTION))
    streamed = "".join(e.text for e in events if e.type == "token")
    assert streamed.count("The two sides also agreed") == 2  # stopped as the loop began, not at the token limit
    assert len(streamed) < len(reply(server.requests[-1])) / 10
    text = events[-1].answer.text  # the repeated tail is cut before verification; what was said once is checked
    assert text.startswith(f"{MET} [1].") and text.count("The two sides also agreed") == 1
    assert [s.supported for s in events[-1].answer.sentences] == [True, False]
