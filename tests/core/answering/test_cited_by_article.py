"""What the cross-encoder reads of an answer's citations: one text per cited article, its title then its cited
spans in article order, each span once."""
from rag.answering.citations import cited_by_article
from rag.models import Citation


def _cite(number: int, doc_id: str, title: str, start: int, quote: str) -> Citation:
    return Citation(number=number, doc_id=doc_id, title=title, date=None, source_url=None, agency=None,
                    chunk_id=f"{doc_id}#0", start=start, end=start + len(quote), quote=quote)


def test_one_text_per_article_title_first_spans_in_order_once():
    citations = [_cite(1, "b.txt", "Storm hits the coast.", 50, "Later it weakened."),
                 _cite(2, "a.txt", "Talks in Hanoi", 10, "They met on Friday."),
                 _cite(3, "b.txt", "Storm hits the coast.", 5, "The storm made landfall."),
                 _cite(4, "b.txt", "Storm hits the coast.", 50, "Later it weakened.")]
    assert cited_by_article(citations) == ["Storm hits the coast. The storm made landfall. Later it weakened.",
                                           "Talks in Hanoi. They met on Friday."]
    assert cited_by_article([]) == []
