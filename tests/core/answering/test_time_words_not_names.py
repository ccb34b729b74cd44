"""A question's month and weekday words are its time, not names the articles must mention: news writes a date in
many forms ("Nov. 27", "27/11", "last Thursday"), and a question naming "November" is not about something the
articles never mention because they wrote the day as digits. The other names of the question still count."""
from __future__ import annotations

import pytest

from rag.answering.checks import missing_names
from rag.retrieval.analysis import shape_of


@pytest.mark.parametrize("question, source", [
    ("What did the court rule on Nov. 27?", "On 27/11 the court ruled that the contract stood."),
    ("Who resigned in September?", "The minister resigned on 9/14, officials said."),
    ("What did the council decide on Thursday?", "The council decided yesterday to close the bridge."),
    ("Which team won on Sept. 3 in Hanoi?", "In Hanoi the home team won 2-1 on 3/9."),
])
def test_a_month_or_weekday_is_not_a_name_the_sources_must_mention(question, source):
    assert missing_names(shape_of(question), [source]) == []


def test_the_other_names_of_a_dated_question_still_count():
    assert missing_names(shape_of("Which team won on Sept. 3 in Hanoi?"), ["In Hue the home team won 2-1."]) == ["Hanoi"]
    assert "Guterres" in shape_of("What did Guterres say on Monday, Oct. 6?").names
    assert not {"Monday", "Oct"} & set(shape_of("What did Guterres say on Monday, Oct. 6?").names)
