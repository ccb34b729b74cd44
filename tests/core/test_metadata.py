"""Metadata of articles in other shapes than the seeds: Markdown front matter, labelled header lines, bylines, wire
datelines and web pages (``<meta>`` tags, JSON-LD, canonical link), and what stays content."""
from __future__ import annotations

import pytest

from rag.ingest.articles import decode_article_bytes, parse_article, read_article_file
from rag.ingest.chunking import chunk_article
from rag.ingest.metadata import (agency_name, byline, date_line, dateline_agency, front_matter, html_metadata, labelled_line,
                          parse_date)

MARKDOWN = """---
title: "Central bank holds rates steady as inflation cools"
date: 2025-03-14
source: https://www.example-news.com/economy/central-bank-holds-rates
agency: Reuters
tags: [economy, rates]
---

# Central bank holds rates steady as inflation cools

LONDON, March 14 (Reuters) - The Bank of England kept interest rates unchanged at 4.5% on Thursday, saying inflation
had cooled faster than expected in February.

Governor Andrew Bailey said the nine-member Monetary Policy Committee voted 7-2 to hold rates.

---

"We are not yet at the point where we can declare victory," Bailey told reporters.
"""

WIRE_TEXT = """Japan's Nikkei hits record high on chip rally
Published: 2025-07-08 10:30 JST
Updated: 11:45 JST
By Kenji Tanaka, Kyodo News

TOKYO, July 8 (Kyodo) -- Japan's benchmark Nikkei stock average closed at a record high on Tuesday, led by
semiconductor shares.

By Monday, the index had gained 4 percent in a week.

Source: the Tokyo Stock Exchange said trading volume was the highest this year.

The Nikkei rose 1.8 percent to 42,310.50.

Reporting by Kenji Tanaka; Editing by Mari Saito
© 2025 Kyodo News. All rights reserved.
Share this article
"""

PAGE = """<!doctype html><html><head>
<title>Floods displace thousands in central Mozambique | World News</title>
<meta property="og:title" content="Floods displace thousands in central Mozambique">
<meta property="article:published_time" content="2025-02-03T08:15:00Z">
<meta property="og:url" content="https://news.example.org/world/mozambique-floods">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.org/world/mozambique-floods?ref=rss">
</head><body>
<header><a href="/">Example News</a> <nav>Home | World | Business</nav></header>
<aside>Most read: Celebrity wedding photos</aside>
<article>
<header><h1>Floods displace thousands in central Mozambique</h1>
<p class="byline">By Maria Silva, AFP &middot; February 3, 2025</p></header>
<p>MAPUTO &mdash; Heavy rains have displaced more than 12,000 people in Mozambique&#39;s Sofala province, the national
disaster agency said on Monday.</p>
<p>The agency said 14 people had died and that roads to the port city of Beira were cut.</p>
</article>
<footer>&copy; 2025 Example News. All rights reserved. <a>Share this article</a></footer>
</body></html>"""


def test_markdown_front_matter_gives_the_metadata_and_stays_out_of_the_content():
    article = parse_article("rates.md", MARKDOWN)
    assert article.title == "Central bank holds rates steady as inflation cools"
    assert (article.date, article.date_source) == ("2025-03-14", "metadata")
    assert article.source_url == "https://www.example-news.com/economy/central-bank-holds-rates"
    assert article.agency == "Reuters"
    body = article.body
    assert body.startswith("Central bank holds rates steady")  # the heading is content, without its "#"
    for metadata in ("title:", "date:", "agency:", "tags:", "# ", "---"):
        assert metadata not in body
    assert "declare victory" in body  # a rule inside the story is not front matter
    for chunk in chunk_article(article):
        assert chunk.text == article.text[chunk.start:chunk.end]


def test_header_lines_bylines_and_credits_are_metadata_not_content():
    article = parse_article("nikkei.txt", WIRE_TEXT)
    assert article.title == "Japan's Nikkei hits record high on chip rally"
    assert (article.date, article.date_source) == ("2025-07-08", "metadata")  # "Published", not "Updated"
    assert article.agency == "Kyodo News"
    body = article.body
    for junk in ("Published:", "Updated:", "By Kenji", "Reporting by", "All rights reserved", "Share this"):
        assert junk not in body
    # sentences that merely look like metadata stay content
    assert "By Monday, the index had gained 4 percent in a week." in body
    assert "Source: the Tokyo Stock Exchange said trading volume" in body
    assert body.endswith("The Nikkei rose 1.8 percent to 42,310.50.")


def test_metadata_lines_in_markdown_emphasis():
    article = parse_article("md.md", "# Rates on hold\n\n**Published:** 2025-03-14\n\n*By Jane Doe, Reuters*\n\n"
                                     "The Bank of England kept rates unchanged on Thursday.\n")
    assert (article.title, article.date, article.agency) == ("Rates on hold", "2025-03-14", "Reuters")
    assert "Published" not in article.body and "Jane Doe" not in article.body
    assert article.body.endswith("kept rates unchanged on Thursday.")


@pytest.mark.parametrize("line, day", [
    ("March 14, 2025", "2025-03-14"),
    ("Tuesday, March 14, 2025 10:30 (GMT+7)", "2025-03-14"),
    ("Sat, 25 Oct 2025 08:15 GMT", "2025-10-25"),
    ("Thứ bảy, 25/10/2025 14:30", "2025-10-25"),
    ("Thứ Năm, 03/04/2025, 08:30 (GMT+7)", "2025-04-03"),  # a Vietnamese date line: day first
    ("14 March 2025 | 10:30 am", "2025-03-14"),
    ("On March 14, 2025 the bank met.", None),  # a sentence with a date is content
    ("March 14, 2025 — LONDON", None),
    ("March 2025", None),
])
def test_date_lines(line, day):
    assert date_line(line) == day


def test_a_line_that_is_only_a_date_dates_the_article():
    article = parse_article("x.txt", "Rates on hold\nTuesday, March 14, 2025\n\nThe Bank of England kept rates "
                                     "unchanged on Thursday.\n")
    assert (article.date, article.date_source) == ("2025-03-14", "metadata")
    assert "Tuesday" not in article.body and article.title == "Rates on hold"


def test_wire_dateline_names_the_agency():
    article = parse_article("boe.txt", "LONDON, March 14 (Reuters) - The Bank of England kept rates unchanged.\n")
    assert article.agency == "Reuters"
    assert article.title == "The Bank of England kept rates unchanged."  # the dateline is not the headline
    assert dateline_agency("TOKYO, July 8 (Kyodo) -- Shares rose.") == "Kyodo"
    assert dateline_agency("HÀ NỘI — President Lương Cường held talks (with the UN) - today.") is None


def test_dateline_after_a_headline_line_names_the_agency():
    article = parse_article("danang-bridge.txt", "Da Nang opens the Tran Thi Ly bridge\n\nDA NANG, November 2 (VNA) - "
                            "The city opened the bridge on Sunday.\n\nIt cost 100 billion VND.\n")
    assert article.agency == "VNA" and article.title == "Da Nang opens the Tran Thi Ly bridge"
    # any agency acronym in the brackets, place names of several words
    assert dateline_agency("HO CHI MINH CITY, Nov. 2 (KPL) - Shares rose.") == "KPL"
    assert dateline_agency("VIENTIANE, March 3 (the city) - Shares rose.") is None


def test_web_page_metadata_and_article_text(tmp_path):
    path = tmp_path / "floods.html"
    path.write_text(PAGE, encoding="utf-8")
    article = parse_article(path.name, read_article_file(path))
    assert article.title == "Floods displace thousands in central Mozambique"
    assert (article.date, article.date_source) == ("2025-02-03", "metadata")
    assert article.source_url == "https://news.example.org/world/mozambique-floods"  # og:url before canonical
    assert article.agency == "Example News"  # the publisher the page names
    body = article.body
    assert body.startswith("Floods displace thousands in central Mozambique")
    assert "MAPUTO — Heavy rains have displaced more than 12,000 people in Mozambique's Sofala province" in body
    assert body.endswith("roads to the port city of Beira were cut.")
    for chrome in ("Home | World", "Most read", "Celebrity", "All rights reserved", "Share this", "By Maria"):
        assert chrome not in body
    # an upload through the HTTP API reads the same article
    uploaded = parse_article(path.name, decode_article_bytes(PAGE.encode(), path.name, html_input=True))
    assert (uploaded.title, uploaded.date, uploaded.body) == (article.title, article.date, body)


def test_json_ld_and_page_title_when_there_are_no_meta_tags():
    markup = """<html><head><title>Vietnam GDP grows 8% - Daily Wire</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Daily Wire"},
      {"@type": "NewsArticle", "headline": "Vietnam's economy grows 8% in the third quarter",
       "datePublished": "2025-10-06T09:00:00+07:00", "url": "https://daily.example/vn-gdp",
       "publisher": {"@type": "Organization", "name": "Daily Wire"}}]}</script>
    <script type="application/ld+json">{ broken json </script></head>
    <body><p>HÀ NỘI — Việt Nam's GDP grew 8.2 per cent year on year in the third quarter.</p></body></html>"""
    meta = html_metadata(markup)
    assert meta == {"title": "Vietnam's economy grows 8% in the third quarter", "date": "2025-10-06",
                    "url": "https://daily.example/vn-gdp", "agency": "Daily Wire"}
    assert html_metadata("<title>Vietnam GDP grows 8% - Daily Wire</title>") == {"title": "Vietnam GDP grows 8%"}
    assert html_metadata("<p>no metadata</p>") == {}


def test_a_page_without_metadata_reads_as_before():
    text = decode_article_bytes(b"<p>President Luong Cuong met Guterres.</p><p>They discussed reform.</p>", "a.html",
                                html_input=True)
    assert text == "President Luong Cuong met Guterres.\nThey discussed reform."


@pytest.mark.parametrize("value, expected", [
    ("2025-02-03T08:15:00Z", "2025-02-03"),
    ("2025/07/08", "2025-07-08"),
    ("Published: Tue, July 8, 2025 10:30 JST", "2025-07-08"),
    ("Sept. 22, 2025", "2025-09-22"),
    ("22 Sep 2025", "2025-09-22"),
    ("3rd March 2025", "2025-03-03"),
    ("Thứ bảy, 25/10/2025 14:30", "2025-10-25"),  # day first, unambiguous
    ("03/04/2025", None),  # March 4 or April 3: not guessed
    ("Hà Nội, ngày 20 tháng 11 năm 2025", "2025-11-20"),
    ("20 tháng 11, 2025", "2025-11-20"),
    ("2025-02-30", None),
    ("10:30 GMT", None),
    ("updated 2025-03-15, first published March 14, 2025", "2025-03-15"),  # the first date written
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_front_matter_needs_key_value_lines():
    text = "---\ntitle: A\ndate: 2025-01-02\n---\nBody."
    assert front_matter(text) == ({"title": "A", "date": "2025-01-02"}, text.index("Body."))
    assert front_matter("Body first.\n---\ntitle: A\n---\n") == ({}, 0)  # only at the very start
    assert front_matter("---\nJust a quote in a rule.\nAnother line.\n---\nBody.") == ({}, 0)
    text = "---\nsource: Reuters\nlink: not a url\n---\n"
    assert front_matter(text) == ({"agency": "Reuters"}, len(text))


def test_labelled_lines():
    assert labelled_line("Published on: 14 March 2025") == {"date": "2025-03-14"}
    assert labelled_line("URL: https://example.org/a") == {"url": "https://example.org/a"}
    assert labelled_line("Source: https://example.org/a") == {"url": "https://example.org/a"}
    assert labelled_line("Source: VNA") == {"agency": "VNA"}
    assert labelled_line("Updated: 10:30 GMT") == {}  # a date line without a date: still not content
    assert labelled_line("Source: officials said the toll would rise.") is None
    assert labelled_line("Date: to be announced after the ministers have agreed on a venue and an agenda") is None
    assert labelled_line("The minister said: we will act.") is None


def test_vietnamese_labelled_lines():
    assert labelled_line("Ngày đăng: 03/04/2025 08:30") == {"date": "2025-04-03"}  # day first
    assert labelled_line("Cập nhật: 20/11/2025") == {"date": "2025-11-20"}
    assert labelled_line("Tiêu đề: Hà Nội khánh thành cầu Tứ Liên") == {"title": "Hà Nội khánh thành cầu Tứ Liên"}
    assert labelled_line("Nguồn: Báo Lao Động") == {"agency": "Báo Lao Động"}
    assert labelled_line("Nguồn: https://laodong.vn/a") == {"url": "https://laodong.vn/a"}
    assert labelled_line("Đường dẫn: https://example.vn/a") == {"url": "https://example.vn/a"}
    assert labelled_line("Nguồn tin cho biết: giá xăng sẽ tăng vào tuần tới.") is None  # content


def test_vietnamese_article_header_is_metadata_not_content():
    text = ("Hà Nội khánh thành cầu Tứ Liên\nThứ Năm, 03/04/2025, 08:30 (GMT+7)\nTTXVN\n\n"
            "Sáng 3/4, Ủy ban nhân dân thành phố Hà Nội tổ chức lễ khánh thành cầu Tứ Liên.\n")
    article = parse_article("x.txt", text)
    assert (article.title, article.date, article.agency) == ("Hà Nội khánh thành cầu Tứ Liên", "2025-04-03", "TTXVN")
    assert "08:30" not in article.body and "TTXVN" not in article.body


def test_bylines():
    assert byline("By Kenji Tanaka, Kyodo News") == {"agency": "Kyodo News"}
    assert byline("By Maria Silva, AFP · February 3, 2025") == {"agency": "AFP", "date": "2025-02-03"}
    assert byline("By John Smith and Jane Doe") == {}
    assert byline("By Monday, the toll had risen to 40.") is None
    assert byline("By the numbers") is None
    assert agency_name("Xinhua") == "Xinhua" and agency_name("Bernama News Agency") == "Bernama News Agency"
    assert agency_name("the ministry") is None


def test_articles_of_other_shapes_are_ingested_listed_and_cited(tmp_path, monkeypatch, capsys):
    """Through the command line: ingest a Markdown, a web page and a wire text, list them, ask about one."""
    from rag.cli import main

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "rates.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "floods.html").write_text(PAGE, encoding="utf-8")
    (folder / "nikkei.txt").write_text(WIRE_TEXT, encoding="utf-8")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "index"))
    assert main(["ingest", str(folder)]) == 0
    assert "3 added" in capsys.readouterr().out
    assert main(["documents"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split(None, 4) for line in listing[:-1]] == [
        ["2025-07-08", "nikkei.txt", "2", "chunks", "Japan's Nikkei hits record high on chip rally"],
        ["2025-03-14", "rates.md", "2", "chunks", "Central bank holds rates steady as inflation cools"],
        ["2025-02-03", "floods.html", "2", "chunks", "Floods displace thousands in central Mozambique"],
    ]
    assert listing[-1] == "3 articles"
    assert main(["ask", "How many people died in the Mozambique floods?", "--backend", "extractive"]) == 0
    answer = capsys.readouterr().out
    assert "14 people had died" in answer and "[1]" in answer
    assert "https://news.example.org/world/mozambique-floods" in answer  # the page's own address, cited
    # the headline is shown with each citation of its article, so it is not quoted as one of the answer's sentences
    assert main(["ask", "Any news on Mozambique?", "--backend", "extractive"]) == 0
    answer = capsys.readouterr().out
    assert "12,000 people" in answer and "Floods displace thousands in central Mozambique [" not in answer
