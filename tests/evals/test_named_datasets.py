"""``rag eval --dataset NAME:HALF``: the held-out halves by name, each over its own corpus in a temporary index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import run_eval
from rag import InputError

ROOT = Path(__file__).resolve().parents[2]
QUIET = dict(backend="extractive", k=(1, 3, 5), progress=False, write=False, log=lambda m: None)


def _articles(name: str) -> list[str]:
    return sorted(str(p) for p in (ROOT / "evals" / "corpora" / name).glob("*.txt"))


def test_a_held_out_half_runs_over_its_own_corpus(tmp_path):
    report = run_eval("newspaper4k:test", settings=_settings(tmp_path), limit=3, **QUIET)
    run = report["run"]
    assert run["dataset"]["path"] == str(ROOT / "evals" / "datasets" / "newspaper4k" / "test.jsonl")
    assert run["dataset"]["selected"] == 3 and report["counts"]["ok"] == 3
    corpus = run["corpus"]
    assert corpus["temporary"] and corpus["dirs"] == _articles("newspaper4k")  # its README.md is not an article
    assert corpus["articles"] == len(_articles("newspaper4k")) == 10
    assert not Path(corpus["data_dir"]).exists()
    assert not any("not in the index" in w for w in run["warnings"]), run["warnings"]


def test_a_dataset_without_a_corpus_folder_runs_over_the_seeds(tmp_path, capsys):
    from rag.cli import main

    out = tmp_path / "report"
    code = main(["eval", "--dataset", "vi:dev", "--backend", "extractive", "--limit", "2", "--k", "1,3,5",
                 "--quiet", "--out", str(out), "--data-dir", str(tmp_path / "unused")])
    assert code == 0, capsys.readouterr()
    run = json.loads((out / "report.json").read_text(encoding="utf-8"))["run"]
    assert run["dataset"]["path"] == str(ROOT / "evals" / "datasets" / "vi" / "dev.jsonl")
    assert run["corpus"]["dirs"] == [str(ROOT / "seeds")] and run["corpus"]["temporary"]
    assert not (tmp_path / "unused").exists()  # the configured index was never opened


def test_an_explicit_corpus_wins(tmp_path):
    seeds = ROOT / "seeds"
    report = run_eval("vi:test", settings=_settings(tmp_path), corpus=[seeds], limit=1, **QUIET)
    assert report["run"]["corpus"]["dirs"] == [str(seeds)]
    assert report["run"]["dataset"]["path"].endswith("vi/test.jsonl")


def test_an_unknown_name_or_half_says_what_exists(tmp_path):
    for name in ("lee_abc:train", "nope:test"):
        with pytest.raises(InputError) as err:
            run_eval(name, settings=_settings(tmp_path), **QUIET)
        assert err.value.code == "invalid_input"
        assert "lee_abc:test" in err.value.hint and "vi:dev" in err.value.hint


def _settings(tmp_path: Path):
    from rag import Settings

    return Settings.load(data_dir=tmp_path / "unused", backend="extractive")
