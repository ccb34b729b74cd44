"""Parsing the seed articles: metadata, boilerplate removal, offsets, Unicode, HTML and unreadable files."""
from __future__ import annotations

import unicodedata

import pytest

from rag import DocumentError, RagError
from rag.ingest.articles import content_hash, html_to_text, parse_article, read_article_file

from .helpers import D000, D001, D002, D003, D004, SEEDS

LAODONG_URL = ("https://laodong.vn/thoi-su/lien-hop-quoc-danh-gia-viet-nam-la-mot-tru-cot-cua-the-gioi-da-cuc-"
               "1579062.ldo")

EXPECTED = {
    D000: dict(date="2025-09-22", date_source="text", source_url=LAODONG_URL, agency="Laodong.vn",
               title="Politburo member and President Luong Cuong met with United Nations Secretary-General "
                     "Antonio Guterres"),
    D001: dict(date=None, date_source=None, source_url=None, agency="VNA/VNS",
               title="President Lương Cường held talks with United Nations (UN) Secretary-General António "
                     "Guterres in Hà Nội"),
    D002: dict(date="2025-09-23", date_source="dateline", source_url=None, agency="VNA/VNS",
               title="Vietnamese State President Lương Cường expressed Việt Nam’s trust in and support for "
                     "multilateralism"),
    D003: dict(date="2025-10-25", date_source="dateline", source_url=None, agency="VNA/VNS",
               title="Prime Minister Phạm Minh Chính had a meeting in Hà Nội on Saturday with United Nations"),
    D004: dict(date="2025-10-26", date_source="dateline", source_url=None, agency=None,
               title="Party General Secretary To Lam receives United Nations Secretary-General António Guterres "
                     "in Hanoi on October 25"),
}

# text every seed's body must start / end with (the first and last real sentences, boilerplate removed)
BODY_EDGES = {
    D000: ("At noon on September 22, 2025 (local time), at the United Nations Headquarters",
           "Convention against Cybercrime in Hanoi at the end of October 2025."),
    D001: ("HÀ NỘI — President Lương Cường held talks", "the Law of the Sea (UNCLOS)."),
    D002: ("NEW YORK – Vietnamese State President Lương Cường",
           "expressed confidence in Việt Nam’s successful hosting of the opening for the signature."),
    D003: ("HÀ NỘI — Prime Minister Phạm Minh Chính had a meeting in Hà Nội on Saturday",
           "for peace, cooperation, sustainable development, and progress worldwide."),
    D004: ("Party General Secretary To Lam hosted a reception in Hanoi on October 25",
           "build a peaceful, just, stable, and sustainably developing world."),
}

BOILERPLATE = ["date 2025-", "Comment (0)", "Comment", "Source:", "laodong.vn/", "Laodong.vn", "VNA/VNS",
               "Photo: VNA", "(Photo", "/."]


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_seed_metadata(seed_articles, doc_id):
    article = seed_articles[doc_id]
    expected = EXPECTED[doc_id]
    assert article.doc_id == doc_id
    assert article.date == expected["date"]
    assert article.date_source == expected["date_source"]
    assert article.source_url == expected["source_url"]
    assert article.agency == expected["agency"]
    assert article.title.startswith(expected["title"])
    assert len(article.title) <= 161  # a headline, not the whole lead
    assert not article.title.startswith(("date", "HÀ NỘI", "NEW YORK"))
    assert article.date_number == (int(expected["date"].replace("-", "")) if expected["date"] else None)


def test_full_titles_of_caption_headlines(seed_articles):
    # 000 and 004 open with a photo caption: it is the headline, without the credit
    assert seed_articles[D000].title == EXPECTED[D000]["title"]
    assert seed_articles[D004].title == EXPECTED[D004]["title"]


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_boilerplate_is_not_indexed(seed_articles, doc_id):
    article = seed_articles[doc_id]
    body = article.body
    for junk in BOILERPLATE:
        assert junk not in body, f"{junk!r} leaked into the body of {doc_id}"
    first, last = BODY_EDGES[doc_id]
    assert body.startswith(first)
    assert body.endswith(last)
    # the boilerplate is still in the stored text: offsets point into the file as it was
    raw = (SEEDS / doc_id).read_text(encoding="utf-8")
    assert article.text == unicodedata.normalize("NFC", raw)


def test_photo_captions_inside_the_article_are_dropped(seed_articles):
    article = seed_articles[D004]
    caption = "United Nations Secretary-General António Guterres is in Hanoi to attend the signing ceremony"
    assert caption in article.text
    assert caption not in article.body
    # the paragraphs around the caption are kept
    assert "Party chief Lam said this is the clearest testament" in article.body
    assert "UN Secretary-General Antonio Guterres shared his special sentiments" in article.body


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_content_spans_lie_inside_the_text(seed_articles, doc_id):
    article = seed_articles[doc_id]
    previous_end = 0
    assert article.content_spans
    for start, end in article.content_spans:
        assert previous_end <= start < end <= len(article.text)
        piece = article.text[start:end]
        assert piece == piece.strip() and "\n" not in piece  # one paragraph, trimmed
        previous_end = end
    assert article.content_hash == content_hash(article.text)


def test_names_with_diacritics_survive_in_nfc(seed_articles):
    raw = (SEEDS / D001).read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", raw)
    assert decomposed != raw
    from_nfd = parse_article(D001, decomposed)
    original = seed_articles[D001]
    assert from_nfd.text == original.text
    assert unicodedata.is_normalized("NFC", from_nfd.text)
    assert from_nfd.content_hash == original.content_hash  # same article, same hash, whatever the normal form
    for name in ("Lương Cường", "António Guterres", "Hà Nội", "Việt Nam"):
        assert name in from_nfd.body
    assert "Lương Cường" in from_nfd.title
    assert "Phạm Minh Chính" in seed_articles[D003].body
    assert "Lê Hoài Trung" in seed_articles[D002].body and "Lê Quốc Hùng" in seed_articles[D002].body
    assert "Đổi mới" in seed_articles[D003].body


def test_windows_line_endings_give_the_same_article(seed_articles):
    raw = (SEEDS / D002).read_text(encoding="utf-8")
    crlf = parse_article(D002, raw.replace("\n", "\r\n"))
    assert crlf.body == seed_articles[D002].body
    assert crlf.content_hash == seed_articles[D002].content_hash
    assert crlf.date == "2025-09-23"


def test_parse_article_small_example():
    a = parse_article("x.txt", " date 2025-09-23 NEW YORK – A met B.\n\nMore text. — VNA/VNS\nComment (0)\n")
    assert (a.date, a.date_source, a.agency, a.title) == ("2025-09-23", "dateline", "VNA/VNS", "A met B.")
    assert a.body == "NEW YORK – A met B.\n\nMore text."


def test_invalid_date_line_is_not_a_date():
    a = parse_article("x.txt", " date 2025-02-30 Something happened in Hanoi.\n\nMore.")
    assert a.date is None
    assert a.body.startswith("date 2025-02-30")  # not a date line, so it is content


def test_html_to_text_drops_scripts_and_styles():
    markup = ("<html><head><title>Ignored head</title><style>p { color: red }</style>"
              "<script>alert('x')</script></head><body><h1>Hà Nội &amp; the UN</h1>"
              "<p>Guterres visited <b>Hà Nội</b>.</p><script type='text/javascript'>var evil = 1;</script>"
              "<noscript>enable js</noscript><div>Second&nbsp;paragraph</div></body></html>")
    text = html_to_text(markup)
    for junk in ("alert", "evil", "color", "enable js", "<", ">", "Ignored head"):
        assert junk not in text
    lines = text.splitlines()
    assert len(lines) == 3  # block elements become lines
    assert lines[0] == "Hà Nội & the UN" and lines[2] == "Second paragraph"
    assert lines[1].startswith("Guterres visited") and "Hà Nội" in lines[1]


def test_html_file_is_read_as_visible_text(tmp_path):
    path = tmp_path / "story.html"
    path.write_text("<html><body><script>steal()</script><p>President Lương Cường met Guterres.</p>"
                    "<p>They discussed UN reform.</p></body></html>", encoding="utf-8")
    text = read_article_file(path)
    assert "steal" not in text
    article = parse_article(path.name, text)
    assert article.body == "President Lương Cường met Guterres.\n\nThey discussed UN reform."


def _expect_document_error(path, *fragments):
    with pytest.raises(DocumentError) as info:
        read_article_file(path)
    err = info.value
    assert isinstance(err, RagError) and err.code == "invalid_document"
    assert path.name in err.message
    assert err.hint  # says what to do
    for fragment in fragments:
        assert fragment.lower() in str(err).lower()
    return err


def test_latin1_file_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café in São Paulo: the président spoke.".encode("latin-1"))
    _expect_document_error(path, "not valid UTF-8", "UTF-8")


def test_cp1258_file_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "vietnamese.txt"
    path.write_bytes("Đông Hà có mưa, ông Hưng đi Hà Tây.".encode("cp1258"))
    err = _expect_document_error(path, "not valid UTF-8")
    assert "iconv" in err.hint or "UTF-8" in err.hint


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _expect_document_error(path, "binary")


@pytest.mark.parametrize("content", [b"", b"   \n\n\t", "\ufeff".encode("utf-8")])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    _expect_document_error(path, "empty")


def test_html_with_only_scripts_is_empty(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text("<html><script>var a = 1;</script><style>b{}</style></html>", encoding="utf-8")
    _expect_document_error(path, "empty")


@pytest.mark.parametrize("name", ["report.pdf", "article.docx", "notes"])
def test_unsupported_suffix_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("President Lương Cường met Guterres.", encoding="utf-8")
    err = _expect_document_error(path, "unsupported file type")
    assert ".txt" in err.hint


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Guterres visited Hanoi. " * 100, encoding="utf-8")
    with pytest.raises(DocumentError, match="limit"):
        read_article_file(path, max_bytes=100)


@pytest.mark.parametrize("raw", ["", "  \n ", "Comment (0)\nSource: https://example.org/a\nShare\n", "VNA/VNS\n"])
def test_parse_article_without_content_raises(raw):
    with pytest.raises(DocumentError) as info:
        parse_article("x.txt", raw)
    assert "x.txt" in info.value.message and info.value.hint
