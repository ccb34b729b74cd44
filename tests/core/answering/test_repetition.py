"""A reply that starts to loop: where the loop starts, the text cut before it, and a stream closed when it begins."""
from __future__ import annotations

from rag.answering.repetition import LOOP_WORDS, loop_start, until_loop, without_loop

CLAUSE = "và Việt Nam đã đồng ý với các bên tiếp tục nâng cao quan hệ"


def test_a_run_of_words_said_twice_starts_a_loop_at_its_second_occurrence():
    text = f"Việt Nam và LHQ, {CLAUSE} với UN, {CLAUSE} với ASEAN, {CLAUSE}"
    assert loop_start(text) == text.index(CLAUSE, text.index(CLAUSE) + 1)


def test_words_repeated_in_shorter_runs_are_no_loop():
    text = ("Guterres met To Lam in Hanoi [1]. To Lam met Guterres in Hanoi on Sunday, and Guterres thanked "
            "To Lam [2]. The meeting in Hanoi was their second.")
    assert loop_start(text) is None
    assert without_loop(text) == text


def test_case_punctuation_and_markers_do_not_hide_a_loop():
    sentence = "The minister said the deal would be signed in Hanoi next month"
    text = f"{sentence} [1]. {sentence.upper()}, [2] and again"
    assert loop_start(text) == text.index(sentence.upper())


def test_the_text_is_cut_after_the_last_whole_sentence_before_the_loop():
    answer = "Ông Guterres thăm Việt Nam lần thứ hai [1]."
    assert without_loop(f"{answer} {CLAUSE} với UN, {CLAUSE}") == answer
    cited_twice = "Ông Guterres thăm Việt Nam lần thứ hai. [1, 2]"  # a marker list after the full stop stays
    assert without_loop(f"{cited_twice} {CLAUSE} với UN, {CLAUSE}") == cited_twice
    assert without_loop(f"Việt Nam và LHQ, {CLAUSE} với UN, {CLAUSE}") == f"Việt Nam và LHQ, {CLAUSE} với UN,"


def test_the_stream_stops_where_the_loop_begins_and_is_closed():
    words = f"Mở đầu. {CLAUSE}, {CLAUSE}, {CLAUSE}, {CLAUSE}".split(" ")
    closed = []

    def pieces():
        try:
            for word in words:
                yield word + " "
        finally:
            closed.append(True)

    taken = list(until_loop(pieces()))
    assert closed == [True]
    assert len(taken) == 2 + len(CLAUSE.split()) + LOOP_WORDS  # the opening, the clause once, then one run again
    assert without_loop("".join(taken)) == "Mở đầu."
