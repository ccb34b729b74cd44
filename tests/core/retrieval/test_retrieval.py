"""Hybrid retrieval over the seeds: spelling variants of names, date filters, follow-up questions."""
from __future__ import annotations

import pytest

from ..helpers import D000, D001, D002, D003, D004, QUESTION

# (expected top article, spelling variants of the same question)
VARIANTS = [
    (D000, ["What did Lương Cường say about UN reform?", "What did Luong Cuong say about UN reform?",
            "What did luong cuong say about UN reform?"]),
    (D003, ["What did Phạm Minh Chính propose to the UN?", "What did Pham Minh Chinh propose to the UN?"]),
    (D004, ["What did Tô Lâm tell Guterres?", "What did To Lam tell Guterres?"]),
    (D004, ["What did António Guterres say about Portugal?", "What did Antonio Guterres say about Portugal?"]),
    (D002, ["What did Lê Hoài Trung emphasise?", "What did Le Hoai Trung emphasise?"]),
    (D002, ["What did Lê Quốc Hùng reaffirm?", "What did Le Quoc Hung reaffirm?"]),
    (D004, ["When did To Lam receive Guterres in Hanoi?", "When did To Lam receive Guterres in Hà Nội?",
            "When did To Lam receive Guterres in Ha Noi?"]),
    (D001, ["Who held talks with Guterres in Hà Nội on Friday afternoon?",
            "Who held talks with Guterres in Hanoi on Friday afternoon?",
            "Who held talks with Guterres in Ha Noi on Friday afternoon?"]),
    (D001, ["How many countries does Việt Nam have diplomatic ties with?",
            "How many countries does Vietnam have diplomatic ties with?",
            "How many countries does Viet Nam have diplomatic ties with?"]),
]


def _docs(result, n):
    return [p.doc_id for p in result.passages[:n]]


@pytest.mark.parametrize("expected,questions", VARIANTS, ids=[q[1][1][:45] for q in VARIANTS])
def test_spelling_variants_retrieve_the_same_articles(engine, expected, questions):
    results = [engine.retrieve(q) for q in questions]
    tops = [_docs(r, 1)[0] for r in results]
    assert tops == [expected] * len(questions), dict(zip(questions, tops))


def test_a_question_two_articles_answer_finds_both_in_every_spelling(engine):
    """Guterres met Lương Cường twice, in New York (D000) and in Hà Nội (D001): both articles answer. Their order is
    a near tie of the dense scores (0.735 against 0.730) that the int8 models break differently on different CPUs,
    so what every spelling must give is the two articles first."""
    for question in ["Where did António Guterres meet Lương Cường?", "Where did Antonio Guterres meet Luong Cuong?"]:
        articles = list(dict.fromkeys(_docs(engine.retrieve(question), 5)))
        assert set(articles[:2]) == {D000, D001}, (question, articles)


def test_vietnam_variants_share_the_top_articles(engine):
    questions = ["Why did Guterres call Việt Nam a pillar of the multipolar world?",
                 "Why did Guterres call Vietnam a pillar of the multipolar world?",
                 "Why did Guterres call Viet Nam a pillar of the multipolar world?"]
    top3 = [set(_docs(engine.retrieve(q), 3)) for q in questions]
    assert top3[0] == top3[1] == top3[2]
    assert {D000, D002} <= top3[0]  # both reports of the New York meeting say it


def test_vietnam_spelling_does_not_hide_the_answer(engine):
    for q in ("When did Vietnam join the United Nations?", "When did Việt Nam join the United Nations?",
              "When did Viet Nam join the United Nations?"):
        assert _docs(engine.retrieve(q), 1) == [D004], q


def test_meeting_question_retrieves_the_new_york_reports(engine):
    result = engine.retrieve(QUESTION)
    assert result.passages[0].doc_id in (D000, D002)
    assert any("September 22" in p.text for p in result.passages[:2])
    assert len(result.passages) == engine.settings.context_k
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)
    per_doc = {}
    for p in result.passages:
        per_doc[p.doc_id] = per_doc.get(p.doc_id, 0) + 1
    assert max(per_doc.values()) <= engine.settings.max_per_doc


def _dates(result):
    return [(p.doc_id, p.date) for p in result.candidates + result.passages]


def test_since_filter_keeps_only_later_articles(engine):
    result = engine.retrieve("What did Guterres say about Vietnam?", since="2025-10-01")
    assert result.passages
    for doc_id, date in _dates(result):
        assert date is not None and date >= "2025-10-01", doc_id
    assert {p.doc_id for p in result.passages} <= {D003, D004}


def test_until_filter_never_returns_undated_articles(engine):
    question = "Who held talks with Guterres in Hà Nội on Friday afternoon?"
    assert engine.retrieve(question).passages[0].doc_id == D001  # undated, found without a filter
    for until in ("2025-12-31", "2025-09-30"):
        result = engine.retrieve(question, until=until)
        assert result.passages
        for doc_id, date in _dates(result):
            assert date is not None and date <= until, doc_id
    result = engine.retrieve(question, since="2025-09-01", until="2025-09")
    assert {p.doc_id for p in result.passages} <= {D000, D002}


def test_ask_with_date_filter_cites_only_articles_in_range(engine):
    answer = engine.ask("What did Guterres say about Vietnam?", since="2025-10-01", until="2025-10-31")
    assert not answer.refused and answer.citations
    assert all("2025-10-01" <= c.date <= "2025-10-31" for c in answer.citations)
    assert all(p.date and p.date >= "2025-10-01" for p in answer.passages)


def test_follow_up_question_uses_the_conversation(engine):
    history = [
        {"role": "user", "content": "What did Ghada Waly say about the Convention?"},
        {"role": "assistant", "content": "She spoke at the opening of the signature in New York [1]."},
    ]
    result = engine.retrieve("How did she describe it?", history=history)
    assert any("Ghada Waly" in p.text for p in result.passages[:3])
    answer = engine.ask("How did she describe it?", history=history)
    assert "Ghada Waly" in answer.standalone_question
    assert not answer.refused
    assert any("launchpad" in c.quote for c in answer.citations)


def _passage(chunk_id, **scores):
    from rag.models import Passage

    return Passage(chunk_id=chunk_id, doc_id=chunk_id.split("#")[0], text="", start=0, end=0, title="", date=None,
                   source_url=None, agency=None, scores=scores)


def test_retrievers_agree_compares_the_top_of_each_ranking():
    from rag.retrieval.retrieve import retrievers_agree

    same_article = [_passage("a#1", dense=0.9, lexical=3.0), _passage("a#2", dense=0.5, lexical=9.0),
                    _passage("b#1", dense=0.7)]
    assert retrievers_agree(same_article, "article").chunk_id == "a#1"  # the dense retriever's top passage
    assert not retrievers_agree(same_article, "passage")  # dense prefers a#1, BM25 a#2
    other_article = [_passage("a#1", dense=0.9, lexical=1.0), _passage("b#1", dense=0.2, lexical=5.0)]
    assert not retrievers_agree(other_article, "article")
    assert not retrievers_agree([_passage("a#1", dense=0.9)], "article")  # no lexical match: no agreement


def test_when_the_retrievers_agree_the_embedders_best_passage_follows_the_lead():
    """The article's best-fused passage leads (often its lead paragraph, which repeats the names), and the passage the
    embedder ranks first comes right behind it, not ninth: with three passages shown to a language model it is the
    one that answers ("When is toll collection expected to begin on the X expressway?")."""
    from rag.retrieval.retrieve import lead_with, retrievers_agree

    lead = _passage("a#0", dense=0.75, lexical=26.0)
    other = _passage("b#3", dense=0.77, lexical=12.0)
    committee = _passage("a#2", dense=0.75, lexical=10.0)
    toll = _passage("a#5", dense=0.81)  # no lexical match of its own: the names are in the lead
    candidates = [lead, other, committee, toll]
    top = retrievers_agree(candidates, "article")
    assert top is toll
    lead_with(candidates, top, "article")
    assert [p.chunk_id for p in candidates] == ["a#0", "a#5", "b#3", "a#2"]
    lead_with(candidates, candidates[0], "article")  # the lead is itself the embedder's best: nothing moves twice
    assert [p.chunk_id for p in candidates] == ["a#0", "a#5", "b#3", "a#2"]


def test_reranking_is_skipped_only_when_the_retrievers_agree(engine, fresh_engine):
    question = "When did To Lam receive Guterres in Hanoi?"  # names and words that both retrievers find in D004
    fast = engine.retrieve(question)
    assert not fast.reranked
    assert all("rerank" not in p.scores for p in fast.passages)  # clearly related: not even the relevance check
    forced = engine.retrieve(question, rerank=True)  # an explicit request always reranks
    assert forced.reranked and all("rerank" in p.scores for p in forced.passages)
    assert _docs(fast, 1) == _docs(forced, 1) == [D004]
    always = fresh_engine(rerank_skip="never").retrieve(question)
    assert always.reranked and _docs(always, 1) == [D004]
    # an off-topic question: BM25 and the embedder disagree, so the cross-encoder judges (and scores it low)
    off_topic = engine.retrieve("Can you give me a recipe for beef noodle soup?")
    assert off_topic.reranked and off_topic.passages[0].scores["rerank"] < 0


def test_an_uncalibrated_embedder_still_gets_the_relevance_check_when_the_retrievers_agree(fresh_engine, monkeypatch):
    eng = fresh_engine()
    monkeypatch.setattr(eng.index.embedder, "confident_similarity", None)  # the shared instance: restored after
    question = "When did To Lam receive Guterres in Hanoi?"
    result = eng.retrieve(question)
    assert not result.reranked  # the fused order stands
    top, *rest = result.passages
    assert top.scores["rerank"] > eng.settings.relevance_threshold and all("rerank" not in p.scores for p in rest)
    monkeypatch.undo()
    assert [p.chunk_id for p in result.passages] == [p.chunk_id for p in eng.retrieve(question).passages]


def test_more_results_than_the_store_holds_and_an_emptied_store(fresh_engine):
    """The dense query asks Chroma for ``dense_k`` results without counting first: a small store gives what it has,
    an emptied one gives nothing, and the date hint's year follows the records as they change."""
    eng = fresh_engine(dense_k=500)
    held = eng.index.store.count()
    ids, scores = eng.index.store.query(eng.index.embedder.embed_query("Guterres in Hanoi"), 500, None)
    assert len(ids) == held and len(set(ids)) == held and scores == sorted(scores, reverse=True)
    assert eng.index.latest_year() == 2025
    for doc_id in list(eng.index.records()):
        eng.delete(doc_id)
    eng.index.refresh(force=True)
    assert eng.index.latest_year() is None
    result = eng.retrieve("When did Guterres visit Hanoi?")
    assert result.passages == [] and eng.ask("When did Guterres visit Hanoi?").refused


GUN_ARTICLE = """Title: Gun found on passenger after two flights
Date: 2001-12-28

Travellers' worries about airport screening grew again this week, after a man flew on two separate flights with a \
loaded pistol in his carry-on bag before he was stopped in Memphis. The man had flown from Florida to Atlanta, and \
then from Atlanta to Memphis. He was about to board his flight home when security staff picked him for a random \
search and found the weapon in his hand luggage. The man said the gun was his, and was released on $5,000 bail. \
Police said there was no sign he planned an attack, but the case has again raised questions about how airports \
check luggage."""


class _SentenceReader:
    """A cross-encoder that, like the real one on some long passages, scores a passage holding the answer low read
    whole and its answering sentence high read alone; it records what it was asked to read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def score(self, query: str, passages):
        self.read += passages
        return [3.0 if "bail" in query and "bail" in p and p.count(". ") < 1 else -6.0 for p in passages]


def test_a_passage_below_the_bar_read_whole_is_read_sentence_by_sentence(fresh_engine):
    """A terse question whose answer is one sentence of a long passage on the story can score low against the
    whole passage (lee_abc:dev, "memphis gun passenger bail?": −7.4 whole, −0.5 for the sentence). Before refusing,
    the context's passages are read sentence by sentence; a question no sentence answers stays refused, and a
    passage above the bar read whole is not read again."""
    from rag import Engine

    base = fresh_engine(rerank_skip="never")
    base.ingest(texts=[("gun.txt", GUN_ARTICLE)])
    reader = _SentenceReader()
    eng = Engine(base.settings, reranker=reader)
    result = eng.retrieve("memphis gun passenger bail?")
    top = result.passages[0]
    assert top.doc_id == "gun.txt" and top.scores["rerank"] < eng.settings.relevance_threshold
    assert top.scores["sentence_rerank"] >= eng.settings.relevance_threshold
    assert "The man said the gun was his, and was released on $5,000 bail." in reader.read
    answer = eng.ask("memphis gun passenger bail?")
    assert not answer.refused and "$5,000 bail" in answer.text
    off_topic = eng.retrieve("What is the capital of Australia?")
    assert all(p.scores["sentence_rerank"] < eng.settings.relevance_threshold for p in off_topic.passages[:3])
    assert eng.ask("What is the capital of Australia?").refused
    whole = Engine(base.settings, reranker=type("Whole", (), {"score": lambda self, q, ps: [5.0] * len(ps)})())
    assert all("sentence_rerank" not in p.scores for p in whole.retrieve("memphis gun passenger bail?").passages)
