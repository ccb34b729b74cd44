"""The generative prompt: overlapping passages show a shared sentence once; a long passage shows the sentences
that match the question, in its English rendering or by closeness when it is in another language."""
from __future__ import annotations

from rag.answering.answer import build_messages
from rag.models import Passage
from rag.text import split_sentences

TEXT = "Alpha met Beta in Hanoi. They signed a deal on trade. The deal covers rice exports. Talks resume in May."


def _passage(chunk_id: str, start: int, end: int) -> Passage:
    text = TEXT[start:end]
    return Passage(chunk_id=chunk_id, doc_id="a.txt", text=text, start=start, end=end, title="", date="2025-10-25",
                   source_url=None, agency=None, sentences=split_sentences(text, start))


def test_a_sentence_shared_by_overlapping_passages_is_shown_once():
    mid = TEXT.index("The deal")
    first = _passage("a#0", 0, mid - 1)
    second = _passage("a#1", TEXT.index("They signed"), len(TEXT))  # repeats "They signed a deal on trade."
    prompt = build_messages("What deal did they sign?", [first, second])[1]["content"]
    assert prompt.count("They signed a deal on trade.") == 1
    assert "[1] (2025-10-25) Alpha met Beta in Hanoi. They signed a deal on trade." in prompt
    assert "[2] (2025-10-25) The deal covers rice exports. Talks resume in May." in prompt


def test_a_passage_wholly_shown_before_is_repeated_rather_than_left_empty():
    whole = _passage("a#0", 0, len(TEXT))
    inner = _passage("a#1", TEXT.index("They signed"), TEXT.index("The deal") - 1)
    prompt = build_messages("What deal did they sign?", [whole, inner])[1]["content"]
    assert "[2] (2025-10-25) They signed a deal on trade." in prompt


def test_where_the_model_read_something_is_not_part_of_the_claim():
    from rag.answering.citations import parse_cited_sentences

    [lead] = parse_cited_sentences("In the first excerpt, Guterres praised all three pillars. [1]", 3)
    assert (lead.text, lead.cited) == ("Guterres praised all three pillars.", [1])
    [tail] = parse_cited_sentences("Two leaders asked for climate finance in Excerpts [1] and [2].", 3)
    assert (tail.text, tail.cited) == ("Two leaders asked for climate finance.", [1, 2])
    [according] = parse_cited_sentences("According to excerpt [2], the talks were held on Friday [2].", 3)
    assert (according.text, according.cited) == ("The talks were held on Friday.", [2])
    # an ordinal about the news stays: it is a claim the verifier checks
    [claim] = parse_cited_sentences("Guterres made his first visit in 2025 [1].", 3)
    assert claim.text == "Guterres made his first visit in 2025."


def test_what_is_left_of_a_phrase_about_the_excerpts_is_no_sentence():
    from rag.answering.citations import parse_cited_sentences, says_something

    parsed = parse_cited_sentences("Faker won Worlds 2017, 2019, and 2021 [1]. Excerpts,, and. It's. It is [2].", 3)
    assert [(s.text, s.cited) for s in parsed] == [("Faker won Worlds 2017, 2019, and 2021.", [1, 2])]
    for short_answer in ("Hanoi.", "Three.", "In 2025.", "Zeus.", "Bà ấy cảm ơn LHQ."):
        assert says_something(short_answer), short_answer
    assert not any(says_something(t) for t in ("It's.", "Excerpts:", "They were.", "It is"))


def test_a_trailing_this_is_stated_in_excerpt_cites_the_sentence_before_it():
    from rag.answering.citations import parse_cited_sentences

    parsed = parse_cited_sentences('PM Chính called it a "tradition". This is stated in excerpt [2].', 3)
    assert [(s.text, s.cited) for s in parsed] == [('PM Chính called it a "tradition".', [2])]
    # alone, it is still a sentence (nothing before it to cite)
    [alone] = parse_cited_sentences("This is stated in excerpt [2].", 3)
    assert alone.cited == [2]


def test_a_refusal_names_what_the_question_asked_about_as_it_wrote_it():
    from rag.answering.answer import name_phrases

    question = "What did Prime Minister Phạm Minh Chính say in his speech to the UN General Assembly in New York?"
    assert name_phrases(question, ["Assembly", "York"]) == ["UN General Assembly", "New York"]
    assert name_phrases("What did Foreign Minister Bùi Thanh Sơn say?", ["Bùi", "Thanh"]) == [
        "Foreign Minister Bùi Thanh Sơn"]
    # the question's first word is not part of a name; a word not found stays as given
    assert name_phrases("Who is the UN Resident Coordinator?", ["Coordinator"]) == ["UN Resident Coordinator"]
    assert name_phrases("Where is it?", ["Gotham"]) == ["Gotham"]


LONG = ("The summit opened on Monday morning in the capital. Delegates from forty countries attended the opening. "
        "The host thanked the organisers for their work. Music and dancing followed the speeches. "
        "A long reception was held in the evening at the old opera house near the river. "
        "Guests were served local dishes and several kinds of tea from the northern provinces. "
        "The talks close on Friday with a joint statement. The minister expects another rise next year. "
        "Rice exports to the region doubled last year, the trade minister said.")
assert len(LONG) > 480  # longer than an excerpt: only some of its sentences are shown


def _long_passage() -> Passage:
    return Passage(chunk_id="b#0", doc_id="b.txt", text=LONG, start=0, end=len(LONG), title="", date=None,
                   source_url=None, agency=None, sentences=split_sentences(LONG, 0))


def test_a_long_passage_shows_the_sentences_that_share_the_question_words():
    prompt = build_messages("How much did rice exports grow?", [_long_passage()])[1]["content"]
    shown = [LONG[s:e] in prompt for s, e in split_sentences(LONG, 0)]
    assert not all(shown)  # the excerpt leaves sentences out; the last one is kept for its words
    assert "Rice exports to the region doubled" in prompt


def test_a_question_in_another_language_is_matched_by_its_english_rendering_and_closeness():
    question = "Xuất khẩu gạo tăng bao nhiêu?"  # shares no word with the English sentences
    alone = build_messages(question, [_long_passage()])[1]["content"]
    assert "Rice exports to the region doubled" not in alone  # the first sentences, by position only
    rendered = build_messages(question, [_long_passage()], match="How much did rice exports grow?")[1]["content"]
    assert "Rice exports to the region doubled" in rendered
    answer = "Rice exports to the region doubled last year, the trade minister said."
    close = build_messages(question, [_long_passage()], closeness={answer: 1.0})[1]["content"]
    assert answer in close and close.startswith("Question: Xuất khẩu gạo tăng bao nhiêu?")
