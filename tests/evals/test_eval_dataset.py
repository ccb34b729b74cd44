"""Dataset loading: the seeds file is valid; malformed lines get errors naming the line and the field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import load_dataset, parse_dataset
from rag import InputError

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"id": "a", "question": "Who?", "answer": "Him.", "facts": [["him", "he"]], "sources": ["x.txt"],
        "answerable": True, "kind": "factoid"}


def lines(*rows: dict) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def test_seeds_dataset_is_valid():
    items = load_dataset(ROOT / "evals" / "datasets" / "seeds.jsonl")
    assert len(items) == 73
    assert {i.kind for i in items} >= {"factoid", "unanswerable", "followup"}
    assert all(not i.answerable for i in items if i.kind == "unanswerable")
    assert any(i.history for i in items)


def test_topical_dataset_is_valid():
    from rag.retrieval.topic import topic_of

    items = load_dataset(ROOT / "evals" / "datasets" / "topical.jsonl")
    assert len(items) == 18 and sum(i.answerable for i in items) == 10
    assert all(topic_of(i.question) for i in items)  # every question is one the topical path reads


def test_valid_rows_blank_lines_and_history():
    follow = dict(GOOD, id="b", history=[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}])
    items = parse_dataset(lines(GOOD) + "\n" + lines(follow))
    assert [i.id for i in items] == ["a", "b"]
    assert items[1].history[0]["role"] == "user" and items[1].line == 3


@pytest.mark.parametrize("row, field, words", [
    ({k: v for k, v in GOOD.items() if k != "question"}, "question", "missing"),
    (dict(GOOD, facts=["120"]), "facts", "list of non-empty lists"),
    (dict(GOOD, facts=[[]]), "facts", "list of non-empty lists"),
    (dict(GOOD, sources="x.txt"), "sources", "list of document ids"),
    (dict(GOOD, answerable="yes"), "answerable", "true or false"),
    (dict(GOOD, kind=""), "kind", "non-empty string"),
    (dict(GOOD, answer=None), "answer", "must be a string"),
    (dict(GOOD, answerable=False), "facts", "empty when answerable is false"),
    (dict(GOOD, answerable=False, facts=[]), "sources", "empty when answerable is false"),
    (dict(GOOD, history=[{"role": "system", "content": "x"}]), "history", "role"),
    (dict(GOOD, source=["x.txt"]), "source", "unknown field"),
])
def test_malformed_row_names_line_and_field(row, field, words):
    with pytest.raises(InputError) as err:
        parse_dataset(lines(dict(GOOD, id="first"), row), where="my.jsonl")
    message = err.value.message
    assert message.startswith("my.jsonl, line 2: ") and f"field {field!r}" in message and words in message


def test_bad_json_duplicate_ids_and_empty_file(tmp_path):
    with pytest.raises(InputError, match=r"line 2: not valid JSON"):
        parse_dataset(lines(GOOD) + "{not json\n")
    with pytest.raises(InputError, match=r"line 2: field 'id': duplicate id 'a' \(first on line 1\)"):
        parse_dataset(lines(GOOD, GOOD))
    with pytest.raises(InputError, match="expected a JSON object"):
        parse_dataset("[1, 2]\n")
    with pytest.raises(InputError, match="no questions"):
        parse_dataset("\n\n")
    with pytest.raises(InputError, match="does not exist"):
        load_dataset(tmp_path / "missing.jsonl")


def test_floors_file_and_gate_check(tmp_path):
    from evals.floors import load_floors
    from evals.runner import check_floors, metric_names

    floors = load_floors()
    assert set(floors) <= set(metric_names((1, 3, 5))) and all(0 <= v <= 1 for v in floors.values())
    topical = load_floors(section="topical_floors")
    assert topical and set(topical) <= set(metric_names((1, 3, 5)))
    with pytest.raises(InputError, match="no 'other_floors'"):
        load_floors(section="other_floors")
    agg = {"hit@5": {"value": 0.9, "n": 10}, "false_refusal_rate": {"value": 0.2, "n": 10},
           "fact_recall": {"value": None, "n": 0}}
    assert check_floors(agg, {"hit@5": 0.9})["passed"]
    got = check_floors(agg, {"hit@5": 0.95, "false_refusal_rate": 0.1, "fact_recall": 0.5}, skipped=2)
    assert not got["passed"] and got["failures"] == [
        "2 question(s) were skipped", "hit@5 = 0.9000 is below the floor 0.95",
        "false_refusal_rate = 0.2000 is above the ceiling 0.1", "fact_recall: not measured in this run (floor 0.5)"]
    bad = tmp_path / "floors.json"
    bad.write_text('{"floors": {"hit@5": "high"}}')
    with pytest.raises(InputError, match="must be a number"):
        load_floors(bad)
