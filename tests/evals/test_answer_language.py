"""answer_language_match: the share of answers written in the question's language (a refusal counts when it is),
per question and in the report."""
from __future__ import annotations

import json

import pytest

from evals import run_eval

ARTICLE = """date 2025-03-14 HÀ NỘI — The Đà Nẵng Tech Expo opened on Friday with 1,250 exhibitors from 31 countries, \
organisers said.

The expo's director, Nguyễn Thị Lan, said this year's event would focus on semiconductor design and green energy.
"""
ROWS = [
    {"id": "en1", "question": "How many exhibitors took part in the Da Nang Tech Expo?", "answer": "1,250.",
     "facts": [["1,250", "1250"]], "sources": ["alpha.txt"], "answerable": True, "kind": "factoid"},
    {"id": "vi1", "question": "Đội nào vô địch giải bóng đá World Cup năm 1998?", "answer": "Các bài báo không đề cập.",
     "facts": [], "sources": [], "answerable": False, "kind": "unanswerable"},
]


@pytest.mark.parametrize("question, answer, expected", [
    ("Ai vô địch World Cup năm 1998?", "Các bài báo không đề cập.", 1.0),  # a refusal in the question's language
    ("Ai vô địch World Cup năm 1998?", "The articles don't say.", 0.0),
    ("Công ước nào được ký tại Hà Nội?", "Theo bài báo: The UN Convention against Cybercrime was signed in Hanoi.", 0.0),
    ("Which convention was signed in Hà Nội?", "The UN Convention against Cybercrime.", 1.0),
    ("Công ước nào được ký tại Hà Nội?", "Công ước Liên Hợp Quốc về chống tội phạm mạng được ký tại Hà Nội.", 1.0),
])
def test_answer_language_match_compares_the_answer_with_the_question(question, answer, expected):
    from evals import metrics as M
    from rag import detect_language

    assert M.answer_language_match(question, answer, detect_language) == expected


def test_report_gives_the_share_of_answers_in_the_question_language(tmp_path):
    from rag import Engine, Settings

    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(ARTICLE, encoding="utf-8")
    dataset = tmp_path / "mixed.jsonl"
    dataset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    engine = Engine(Settings.load(data_dir=tmp_path / "index", backend="extractive"))
    engine.ingest([corpus])
    report = run_eval(dataset, engine=engine, progress=False, out=tmp_path / "out", log=lambda m: None)
    rows = {r["id"]: r for r in report["questions"]}
    assert rows["vi1"]["refused"] and rows["vi1"]["metrics"]["answer_language_match"] == 1.0
    assert rows["en1"]["metrics"]["answer_language_match"] == 1.0
    assert report["aggregates"]["answer_language_match"] == {"value": 1.0, "n": 2}
    assert "answer_language_match" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
