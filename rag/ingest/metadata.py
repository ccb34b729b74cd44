"""Article metadata written around the story: front matter, labelled lines, bylines, HTML ``<meta>`` tags.

News arrives in many shapes: Markdown with a YAML front matter block, text exports with "Published: …" and
"By … , Reuters" lines, web pages whose title, date and address sit in ``<meta>`` tags or JSON-LD. These helpers
read that metadata; :func:`rag.ingest.articles.parse_article` keeps such lines out of the indexed content.
"""
from __future__ import annotations

import html
import json
import re
from datetime import date as _date
from typing import Any, Iterator

from ..retrieval.dates import MONTH_NUMBERS, only_a_time

__all__ = ["parse_date", "date_line", "front_matter", "front_matter_block", "labelled_line", "byline", "agency_name", "dateline_agency",
           "html_metadata", "KNOWN_AGENCIES"]

KNOWN_AGENCIES = ("Reuters", "AFP", "AP", "Associated Press", "Agence France-Presse", "Xinhua", "Kyodo", "Kyodo News",
                  "Bernama", "Yonhap", "Anadolu", "ANI", "PTI", "dpa", "EFE", "ANSA", "TASS", "Bloomberg", "UPI",
                  "VNA", "VNS", "VNA/VNS", "VOV", "Antara", "PNA", "Xinhua News Agency", "CNA",
                  "TTXVN", "Thông tấn xã Việt Nam")  # the Vietnam News Agency, as Vietnamese articles name it
_AGENCY_NAMES = {a.lower(): a for a in KNOWN_AGENCIES}

_MONTH = r"(?:" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)")
_DAY_FIRST_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b(" + _MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH + r"),?\s+(\d{4})\b", re.IGNORECASE)
# Vietnamese: "ngày 20 tháng 11 năm 2025", "20 tháng 11, 2025"; and the words that mark a header line's date as
# written the Vietnamese way, day first ("Thứ Năm, 03/04/2025" is April 3)
_VI_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+(?:năm\s+)?(\d{4})\b", re.IGNORECASE)
_VI_DATE_WORDS = re.compile(r"\b(?:ngày|tháng|thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|cập\s+nhật|đăng)\b",
                            re.IGNORECASE)


def parse_date(value: str, *, day_first: bool = False) -> str | None:
    """The first calendar date written in ``value`` as ISO ``yyyy-mm-dd``, else None.

    Reads ISO dates and timestamps (``2025-02-03T08:15:00Z``), ``2025/07/08``, "July 8, 2025", "8 Jul 2025",
    "Sept. 22, 2025", Vietnamese "ngày 20 tháng 11 năm 2025", and day-first numeric dates (``25/10/2025``) only when
    the day cannot be a month, or with ``day_first`` (a header line that says in Vietnamese that it holds a date:
    :func:`vietnamese_date_words`).

    >>> parse_date("Published: Tue, July 8, 2025 10:30 JST"), parse_date("25/10/2025"), parse_date("03/04/2025")
    ('2025-07-08', '2025-10-25', None)
    >>> parse_date("03/04/2025", day_first=True), parse_date("Hà Nội, ngày 20 tháng 11 năm 2025")
    ('2025-04-03', '2025-11-20')
    """
    found: list[tuple[int, str]] = []
    if m := _ISO.search(value):
        found.append((m.start(), _iso(m.group(1), m.group(2), m.group(3))))
    # month names are capitalised ("may 3 2025" is not a date); "JULY 8, 2025" in a dateline is
    if m := next((m for m in _MONTH_DAY_YEAR.finditer(value) if m.group(1)[0].isupper()), None):
        found.append((m.start(), _iso(m.group(3), _month(m.group(1)), m.group(2))))
    if m := next((m for m in _DAY_MONTH_YEAR.finditer(value) if m.group(2)[0].isupper()), None):
        found.append((m.start(), _iso(m.group(3), _month(m.group(2)), m.group(1))))
    if m := _VI_DAY_MONTH_YEAR.search(value):
        found.append((m.start(), _iso(m.group(3), m.group(2), m.group(1))))
    if m := _DAY_FIRST_NUMERIC.search(value):
        day, month = int(m.group(1)), int(m.group(2))
        if day > 12 >= month or day_first:  # else 03/04/2025 could be March or April: not guessed
            found.append((m.start(), _iso(m.group(3), month, day)))
    dates = [(pos, iso) for pos, iso in found if iso]
    return min(dates)[1] if dates else None


def vietnamese_date_words(line: str) -> bool:
    """Does a header line say in Vietnamese that it holds a date ("Thứ Năm, …", "Ngày đăng: …", "Cập nhật …")? Its
    numeric date is then day first."""
    return bool(_VI_DATE_WORDS.search(line))


def _month(name: str) -> int:
    return MONTH_NUMBERS[name.lower().rstrip(".")]


def _iso(year: str | int, month: str | int, day: str | int) -> str:
    try:
        return _date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?,?"
_CLOCK = r"\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?(?:[A-Z]{2,5}|UTC|GMT)(?:\s*[+-]\s*\d{1,2})?\)?)?"
_DATE_LINE_NOISE = re.compile(rf"(?i)\b{_WEEKDAY}|{_CLOCK}|\b(?:[ap]\.?m\.?|ict|utc|gmt)\b|[|–—,/-]"
                              r"|\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\b")  # Vietnamese weekdays


def date_line(line: str) -> str | None:
    """The date of a line that is nothing but a date ("March 14, 2025", "Tuesday, 25/10/2025 14:30 (GMT+7)"), as
    ISO; None for any other line."""
    if len(line) > 60 or not (day := parse_date(line, day_first=vietnamese_date_words(line))):
        return None
    rest = _DATE_LINE_NOISE.sub(" ", re.sub(r"\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.]+Z?)?|\d{1,2}/\d{1,2}/\d{4}", " 2000 ", line))
    return day if only_a_time(rest) else None


# ------------------------------------------------------------------------------------------------ front matter
_FRONT = re.compile(r"\A[ \t\n]*---[ \t]*\n((?:[^\n]*\n){0,60}?)---[ \t]*(?:\n|\Z)")
_FRONT_LINE = re.compile(r"^\s*([A-Za-z][\w .-]{0,40}?)\s*:\s*(.*?)\s*$")
_KEYS = {
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "published_on", "publication_date", "pubdate", "date_published",
             "datepublished", "created", "created_at", "updated", "modified"),
    "url": ("url", "link", "source_url", "source", "canonical", "canonical_url", "original_url", "permalink"),
    "agency": ("agency", "news_agency", "publisher", "source_name", "site_name", "outlet", "source"),
}


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """Metadata of a ``---`` front matter block opening ``text`` (title, date, url, agency), and the offset where
    the article starts after it (0 and ``{}`` without one)."""
    m = _FRONT.match(text)
    if not m:
        return {}, 0
    pairs = [(k, v) for k, v in (_key_value(line) for line in m.group(1).splitlines() if line.strip()) if k]
    if not pairs or len(pairs) < sum(1 for line in m.group(1).splitlines() if line.strip()) / 2:
        return {}, 0  # a horizontal rule, not a metadata block
    return _metadata(pairs), m.end()


def front_matter_block(meta: dict[str, str]) -> str:
    """``meta`` written as a front matter block (empty when there is nothing to write)."""
    lines = [f"{key}: {' '.join(value.split())}" for key, value in meta.items() if value and value.strip()]
    return "---\n" + "\n".join(lines) + "\n---\n" if lines else ""


def _key_value(line: str) -> tuple[str, str]:
    m = _FRONT_LINE.match(line)
    if not m:
        return "", ""
    value = m.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return re.sub(r"[\s-]+", "_", m.group(1).strip().lower()), value.strip()


def _metadata(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The best usable value per field among ``(key, value)`` pairs: keys in the order of :data:`_KEYS`, then the
    pairs' own order ("published" before "updated"; "source: https://…" is the address, "source: Reuters" the
    agency)."""
    meta: dict[str, str] = {}
    for field, names in _KEYS.items():
        for name in names:
            for key, value in pairs:
                if key == name and field not in meta and (clean := _clean(field, value)):
                    meta[field] = clean
    return meta


_NAME_LIKE = re.compile(r"[A-Z0-9À-Ỹ][\w&.,'’/ -]{0,59}")


def _clean(field: str, value: str) -> str:
    """``value`` as a usable ``field`` value, or "" (an unparseable date, a URL that is not one, a long agency)."""
    value = value.strip()
    if field == "date":
        return parse_date(value) or ""
    if field == "url":
        return value if re.match(r"https?://\S+$", value) else ""
    if field == "agency":  # a name ("Reuters", "Laodong.vn", "Kyodo News"), not a sentence
        return value if _NAME_LIKE.fullmatch(value) and len(value.split()) <= 6 and not value.endswith(".") else ""
    return value[:300]


# ---------------------------------------------------------------------------------------------- labelled lines
_LABELLED = re.compile(
    r"^\s*(title|headline|date|published(?: on| at)?|posted(?: on)?|publication date|date published|first published"
    r"|updated|last updated|source url|url|link|original(?: article| url)?|canonical|agency|publisher|source"
    r"|tiêu đề|ngày đăng|đăng ngày|ngày xuất bản|ngày|cập nhật|nguồn|đường dẫn|liên kết)"
    r"\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
# the Vietnamese labels of header lines, as the English labels they stand for
_VIETNAMESE_LABELS = {"tiêu_đề": "title", "ngày_đăng": "date", "đăng_ngày": "date", "ngày_xuất_bản": "date",
                      "ngày": "date", "cập_nhật": "updated", "nguồn": "source", "đường_dẫn": "url", "liên_kết": "url"}


def labelled_line(line: str) -> dict[str, str] | None:
    """Metadata of a header line such as "Published: July 8, 2025", "Title: …", "URL: https://…" or
    "Source: Reuters", also labelled in Vietnamese ("Ngày đăng: 20/11/2025", "Nguồn: Báo Lao Động"); ``{}`` for a short date line without a usable date ("Updated: 10:30 GMT"); None when the line
    is not one (then it is content)."""
    if len(line) > 200:
        return None
    m = _LABELLED.match(line)
    if not m:
        return None
    label, value = re.sub(r"\s+", "_", m.group(1).lower()), m.group(2)
    if label in _VIETNAMESE_LABELS:  # a date labelled in Vietnamese is written day first
        label = _VIETNAMESE_LABELS[label]
        if label in _KEYS["date"]:
            value = parse_date(value, day_first=True) or value
    label = {"published_on": "published", "published_at": "published", "posted": "date", "posted_on": "date",
             "publication_date": "date", "date_published": "date", "first_published": "date",
             "last_updated": "updated", "source_url": "url", "original": "url", "original_article": "url",
             "original_url": "url"}.get(label, label)
    meta = _metadata([(label, value)])
    if meta:
        return meta
    return {} if label in _KEYS["date"] and len(m.group(2)) <= 40 else None


# ------------------------------------------------------------------------------------------- bylines, datelines
_BYLINE = re.compile(r"^\s*(?:By|BY|Written by|Reported by|Story by)\s+([A-ZÀ-Ỹ][^\n]{0,150})$")
_SEPARATORS = re.compile(r"\s*(?:,|·|\||•|\s[-–—]\s|/)\s*")


def byline(line: str) -> dict[str, str] | None:
    """``{"agency": …, "date": …}`` (either may be missing) when ``line`` is a byline ("By Kenji Tanaka, Kyodo News",
    "By Maria Silva, AFP · February 3, 2025"), else None. A sentence that starts with "By" is not one."""
    m = _BYLINE.match(line)
    if not m or line.rstrip().endswith((".", "!", "?", ":", ";", "”", '"')):
        return None
    parts = [p for p in _SEPARATORS.split(m.group(1)) if p]
    if not parts or len(parts[0].split()) > 6:
        return None
    out: dict[str, str] = {}
    agencies = [a for a in map(agency_name, parts[1:]) if a]
    if agencies:
        out["agency"] = agencies[0]
    if day := parse_date(m.group(1)):
        out["date"] = day
    return out


def agency_name(text: str) -> str | None:
    """``text`` as a news agency's name when it is one ("AFP", "Kyodo News", "Reuters"), else None."""
    text = text.strip().strip("()")
    if text.lower() in _AGENCY_NAMES:
        return _AGENCY_NAMES[text.lower()]
    if re.fullmatch(r"(?:[A-Z][\w&.-]*\s){0,3}(?:News(?: Agency)?|Press(?: Agency)?|Newswire|Wire)", text):
        return text
    return None


_DATELINE_AGENCY = re.compile(r"^[A-ZÀ-Ỹ][A-ZÀ-Ỹa-zà-ỹ0-9 .,'’]{1,60}?\(([A-Za-z][\w /.-]{1,30})\)\s*[-–—]+\s")


_ACRONYM = re.compile(r"[A-Z]{2,6}(?:/[A-Z]{2,6})?")


def dateline_agency(lead: str) -> str | None:
    """The agency named in a wire dateline: "LONDON, March 14 (Reuters) - …", "TOKYO, July 8 (Kyodo) -- …",
    "DA NANG, November 2 (VNA) - …"; an acronym in the brackets ("(KPL)") is taken as the agency too."""
    m = _DATELINE_AGENCY.match(lead)
    if not m:
        return None
    name = m.group(1).strip()
    return agency_name(name) or (name if _ACRONYM.fullmatch(name) else None)


# ------------------------------------------------------------------------------------------------------- HTML
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_HTML_KEYS = [  # (field, meta names, first wins)
    ("title", ("og:title", "twitter:title", "headline", "dc.title", "title", "sailthru.title")),
    ("date", ("article:published_time", "datepublished", "og:published_time", "pubdate", "publishdate",
              "publish-date", "publish_date", "dc.date", "dc.date.issued", "date", "parsely-pub-date",
              "sailthru.date", "article:modified_time", "datemodified")),
    ("url", ("og:url", "twitter:url", "url")),
    ("agency", ("og:site_name", "application-name", "publisher", "dc.publisher")),
]


def html_metadata(markup: str) -> dict[str, str]:
    """Title, date, url and agency of a web page, from ``<meta>`` tags, JSON-LD, the canonical link, ``<time>``
    and ``<title>`` (in that order of trust)."""
    tags: dict[str, str] = {}
    for tag in _META_TAG.findall(markup):
        attrs = _attrs(tag)
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key and "content" in attrs and key not in tags:
            tags[key] = attrs["content"]
    pairs: list[tuple[str, str]] = []
    for field, names in _HTML_KEYS:
        pairs += [(field, tags[n]) for n in names if n in tags]
    pairs += list(_json_ld(markup))
    for tag in _LINK_TAG.findall(markup):
        attrs = _attrs(tag)
        if attrs.get("rel", "").lower() == "canonical" and attrs.get("href"):
            pairs.append(("url", attrs["href"]))
    if m := re.search(r"<time\b[^>]*\bdatetime\s*=\s*(\"[^\"]*\"|'[^']*')", markup, re.IGNORECASE):
        pairs.append(("date", m.group(1)[1:-1]))
    if m := re.search(r"(?is)<title\b[^>]*>(.*?)</title>", markup):
        pairs.append(("title", _page_title(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))))))
    return _metadata([(k, " ".join(html.unescape(v).split())) for k, v in pairs])


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}


def _page_title(title: str) -> str:
    """A page title without the site name after it ("Floods in Mozambique | World News" → "Floods in Mozambique")."""
    for sep in (" | ", " – ", " — ", " - "):
        head, _, tail = title.rpartition(sep)
        if head and len(tail.split()) <= 4:
            return head.strip()
    return title.strip()


_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "backgroundnewsarticle", "webpage"}


def _json_ld(markup: str) -> Iterator[tuple[str, str]]:
    """(field, value) pairs of the page's JSON-LD article objects (a broken block is skipped)."""
    for block in re.findall(r"(?is)<script\b[^>]*application/ld\+json[^>]*>(.*?)</script>", markup):
        try:
            data = json.loads(block.strip())
        except ValueError:
            continue
        for obj in _objects(data):
            kinds = obj.get("@type")
            kinds = {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])}
            if not kinds & _ARTICLE_TYPES:
                continue
            for field, key in (("title", "headline"), ("date", "datePublished"), ("url", "url"),
                               ("date", "dateModified")):
                if isinstance(obj.get(key), str):
                    yield field, obj[key]
            publisher = obj.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                yield "agency", publisher["name"]


def _objects(data: Any) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _objects(data["@graph"])
