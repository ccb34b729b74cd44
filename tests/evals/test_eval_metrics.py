"""Metric functions against values computed by hand."""
from __future__ import annotations

import math

import pytest

from evals import metrics as M

LOG3 = math.log2(3)  # discount of rank 2
LOG4 = 2.0  # discount of rank 3


# ------------------------------------------------------------------------------------------------ ranking
def test_ranking_metrics_hand_computed():
    ranked = ["a", "b", "a", "c", "d"]  # deduplicated: a, b, c, d
    relevant = {"c", "x"}
    assert M.hit_at_k(ranked, relevant, 1) == 0.0
    assert M.hit_at_k(ranked, relevant, 2) == 0.0  # the second "a" does not push "c" up to rank 2
    assert M.hit_at_k(ranked, relevant, 3) == 1.0
    assert M.recall_at_k(ranked, relevant, 3) == 0.5
    assert M.recall_at_k(ranked, relevant, 10) == 0.5
    assert M.mrr_at_k(ranked, relevant, 10) == pytest.approx(1 / 3)
    assert M.mrr_at_k(ranked, relevant, 2) == 0.0
    # DCG@3 = 1/log2(4); ideal with 2 relevant docs = 1/log2(2) + 1/log2(3)
    assert M.ndcg_at_k(ranked, relevant, 3) == pytest.approx((1 / LOG4) / (1 + 1 / LOG3))
    assert M.ndcg_at_k(ranked, relevant, 3) == pytest.approx(0.30657, abs=1e-5)


def test_ideal_dcg_is_cut_at_k():
    relevant = {"a", "b", "c"}
    assert M.ndcg_at_k(["a"], relevant, 1) == 1.0  # ideal DCG@1 has one relevant doc, not three
    assert M.ndcg_at_k(["a", "z"], relevant, 2) == pytest.approx(1 / (1 + 1 / LOG3))
    assert M.ndcg_at_k(["z", "a", "b"], relevant, 3) == pytest.approx(
        (1 / LOG3 + 1 / LOG4) / (1 + 1 / LOG3 + 1 / LOG4))
    assert M.ndcg_at_k(["a", "b", "c", "z"], relevant, 4) == 1.0


def test_duplicates_counted_once():
    relevant = {"c", "x"}
    assert M.recall_at_k(["c", "c", "c"], relevant, 3) == 0.5  # not 1.5
    assert M.ndcg_at_k(["c", "c"], relevant, 2) == pytest.approx(1 / (1 + 1 / LOG3))
    assert M.hit_at_k(["z", "z", "c"], relevant, 2) == 1.0  # ranks after dedup: z=1, c=2
    assert M.dedupe(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_empty_retrieval_scores_zero_and_no_relevant_is_undefined():
    for fn in (M.hit_at_k, M.recall_at_k, M.mrr_at_k, M.ndcg_at_k):
        assert fn([], {"a"}, 5) == 0.0
        assert fn(["a", "b"], set(), 5) is None  # unanswerable question: no ranking score at all
    with pytest.raises(ValueError):
        M.hit_at_k(["a"], {"a"}, 0)


# ------------------------------------------------------------------------------------------------ facts
def test_fold_accents_case_and_d_stroke():
    assert M.fold("Lê Hoài Trung") == "le hoai trung"
    assert M.fold("ĐÀ NẴNG") == "da nang"
    assert M.fold("Việt  Nam’s") == "viet nam's"


def test_fact_recall():
    answer = "Acting Minister Lê Hoài Trung spoke; 120 delegates came to Đà Nẵng. [1]"
    assert M.fact_recall(answer, [["Le Hoai Trung"]]) == 1.0
    assert M.fact_recall(answer, [["da nang"], ["Hanoi", "Ha Noi"]]) == 0.5
    assert M.fact_recall(answer, [["12"]]) == 0.0  # a number never matches inside another number
    assert M.fact_recall("1200 people", [["120"]]) == 0.0
    assert M.fact_recall(answer, [["Trung"], ["120"], ["delegates"], ["Paris"]]) == 0.75
    assert M.fact_recall(answer, []) is None
    assert M.fact_present("the UN’s first treaty", ["UN's first"])  # typographic apostrophe


def test_confident_error_counts_wrong_answers_presented_as_sourced():
    facts = [["120"], ["New York"]]
    assert M.confident_error(True, False, facts, "About 200 people came [1].") == 1.0  # no reference fact
    assert M.confident_error(True, False, facts, "120 people came [1].") == 0.0  # one fact is enough
    assert M.confident_error(False, False, [], "The UN was dissolved [1].") == 1.0  # unanswerable, answered
    assert M.confident_error(False, True, [], "The articles don't say.") == 0.0
    assert M.confident_error(True, True, facts, "The articles don't say.") == 0.0  # a false refusal, not an error
    assert M.confident_error(True, False, [], "Anything [1].") == 0.0  # no facts: cannot be judged


# ------------------------------------------------------------------------------------------------ answer text
def test_token_f1():
    # pred tokens: cat, sat (articles dropped); ref: cat, sat, down -> P = 1, R = 2/3, F1 = 0.8
    assert M.token_f1("The cat sat. [1]", "a cat sat down") == pytest.approx(0.8)
    assert M.token_f1("Lê Hoài Trung", "le hoai trung") == 1.0
    assert M.token_f1("", "") == 1.0
    assert M.token_f1("something", "") == 0.0
    assert M.token_f1("dog", "cat") == 0.0
    assert M.token_f1("x x y", "x y y") == pytest.approx(2 / 3)  # common = 2, P = R = 2/3


def test_cosine_and_strip_markers():
    assert M.cosine([1, 0], [0, 1]) == 0.0
    assert M.cosine([1, 1], [2, 2]) == pytest.approx(1.0)
    assert M.cosine([0, 0], [1, 0]) == 0.0
    assert M.strip_markers("It rained [1][2]. Then it stopped *(unsupported)*.") == "It rained. Then it stopped."
    assert M.strip_markers("Trời mưa [1]. Rồi tạnh *(không có căn cứ)*.") == "Trời mưa. Rồi tạnh."


# ------------------------------------------------------------------------------------------------ citations
QUOTES = {
    1: "The expo opened on Friday with 1,250 exhibitors from 31 countries.",
    2: "Its director, Nguyen Thi Lan, said the focus is semiconductor design.",
}


def test_split_cited_sentences():
    got = M.split_cited_sentences("Mr. Lan spoke on Oct. 5. [1] It ended. [2][3]\n[4]")
    assert got == [("Mr. Lan spoke on Oct. 5.", [1]), ("It ended.", [2, 3, 4])]


def test_supports_requires_numbers_and_names():
    assert M.supports("The expo had 1,250 exhibitors from 31 countries.", QUOTES[1])
    assert not M.supports("The expo had 1,300 exhibitors from 31 countries.", QUOTES[1])  # wrong number
    assert not M.supports("Director Tran Van Nam said the focus is semiconductor design.", QUOTES[2])  # wrong name
    assert not M.supports("The weather was cold and rainy all week.", QUOTES[1])  # no overlap


def test_citation_scores_hand_computed():
    answer = ("The expo opened on Friday with 1,250 exhibitors [1]. "
              "Nguyen Thi Lan said the focus is semiconductor design [1]. "
              "Tickets cost 10 dollars.")
    got = M.citation_scores(answer, QUOTES)
    # citations: s1->[1] supports, s2->[1] does not: precision 1/2; sentences: s1 recalled, s2 and s3 not: 1/3
    assert got["citation_precision"] == 0.5
    assert got["citation_recall"] == pytest.approx(1 / 3)
    # groundedness: s1 (quote 1) and s2 (quote 2, although it cites the wrong one) are supported: 2/3
    assert got["groundedness"] == pytest.approx(2 / 3)
    assert got["sentences"] == 3 and got["citations"] == 2


def test_citation_precision_group_and_unknown_numbers():
    # the sentence needs both quotes: each citation is a necessary part of a supporting group
    both = "The expo with 1,250 exhibitors was led by Nguyen Thi Lan [1][2]."
    got = M.citation_scores(both, QUOTES)
    assert got["citation_precision"] == 1.0 and got["citation_recall"] == 1.0
    # an extra citation that adds nothing is imprecise; a citation to an unknown number never supports
    extra = "The expo opened on Friday with 1,250 exhibitors [1][2][9]."
    got = M.citation_scores(extra, QUOTES)
    assert got["citation_precision"] == pytest.approx(1 / 3) and got["citation_recall"] == 1.0
    assert M.citation_scores("", QUOTES)["citation_recall"] is None
    assert M.citation_scores("No citations here at all.", {})["citation_precision"] is None


def test_sentences_cited_across_languages_are_not_scored_by_the_word_check():
    def detect(text: str) -> str:
        return "vi" if any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ") else "en"

    vietnamese = "Triển lãm có 1.250 đơn vị tham gia [1]."
    mixed = f"{vietnamese} The expo opened on Friday with 1,250 exhibitors [1]."
    got = M.citation_scores(mixed, QUOTES, detect=detect)
    assert got["across_languages"] == 0.5  # one of two sentences left out, the English one scored
    assert got["citation_precision"] == 1.0 and got["citation_recall"] == 1.0 and got["groundedness"] == 1.0
    only = M.citation_scores(vietnamese, QUOTES, detect=detect)
    assert only["across_languages"] == 1.0 and only["citation_precision"] is None and only["groundedness"] is None
    # without a detector every sentence is scored (the Vietnamese one fails the word check)
    assert M.citation_scores(mixed, QUOTES)["citation_precision"] == 0.5


def test_groundedness_counts_context_passages():
    got = M.citation_scores("Exports rose by 15 percent.", {}, ["Exports to Manila rose by 15 percent."])
    assert got["groundedness"] == 1.0 and got["citation_recall"] == 0.0


# ------------------------------------------------------------------------------------------------ aggregates
def test_percentile_and_mean():
    xs = [4.0, 1.0, 3.0, 2.0]
    assert M.percentile(xs, 50) == 2.5
    assert M.percentile(xs, 90) == pytest.approx(3.7)  # position 0.9 * 3 = 2.7 -> 3 + 0.7 * (4 - 3)
    assert M.percentile(xs, 95) == pytest.approx(3.85)
    assert M.percentile(xs, 100) == 4.0
    assert M.percentile([7.0], 95) == 7.0
    assert M.percentile([], 50) is None
    assert M.mean([1.0, None, 0.0, True]) == (pytest.approx(2 / 3), 3)
    assert M.mean([None]) == (None, 0)


def test_support_check_treats_spacing_variants_and_possessives_as_the_same_name():
    from evals.metrics import supports

    evidence = "Việt Nam introduced the opening for signature of the landmark Hà Nội Convention against cybercrime."
    assert supports("Vietnam introduced the landmark Hanoi Convention against cybercrime for signature.", evidence)
    assert supports("The landmark Convention against cybercrime of Hà Nội's opening for signature was introduced.",
                    evidence)
    # a name that is not in the evidence in any spelling still fails the check
    assert not supports("Vietnam introduced the Geneva Convention against cybercrime.", evidence)


def test_a_number_the_evidence_spells_out_supports_its_digits():
    evidence = "Assa Abloy crossed the line just under two days and 21 hours after leaving Sydney."
    assert M.supports("Assa Abloy took 2 days and 21 hours to sail from Sydney.", evidence)
    assert not M.supports("Assa Abloy took 3 days and 21 hours to sail from Sydney.", evidence)
    assert M.stated_numbers("Eleven boats and someone else") == {"11"}  # whole words only
