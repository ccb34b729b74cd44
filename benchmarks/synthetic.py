"""Deterministic synthetic news corpus generator.

Produces wire-service style English news articles about Việt Nam and the
wider region, in the same plain-text layout as the files in ``seeds/``:

* an optional leading `` date YYYY-MM-DD `` token,
* a first line that is either a dateline lead (``HÀ NỘI — ...``), a headline
  or a photo caption,
* 4-12 paragraphs of 1-4 sentences,
* an agency tag (``— VNA/VNS``, ``/.``) or a portal footer
  (outlet line + ``Source: https://...``).

Articles cover ten topics with topic-specific vocabulary.  Diplomacy and
technology stories deliberately mention the UN, ASEAN, the General Assembly,
cybercrime and well-known leaders in unrelated contexts so that retrieval over
the real seed articles stays non-trivial, but no generated article restates a
seed article's specific facts (see ``FORBIDDEN``).

Only the standard library is used.  Every article is produced by its own
``random.Random`` seeded from ``(seed, index)``, so output is byte-identical
for the same seed and ``generate(n)`` is a prefix of ``generate(m)`` for
``n <= m``.

Usage::

    python -m benchmarks.synthetic OUT_DIR --articles 2000 [--seed 0]
    python -m benchmarks.synthetic OUT_DIR --chunks 10000 [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

__all__ = [
    "generate",
    "write_corpus",
    "articles_for_chunks",
    "estimate_chunks",
    "iter_articles",
    "CHARS_PER_CHUNK",
    "FORBIDDEN",
]

START_DATE = _dt.date(2024, 1, 1)
END_DATE = _dt.date(2026, 6, 30)
CHARS_PER_CHUNK = 600
MIN_CHARS = 1500
MAX_CHARS = 5000

# Phrases (lower-cased) that identify specific facts of the seed articles.  A
# generated article containing any of them is regenerated.
FORBIDDEN = (
    "hanoi convention",
    "hà nội convention",
    "ha noi convention",
    "high-level general debate",
    "80th session",
    "80th anniversary",
    "80th founding",
    "80th national day",
    "ghada waly",
    "convention against cybercrime",
    "lê hoài trung",
    "le hoai trung",
    "lê quốc hùng",
    "le quoc hung",
    "joined the organisation in 1977",
    "32 largest economies",
)

# Real people's full names that the random name generator must not produce.
_RESERVED_NAMES = frozenset(
    [
        "Phạm Minh Chính", "Lương Cường", "Tô Lâm", "Lê Hoài Trung",
        "Lê Quốc Hùng", "Bùi Thanh Sơn", "Trần Thanh Mẫn", "Nguyễn Hòa Bình",
        "Hồ Đức Phớc", "Trần Hồng Hà", "Lương Tam Quang", "Phan Văn Giang",
        "Nguyễn Văn Thắng", "Nguyễn Hồng Diên", "Nguyễn Kim Sơn",
        "Đào Hồng Lan", "Nguyễn Mạnh Hùng", "Trần Đức Thắng", "Nguyễn Chí Dũng",
        "Lê Thành Long", "Mai Văn Chính", "Trần Cẩm Tú", "Võ Văn Thưởng",
        "Nguyễn Xuân Phúc", "Vương Đình Huệ", "Nguyễn Phú Trọng",
        "Đỗ Đức Duy", "Phạm Thị Thanh Trà", "Nguyễn Văn Nên", "Lê Minh Hưng",
    ]
)

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

VN_FAMILY = (
    ["Nguyễn"] * 9 + ["Trần"] * 3 + ["Lê"] * 3 + ["Phạm"] * 2 + ["Hoàng"] * 2
    + ["Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
       "Lý", "Đinh", "Trương", "Lâm", "Mai", "Tạ", "Cao", "Hà", "Kiều", "Lương",
       "Đoàn", "Vương", "Trịnh", "Chu", "La", "Thái", "Tống", "Quách"]
)
VN_MIDDLE_M = ["Văn", "Văn", "Minh", "Quốc", "Đức", "Thanh", "Hữu", "Công",
               "Xuân", "Hoàng", "Anh", "Tuấn", "Ngọc", "Trọng", "Đình", "Quang",
               "Mạnh", "Việt", "Bá", "Duy", "Thế", "Tiến", "Hải", "Trung"]
VN_MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng",
               "Kim", "Phương", "Thùy", "Mai", "Bích", "Diệu", "Hải", "Lan",
               "Hoài", "Quỳnh", "Tuyết", "Khánh"]
VN_GIVEN_M = ["Hải", "Hùng", "Dũng", "Minh", "Tuấn", "Long", "Thắng", "Sơn",
              "Quang", "Phong", "Khánh", "Đức", "Thành", "Trung", "Hiếu", "Nam",
              "Bình", "Hoàng", "Tùng", "Việt", "Huy", "Kiên", "Lợi", "Thịnh",
              "Toàn", "Vinh", "Phúc", "Tâm", "An", "Bảo", "Đạt", "Hưng", "Khoa",
              "Nghĩa", "Quân", "Tài", "Thái", "Trí", "Tú", "Vũ", "Cường",
              "Duy", "Hiển", "Lâm", "Lực", "Mạnh", "Nhân", "Phương", "Sang",
              "Thanh", "Thuận", "Tiến", "Triều", "Vĩnh", "Hậu", "Chiến"]
VN_GIVEN_F = ["Lan", "Hương", "Mai", "Hoa", "Linh", "Thảo", "Trang", "Hằng",
              "Ngọc", "Phương", "Thủy", "Yến", "Nga", "Hạnh", "Vân", "Thu",
              "Huyền", "Dung", "Nhung", "Anh", "Châu", "Diệp", "Giang", "Hà",
              "Loan", "Oanh", "Quyên", "Trâm", "Uyên", "Xuân", "Hiền", "My",
              "Nhi", "Thư", "Vy", "Liên", "Ly", "Nguyệt", "Tuyết", "Hồng"]

# (name, kind, region descriptor, tags)
# tags: c=coastal, m=Mekong Delta, h=Central Highlands, i=industrial, n=northern
# mountains, t=tourism
PLACES = [
    ("Hà Nội", "capital", "", "it"),
    ("TP Hồ Chí Minh", "metro", "", "imt"),
    ("Hải Phòng", "city", "northern port", "cit"),
    ("Huế", "city", "central", "ct"),
    ("Đà Nẵng", "city", "central", "cit"),
    ("Cần Thơ", "city", "Mekong Delta", "m"),
    ("Quảng Ninh", "province", "northern", "cit"),
    ("Nghệ An", "province", "central", "ci"),
    ("Thanh Hóa", "province", "north-central", "ci"),
    ("Hà Tĩnh", "province", "central", "ci"),
    ("Quảng Trị", "province", "central", "ct"),
    ("Quảng Ngãi", "province", "central", "ci"),
    ("Khánh Hòa", "province", "south-central coastal", "ct"),
    ("Lạng Sơn", "province", "northern border", "n"),
    ("Cao Bằng", "province", "northern border", "nt"),
    ("Điện Biên", "province", "northwestern", "nt"),
    ("Lai Châu", "province", "northwestern", "n"),
    ("Sơn La", "province", "northwestern", "n"),
    ("Lào Cai", "province", "northern mountainous", "nt"),
    ("Tuyên Quang", "province", "northern mountainous", "n"),
    ("Thái Nguyên", "province", "northern", "i"),
    ("Phú Thọ", "province", "northern", "i"),
    ("Bắc Ninh", "province", "northern", "i"),
    ("Hưng Yên", "province", "northern", "i"),
    ("Ninh Bình", "province", "northern", "ct"),
    ("Gia Lai", "province", "Central Highlands", "h"),
    ("Đắk Lắk", "province", "Central Highlands", "h"),
    ("Lâm Đồng", "province", "Central Highlands", "ht"),
    ("Đồng Nai", "province", "southern", "i"),
    ("Tây Ninh", "province", "southern", "im"),
    ("Vĩnh Long", "province", "Mekong Delta", "m"),
    ("Đồng Tháp", "province", "Mekong Delta", "m"),
    ("An Giang", "province", "Mekong Delta", "mt"),
    ("Cà Mau", "province", "southernmost", "cm"),
]
_PLACE_BY_TAG = {
    tag: [p for p in PLACES if tag in p[3]] for tag in "cmhint"
}

COMMUNES = ["Tân Lập", "Hòa Bình", "Phú Thịnh", "Đồng Tâm", "Yên Bình",
            "Xuân Sơn", "Thạch Bàn", "Sơn Thủy", "Mỹ Lộc", "An Phước",
            "Tân Phú", "Vĩnh Hòa", "Quảng Phú", "Hưng Lộc", "Thanh Xuân",
            "Long Hải", "Bình Minh", "Phước Hậu", "Trung Sơn", "Nam Hồng",
            "Cát Tiên", "Hợp Thành", "Đông Thọ", "Kim Liên", "Tam Đảo",
            "Lộc Thủy", "Phong Điền", "Hòa Vang", "Na Hang", "Mường Tè"]
RIVERS = ["Red River", "Đà River", "Lô River", "Cầu River", "Thái Bình River",
          "Mã River", "Cả River", "Lam River", "Hương River", "Thu Bồn River",
          "Trà Khúc River", "Ba River", "Đồng Nai River", "Sài Gòn River",
          "Tiền River", "Hậu River", "Kỳ Cùng River", "Gianh River"]

# country key -> (display name, adjective, name group, cities)
COUNTRIES = {
    "jp": ("Japan", "Japanese", "ja", ["Tokyo", "Osaka", "Nagoya", "Fukuoka"]),
    "kr": ("the Republic of Korea", "Korean", "ko", ["Seoul", "Busan", "Incheon", "Daegu"]),
    "fr": ("France", "French", "fr", ["Paris", "Lyon", "Marseille", "Toulouse"]),
    "de": ("Germany", "German", "de", ["Berlin", "Munich", "Hamburg", "Frankfurt"]),
    "us": ("the US", "US", "en", ["Washington", "New York", "San Francisco", "Chicago"]),
    "uk": ("the UK", "British", "en", ["London", "Manchester", "Edinburgh", "Birmingham"]),
    "au": ("Australia", "Australian", "en", ["Canberra", "Sydney", "Melbourne", "Perth"]),
    "nz": ("New Zealand", "New Zealand", "en", ["Wellington", "Auckland"]),
    "ca": ("Canada", "Canadian", "en", ["Ottawa", "Toronto", "Vancouver"]),
    "in": ("India", "Indian", "in", ["New Delhi", "Mumbai", "Bengaluru", "Chennai"]),
    "id": ("Indonesia", "Indonesian", "id", ["Jakarta", "Surabaya", "Bandung"]),
    "my": ("Malaysia", "Malaysian", "id", ["Kuala Lumpur", "Penang", "Johor Bahru"]),
    "th": ("Thailand", "Thai", "th", ["Bangkok", "Chiang Mai", "Pattaya"]),
    "ph": ("the Philippines", "Philippine", "ph", ["Manila", "Cebu", "Davao"]),
    "sg": ("Singapore", "Singaporean", "sg", ["Singapore"]),
    "la": ("Laos", "Lao", "lo", ["Vientiane", "Luang Prabang"]),
    "kh": ("Cambodia", "Cambodian", "kh", ["Phnom Penh", "Siem Reap"]),
    "se": ("Sweden", "Swedish", "nordic", ["Stockholm", "Gothenburg"]),
    "fi": ("Finland", "Finnish", "nordic", ["Helsinki"]),
    "dk": ("Denmark", "Danish", "nordic", ["Copenhagen"]),
    "no": ("Norway", "Norwegian", "nordic", ["Oslo", "Bergen"]),
    "nl": ("the Netherlands", "Dutch", "en", ["Amsterdam", "Rotterdam", "The Hague"]),
    "it": ("Italy", "Italian", "it", ["Rome", "Milan", "Turin"]),
    "es": ("Spain", "Spanish", "es", ["Madrid", "Barcelona", "Valencia"]),
    "br": ("Brazil", "Brazilian", "es", ["Brasília", "São Paulo", "Rio de Janeiro"]),
    "cl": ("Chile", "Chilean", "es", ["Santiago", "Valparaíso"]),
    "mx": ("Mexico", "Mexican", "es", ["Mexico City", "Guadalajara"]),
    "ar": ("Argentina", "Argentine", "es", ["Buenos Aires", "Córdoba"]),
    "ae": ("the United Arab Emirates", "Emirati", "ar", ["Abu Dhabi", "Dubai"]),
    "sa": ("Saudi Arabia", "Saudi", "ar", ["Riyadh", "Jeddah"]),
    "eg": ("Egypt", "Egyptian", "ar", ["Cairo", "Alexandria"]),
    "ke": ("Kenya", "Kenyan", "af", ["Nairobi", "Mombasa"]),
    "za": ("South Africa", "South African", "af", ["Pretoria", "Cape Town", "Johannesburg"]),
    "ng": ("Nigeria", "Nigerian", "af", ["Abuja", "Lagos"]),
    "kz": ("Kazakhstan", "Kazakh", "ru", ["Astana", "Almaty"]),
    "mn": ("Mongolia", "Mongolian", "ru", ["Ulaanbaatar"]),
    "hu": ("Hungary", "Hungarian", "de", ["Budapest"]),
    "cz": ("the Czech Republic", "Czech", "de", ["Prague", "Brno"]),
    "pl": ("Poland", "Polish", "de", ["Warsaw", "Kraków"]),
    "bd": ("Bangladesh", "Bangladeshi", "in", ["Dhaka", "Chittagong"]),
    "lk": ("Sri Lanka", "Sri Lankan", "in", ["Colombo"]),
    "tr": ("Türkiye", "Turkish", "ar", ["Ankara", "Istanbul"]),
    "cn": ("China", "Chinese", "zh", ["Beijing", "Shanghai", "Guangzhou", "Nanning"]),
    "ie": ("Ireland", "Irish", "en", ["Dublin", "Cork"]),
}
_COUNTRY_KEYS = list(COUNTRIES)
_TRADE_PARTNERS = ["jp", "kr", "us", "de", "fr", "uk", "au", "in", "sg", "th",
                   "id", "my", "nl", "it", "ca", "ae", "cn", "cn", "us"]
# year diplomatic relations were established (for anniversaries)
TIES_SINCE = {"jp": 1973, "fr": 1973, "uk": 1973, "au": 1973, "it": 1973,
              "sg": 1973, "my": 1973, "nl": 1973, "de": 1975, "in": 1972,
              "se": 1969, "fi": 1973, "dk": 1971, "no": 1971, "kr": 1992,
              "us": 1995, "th": 1976, "ph": 1976, "id": 1955, "la": 1962,
              "kh": 1967, "br": 1989, "cl": 1971, "mx": 1975, "ar": 1973,
              "ca": 1973, "nz": 1975, "ie": 1996, "es": 1977, "hu": 1950,
              "cz": 1950, "pl": 1950, "mn": 1954, "eg": 1963, "za": 1993,
              "ng": 1976, "kz": 1992, "ae": 1993, "sa": 1999, "bd": 1973,
              "lk": 1970, "tr": 1978, "ke": 1995, "cn": 1950}

FOREIGN_NAMES = {
    "ja": (["Hiroshi", "Kenji", "Yuko", "Akiko", "Takeshi", "Naoko", "Daisuke", "Emi", "Shinji", "Mariko"],
           ["Tanaka", "Sato", "Watanabe", "Kobayashi", "Yamamoto", "Nakamura", "Ishikawa", "Mori", "Fujita", "Okada"], True),
    "ko": (["Min-jun", "Seo-yeon", "Ji-hoon", "Hye-jin", "Dong-hyun", "Soo-ah", "Jae-won", "Eun-ji"],
           ["Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon", "Han"], True),
    "fr": (["Claire", "Laurent", "Sophie", "Julien", "Camille", "Olivier", "Élodie", "Mathieu"],
           ["Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau", "Chevalier", "Mercier"], False),
    "de": (["Jonas", "Katrin", "Matthias", "Anja", "Stefan", "Julia", "Tobias", "Sabine", "Pavel", "Zsófia"],
           ["Becker", "Hoffmann", "Schulz", "Wagner", "Krüger", "Richter", "Neumann", "Vogel", "Novák", "Horváth"], False),
    "en": (["Sarah", "James", "Emily", "Daniel", "Rachel", "Michael", "Laura", "Andrew", "Olivia", "Thomas", "Fiona", "Patrick"],
           ["Mitchell", "Carter", "Hughes", "Bennett", "Foster", "Harrison", "Reid", "Collins", "Whitaker", "Gordon", "Doyle", "Sinclair"], False),
    "es": (["María", "Carlos", "Lucía", "Javier", "Ana", "Diego", "Beatriz", "Rafael", "Camila", "Tomás"],
           ["García", "Fernández", "Costa", "Oliveira", "Herrera", "Mendes", "Ruiz", "Almeida", "Navarro", "Pereira"], False),
    "it": (["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Paolo"],
           ["Rossi", "Bianchi", "Conti", "Ricci", "Marino", "Greco"], False),
    "nordic": (["Erik", "Ingrid", "Lars", "Astrid", "Magnus", "Sofie", "Mikkel", "Hanna", "Aino", "Jussi"],
               ["Lindqvist", "Andersen", "Johansson", "Nilsen", "Berg", "Halvorsen", "Virtanen", "Dahl", "Korhonen"], False),
    "in": (["Priya", "Rahul", "Anjali", "Vikram", "Meera", "Arjun", "Kavita", "Sanjay", "Farhana", "Nuwan"],
           ["Raman", "Sharma", "Iyer", "Mehta", "Nair", "Gupta", "Reddy", "Kapoor", "Hossain", "Perera"], False),
    "id": (["Budi", "Siti", "Ahmad", "Dewi", "Rizal", "Nurul", "Hendra", "Farah", "Azlan", "Putri"],
           ["Santoso", "Rahman", "Hidayat", "Ismail", "Wijaya", "Abdullah", "Saputra", "Hassan", "Yusof"], False),
    "th": (["Somchai", "Nattaya", "Anan", "Kanokwan", "Prasert", "Siriporn", "Wichai", "Pimchanok"],
           ["Wongsakul", "Chaiyaporn", "Srisuk", "Thongchai", "Rattanakorn", "Boonmee", "Kittisak"], False),
    "ph": (["Maria", "Jose", "Angelica", "Ramon", "Kristine", "Paolo", "Liza", "Miguel"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Villanueva", "Dela Cruz", "Mendoza", "Aquino"], False),
    "sg": (["Wei Ming", "Hui Ling", "Kok Keong", "Mei Ling", "Jia Hao", "Siew Lan"],
           ["Tan", "Lim", "Ng", "Goh", "Chua", "Teo"], True),
    "lo": (["Sengphet", "Vilayvanh", "Souksavanh", "Bounmy", "Khamphone", "Somphone"],
           ["Phommachanh", "Keomany", "Sysouvanh", "Vongsa", "Inthavong", "Chanthala"], False),
    "kh": (["Sokha", "Chanthou", "Dara", "Sreymom", "Vannak", "Bopha"],
           ["Chea", "Sok", "Meas", "Heng", "Keo", "Chhun"], True),
    "ar": (["Ahmed", "Layla", "Omar", "Fatima", "Khalid", "Noura", "Mehmet", "Elif"],
           ["Al-Mansouri", "Haddad", "Nasser", "Khalil", "Farouk", "Saleh", "Yılmaz", "Demir"], False),
    "af": (["Grace", "Samuel", "Amina", "Kwame", "Thandiwe", "Joseph", "Chiamaka", "Brian"],
           ["Wanjiru", "Okafor", "Mensah", "Ndlovu", "Otieno", "Adeyemi", "Mokoena"], False),
    "zh": (["Wei", "Li Na", "Jun", "Hui", "Ming", "Xiaoyan", "Hao", "Lin"],
           ["Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou"], True),
    "ru": (["Aigerim", "Dmitri", "Elena", "Nurlan", "Bolormaa", "Arman", "Saule", "Batbayar"],
           ["Petrova", "Sokolov", "Bekov", "Tsogt", "Akhmetov", "Dorj", "Sultanova"], False),
}

COMPANY_A = ["An", "Tân", "Phú", "Minh", "Hưng", "Thành", "Đại", "Hải", "Sao", "Bình",
             "Kim", "Trường", "Nam", "Đông", "Thiên", "Vạn", "Hồng", "Ngọc", "Quang", "Lộc",
             "Bắc", "Tây", "Phước", "Hòa"]
COMPANY_B = ["Phát", "Thịnh", "Long", "Hưng", "Việt", "Sơn", "Hà", "Tín", "Lợi", "Khang",
             "Mỹ", "Phong", "An", "Thái", "Tiến", "Bảo", "Nguyên", "Đạt", "Cường", "Vượng"]
COMPANY_SUFFIX = ["Joint Stock Company", "JSC", "Co., Ltd", "Corporation", "Group",
                  "JSC", "Co., Ltd"]
FOREIGN_BRANDS = ["Kanto Precision", "Hanwul Electronics", "Nordvik Components",
                  "Sinar Logistics", "Bayside Polymers", "Meridian Textiles",
                  "Orion Semicon", "Rheinfeld Automation", "Sakura Foods",
                  "Lumen Solar", "Pacifica Cables", "Everstone Materials",
                  "Kyoto Seimitsu", "Daehan Chemical", "Helios Wind",
                  "Aurora Data", "Vantage Circuit", "Bluepeak Optics",
                  "Brightwater Packaging", "Tessaro Motors", "Kestrel Microsystems",
                  "Hoshino Cable", "Silverline Apparel", "Granite Bay Furniture",
                  "Unison Pharma", "Maple Ridge Foods", "Corvus Robotics",
                  "Sunward Energy", "Altamira Components", "Seojin Display"]
FOREIGN_SUFFIX = ["Co.", "Group", "Ltd", "Inc.", "Corporation", "Holdings"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday"]
_SMALL_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven",
                "eight", "nine"]
_MONTH_COUNT_WORDS = ["", "", "two", "three", "four", "five", "six", "seven",
                      "eight", "nine", "10", "11"]

FOREIGN_DATELINES = {
    "New York": "NEW YORK", "Geneva": "GENEVA", "Vienna": "VIENNA",
    "Bangkok": "BANGKOK", "Jakarta": "JAKARTA", "Singapore": "SINGAPORE",
    "Tokyo": "TOKYO", "Seoul": "SEOUL", "Paris": "PARIS", "Brussels": "BRUSSELS",
    "Vientiane": "VIENTIANE", "Kuala Lumpur": "KUALA LUMPUR", "Manila": "MANILA",
    "Phnom Penh": "PHNOM PENH", "Canberra": "CANBERRA", "Berlin": "BERLIN",
    "New Delhi": "NEW DELHI", "Nairobi": "NAIROBI", "Luang Prabang": "LUANG PRABANG",
    "Cebu": "CEBU", "Washington": "WASHINGTON", "London": "LONDON",
}

# Fictional agencies / outlets.  VNA/VNS is the real national wire and is kept
# as in the seeds.
WIRE_TAGS = ["VNA/VNS"] * 6 + ["VNS"] * 2 + ["MNS", "SHN", "APW", "RRP"]
PORTAL_OUTLETS = [
    ("Laodong.vn", "example-news.vn", ".ldo"),
    ("Laodong.vn", "example-news.vn", ".ldo"),
    ("Songhong Daily", "songhong.example-daily.vn", ".html"),
    ("Mekong Times Online", "mekongtimes.example.vn", ".htm"),
    ("Lotus Newswire", "lotus.example-news.vn", ".vnp"),
    ("Coastal Post", "coastalpost.example.org", ".html"),
]
PHOTO_CREDITS = ["VNA"] * 6 + ["VNS", "VNA/VNS", "Mekong Times", "Lotus Newswire"]

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

# "{slot}", "{^slot}" (capitalised) or an inline alternation "[[a|b|c]]"
_SLOT = re.compile(r"\{(\^?)([a-z0-9_]+)\}|\[\[([^\]]*)\]\]")


def _fold(text: str) -> str:
    """Strip Vietnamese diacritics the way some English-language portals do."""
    for a, b in (("TP Hồ Chí Minh", "Ho Chi Minh City"),
                 ("TP HỒ CHÍ MINH", "HO CHI MINH CITY"),
                 ("Việt Nam", "Vietnam"), ("Hà Nội", "Hanoi"),
                 ("HÀ NỘI", "HANOI"), ("VNĐ", "VND"), ("Huế", "Hue")):
        text = text.replace(a, b)
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", out)


def _slug(text: str, limit: int = 9) -> str:
    words = re.findall(r"[a-z0-9]+", _fold(text).lower())
    return "-".join(words[:limit]) or "news"


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suf = "th"
    else:
        suf = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


def _num_word(n: int) -> str:
    return _SMALL_WORDS[n] if 0 <= n < 10 else f"{n:,}"


def _fmt_dec(x: float, nd: int = 1) -> str:
    s = f"{x:,.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _fmt_date(d: _dt.date, with_year: bool = False) -> str:
    s = f"{MONTHS[d.month - 1]} {d.day}"
    return f"{s}, {d.year}" if with_year else s


# ---------------------------------------------------------------------------
# Expansion engine
# ---------------------------------------------------------------------------


class _Gen:
    """Holds the per-article random state, context and grammar layers."""

    __slots__ = ("r", "ctx", "layers", "day")

    def __init__(self, r: random.Random, day: _dt.date, layers: list):
        self.r = r
        self.day = day
        self.ctx: dict[str, str] = {}
        self.layers = layers

    def x(self, tpl: str) -> str:
        return _SLOT.sub(self._sub, tpl)

    def _sub(self, m: re.Match) -> str:
        alt = m.group(3)
        if alt is not None:
            return self.x(self.r.choice(alt.split("|")))
        cap, key = m.group(1), m.group(2)
        val = self.ctx.get(key)
        if val is None:
            fn = FUNCS.get(key)
            if fn is not None:
                val = fn(self)
            else:
                for layer in self.layers:
                    opts = layer.get(key)
                    if opts is not None:
                        break
                else:
                    raise KeyError(f"unknown slot {key!r}")
                val = self.x(self.r.choice(opts))
        return _cap(val) if cap else val

    def lookup(self, key: str):
        for layer in self.layers:
            opts = layer.get(key)
            if opts is not None:
                return opts
        return None

    def pick(self, key: str) -> str:
        return self.x(self.r.choice(self.lookup(key)))

    # -- entity helpers ---------------------------------------------------
    def vn_name(self, female: bool | None = None) -> tuple[str, str, bool]:
        r = self.r
        if female is None:
            female = r.random() < 0.42
        while True:
            fam = r.choice(VN_FAMILY)
            if female:
                mid = r.choice(VN_MIDDLE_F)
                given = r.choice(VN_GIVEN_F)
            else:
                mid = r.choice(VN_MIDDLE_M)
                given = r.choice(VN_GIVEN_M)
            if mid == given:
                continue
            if r.random() < 0.12:
                extra = r.choice(VN_MIDDLE_F if female else VN_MIDDLE_M)
                if extra not in (mid, given):
                    mid = f"{mid} {extra}" if extra != "Thị" else f"{extra} {mid}"
            full = f"{fam} {mid} {given}"
            if full not in _RESERVED_NAMES:
                return full, given, female

    def foreign_name(self, ckey: str | None = None) -> str:
        r = self.r
        if ckey is None:
            ckey = r.choice(_COUNTRY_KEYS)
        firsts, lasts, family_first = FOREIGN_NAMES[COUNTRIES[ckey][2]]
        first, last = r.choice(firsts), r.choice(lasts)
        return f"{last} {first}" if family_first else f"{first} {last}"

    def rand(self, lo: int, hi: int, step: int = 1) -> int:
        return self.r.randrange(lo, hi + 1, step)

    def date_offset(self, lo: int, hi: int) -> _dt.date:
        d = self.day + _dt.timedelta(days=self.r.randint(lo, hi))
        return d

    def set_official(self, roles: list, female: bool | None = None) -> None:
        """Pick the article's main official.  roles: (short head, full title)."""
        head, title = self.r.choice(roles)
        full, given, female = self.vn_name(female)
        if female:
            head = head.replace("Chairman", "Chairwoman")
            title = title.replace("Chairman", "Chairwoman")
        c = self.ctx
        c["off_name"] = full
        c["off_title"] = self.x(title)
        c["off_short"] = f"{head} {given}" if head else given
        c["off_given"] = given
        c["he"], c["his"], c["him"] = (("she", "her", "her") if female
                                       else ("he", "his", "him"))


# ---------------------------------------------------------------------------
# Slot functions (numbers, money, dates, people)
# ---------------------------------------------------------------------------


def _pct(lo: float, hi: float, nd: int = 1):
    def f(g: _Gen) -> str:
        v = _fmt_dec(g.r.uniform(lo, hi), nd)
        return v + (" per cent" if g.ctx.get("_pct") == "w" else "%")
    return f


def _int(lo: int, hi: int, step: int = 1, words: bool = False):
    def f(g: _Gen) -> str:
        n = g.r.randrange(lo, hi + 1, step)
        return _num_word(n) if words else f"{n:,}"
    return f


def _dec(lo: float, hi: float, nd: int = 1):
    def f(g: _Gen) -> str:
        return _fmt_dec(g.r.uniform(lo, hi), nd)
    return f


def _usd_rate(g: _Gen) -> int:
    return {2024: 25_000, 2025: 25_900, 2026: 26_300}[g.day.year]


def _money_usd(value_usd: float) -> str:
    if value_usd >= 1e9:
        return f"US${_fmt_dec(value_usd / 1e9, 2 if value_usd < 1e10 else 1)} billion"
    if value_usd >= 1e6:
        return f"US${_fmt_dec(value_usd / 1e6, 1)} million"
    return f"US${int(round(value_usd, -2)):,}"


def _vnd(lo_b: float, hi_b: float):
    """VNĐ amount between lo_b and hi_b billion, with a US$ conversion."""
    def f(g: _Gen) -> str:
        r = g.r
        b = r.uniform(lo_b, hi_b)
        if b >= 1000:
            core = f"VNĐ{_fmt_dec(b / 1000, 1)} trillion"
        elif b >= 1:
            core = f"VNĐ{_fmt_dec(b, 2 if b < 10 else 1 if b < 100 else 0)} billion"
        else:
            core = f"VNĐ{int(b * 1000)} million"
        if r.random() < 0.55:
            usd = b * 1e9 / _usd_rate(g)
            approx = "about " if r.random() < 0.4 else ""
            core += f" ({approx}{_money_usd(usd)})"
        return core
    return f


def _fmt_vnd(g: _Gen, b: float, conv: bool | None = None) -> str:
    """Format an amount given in billions of đồng, optionally with US$."""
    if b >= 1000:
        core = f"VNĐ{_fmt_dec(b / 1000, 1)} trillion"
    elif b >= 1:
        core = f"VNĐ{_fmt_dec(b, 2 if b < 10 else 1 if b < 100 else 0)} billion"
    else:
        core = f"VNĐ{max(1, int(b * 1000))} million"
    if conv is None:
        conv = g.r.random() < 0.5
    if conv:
        core += f" ({'about ' if g.r.random() < 0.4 else ''}{_money_usd(b * 1e9 / _usd_rate(g))})"
    return core


def _usd(lo_m: float, hi_m: float):
    def f(g: _Gen) -> str:
        return _money_usd(g.r.uniform(lo_m, hi_m) * 1e6)
    return f


def _f_date_past(g: _Gen) -> str:
    d = g.date_offset(-75, -3)
    return "on " + _fmt_date(d, d.year != g.day.year)


def _f_month_past(g: _Gen) -> str:
    d = g.date_offset(-160, -25)
    return MONTHS[d.month - 1] + ("" if d.year == g.day.year else f" {d.year}")


def _f_month_past_year(g: _Gen) -> str:
    d = g.date_offset(-500, -40)
    return f"{MONTHS[d.month - 1]} {d.year}"


def _f_date_future(g: _Gen) -> str:
    """A future time phrase usable after 'will be held', 'will be completed'..."""
    r, d = g.r, g.day
    k = r.randrange(6)
    if k <= 1:
        fut = g.date_offset(25, 320)
        yr = f" {fut.year}" if fut.year != d.year or r.random() < 0.3 else ""
        return f"in {MONTHS[fut.month - 1]}{yr}"
    if k == 2:
        qq = (d.month - 1) // 3 + 1 + r.randint(1, 4)
        yy, qn = d.year + (qq - 1) // 4, (qq - 1) % 4 + 1
        return f"in the {('first', 'second', 'third', 'fourth')[qn - 1]} quarter of {yy}"
    if k == 3:
        return "later this year" if d.month <= 9 else "early next year"
    if k == 4:
        return f"by the end of {d.year if d.month <= 9 else d.year + 1}"
    return f"in {d.year + 1}"


def _f_future_year(g: _Gen) -> str:
    return str(min(2030, g.day.year + g.r.randint(1, 5)))


def _f_past_year(g: _Gen) -> str:
    return str(g.r.randint(2008, g.day.year - 2))


def _f_weekday_past(g: _Gen) -> str:
    d = g.date_offset(-6, -1)
    return WEEKDAYS[d.weekday()]


def _f_place_any(g: _Gen) -> str:
    main = g.ctx.get("place")
    while True:
        p = g.r.choice(PLACES)[0]
        if p != main:
            return p


def _f_name_vn(g: _Gen) -> str:
    return g.vn_name()[0]


def _f_name_foreign(g: _Gen) -> str:
    return g.foreign_name()


def _f_company(g: _Gen) -> str:
    r = g.r
    a, b = r.choice(COMPANY_A), r.choice(COMPANY_B)
    if a == b:
        b = "Phát"
    word = g.ctx.get("co_word") or (g.pick("co_word") if g.lookup("co_word") else None) or r.choice(
        ["Trading", "Food", "Logistics", "Construction", "Technology",
         "Plastics", "Garment", "Agricultural Products", "Mechanical",
         "Packaging", "Pharmaceutical", "Energy"])
    return f"{a} {b} {word} {r.choice(COMPANY_SUFFIX)}"


def _f_foreign_company(g: _Gen) -> str:
    r = g.r
    return f"{r.choice(FOREIGN_BRANDS)} {r.choice(FOREIGN_SUFFIX)}"


def _f_expert(g: _Gen) -> str:
    name = g.vn_name()[0]
    return f"{name}, {g.pick('expert_role')}"


def _f_expert_foreign(g: _Gen) -> str:
    return f"{g.foreign_name()}, {g.pick('expert_role_foreign')}"


def _f_biz_person(g: _Gen) -> str:
    name = g.vn_name()[0]
    role = g.r.choice(["director of", "general director of", "chairman of",
                       "deputy director of", "head of sales at",
                       "chief executive of"])
    return f"{name}, {role} {_f_company(g)}"


def _f_resident(g: _Gen) -> str:
    name, _, female = g.vn_name()
    age = g.r.randint(24, 78)
    role = g.r.choice(["resident", "farmer", "small trader", "fisherman" if not female else "shop owner",
                       "retiree" if age > 60 else "factory worker", "teacher"])
    return f"{name}, a {age}-year-old {role} in {_f_commune(g)} commune"


def _f_commune(g: _Gen) -> str:
    return g.r.choice(COMMUNES)


def _f_country(g: _Gen) -> str:
    main = g.ctx.get("country")
    while True:
        c = COUNTRIES[g.r.choice(_COUNTRY_KEYS)][0]
        if c != main:
            return c


def _f_partner(g: _Gen) -> str:
    return COUNTRIES[g.r.choice(_TRADE_PARTNERS)][0]


def _f_foreign_city(g: _Gen) -> str:
    k = g.r.choice(_COUNTRY_KEYS)
    name, _, _, cities = COUNTRIES[k]
    city = g.r.choice(cities)
    return city if city == name else f"{city}, {name}"


_REGION_GROUPS = [
    ["Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Thái Nguyên", "Phú Thọ"],
    ["Lạng Sơn", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ"],
    ["Điện Biên", "Lai Châu", "Sơn La", "Lào Cai", "Phú Thọ"],
    ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Ninh Bình"],
    ["Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi"],
    ["Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng"],
    ["TP Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Lâm Đồng"],
    ["Cần Thơ", "Vĩnh Long", "Đồng Tháp", "An Giang", "Cà Mau", "Tây Ninh"],
]
_RIVERS_BY_PLACE = {}
for _grp, _rivers in zip(_REGION_GROUPS, [
        ["Red River", "Đuống River", "Cầu River", "Thái Bình River", "Lô River"],
        ["Kỳ Cùng River", "Bằng Giang River", "Lô River", "Gâm River"],
        ["Đà River", "Nậm Mu River", "Mã River"],
        ["Mã River", "Cả River", "Lam River", "Chu River"],
        ["Hương River", "Thạch Hãn River", "Thu Bồn River", "Vu Gia River"],
        ["Trà Khúc River", "Ba River", "Cái River", "Sê San River", "Srêpốk River"],
        ["Đồng Nai River", "Sài Gòn River", "Vàm Cỏ River"],
        ["Tiền River", "Hậu River", "Cổ Chiên River", "Cái Lớn River"]]):
    for _p in _grp:
        _RIVERS_BY_PLACE.setdefault(_p, [])
        _RIVERS_BY_PLACE[_p] += [x for x in _rivers if x not in _RIVERS_BY_PLACE[_p]]


def _f_river(g: _Gen) -> str:
    return g.r.choice(_RIVERS_BY_PLACE.get(g.ctx.get("place"), RIVERS))


def _neighbour(g: _Gen) -> str:
    """A locality in the same region as the article's place."""
    place = g.ctx.get("place")
    groups = [grp for grp in _REGION_GROUPS if place in grp]
    if not groups:
        return _f_place_any(g)
    opts = [p for p in g.r.choice(groups) if p != place]
    return g.r.choice(opts)


def _portfolio(before: str, after: str, switch=_dt.date(2025, 3, 1)):
    def f(g: _Gen) -> str:
        return before if g.day < switch else after
    return f


def _f_stats_office(g: _Gen) -> str:
    if g.day < _dt.date(2025, 3, 1):
        return "General Statistics Office (GSO)"
    return "National Statistics Office (NSO)"


def _f_pm_ref(g: _Gen) -> str:
    if g.day <= _dt.date(2026, 3, 31):
        return g.r.choice(["Prime Minister Phạm Minh Chính",
                           "Prime Minister Phạm Minh Chính",
                           "PM Phạm Minh Chính"])
    return "the Prime Minister"


def _f_president_ref(g: _Gen) -> str:
    if _dt.date(2024, 10, 21) <= g.day <= _dt.date(2026, 3, 31):
        return g.r.choice(["State President Lương Cường", "President Lương Cường"])
    return "the State President"


def _f_gs_ref(g: _Gen) -> str:
    if g.day >= _dt.date(2024, 8, 3):
        return g.r.choice(["Party General Secretary Tô Lâm",
                           "General Secretary Tô Lâm"])
    return "the Party leadership"


def _f_ga_session(g: _Gen) -> str:
    """General Assembly reference; session numbers only where unambiguous."""
    d = g.day
    if d < _dt.date(2024, 9, 10):
        return "the 78th session of the UN General Assembly"
    if d < _dt.date(2025, 9, 9):
        return "the 79th session of the UN General Assembly"
    return "the current session of the UN General Assembly"


def _f_asean_chair(g: _Gen) -> str:
    return {2024: "Laos", 2025: "Malaysia", 2026: "the Philippines"}[g.day.year]


def _f_gdp_pct(g: _Gen) -> str:
    return _pct(5.6, 8.4)(g)


FUNCS = {
    # percentages
    "pct_tiny": _pct(0.1, 2.9),
    "pct_s": _pct(0.6, 9.8),
    "pct": _pct(2.0, 38.0),
    "pct_l": _pct(12.0, 78.0),
    "pct_share": _pct(11.0, 46.0),
    "pct_occ": _pct(58.0, 97.0),
    "pct_cov": _pct(88.0, 97.6),
    "pct_pass": _pct(93.0, 99.8, 2),
    "gdp_pct": _f_gdp_pct,
    # integers
    "n_few": _int(2, 9, words=True),
    "n_small": _int(3, 40, words=True),
    "n_med": _int(40, 900),
    "n_big": _int(1_200, 95_000, 10),
    "n_firms": _int(25, 860),
    "n_workers": _int(150, 6_000, 10),
    "n_households": _int(120, 18_000, 10),
    "n_communes": _int(3, 48),
    "n_projects": _int(6, 140),
    "n_days": _int(2, 10, words=True),
    "n_hours": _int(6, 72, words=True),
    "n_students": _int(180, 42_000, 10),
    "n_visitors": _int(12_000, 480_000, 100),
    "n_participants": _int(150, 2_500, 10),
    "n_delegates": _int(60, 450, 5),
    "km": _dec(4.5, 120.0),
    "ha": _int(150, 48_000, 10),
    "tonnes": _int(1_500, 980_000, 100),
    "year_n": _int(3, 25),
    "age": _int(19, 81),
    # money
    "usd_m": _usd(1.5, 950.0),
    "usd_b": _usd(1_100.0, 48_000.0),
    "vnd": _vnd(35.0, 980.0),
    "vnd_t": _vnd(1_200.0, 96_000.0),
    "vnd_small": _vnd(0.15, 9.5),
    # dates
    "date_past": _f_date_past,
    "month_past": _f_month_past,
    "month_past_year": _f_month_past_year,
    "date_future": _f_date_future,
    "future_year": _f_future_year,
    "past_year": _f_past_year,
    "weekday_past": _f_weekday_past,
    # people and things
    "place_any": _f_place_any,
    "name_vn": _f_name_vn,
    "name_foreign": _f_name_foreign,
    "company": _f_company,
    "foreign_company": _f_foreign_company,
    "expert": _f_expert,
    "expert_foreign": _f_expert_foreign,
    "biz_person": _f_biz_person,
    "resident": _f_resident,
    "commune": _f_commune,
    "country_any": _f_country,
    "partner": _f_partner,
    "foreign_city": _f_foreign_city,
    "river": _f_river,
    # date-aware institutions and leaders
    "agri_portfolio": _portfolio("Agriculture and Rural Development", "Agriculture and Environment"),
    "env_portfolio": _portfolio("Natural Resources and Environment", "Agriculture and Environment"),
    "transport_portfolio": _portfolio("Transport", "Construction"),
    "ict_portfolio": _portfolio("Information and Communications", "Science and Technology"),
    "plan_portfolio": _portfolio("Planning and Investment", "Finance"),
    "labour_portfolio": _portfolio("Labour, Invalids and Social Affairs", "Home Affairs"),
    "stats_office": _f_stats_office,
    "pm_ref": _f_pm_ref,
    "president_ref": _f_president_ref,
    "gs_ref": _f_gs_ref,
    "ga_session": _f_ga_session,
    "asean_chair": _f_asean_chair,
}


# -- more slot functions used by the grammar --------------------------------


def _distinct_partner(key: str, exclude: tuple):
    def f(g: _Gen) -> str:
        taken = {g.ctx.get(k) for k in exclude}
        for _ in range(40):
            c = COUNTRIES[g.r.choice(_TRADE_PARTNERS)][0]
            if c not in taken:
                break
        g.ctx[key] = c
        return c
    return f


def _f_date_soon(g: _Gen) -> str:
    d = g.date_offset(4, 45)
    return "on " + _fmt_date(d, d.year != g.day.year)


def _f_day_soon(g: _Gen) -> str:
    d = g.date_offset(4, 45)
    return _fmt_date(d, d.year != g.day.year)


def _f_month_future(g: _Gen) -> str:
    d = g.date_offset(30, 200)
    return MONTHS[d.month - 1] + ("" if d.year == g.day.year else f" {d.year}")


def _f_school_year(g: _Gen) -> str:
    y = g.day.year if g.day.month < 9 else g.day.year + 1
    return f"{y}-{y + 1}"


def _f_n_prov(g: _Gen) -> str:
    return "34" if g.day >= _dt.date(2025, 7, 1) else "63"


def _f_vnd_unit(lo: int, hi: int, unit: str, step: int = 1):
    def f(g: _Gen) -> str:
        return f"VNĐ{g.r.randrange(lo, hi + 1, step):,}{unit}"
    return f


def _f_pmi_phrase(g: _Gen) -> str:
    v = g.r.uniform(47.0, 54.8)
    tail = ("signalling an improvement in operating conditions" if v >= 50
            else "indicating a contraction in new orders")
    return f"{v:.1f}, {tail}"


def _f_hotline(g: _Gen) -> str:
    return f"1900 {g.r.randint(1000, 9999)}"


def _f_doctor(g: _Gen) -> str:
    return f"Dr {g.vn_name()[0]}, {g.pick('doctor_role')}"


def _f_teacher(g: _Gen) -> str:
    return f"{g.vn_name()[0]}, principal of {g.pick('school')}"


def _f_student(g: _Gen) -> str:
    return f"{g.vn_name()[0]}, a student from {_f_place_any(g)}"


def _f_police_officer(g: _Gen) -> str:
    rank = g.r.choice(["Lieutenant Colonel", "Colonel", "Major", "Senior Lieutenant Colonel"])
    return (f"{rank} {g.vn_name()[0]}, deputy head of the {g.ctx.get('place') or _f_place_any(g)} "
            f"police's cybersecurity division")


def _f_tourist(g: _Gen) -> str:
    k = g.r.choice(_COUNTRY_KEYS)
    return f"{g.foreign_name(k)}, a tourist from {COUNTRIES[k][0]}"


def _f_artisan(g: _Gen) -> str:
    return f"{g.vn_name()[0]}, a {g.r.randint(38, 84)}-year-old artisan in {_f_commune(g)} village"


def _f_farmer(g: _Gen) -> str:
    return f"{g.vn_name()[0]}, a farmer in {_f_commune(g)} commune"


def _f_site_engineer(g: _Gen) -> str:
    a, b = g.r.choice(COMPANY_A), g.r.choice(COMPANY_B)
    return f"{g.vn_name()[0]}, site manager for {a} {b} Construction {g.r.choice(COMPANY_SUFFIX)}"


def _f_commute(g: _Gen) -> str:
    a = g.r.randrange(15, 50, 5)
    return f"{a} minutes instead of {a + g.r.randrange(20, 75, 5)}"


def _f_dip_person(g: _Gen) -> str:
    return f"{g.vn_name()[0]}, {g.pick('dip_role')}"


def _f_un_official(g: _Gen) -> str:
    return f"{g.foreign_name()}, {g.pick('un_role')}"


def _f_coach(g: _Gen) -> str:
    if g.r.random() < 0.35:
        return _male_foreign(g)
    return g.vn_name(False)[0]


def _f_vn_man(g: _Gen) -> str:
    return g.vn_name(False)[0]


def _f_vn_woman(g: _Gen) -> str:
    return g.vn_name(True)[0]


def _f_highway(g: _Gen) -> str:
    return g.r.choice(["1", "2", "3", "4D", "6", "7", "9", "12", "14", "15",
                       "19", "20", "27", "37", "49", "279"])


def _f_mekong_place(g: _Gen) -> str:
    return g.r.choice(_PLACE_BY_TAG["m"])[0]


_DIALOGUE_TRADE = [("China", 640, 980), ("the US", 380, 490), ("Japan", 230, 290),
                   ("the Republic of Korea", 190, 240), ("the European Union", 250, 310),
                   ("India", 110, 140), ("Australia", 95, 125), ("Canada", 25, 40),
                   ("New Zealand", 12, 18)]


def _f_dialogue_trade(g: _Gen) -> str:
    name, lo, hi = g.r.choice(_DIALOGUE_TRADE)
    return f"{name} reached {_money_usd(g.r.uniform(lo, hi) * 1e9)}"


def _f_age_lo(g: _Gen) -> str:
    lo = g.r.randint(18, 45)
    g.ctx["age_hi"] = str(lo + g.r.randint(12, 35))
    return str(lo)


def _f_next_y(g: _Gen) -> str:
    return str(g.day.year + 1)


FUNCS.update({
    "market2": _distinct_partner("market2", ("market",)),
    "market3": _distinct_partner("market3", ("market", "market2")),
    "market_new": _distinct_partner("market_new", ("market", "market2", "market3")),
    "investor2": _distinct_partner("investor2", ("investor",)),
    "investor3": _distinct_partner("investor3", ("investor", "investor2")),
    "partner2": _distinct_partner("partner2", ("partner_main",)),
    "date_soon": _f_date_soon,
    "day_soon": _f_day_soon,
    "month_future": _f_month_future,
    "school_year": _f_school_year,
    "n_prov": _f_n_prov,
    "vnd_gold": _f_vnd_unit(78, 152, " million"),
    "fuel_price": _f_vnd_unit(19_400, 25_100, "", 10),
    "vnd_salary": _f_vnd_unit(6, 14, " million"),
    "vnd_wage": _f_vnd_unit(280, 560, ",000", 10),
    "vnd_profit": _f_vnd_unit(30, 160, " million"),
    "vnd_price_kg": _f_vnd_unit(18, 140, ",000", 1),
    "pmi_phrase": _f_pmi_phrase,
    "hotline": _f_hotline,
    "doctor": _f_doctor,
    "teacher": _f_teacher,
    "student": _f_student,
    "police_officer": _f_police_officer,
    "tourist": _f_tourist,
    "artisan": _f_artisan,
    "farmer": _f_farmer,
    "site_engineer": _f_site_engineer,
    "commute": _f_commute,
    "dip_person": _f_dip_person,
    "un_official": _f_un_official,
    "coach": _f_coach,
    "vn_man": _f_vn_man,
    "vn_woman": _f_vn_woman,
    "highway": _f_highway,
    "mekong_place": _f_mekong_place,
    "usd_s": _usd(0.4, 48.0),
    "day_past": lambda g: _fmt_date(g.date_offset(-60, -2)),
    "day_recent": lambda g: _fmt_date(g.date_offset(-12, -1)),
    "date_recent": lambda g: "on " + _fmt_date(g.date_offset(-12, -1)),
    "n_states": _int(20, 150),
    "n_flights": _int(2, 120),
    "n_bridge_m": _int(150, 2_400, 10),
    "vnd_paddy": _f_vnd_unit(5_800, 9_500, "", 50),
    "rice_hi": _int(600, 780),
    "pct_poss": _pct(51.0, 68.0, 0),
    "ha_land": _dec(4.0, 420.0),
    "ha_farm": _dec(0.5, 12.0),
    "dec_m": _dec(0.8, 3.5),
    "fdi_sector_any": lambda g: g.r.choice(_FDI_SECTORS),
    "salinity_km2": _int(30, 110),
    "central_rate": _int(23_900, 25_400, 1),
    "n_visits": _int(12, 95),
    "doctor_ratio": _dec(6.5, 14.5),
    "nurse_ratio": _dec(9.0, 22.0),
    "n_members": _int(8, 160),
    "vnd_salary_high": _f_vnd_unit(15, 80, " million"),
    "n_events": _int(5, 60),
    "round_ord": lambda g: g.r.choice(["second", "third", "fourth", "fifth", "sixth", "seventh",
                                       "eighth", "ninth", "10th", "11th", "12th", "14th"]),
    "n_contractors": _int(3, 30),
    "n_vuln": _int(12, 480),
    "n_delegations": _int(6, 70),
    "n_asean": _int(40, 260),
    "n_sites_v": _int(20, 600),
    "producer": lambda g: g.r.choice(["Brazil", "Indonesia", "India", "Côte d'Ivoire", "Cambodia",
                                      "Ghana", "Malaysia", "Thailand"]),
    "n_villages": _int(12, 400),
    "n_drugs": _int(12, 300),
    "n_researchers": _int(12, 90),
    "class_size": _int(48, 62),
    "n_action": _int(60, 400),
    "n_candidates_ol": _int(40, 160),
    "vnd_toll": _f_vnd_unit(1_500, 2_500, "", 100),
    "hour_am": _int(4, 6),
    "sea_cm": _int(15, 35),
    "n_bridges": _int(6, 90),
    "stay_a": lambda g: g.r.choice(["1.8", "2", "2.1", "2.3", "2.5", "2.7"]),
    "stay_b": lambda g: g.r.choice(["3", "3.2", "3.5", "4"]),
    "usd_k": _usd(0.03, 0.35),
    "usd_big": _usd(95_000.0, 880_000.0),
    "vnindex": _dec(1150.0, 1890.0, 2),
    "pct_logi": _pct(14.0, 21.0),
    "pct_rate": _pct(6.2, 11.5),
    "pct_gdp_loss": _pct(0.8, 3.2),
    "pct_digi": _pct(12.0, 19.5),
    "pct_low": _pct(62.0, 85.0),
    "pct_over": _pct(108.0, 165.0, 0),
    "cpi_avg": _pct(2.6, 4.1, 2),
    "cpi_core": _pct(2.4, 3.6, 2),
    "n_isolated": _int(2, 25, words=True),
    "n_rescuers": _int(300, 9_500, 50),
    "rain_mm": _int(180, 780),
    "ha_small": _int(40, 6_500, 5),
    "tonnes_s": _int(12, 900),
    "n_sluices": _int(12, 160),
    "n_tanks": _int(200, 5_200, 10),
    "salinity_g": _dec(4.0, 14.5),
    "n_months": _int(2, 30, words=True),
    "op_hours": _int(3, 14, words=True),
    "n_children": _int(4_000, 210_000, 100),
    "n_staff": _int(800, 9_500, 10),
    "n_absent": _int(12, 420),
    "n_univ": _int(180, 260),
    "avg_score": _dec(5.2, 7.9, 2),
    "top_score": _dec(27.5, 29.9, 2),
    "n_perfect": _int(3, 160),
    "n_contestants": _int(180, 640),
    "n_countries": _int(12, 110),
    "n_accounts": _int(12, 380),
    "n_malware": _int(900, 26_000, 10),
    "n_engineers": _int(300, 12_000, 50),
    "n_jobs": _int(250, 9_000, 50),
    "n_attacks": _int(1_100, 14_500, 10),
    "n_community": _int(2_000, 320_000, 500),
    "n_agreements": _int(18, 260),
    "n_speakers": _int(45, 190),
    "n_personnel": _int(20, 285),
    "n_fans": _int(3_000, 38_000, 100),
    "n_runners": _int(1_500, 16_000, 50),
    "n_athletes": _int(120, 1_400, 10),
    "n_artists": _int(80, 1_600, 10),
    "n_activities": _int(20, 150),
    "n_works": _int(25, 320),
    "n_codes": _int(20, 900),
    "n_machines": _int(40, 900, 5),
    "n_agencies": _int(15, 21),
    "n_schools": _int(6, 140),
    "n_teachers": _int(150, 4_800, 10),
    "intl_m": _dec(1.4, 21.5),
    "yield_t": _dec(5.6, 7.9),
    "pct_intra": _pct(20.5, 23.5),
    "usd_b_asean": _usd(720_000.0, 900_000.0),
    "next_y": _f_next_y,
    "vnd_personal": _vnd(0.02, 1.6),
    "study_hours": _int(7, 14, words=True),
    "train_months": _int(2, 6, words=True),
    "age_old": _int(56, 82),
    "n_projects_small": _int(3, 40),
    "pop_m": _dec(0.6, 9.5),
    "vnd_budget": _vnd(300_000.0, 2_100_000.0),
    "school_local": lambda g: f"{g.pick('school_name')} High School in {g.ctx['place']}",
    "age_lo": _f_age_lo,
    "age_hi": lambda g: str(g.r.randint(50, 70)),
    "n_communes_w": _int(3, 48, words=True),
    "spend": _int(620, 2_400, 10),
    "tonnes_m": _int(200, 25_000, 10),
    "dialogue_trade": _f_dialogue_trade,
    "n_pk_total": _int(300, 1_200, 5),
})


# ---------------------------------------------------------------------------
# Grammar: shared vocabulary and sentences
# ---------------------------------------------------------------------------

COMMON = {
    "expert_role": [
        "a researcher at {research_inst}",
        "an independent analyst based in Hà Nội",
        "a lecturer at {research_inst}",
    ],
    "expert_role_foreign": [
        "a senior fellow at the {think_tank}",
        "a professor of international relations at {foreign_univ}",
        "an analyst at the {think_tank}",
        "a visiting scholar at {foreign_univ}",
    ],
    "think_tank": ["Asia-Pacific Policy Forum", "Institute for Regional Security Studies",
                   "Centre for Southeast Asian Affairs", "Mekong Policy Institute",
                   "Indo-Pacific Economic Council", "Global Development Lab"],
    "foreign_univ": ["the University of Melbourne", "Chulalongkorn University",
                     "the National University of Singapore", "Keio University",
                     "Seoul National University", "the University of Sydney",
                     "Sciences Po", "the London School of Economics"],
    "research_inst": [
        "the Central Institute for Economic Management", "the Việt Nam Institute of Economics",
        "the National Economics University", "the Việt Nam Academy of Social Sciences",
        "Fulbright University Việt Nam", "RMIT University Việt Nam",
        "the University of Economics Hồ Chí Minh City", "the Foreign Trade University",
        "Hà Nội National University", "the Academy of Finance",
    ],
    "intl_org": ["the World Bank", "the Asian Development Bank (ADB)",
                 "the UN Development Programme (UNDP)", "the International Monetary Fund (IMF)",
                 "the Organisation for Economic Co-operation and Development (OECD)",
                 "the Food and Agriculture Organization (FAO)"],
    "biz_assoc": ["the Việt Nam Chamber of Commerce and Industry (VCCI)",
                  "the Việt Nam Association of Small and Medium Enterprises",
                  "the European Chamber of Commerce in Việt Nam (EuroCham)",
                  "the Việt Nam Logistics Business Association",
                  "the Việt Nam Textile and Apparel Association",
                  "the Việt Nam Young Entrepreneurs Association",
                  "the Korea Chamber of Business in Việt Nam"],
    "fta": ["EU-Việt Nam Free Trade Agreement (EVFTA)",
            "Comprehensive and Progressive Agreement for Trans-Pacific Partnership (CPTPP)",
            "Regional Comprehensive Economic Partnership (RCEP)",
            "UK-Việt Nam Free Trade Agreement (UKVFTA)",
            "ASEAN Trade in Goods Agreement", "Việt Nam-Israel Free Trade Agreement"],
    "holiday": ["the Lunar New Year (Tết) holiday", "the April 30–May 1 holidays",
                "the National Day holiday", "the year-end shopping season",
                "the Christmas shipping season"],
    "updown": ["up", "down"],
    "forum": ["APEC", "the Asia-Europe Meeting (ASEM)", "the Mekong-Lancang Cooperation",
              "the Mekong-Japan Cooperation", "the Mekong-Korea Cooperation",
              "the Inter-Parliamentary Union", "the East Asia Summit", "the G20"],
    "generic": [
        "The {place} People's Committee said a detailed report covering {n_med} units would be submitted to the relevant ministries {date_future}.",
        "Similar initiatives have been piloted in {place_any} and {place_any} since {past_year}, with mixed results.",
        "Officials in {place} said the figures, based on reports from {n_med} units, were preliminary and would be revised in {month_future}.",
        "According to {research_inst}, similar trends have been recorded in {place_any} and {n_few} other localities since {month_past}.",
        "The National Assembly is expected to review related policies at its session in {month_future}, after {n_med} deputies submitted questions on the issue.",
        "Public feedback on the proposals will be collected until {day_soon}, the {local} government said.",
        "Under an administrative streamlining drive, {place} has merged {n_small} departments and agencies and cut {n_med} staff positions, officials said.",
        "The {local_n} has set aside {vnd} for related programmes between {y} and {future_year}.",
        "Local media reported that {n_med} people attended a public consultation on the issue in {place_any} {date_past}.",
    ],
    "close_generic": [
        "A review of the results will take place {date_future}, and the {place} authorities will report to the Government on {n_small} key targets, including {pct_l} [[coverage|completion]] by {future_year}.",
        "Authorities in {place} said they would publish updated figures from {n_med} reporting units {date_soon}.",
        "The {local} People's Committee has asked {n_small} departments to report on progress every {n_few} months, starting {date_soon}.",
    ],
    "caption": ["A view of {place}."],
    "attrib": ["{off_short} said", "{off_short} told reporters", "officials said {date_recent}",
               "according to figures released {date_recent}",
               "according to a report published {date_recent}", "local media reported {date_recent}",
               "{off_short} said at a meeting {date_recent}",
               "according to a report dated {day_recent}"],
    "attrib_neutral": ["officials said {date_recent}", "according to figures released {date_recent}",
                       "according to a report published {date_recent}", "local media reported {date_recent}",
                       "according to a report dated {day_recent}"],
    "subhead": ["Looking ahead", "Challenges remain", "Next steps for {y}"],
    "dip_role": ["a former ambassador to {country_any}", "a researcher at the Diplomatic Academy of Việt Nam",
                 "former deputy head of Việt Nam's mission to the UN in Geneva",
                 "an international relations lecturer at Hà Nội National University"],
    "un_role": ["UNDP Resident Representative in Việt Nam", "UNICEF Representative in Việt Nam",
                "UNFPA Representative in Việt Nam", "UN Women Representative in Việt Nam",
                "officer-in-charge of the UN Resident Coordinator's Office in Việt Nam",
                "FAO Representative in Việt Nam", "head of the ILO office in Việt Nam"],
    "doctor_role": ["deputy director of {hospital_any}",
                    "head of the infectious diseases department at {hospital_any}",
                    "head of the intensive care unit at {hospital_any}",
                    "a paediatrician at {hospital_any}"],
    "hospital_any": ["{place} General Hospital", "Bạch Mai Hospital", "Chợ Rẫy Hospital",
                     "Huế Central Hospital", "the National Children's Hospital",
                     "the Central Hospital for Tropical Diseases",
                     "Việt Đức Friendship Hospital", "Đà Nẵng Hospital",
                     "Cần Thơ Central General Hospital", "Thống Nhất Hospital"],
    "school": ["{school_name} High School in {place_any}",
               "{school_name} Secondary School in {place_any}",
               "{place_any} High School for the Gifted"],
    "school_name": ["Lê Quý Đôn", "Nguyễn Du", "Trần Phú", "Chu Văn An", "Phan Bội Châu",
                    "Lương Thế Vinh", "Nguyễn Trãi", "Lê Hồng Phong", "Trần Đại Nghĩa",
                    "Nguyễn Thị Minh Khai", "Võ Thị Sáu", "Lý Thường Kiệt", "Hùng Vương"],
    "ip_name": ["Tây Bắc", "Đông Nam", "Nam Cầu", "Phú Hưng", "Sông Cầu", "Tân Trường",
                "Yên Mỹ II", "Hòa Khánh Mở Rộng", "Bắc Tiền Phong", "Kim Thành", "Phước Đông"],
    "sector_any": ["electronics", "garment", "seafood", "wood", "footwear", "coffee",
                   "fruit", "machinery", "steel", "plastics"],
}


# ---------------------------------------------------------------------------
# Story setup helpers
# ---------------------------------------------------------------------------


def _set_place(g: _Gen, tag: str | None = None, name: str | None = None) -> None:
    if name is not None:
        rec = next(p for p in PLACES if p[0] == name)
    else:
        pool = _PLACE_BY_TAG[tag] if tag else PLACES
        rec = g.r.choice(pool)
    pname, kind, region, _ = rec
    c = g.ctx
    c["place"] = pname
    if kind == "capital":
        c["place_desc"], c["local"], c["local_n"] = pname, "municipal", "city"
    elif kind == "metro":
        c["place_desc"], c["local"], c["local_n"] = pname, "municipal", "city"
    elif kind == "city":
        c["place_desc"] = f"the {region} city of {pname}"
        c["local"], c["local_n"] = "municipal", "city"
    else:
        c["place_desc"] = f"the {region} province of {pname}"
        c["local"], c["local_n"] = "provincial", "province"
    if pname == "TP Hồ Chí Minh" and g.r.random() < 0.5:
        c["dateline"] = "HCM CITY"
    else:
        c["dateline"] = pname.upper()


def _set_foreign_dateline(g: _Gen, city: str) -> None:
    g.ctx["dateline"] = FOREIGN_DATELINES.get(city, city.upper())


def _set_country(g: _Gen, key: str | None = None, pool=None) -> str:
    if key is None:
        key = g.r.choice(pool or _COUNTRY_KEYS)
    name, adj, _, cities = COUNTRIES[key]
    g.ctx["country"], g.ctx["country_adj"] = name, adj
    g.ctx["country_city"] = g.r.choice(cities)
    return key


def _set_season(g: _Gen, months: tuple) -> None:
    """Move the article date into one of ``months`` (keeping it in range)."""
    r = g.r
    for _ in range(20):
        y = r.choice((2024, 2025, 2026))
        m = r.choice(months)
        d = _dt.date(y, m, r.randint(1, 28))
        if START_DATE <= d <= END_DATE:
            g.day = d
            return


def _medal_phrase(gold: int, silver: int, bronze: int) -> str:
    parts = []
    for n, kind in ((gold, "gold"), (silver, "silver"), (bronze, "bronze")):
        if n:
            parts.append(f"{_num_word(n)} {kind}")
    if len(parts) == 1:
        return parts[0] + (" medal" if parts[0].startswith("one ") else " medals")
    return ", ".join(parts[:-1]) + " and " + parts[-1] + " medals"


# ---------------------------------------------------------------------------
# Topics and stories
# ---------------------------------------------------------------------------

TOPICS: dict[str, dict] = {}
STORIES: list[dict] = []


def _story(topic: str, weight: float, setup, variants, **pools) -> None:
    d = {"topic": topic, "weight": weight, "setup": setup, "variants": variants}
    d.update(pools)
    STORIES.append(d)


# ===== economy ==============================================================

TOPICS["economy"] = {
    "generic": True,
    "section": "kinh-te",
    "body": [
        "Data from the {stats_office} showed that the country's total import-export turnover reached {usd_big} in {period}, up {pct_s} year-on-year.",
        "The State Bank of Việt Nam has kept its key policy rates unchanged since {month_past_year}, while credit growth reached {pct_s} by the end of {last_month}.",
        "The VN-Index closed at {vnindex} points on {weekday_past}, {updown} {pct_tiny} from the previous session, with liquidity of around {vnd_t}.",
        "Economists at {research_inst} expect GDP growth of {gdp_pct} in {y}, supported by public investment, exports and a gradual recovery in household spending.",
        "Foreign direct investment disbursed nationwide in {period} was estimated at {usd_b}, according to the Ministry of {plan_portfolio}.",
        "Retail sales of goods and services rose {pct_s} year-on-year in {last_month}, with accommodation and catering services growing fastest.",
        "A survey by {biz_assoc} found that {pct_l} of firms cited high collateral requirements as their main obstacle to borrowing.",
        "Under the {fta}, import duties on {sector_any} products worth about {usd_m} a year will be cut to zero by {future_year}.",
        "Rising demand for traceable, low-carbon products in {partner} is pushing suppliers to invest in certification, which can cost up to {vnd_small} per factory.",
        "Logistics costs still account for about {pct_logi} of the value of goods, well above the regional average, according to {biz_assoc}.",
        "The đồng has weakened by about {pct_tiny} against the US dollar since the start of {y}, with the central rate set at VNĐ{central_rate} per dollar {date_past}.",
        "More than {n_firms} businesses from {place_any} have registered to join a trade promotion programme in {partner} {date_future}.",
        "At a Government meeting {date_past}, {pm_ref} asked ministries to remove bottlenecks in land procedures and speed up the disbursement of public investment.",
        "Some {n_big} new enterprises were established in {period}, while {n_big} firms resumed operations, according to the {stats_office}.",
        "The purchasing managers' index (PMI) for manufacturing in {last_month} stood at {pmi_phrase}, according to a survey of {n_firms} manufacturers.",
        "Commercial banks' average lending rates have eased to around {pct_rate} a year, but {pct_l} of small firms surveyed in {place_any} said borrowing costs remained high.",
        "State budget revenue nationwide in {period} reached {vnd_budget}, equal to {pct_l} of the annual estimate.",
    ],
    "quotes": [
        "“Orders for the {next_q} are already {pct_l} higher than a year ago, but we remain [[cautious|careful]] because [[input prices are volatile|the prices of {sector_any} materials keep changing|freight rates to {partner} are unpredictable]],” said {biz_person}.",
        "“We need [[faster customs clearance|simpler customs checks|quicker inspections at the border]] and a more predictable VAT refund process; at the moment it takes about {n_days} weeks to get refunds of around {vnd_small},” {biz_person}, told reporters.",
        "“{place} will keep [[simplifying|cutting]] administrative procedures so that investors can [[start production sooner|break ground faster|open their factories on time]],” {off_short} said, adding that approval times had been cut by {pct}.",
        "According to {expert}, growth could slow in the second half of {y} if demand in {partner} weakens.",
        "{^expert}, said firms should make better use of the {fta}, noting that only about {pct_l} of eligible shipments currently claim preferential tariffs.",
        "“The key is to move up the value chain rather than [[compete on cheap labour|rely on low-cost assembly|stay in low-margin processing]],” said {expert}, adding that {pct_l} of local suppliers still rely on imported materials.",
        "{^off_short} said the {local_n} would organise {n_few} trade promotion events {date_future} to help firms find new customers.",
        "“Small and medium-sized enterprises are still [[struggling|finding it hard]] to access capital, and interest rates of {pct_rate} a year remain a heavy burden for a firm of {n_med} workers like ours,” said {biz_person}.",
    ],
    "close": [
        "A trade fair featuring {n_firms} exhibitors from {n_few} countries will be held in {place_any} {date_future}.",
        "Full-year figures will be announced by the {stats_office} in early {next_y}, with preliminary estimates due {date_soon}.",
    ],
    "caption": [
        "Workers process {product} for export at a factory in {place}.",
        "Containers are loaded at a port in {place}.",
        "Shoppers at a supermarket in {place}.",
        "A production line at a foreign-invested company in {place}.",
    ],
    "subhead": ["Orders recovering", "Pressure on margins", "New markets", "Green requirements",
                "Investment pipeline", "Outlook for {y}"],
    "expert_role": ["a senior economist at {research_inst}", "an economist at {research_inst}",
                    "a trade expert at {research_inst}",
                    "head of research at a securities company in TP Hồ Chí Minh",
                    "vice president of {biz_assoc}"],
    "next_q": ["next quarter", "coming months", "rest of the year", "peak season"],
    "product": ["goods"],
}

SECTORS = [
    ("electronics", "electronic components", "Electronics"),
    ("textile and garment", "garments", "Garment"),
    ("seafood", "shrimp and pangasius", "Seafood"),
    ("wood and wood product", "furniture", "Wood"),
    ("footwear", "footwear", "Footwear"),
    ("coffee", "coffee", "Coffee"),
    ("steel", "steel products", "Steel"),
    ("machinery and equipment", "machinery parts", "Mechanical"),
    ("cashew nut", "cashew nuts", "Agricultural Products"),
    ("fruit and vegetable", "fresh fruit", "Agricultural Products"),
    ("rubber", "natural rubber", "Rubber"),
    ("handicraft", "rattan and bamboo products", "Handicraft"),
    ("plastic", "plastic packaging", "Plastics"),
]
_ECON_ROLES = [
    ("Director", "Director of the {place} Department of Industry and Trade"),
    ("Deputy Director", "Deputy Director of the {place} Department of Industry and Trade"),
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
]


def _s_exports(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "i" if r.random() < 0.6 else None)
    sector, product, co_word = r.choice(SECTORS)
    c["sector"], c["product"], c["co_word"] = sector, product, co_word
    c["market"] = COUNTRIES[r.choice(_TRADE_PARTNERS)][0]
    c["exp_value"] = _usd(40.0, 4_800.0)(g)
    c["exp_target"] = _usd(5_000.0, 9_000.0)(g)
    c["growth"] = _pct(3.0, 34.0)(g)
    g.set_official(_ECON_ROLES)


_story("economy", 4, _s_exports, [
    (["{place}'s {sector} exports up {growth} in {period_short}",
      "{^sector} exporters in {place} see stronger orders from {market}",
      "Exports of {product} from {place} reach {exp_value} in {period_short}"],
     ["{place}'s {sector} exports reached {exp_value} in {period}, up {growth} year-on-year, the {local} Department of Industry and Trade said {when}.",
      "Export turnover of {product} from {place_desc} rose {growth} in {period} to {exp_value}, driven by stronger orders from {market}, local officials said {when}.",
      "Businesses in {place} shipped {exp_value} worth of {product} abroad in {period}, an increase of {growth} over the same period last year, according to {off_title} {off_name}."]),
], lead2=[
    "{^market} remained the largest buyer, accounting for {pct_share} of the total.",
    "The figure accounted for about {pct_share} of the {local_n}'s total export value.",
    "The result means the {local_n} has already achieved {pct_l} of its full-year target.",
], body=[
    "{^market} remained the largest buyer, accounting for {pct_share} of the total, followed by {market2} and {market3}.",
    "Some {n_firms} enterprises in the {local_n} have signed export contracts for the {next_q}, according to the department.",
    "The average export price of {product} rose {pct_s} compared with {prev_y}, partly offsetting higher logistics costs.",
    "Freight rates on routes to {market} have risen by {pct_l} since {month_past}, squeezing margins for smaller exporters.",
    "Local firms are also expanding into {market_new}, where shipments rose {pct} after tariff preferences under the {fta} made their goods more competitive.",
    "The {local_n} aims to achieve {sector} export turnover of {exp_target} for the whole of {y}.",
    "{^company}, one of the largest exporters in {place}, said it had hired {n_workers} more workers since the beginning of the year.",
    "Many factories in {place} are running extra shifts to fulfil orders before {holiday}, and {company} alone has taken on {n_workers} seasonal workers.",
    "Exports of {product} to {market2} jumped {pct}, the fastest growth among major markets.",
    "About {pct_l} of {sector} enterprises in {place} are small firms with fewer than {n_med} employees, making it difficult for them to handle large orders.",
], close=[
    "The department said it would keep exporters updated on tariff changes and technical barriers in key markets through {n_few} online briefings before {day_soon}.",
    "{^off_short} said the {local_n} aims to raise the share of processed goods in its export basket to {pct_l} by {future_year}.",
])

_FDI_SECTORS = ["electronics and semiconductors", "renewable energy", "logistics",
                "textile and garment", "food processing", "precision engineering",
                "automotive components", "data centres", "pharmaceuticals"]


def _s_fdi(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "i")
    k = r.choice(["jp", "kr", "sg", "cn", "us", "de", "nl", "th", "kr", "jp", "sg"])
    c["investor"], c["investor_adj"] = COUNTRIES[k][0], COUNTRIES[k][1]
    c["fdi_value"] = _usd(80.0, 6_500.0)(g)
    c["growth"] = _pct(4.0, 65.0)(g)
    new = g.rand(8, 160)
    c["n_projects_new"] = str(new)
    c["n_proj_top"] = _num_word(g.rand(2, max(2, new // 2)))
    c["fdi_sector"] = r.choice(_FDI_SECTORS)
    g.set_official(_ECON_ROLES[:3] + [
        ("Director", "Director of the {place} Department of Finance"),
        ("Head", "Head of the {place} Industrial Parks Management Board")])


_story("economy", 3, _s_fdi, [
    (["{place} attracts {fdi_value} in foreign investment in {period_short}",
      "{^investor_adj} investors lead FDI inflows into {place}",
      "{place} licenses {n_projects_new} new foreign-invested projects in {period_short}"],
     ["{^place_desc} attracted {fdi_value} in foreign direct investment (FDI) in {period}, up {growth} over the same period last year, the {local} People's Committee said {when}.",
      "Foreign investors registered {fdi_value} in new and additional capital in {place} in {period}, with {n_projects_new} new projects licensed, according to {off_title} {off_name}.",
      "{^place_desc} licensed {n_projects_new} new foreign-invested projects in {period}, bringing registered FDI to {fdi_value}, {off_title} {off_name} said {when}."]),
], body=[
    "{^investor} was the largest source of investment with {n_proj_top} projects, followed by {investor2} and {investor3}.",
    "Most of the new capital went into manufacturing, particularly {fdi_sector}, which accounted for {pct_share} of newly registered capital.",
    "The largest project licensed during the period was a {usd_m} {fdi_plant} developed by {foreign_company} in the {ip_name} Industrial Park.",
    "The {local_n} currently has {n_small} industrial parks with an average occupancy rate of {pct_occ}.",
    "Local authorities have earmarked {ha} hectares of land for new industrial zones to be developed between {y} and {future_year}.",
    "{^foreign_company} said it planned to expand its plant in {place} and recruit {n_workers} workers by {future_year}.",
    "More than {pct_l} of investors surveyed by {biz_assoc} cited shortages of skilled workers and unstable power supply as their main concerns.",
    "The {local_n} has set up a working group to help large projects with land clearance, licensing and recruitment, cutting approval times by about {pct}.",
    "Foreign-invested firms account for about {pct_share} of {place}'s industrial output and employ more than {n_big} workers.",
    "{^investor_adj} companies have invested in {n_projects} projects in the {local_n} since {past_year}, mainly in {fdi_sector}.",
], fdi_plant=["factory", "plant", "manufacturing complex", "research and development centre",
              "logistics hub", "data centre"])

_CPI_DRIVERS = ["housing and construction materials", "food and foodstuffs", "education services",
                "medicines and health services", "transport fuel", "electricity and water",
                "eating out", "pork"]
_CPI_DOWN = ["telecommunications services", "rice", "household appliances",
             "mobile phones", "vegetables", "airfares"]


def _s_cpi(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
    _set_place(g, name="Hà Nội")
    c["cpi_m"] = _pct(0.05, 0.95, 2)(g)
    c["cpi_y"] = _pct(2.1, 4.3, 2)(g)
    c["cpi_driver"] = r.choice(_CPI_DRIVERS)
    c["cpi_down"] = r.choice(_CPI_DOWN)
    tgt = {2024: ("4", "4.5"), 2025: ("4.5", "5"), 2026: ("4.5", "5")}[g.day.year]
    c["cpi_target"] = (f"{tgt[0]}-{tgt[1]} per cent" if c["_pct"] == "w"
                       else f"{tgt[0]}-{tgt[1]}%")
    g.set_official([("Director General", "Director General of the {stats_office}"),
                    ("Deputy Director General", "Deputy Director General of the {stats_office}"),
                    ("Deputy Minister", "Deputy Minister of Finance")])


_story("economy", 2, _s_cpi, [
    (["Consumer prices rise {cpi_y} year-on-year in {last_month}",
      "Inflation under control in {period_short} despite higher {cpi_driver} prices",
      "{last_month} CPI edges up {cpi_m} on higher {cpi_driver} prices"],
     ["Việt Nam's consumer price index (CPI) in {last_month} rose {cpi_m} from the previous month and {cpi_y} year-on-year, the {stats_office} announced {when}.",
      "Consumer prices in {last_month} increased {cpi_m} month-on-month, driven mainly by {cpi_driver}, {off_title} {off_name} told a press conference in Hà Nội {when}."]),
], body=[
    "The increase was driven mainly by higher prices of {cpi_driver}, which rose {pct_s} month-on-month.",
    "Average CPI in {period} was up {cpi_avg} over the same period last year, below the target of {cpi_target} set by the National Assembly.",
    "Core inflation, which excludes food, energy and State-managed prices, increased {cpi_core} year-on-year in {last_month} and averaged {cpi_avg} in {period}.",
    "Prices of {cpi_down} fell {pct_tiny} month-on-month and {pct_s} year-on-year, helping to offset increases elsewhere.",
    "The Ministry of Finance said it would keep monitoring prices of essential goods ahead of {holiday}, with {n_med} inspections planned in {n_small} localities.",
    "Domestic gold prices hovered around {vnd_gold} per tael, {pct_s} higher than a month earlier.",
    "The US dollar price index rose {pct_tiny} month-on-month in {last_month}.",
    "Petrol prices were adjusted {n_few} times during the month, with RON95 petrol ending at about {fuel_price} per litre.",
    "Out of 11 main groups of goods and services in the basket, {n_few} recorded price increases, with {cpi_driver} up {pct_s} year-on-year.",
], caption=["Shoppers at a supermarket in {place}.", "A vendor sells vegetables at a market in {place}.",
            "Customers at a petrol station in {place}."])


# ===== climate / disasters ==================================================

TOPICS["climate"] = {
    "generic": True,
    "section": "moi-truong",
    "body": [
        "Việt Nam is among the countries most exposed to climate change, with natural disasters causing losses equivalent to {pct_gdp_loss} of GDP in {past_year}, according to {intl_org}.",
        "The National Centre for Hydro-Meteorological Forecasting said {date_past} that {n_few} storms and {n_few} tropical depressions had formed in the East Sea so far this year.",
        "The {local} budget has allocated {vnd} to build and upgrade {km} kilometres of dykes and embankments along vulnerable coastlines and riverbanks.",
        "Mangrove forests covering {ha_small} hectares have been restored in the {local_n} since {past_year}, helping to reduce coastal erosion.",
        "The {local_n}'s climate action plan, approved in {month_past_year}, sets out {n_small} tasks to support the national goal of net-zero emissions by 2050.",
        "{^intl_org} has provided {usd_s} to help {n_households} households in disaster-prone areas build storm-resistant housing.",
        "In a statement {date_past}, UN Secretary-General António Guterres urged major economies to speed up emission cuts and [[scale up|at least double]] finance for adaptation in developing countries, which {intl_org} estimates need {usd_b} a year.",
        "Early warnings about the {hazard} were sent to more than {n_big} mobile subscribers in the {local_n}.",
        "Experts at {climate_inst} estimate that sea levels along Việt Nam's coast could rise by {sea_cm} centimetres by 2050 without stronger global action, putting {n_big} hectares of farmland at risk.",
        "Local authorities plan to relocate {n_households} households from high-risk areas to safer resettlement sites {date_future}.",
        "Losses from natural disasters nationwide in {period} were estimated at {vnd_t}, according to the Ministry of {env_portfolio}.",
    ],
    "quotes": [
        "“Our top priority now is to make sure [[the {n_households} affected households|residents of {commune} and nearby communes|the {n_big} people evacuated]] have [[clean water, food and safe shelter|food, clean water and medicine|safe shelter and enough to eat]],” {off_short} said, adding that {n_small} medical teams had been deployed.",
        "“The water rose [[so fast|about {dec_m} metres in {n_small} hours, so fast]] that we could only save [[a few bags of rice|our documents and a few bags of rice|the children's school books]],” said {resident}.",
        "“We learnt from previous disasters and pre-positioned {tonnes_s} tonnes of rice, instant noodles and drinking water in the communes,” {off_short} told reporters.",
        "{^expert}, said extreme weather events were becoming more frequent, and that infrastructure should be designed for rainfall {pct} higher than in the past.",
        "“Farmers [[need|must have]] better forecasts and more flexible crop calendars so they can adapt, especially on the {ha_small} hectares of low-lying fields here,” said {expert}.",
        "“Every year we lose a bit more land to the sea, about {n_small} metres in some places,” said {resident}.",
    ],
    "close": [
        "The {local} People's Committee said it would ask the central government for emergency support of {vnd}.",
        "Compensation payments totalling {vnd} for {n_households} affected households are expected to be completed {date_future}, the {local} authorities said.",
    ],
    "caption": [
        "Rescue workers help residents move belongings out of a flooded area in {place}.",
        "A road section damaged by a landslide in {commune} commune, {place}.",
        "Farmers check rice fields in {place}.",
        "Volunteers plant mangroves along the coast of {place}.",
    ],
    "subhead": ["Damage assessment", "Long-term adaptation", "Lessons from past disasters", "Relief efforts"],
    "expert_role": ["a climate scientist at {research_inst}",
                    "a hydrologist at the Việt Nam Academy for Water Resources",
                    "an expert at the Institute of Meteorology, Hydrology and Climate Change",
                    "a researcher at Cần Thơ University"],
    "hazard": ["storm"],
    "climate_inst": ["the Institute of Meteorology, Hydrology and Climate Change", "Cần Thơ University",
                     "the Việt Nam Academy for Water Resources", "Hà Nội University of Natural Resources and Environment",
                     "the Southern Institute of Water Resources Research"],
}

_CLIMATE_ROLES = [
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
    ("Director", "Director of the {place} Department of {agri_portfolio}"),
    ("Commander", "Commander of the {place} Civil Defence Command"),
]


def _s_storm(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (6, 7, 8, 9, 10, 11))
    _set_place(g, r.choice("ccn"))
    c["storm_no"] = str(r.randint(1, 13))
    deaths, missing = r.randint(1, 24), r.randint(0, 9)
    cas = f"{_num_word(deaths)} {'person' if deaths == 1 else 'people'} dead"
    if missing:
        cas += f" and {_num_word(missing)} missing"
    c["casualties"] = cas
    c["houses"] = f"{g.rand(300, 48_000, 10):,}"
    c["hazard"] = r.choice(["storm", "heavy rain", "floods"])
    g.set_official(_CLIMATE_ROLES)


_story("climate", 4, _s_storm, [
    (["Storm No. {storm_no} leaves {casualties} in {place}",
      "Floods submerge thousands of homes in {place} after days of heavy rain",
      "{place} counts losses as floodwaters recede"],
     ["Heavy rain brought by Storm No. {storm_no} has left {casualties} in {place_desc}, with more than {houses} houses flooded or damaged, the {local} Civil Defence Command said {when}.",
      "Floods and landslides triggered by {n_hours} hours of torrential rain have left {casualties} in {place_desc}, local authorities said {when}.",
      "{^place_desc} is struggling to cope with flooding after Storm No. {storm_no} dumped up to {rain_mm}mm of rain on the area, leaving {casualties} and damaging {houses} houses, officials said {when}."]),
], body=[
    "Rainfall of up to {rain_mm}mm was recorded in {commune} commune over {n_hours} hours, the highest level in the region.",
    "Some {ha} hectares of rice and {ha_small} hectares of vegetables were submerged, while more than {n_big} poultry and cattle were swept away.",
    "Landslides blocked {n_few} sections of National Highway {highway}, isolating {n_isolated} communes with about {n_households} households.",
    "Authorities evacuated {n_households} households from low-lying and landslide-prone areas before the storm made landfall.",
    "Preliminary losses in the {local_n} are estimated at {vnd_t}.",
    "More than {n_rescuers} soldiers, police officers and volunteers have been mobilised to help residents clean up, and {n_med} boats have been sent to flooded areas.",
    "Power supply to {n_big} customers was cut as strong winds brought down poles and trees, according to the local power company.",
    "Schools in {n_communes} communes have told {n_students} pupils to stay at home until floodwaters recede.",
    "Water levels on the {river} were forecast to exceed alert level {alert} over the next {n_days} days, threatening {ha_small} hectares of crops.",
    "Relief supplies including {tonnes_s} tonnes of rice and {n_big} bottles of drinking water have been delivered to affected households.",
    "In {commune} commune, {n_med} houses were cut off as floodwater reached {dec_m} metres deep in some areas.",
], close=["Forecasters warned that another spell of heavy rain, with up to {rain_mm}mm in some areas, could hit the region in the next {n_days} days."],
    alert=["2", "3"], dec_m=["1.2", "1.5", "1.8", "2", "2.5", "3"])


def _s_salinity(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (1, 2, 3, 4, 5))
    _set_place(g, "m")
    c["salinity_km"] = str(r.randint(35, 95))
    c["branch"] = r.choice(["Tiền River", "Hậu River", "Cổ Chiên River", "Hàm Luông River",
                            "Vàm Cỏ River", "Cái Lớn River"])
    c["hazard"] = "saltwater intrusion"
    g.set_official(_CLIMATE_ROLES)


_story("climate", 2, _s_salinity, [
    (["Saltwater intrusion threatens crops in {place}",
      "{place} braces for drought as salinity reaches {salinity_km}km inland",
      "Mekong Delta farmers race to store fresh water as salinity hits {salinity_g}g per litre"],
     ["Saltwater has intruded up to {salinity_km} kilometres inland along the {branch} in {place_desc}, threatening {ha} hectares of winter-spring rice, local authorities said {when}.",
      "Farmers in {place_desc} are rushing to harvest early and store fresh water after salinity of {salinity_g} grammes per litre was recorded {salinity_km}km from the sea, officials said {when}."]),
], body=[
    "Salinity of {salinity_g} grammes per litre was measured in {commune} commune, far above the level that rice plants can tolerate.",
    "The {local_n} has closed {n_sluices} sluice gates to keep saltwater out of canals and protect {ha_small} hectares of orchards.",
    "Around {n_households} households are facing shortages of fresh water for daily use, and authorities have distributed {n_tanks} water tanks.",
    "Farmers have been advised to delay sowing the summer-autumn crop on {ha_small} hectares until salinity falls below safe levels, expected around {month_future}.",
    "Fruit growers are particularly worried, as {ha_small} hectares of durian orchards in the {local_n} could be damaged by water with salinity as low as {salt_low} grammes per litre.",
    "The Southern Institute of Water Resources Research forecast that salinity would peak in {peak_month}, reaching {salinity_km2} kilometres inland, slightly {lower_higher} than in {past_year}.",
    "Investment of {vnd_t} has been approved for reservoirs and freshwater pipelines serving coastal areas of the Mekong Delta.",
    "Water prices at private vendors in {commune} commune have doubled to about {vnd_wage} per cubic metre, residents said.",
], salt_low=["0.5", "0.8"], peak_month=["February", "March", "April"],
    lower_higher=["lower", "higher"])

_DONORS = [
    ("the UN Development Programme (UNDP)", "UNDP", "UNDP Resident Representative in Việt Nam"),
    ("the Green Climate Fund (GCF)", "GCF", "a GCF regional adviser"),
    ("the Asian Development Bank (ADB)", "ADB", "ADB Country Director for Việt Nam"),
    ("the Korea International Cooperation Agency (KOICA)", "KOICA", "KOICA Country Director"),
    ("the Japan International Cooperation Agency (JICA)", "JICA", "JICA's Chief Representative in Việt Nam"),
    ("the Australian Government", "Australia", "Australia's Deputy Ambassador to Việt Nam"),
    ("the World Bank", "World Bank", "a World Bank senior environmental specialist"),
    ("the Food and Agriculture Organization (FAO)", "FAO", "FAO Representative in Việt Nam"),
]


def _s_climate_project(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, r.choice("cmc"))
    donor, short, rep = r.choice(_DONORS)
    c["donor"], c["donor_short"] = donor, short
    c["donor_rep"] = f"{g.foreign_name()}, {rep}"
    c["project_value"] = _usd(1.2, 95.0)(g)
    c["n_years"] = r.choice(["three", "four", "five", "six"])
    c["hazard"] = "storm season"
    g.set_official(_CLIMATE_ROLES[:2])


_story("climate", 2, _s_climate_project, [
    (["{donor_short}-funded project to help {place} adapt to climate change",
      "{place} launches {project_value} coastal resilience project",
      "{place} steps up mangrove restoration with international support"],
     ["A {project_value} project to strengthen climate resilience for coastal and riverside communities in {place_desc} was launched {when}, with funding from {donor}.",
      "{^donor} and the {place} People's Committee {when} launched a {n_years}-year programme worth {project_value} to help vulnerable communities adapt to climate change."]),
], body=[
    "The project will restore {ha_small} hectares of mangrove forest and build {n_small} storm shelters in {n_communes} communes.",
    "About {n_households} households, {pct_l} of them headed by women, are expected to benefit directly from the programme.",
    "Automatic rain gauges and water level sensors will be installed at {n_small} locations at a cost of {vnd} to improve early warnings.",
    "Farmers will be trained in climate-smart techniques such as alternate wetting and drying, which can cut methane emissions from rice fields by up to {pct_l}.",
    "The programme builds on an earlier initiative in {place_any} that helped {n_households} families switch to drought-tolerant crops.",
    "The {local_n} will contribute {vnd_small} in counterpart funding, {off_short} said.",
    "{^donor_rep}, said adaptation must put local communities at the centre and ensure that the poorest households are not left behind.",
    "A similar project completed in {past_year} reduced storm damage to houses in participating communes by about {pct_l}, according to an evaluation.",
])


# ===== health ===============================================================

TOPICS["health"] = {
    "section": "suc-khoe",
    "body": [
        "The Ministry of Health has asked localities to ensure adequate supplies of medicines after shortages of {n_drugs} drugs were reported at {n_small} hospitals in {month_past}.",
        "Grassroots health stations in {place} are being upgraded with {vnd} from the {local} budget.",
        "The {local_n} has about {doctor_ratio} doctors and {nurse_ratio} nurses per 10,000 people, below the national average, and {n_med} medical posts remain vacant.",
        "Health insurance now covers {pct_cov} of the {local_n}'s population, or about {pop_m} million people, according to the {local} social insurance agency.",
        "The {local} Department of Health said {n_med} medical staff had been trained in {training_topic} since {month_past}.",
        "{^who_official}, said {health_point}.",
        "Overcrowding remains a problem at some central-level hospitals such as {hospital_any}, where bed occupancy can reach {pct_over} during peak periods.",
        "Telemedicine links now connect {n_med} commune health stations with provincial and central hospitals, allowing doctors to consult on {n_big} cases last year.",
        "The {local_n} plans to recruit {n_med} more doctors by {future_year}, offering housing support and monthly allowances of up to {vnd_salary} for those working in remote areas.",
        "Nationwide, about {pct_l} of commune health stations now have a doctor, up from {pct_l} five years ago, according to the Ministry of Health.",
    ],
    "quotes": [
        "“Early detection is crucial, and people should go to a health facility [[as soon as they have symptoms|within {n_days} days of the first symptoms|immediately if a fever lasts more than two days]],” said {doctor}.",
        "“We are doing everything we can, but [[our {n_med} doctors and nurses are working double shifts|the pressure on staff at {hospital_any} is enormous|we are receiving about {n_med} patients a day]],” {off_short} said, adding that some wards were operating at {pct_over} capacity.",
        "{^doctor}, said the hospital had treated {n_med} similar cases in {period}.",
        "“Prevention is always cheaper than treatment; a course of hospital care can cost {vnd_personal},” said {expert}, who urged families to keep children's vaccinations up to date.",
        "“My child had a high fever for {n_days} days before we brought her here,” said {resident}.",
    ],
    "close": [
        "The Department of Health said it had set up {n_small} rapid response teams with {n_med} staff to deal with any new clusters of cases.",
        "Residents can call the health hotline {hotline} for advice, the department said, adding that it had received {n_med} calls in {last_month}.",
        "The ministry will review the programme at a national conference {date_future}, where {n_prov} localities will report on coverage and spending of {vnd}.",
    ],
    "caption": [
        "Doctors examine a patient at {hospital_any}.",
        "A health worker vaccinates a child in {place}.",
        "Medical staff at a commune health station in {place}.",
    ],
    "subhead": ["Pressure on hospitals", "Patients and families", "Costs and insurance"],
    "expert_role": ["a public health lecturer at Hà Nội Medical University",
                    "an epidemiologist at the National Institute of Hygiene and Epidemiology",
                    "a former director of the {place_any} Department of Health",
                    "a health policy researcher at {research_inst}"],
    "training_topic": ["emergency care", "infection control", "the use of artificial intelligence in diagnostic imaging",
                       "mental health screening", "neonatal resuscitation", "electronic health records"],
    "who_official": ["{name_foreign}, a technical officer at the World Health Organization (WHO) office in Việt Nam",
                     "{name_foreign}, a WHO regional adviser"],
    "health_point": [
        "investment in primary health care was the most effective way to reduce pressure on hospitals, pointing to {n_small} pilot communes in {place_any}",
        "Việt Nam had made notable progress in immunisation but needed to close gaps in remote areas where coverage was below {pct_low}",
        "non-communicable diseases now account for about {pct_l} of deaths in the region and require long-term management at the grassroots level",
    ],
}

_HEALTH_ROLES = [
    ("Director", "Director of the {place} Department of Health"),
    ("Deputy Director", "Deputy Director of the {place} Department of Health"),
    ("Director", "Director of the {place} Centre for Disease Control"),
]

_DISEASES = [
    ("dengue fever", "the rainy season and stagnant water in residential areas",
     "larvae elimination and insecticide spraying", "adults aged between 15 and 45"),
    ("hand, foot and mouth disease", "the start of the school year and poor hygiene at some kindergartens",
     "disinfection at kindergartens and handwashing campaigns", "children under five"),
    ("measles", "low vaccination coverage among young children",
     "a catch-up vaccination campaign", "children aged one to five who had not been fully vaccinated"),
    ("whooping cough", "gaps in routine immunisation in recent years",
     "vaccination and contact tracing", "infants under six months"),
    ("seasonal influenza", "sudden changes in weather",
     "vaccination for high-risk groups", "elderly people and those with underlying conditions"),
    ("rabies", "unvaccinated dogs and cats",
     "free vaccination for pets and stricter management of stray dogs",
     "people who did not seek treatment after being bitten"),
]


def _s_outbreak(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    name, cause, prev, risk = r.choice(_DISEASES)
    c["disease"], c["cause"], c["prevention"], c["risk_group"] = name, cause, prev, risk
    hi = {"dengue fever": 18_000, "hand, foot and mouth disease": 8_000, "measles": 3_000,
          "whooping cough": 600, "seasonal influenza": 20_000, "rabies": 14}[name]
    cases = g.rand(max(2, hi // 60), hi)
    c["cases"] = f"{cases:,}"
    c["commune_cases"] = _num_word(max(1, int(cases * r.uniform(0.03, 0.15))))
    d = r.randint(0, 9)
    c["deaths_txt"] = "no deaths" if d == 0 else f"{_num_word(d)} death{'s' if d > 1 else ''}"
    c["growth"] = _pct(8.0, 220.0, 0)(g)
    g.set_official(_HEALTH_ROLES)


_story("health", 3, _s_outbreak, [
    (["{place} records {cases} {disease} cases, up {growth} on last year",
      "{^disease} cases rise in {place} as health authorities step up prevention",
      "Health sector in {place} on alert as {disease} spreads"],
     ["{^place_desc} has recorded {cases} cases of {disease} so far this year, including {deaths_txt}, up {growth} compared with the same period of {prev_y}, the {local} Centre for Disease Control (CDC) said {when}.",
      "Health authorities in {place} have stepped up {prevention} after the number of {disease} cases climbed to {cases} in {period}, {growth} higher than a year earlier."]),
], body=[
    "Most cases were reported among {risk_group}, health officials said, adding that {pct_l} of patients had been treated as outpatients.",
    "The CDC has intensified {prevention} in {n_communes_w} communes with high case numbers, reaching {n_households} households.",
    "Health experts attributed the rise in {place} to {cause}, noting a similar pattern in {place_any}.",
    "Nationwide, the Ministry of Health has recorded {n_big} cases of {disease} so far this year.",
    "Hospitals in the {local_n} have set aside {n_med} beds and prepared separate treatment areas for patients with severe symptoms.",
    "In {commune} commune alone, {commune_cases} cases were detected in the past {n_days} weeks.",
    "The {local} Department of Health has sent {n_small} inspection teams to check prevention work at {n_med} schools and residential areas.",
    "Treatment costs for severe cases can exceed {vnd_personal} per patient, most of which is covered by health insurance.",
])

_PROCEDURES = [
    ("a liver transplant", "end-stage liver failure"),
    ("a kidney transplant", "chronic kidney failure"),
    ("robot-assisted surgery to remove a tumour", "colorectal cancer"),
    ("open-heart surgery", "a congenital heart defect"),
    ("complex spinal surgery", "severe scoliosis"),
    ("endoscopic brain surgery", "a pituitary tumour"),
    ("microsurgery to reattach a severed arm", "injuries from a workplace accident"),
    ("a cochlear implant operation", "profound hearing loss"),
    ("a bone marrow transplant", "leukaemia"),
]
_HOSPITAL_BY_PLACE = {
    "Hà Nội": ["Bạch Mai Hospital", "Việt Đức Friendship Hospital", "the National Children's Hospital",
               "the 108 Military Central Hospital", "Hà Nội Heart Hospital"],
    "TP Hồ Chí Minh": ["Chợ Rẫy Hospital", "Thống Nhất Hospital", "Children's Hospital 1",
                       "the University Medical Center"],
    "Huế": ["Huế Central Hospital"], "Đà Nẵng": ["Đà Nẵng Hospital"],
    "Cần Thơ": ["Cần Thơ Central General Hospital"],
}


def _s_hospital(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, name=r.choice(["Hà Nội", "Hà Nội", "TP Hồ Chí Minh", "TP Hồ Chí Minh", "Huế",
                                 "Đà Nẵng", "Cần Thơ", r.choice(PLACES)[0]]))
    c["hospital"] = r.choice(_HOSPITAL_BY_PLACE.get(c["place"], [f"{c['place']} General Hospital"]))
    proc, cond = r.choice(_PROCEDURES)
    c["procedure"], c["condition"] = proc, cond
    age = r.randint(4, 78)
    female = r.random() < 0.5
    c["age_p"] = str(age)
    c["patient_noun"] = (("girl" if female else "boy") if age < 16
                         else ("woman" if female else "man"))
    c["he_p"] = "she" if female else "he"
    g.set_official([("Director", "Director of {hospital}"),
                    ("Deputy Director", "Deputy Director of {hospital}")])


_story("health", 2, _s_hospital, [
    (["Doctors at {hospital} perform {procedure} on {age_p}-year-old patient",
      "{age_p}-year-old {patient_noun} recovers after {procedure} at {hospital}"],
     ["Doctors at {hospital} in {place} have successfully performed {procedure} on a {age_p}-year-old {patient_noun} suffering from {condition}, the hospital said {when}.",
      "A {age_p}-year-old {patient_noun} with {condition} is recovering well after doctors at {hospital} performed {procedure}, {off_title} {off_name} said {when}."]),
], body=[
    "The operation lasted about {op_hours} hours and involved a team of {n_small} doctors, nurses and technicians led by Dr {name_vn}.",
    "The patient, from {place_any}, had been treated at several facilities for {n_months} months before being transferred to the hospital.",
    "After {n_days} days of post-operative care, the patient's condition is stable and {he_p} is expected to be discharged [[next week|in the coming days|within {n_days} days]].",
    "The total cost of the procedure was about {vnd_personal}, of which health insurance covered {pct_l}.",
    "A similar procedure abroad would cost {usd_k} or more, according to the hospital.",
    "The hospital has performed {n_med} procedures of this kind since it first mastered the technique in {past_year}.",
    "Doctors said early diagnosis had been crucial, noting that about {pct_l} of patients with {condition} in the region are diagnosed only at a late stage.",
    "The hospital has trained {n_small} doctors from {n_few} provincial hospitals in the technique since {past_year} under a technology transfer programme.",
])

_VPD = ["measles and rubella", "diphtheria, tetanus and whooping cough", "polio",
        "Japanese encephalitis", "hepatitis B", "rotavirus"]


def _s_vaccination(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    c["vpd"] = r.choice(_VPD)
    c["n_target"] = f"{g.rand(4_000, 210_000, 100):,}"
    c["target_cov"] = _pct(92.0, 98.0, 0)(g)
    g.set_official(_HEALTH_ROLES)


_story("health", 2, _s_vaccination, [
    (["{place} to vaccinate {n_target} children against {vpd}",
      "{place} launches {vpd} vaccination drive for children",
      "{place} aims for {target_cov} immunisation coverage"],
     ["Health authorities in {place_desc} will vaccinate about {n_target} children against {vpd} {date_future}, as part of efforts to raise immunisation coverage above {target_cov}, the {local} Department of Health said {when}.",
      "{^place_desc} {when} launched a campaign to vaccinate {n_target} children against {vpd}, {off_title} {off_name} said."]),
], body=[
    "The campaign targets children aged {age_range} in {n_communes} communes, including remote areas where coverage has fallen below {pct_low}.",
    "The National Expanded Programme on Immunisation delivered {n_big} doses to the {local_n} {date_past}, with support from UNICEF and WHO.",
    "{^n_few} mobile vaccination teams will visit {n_villages} villages and schools that are far from health stations.",
    "Parents have been urged to bring their children's vaccination records, as about {pct_s} of children in the {local_n} have missed at least one dose.",
    "Last year, the {local_n} vaccinated {n_children} children against {vpd2}, reaching {pct_cov} coverage.",
    "Each of the {n_sites_v} vaccination sites will have {n_few} trained staff to monitor children for 30 minutes after vaccination.",
    "Coverage in {commune} commune fell to {pct_low} last year after vaccine supplies were interrupted for {n_few} months.",
], quotes=[
    "“Vaccination is the most effective way to protect children from {vpd}, and it is free of charge,” {off_short} said, urging parents to register at {n_small} health stations.",
    "“I brought both of my children today because we missed the last round when the road was flooded,” said {resident}.",
    "“Coverage must reach every village, including those {n_small} kilometres from the nearest health station,” said {doctor}.",
], age_range=["one to five", "six months to five years", "one to 10", "under two"], vpd2=_VPD)


# ===== education ============================================================

TOPICS["education"] = {
    "section": "giao-duc",
    "body": [
        "The Ministry of Education and Training has asked localities to review teacher staffing and address shortages before the {school_year} school year, when enrolment nationwide is expected to rise by {n_big} pupils.",
        "Public schools in the {local_n} still hold {n_med} classes in temporary buildings, according to the {local} Department of Education and Training.",
        "English will gradually become a second language in schools, and {place} plans to hire {n_med} more English teachers by {future_year}.",
        "About {pct_l} of the {local_n}'s schools now have internet connections fast enough for online learning.",
        "The {local_n} spent {vnd} on school buildings, equipment and teacher training in {prev_y}.",
        "Vocational schools in {place_any} reported that {pct_l} of graduates found jobs within six months, mainly in manufacturing and services.",
        "A pilot programme teaching basic artificial intelligence skills to secondary students has been launched at {n_small} schools in {place_any}.",
        "Starting salaries for teachers in {place} are about {vnd_salary} a month, and a union survey found that {pct_l} of young teachers had considered leaving the profession.",
        "Tuition fee exemptions for public school pupils are expected to cost the {local} budget about {vnd} a year.",
        "The {local_n} has {n_students} students enrolled at {n_small} universities and colleges, {pct_share} of them in technical fields.",
    ],
    "quotes": [
        "“Students now have more choices, but [[they also need|about {pct_l} of them still lack]] proper career guidance to choose the right subjects,” said {teacher}.",
        "“We want every [[student|pupil|child]] to have access to good teachers, whether they live in {place_any} or in a [[mountainous|remote|border]] commune such as {commune},” {off_short} said, noting that {n_med} teaching posts remained vacant.",
        "{^expert}, said exam questions had become more practical, with {pct_l} of them linked to real-life situations.",
        "“Teachers in remote areas often have to travel {n_small} kilometres to reach their schools,” said {teacher}.",
    ],
    "close": [
        "The {local} Department of Education and Training will hold a conference {date_soon} to review the school year and honour {n_med} outstanding teachers.",
        "Parents can contact the department's hotline {hotline} for further information until {day_soon}, officials said.",
        "The ministry said it would issue detailed guidance to {n_prov} localities {date_future}, following consultations with {n_med} schools.",
    ],
    "caption": [
        "Students at a high school in {place}.",
        "Candidates check their exam rooms in {place}.",
        "A teacher and pupils in a classroom in {commune} commune, {place}.",
    ],
    "subhead": ["Support for students", "Looking ahead", "Resources"],
    "expert_role": ["an education expert at the Việt Nam National Institute of Educational Sciences",
                    "a former deputy director of an education department",
                    "a lecturer at Hà Nội National University of Education",
                    "head of admissions at a university in TP Hồ Chí Minh"],
    "major": ["medicine", "information technology", "semiconductor engineering", "economics",
              "international relations", "pharmacy", "logistics", "English language"],
}

_EDU_ROLES = [
    ("Director", "Director of the {place} Department of Education and Training"),
    ("Deputy Director", "Deputy Director of the {place} Department of Education and Training"),
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
]


def _s_exam(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (6, 7))
    _set_place(g)
    c["candidates"] = f"{g.rand(6_000, 110_000, 10):,}"
    c["n_sites"] = str(g.rand(18, 190))
    c["pass_rate"] = _pct(93.0, 99.8, 2)(g)
    subj = r.sample(["physics", "chemistry", "biology", "history", "geography", "English",
                     "informatics", "economic and legal education"], 3)
    c["electives"] = f"{subj[0]}, {subj[1]} and {subj[2]}"
    c["subject"] = r.choice(["mathematics", "history", "geography", "English", "chemistry"])
    c["student"] = f"{g.vn_name()[0]}, a candidate in {c['place']}"
    g.set_official(_EDU_ROLES)


_story("education", 2, _s_exam, [
    (["More than {candidates} candidates in {place} sit high school graduation exam",
      "High school graduation exam in {place} runs smoothly on first day"],
     ["More than {candidates} candidates in {place_desc} sat the national high school graduation exam {when}, at {n_sites} exam sites across the {local_n}, the {local} Department of Education and Training said.",
      "The national high school graduation exam got under way {when} in {place_desc}, where {candidates} candidates registered to take the tests at {n_sites} exam sites."],
     ["Candidates took literature and mathematics first, followed by two elective subjects chosen from options such as {electives}.",
      "A total of {n_absent} candidates were absent from the first paper, and {n_few} were disqualified for bringing mobile phones into exam rooms.",
      "In mountainous areas, {n_small} police officers escorted exam papers up to {km} kilometres to remote exam sites.",
      "About {n_med} candidates who needed accommodation were offered free rooms by {n_small} local businesses and youth volunteer groups.",
      "Exam results for the {candidates} candidates are expected to be announced {date_soon}."]),
    (["{place} reports {pass_rate} pass rate in high school graduation exam",
      "{place} students post higher average scores in graduation exam"],
     ["About {pass_rate} of the {candidates} candidates in {place_desc} passed the national high school graduation exam this year, the {local} Department of Education and Training announced {when}.",
      "Results of the high school graduation exam released {when} show that {pass_rate} of candidates in {place_desc} passed, {off_title} {off_name} said."],
     ["The average score in mathematics was {avg_score}, while literature averaged {avg_score}.",
      "A total of {n_perfect} perfect scores of 10 were recorded, mostly in {subject}.",
      "{^name_vn}, a student at {school_local}, achieved the highest combined score in the {local_n}, with {top_score} points across three subjects.",
      "The {local_n} ranked {rank} out of {n_prov} localities nationwide in average scores, with {avg_score} points per subject.",
      "Universities will announce benchmark scores {date_soon}, and candidates can adjust their preferences online."]),
], quotes=[
    "“I studied about {study_hours} hours a day in the final months,” said {student}, who hopes to study {major} at university.",
    "“The questions were closer to real life than in previous years, so students who understood the lessons did well,” said {teacher}.",
    "“We want every candidate to take the exam in safe and fair conditions,” {off_short} said, adding that {n_small} inspection teams had been deployed.",
], body=[
    "More than {n_staff} teachers, police officers and medical workers were mobilised to support the exam.",
    "Results will be used both for graduation and for admission to about {n_univ} universities and colleges, which plan to enrol {n_big} first-year students.",
    "This year's exam was organised with {n_sites} exam sites and {n_staff} staff, and no serious violations were reported, {off_short} said.",
], rank=["5th", "7th", "9th", "12th", "15th", "18th", "21st", "24th", "3rd", "11th"])

_OLYMPIADS = ["Mathematical", "Physics", "Chemistry", "Biology", "Informatics", "Geography",
              "Astronomy and Astrophysics"]


def _s_olympiad(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (4, 7, 8, 9))
    _set_place(g, name="Hà Nội")
    team = r.choice([4, 4, 5, 6, 6])
    gold = r.randint(0, min(4, team))
    silver = r.randint(0, team - gold)
    bronze = team - gold - silver
    c["team_size"] = _num_word(team)
    c["n_gold"] = _num_word(gold)
    c["medal_phrase"] = _medal_phrase(gold, silver, bronze)
    c["subject_ol"] = r.choice(_OLYMPIADS)
    c["ol_city"] = _f_foreign_city(g)
    c["ol_edition"] = _ordinal(r.randint(18, 66))
    g.set_official([("Deputy Minister", "Deputy Minister of Education and Training"),
                    ("Director", "Director of the Department of Quality Management at the Ministry of Education and Training")])


_story("education", 1.5, _s_olympiad, [
    (["All {team_size} Vietnamese students win medals at International {subject_ol} Olympiad",
      "Vietnamese team brings home {medal_phrase} from International {subject_ol} Olympiad"],
     ["All {team_size} members of the Vietnamese team won medals at the {ol_edition} International {subject_ol} Olympiad in {ol_city}, bringing home {medal_phrase}, the Ministry of Education and Training announced {when}.",
      "Vietnamese students won {medal_phrase} at the International {subject_ol} Olympiad held in {ol_city}, according to results announced {when}."]),
], body=[
    "{^name_vn}, a grade-{grade} student at the {place_any} High School for the Gifted, achieved the highest score in the team.",
    "This year's competition drew {n_contestants} contestants from {n_countries} countries and territories.",
    "The team will be welcomed at Nội Bài International Airport {date_soon} by representatives of the ministry, {n_few} provincial leaders and their schools.",
    "Team members were selected from {n_candidates_ol} students who took part in a national selection round in {month_past}.",
    "Việt Nam first took part in the competition in {past_year}, and its students have since won {n_small} gold medals at the event.",
    "Each gold medallist will receive a bonus of {vnd_personal} from the Government and their home provinces.",
    "The team trained for {train_months} months at the ministry's training centre before the competition, solving about {n_med} practice problems with {n_few} university lecturers.",
], quotes=[
    "“I studied about {study_hours} hours a day in the final months before the competition,” said {student}, who hopes to study {major} at university.",
    "“The problems this year were harder than we expected, but the team stayed calm,” said {teacher}, who accompanied the students.",
    "“These results reflect the efforts of students, teachers and families across {n_few} provinces,” {off_short} said.",
], grade=["10", "11", "12"])


def _s_schools(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, r.choice(["n", "h", "m", None]))
    c["n_short"] = f"{g.rand(150, 4_800, 10):,}"
    c["school_vnd"] = _vnd(120.0, 6_500.0)(g)
    c["n_new_schools"] = str(g.rand(6, 140))
    g.set_official(_EDU_ROLES)


_story("education", 2, _s_schools, [
    (["{place} short of {n_short} teachers as new school year approaches",
      "Teacher shortages weigh on schools in {place}"],
     ["{^place_desc} is short of about {n_short} teachers at all levels, with preschools and primary schools worst affected, the {local} Department of Education and Training said {when}.",
      "Schools in {place_desc} need about {n_short} more teachers, {off_title} {off_name} said {when}, warning that some classes may have to be merged."],
     ["Preschool teachers are in shortest supply, with {n_med} vacancies in the {local_n} alone.",
      "The {local_n} has recruited {n_med} teachers since {month_past}, but many candidates turned down posts in remote communes.",
      "Under a new policy, teachers working in disadvantaged areas can receive allowances of up to {pct_l} of their basic salary."]),
    (["{place} to spend {school_vnd} on new schools",
      "{place} builds boarding schools for border communes"],
     ["{^place_desc} will spend {school_vnd} building and upgrading {n_new_schools} schools {date_future}, in an effort to ease overcrowding and replace temporary classrooms, officials said {when}.",
      "Construction has begun on {n_new_schools} new schools in {place_desc}, including boarding schools for pupils in border communes, with total investment of {school_vnd}, {off_title} {off_name} said {when}."],
     ["The new schools will provide places for about {n_students} pupils and include dormitories, libraries and computer rooms.",
      "The {local_n} plans to complete {n_small} boarding schools for ethnic minority pupils by {future_year}.",
      "Funding for the programme comes from the central budget, the {local} budget and donations totalling {vnd}."]),
], body=[
    "Some classes in urban schools in {place} have {class_size} pupils, well above the ministry's limit of 45, and {n_med} new classrooms are needed.",
    "The {local_n} has {n_students} pupils at {n_schools} schools, and enrolment is expected to grow by {pct_s} next year.",
    "Teachers in remote communes often live in makeshift housing, and the {local_n} has pledged {vnd} to build staff quarters.",
])


# ===== technology / cyber ===================================================

TOPICS["technology"] = {
    "section": "cong-nghe",
    "body": [
        "Online fraud accounted for {pct_share} of crimes reported to police in {place_any} in {period}, according to local authorities.",
        "The National Cyber Security Centre said it had detected {n_malware} malicious domains and {n_med} phishing websites impersonating banks and government agencies since {month_past}.",
        "Banks now require biometric authentication for large transfers, a measure officials say has cut fraud involving stolen accounts by {pct_l}.",
        "At an ASEAN workshop on cybersecurity in {asean_city} in {month_past}, {n_delegates} delegates from member states discussed joint responses to ransomware and online scams.",
        "{^gs_ref} has described science, technology and innovation as key drivers of growth, and ministries have been told to cut approval times for tech projects by {pct}.",
        "The digital economy accounted for about {pct_digi} of GDP in {prev_y}, and e-commerce revenue grew {pct} to {usd_b}, according to the Ministry of {ict_portfolio}.",
        "Some {n_med} Vietnamese tech start-ups raised a combined {usd_m} in venture funding in {period}, according to a report by {vc_firm}.",
        "More than {pct_l} of public services in {place_any} can now be completed fully online, including business registration and land procedures.",
        "The VNeID electronic identification app was used to verify {n_big} transactions in {last_month}, according to the police.",
        "Police in {place_any} recently warned of calls from people posing as {impersonated}, asking victims to install apps that steal banking data, after {n_med} residents reported such calls in {last_month}.",
        "The UN Office on Drugs and Crime (UNODC) has trained {n_med} police officers and prosecutors from Southeast Asian countries in investigating cybercrime and cryptocurrency-enabled fraud since {past_year}.",
        "Cybercrime cases handled by police in {place_any} rose {pct} in {period}, with online investment scams and account takeovers the most common, according to local authorities.",
        "Mobile broadband speeds in Việt Nam rose {pct} over the past year as 5G coverage expanded to {n_small} provinces and cities.",
    ],
    "quotes": [
        "“Talent is the biggest bottleneck; we will need {n_engineers} more engineers [[over the next five years|by {future_year}]],” said {biz_person}.",
        "{^expert}, said many small businesses still lacked basic protections such as offline backups and multi-factor authentication.",
        "“Data is [[a new resource for growth|a key asset for {place}|the raw material of the digital economy]], and with {n_big} users now on our platforms it must be [[protected and governed properly|managed safely and transparently|protected under clear rules]],” {off_short} said at the event, which drew {n_participants} participants.",
    ],
    "close": [
        "The {local} Department of {ict_portfolio} said it would announce {n_small} more digital transformation projects {date_future}.",
        "A technology forum with {n_small} workshops on artificial intelligence, cloud computing and cybersecurity will be held in {place} {date_soon}.",
        "The ministry said it would publish a list of {n_small} technology products eligible for preferential support {date_future}.",
    ],
    "caption": [
        "Engineers at a semiconductor testing facility in {place}.",
        "Police officers examine seized phones and SIM cards in {place}.",
        "Visitors at a technology exhibition in {place}.",
    ],
    "subhead": ["New tactics", "Talent gap", "Protecting users"],
    "expert_role": ["a cybersecurity expert at {sec_firm}", "director of a cybersecurity company in Hà Nội",
                    "a lecturer in computer science at Hà Nội University of Science and Technology",
                    "an analyst at {vc_firm}"],
    "sec_firm": ["SecuRed Vietnam", "Lotus Cyber Defence", "Bkav", "VSEC", "Red Bamboo Security"],
    "vc_firm": ["Mekong Ventures", "Lotus Capital", "Saigon Angel Network", "Nexus Seed Partners",
                "Blue River Ventures"],
    "impersonated": ["tax officials", "electricity company staff", "police officers",
                     "bank employees", "social insurance officers", "delivery drivers"],
    "asean_city": ["Singapore", "Jakarta", "Bangkok", "Kuala Lumpur", "Manila", "Vientiane", "Phnom Penh"],
    "co_word": ["Technology"],
}

_TECH_ROLES = [
    ("Director", "Director of the {place} Department of {ict_portfolio}"),
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
]
_POLICE_ROLES = [
    ("Colonel", "Director of the {place} Police Department"),
    ("Colonel", "Deputy Director of the {place} Police Department"),
    ("Lieutenant Colonel", "head of the {place} police's cybersecurity and high-tech crime division"),
]
_FRAUDS = [
    ("fake investment apps promising high returns", "fake investment app",
     "Victims were lured into depositing money on apps that displayed fictitious profits of up to {pct_l}, but were blocked when they tried to withdraw."),
    ("calls from people posing as police officers", "police impersonation",
     "The suspects told victims they were under investigation and ordered them to transfer money, in one case {vnd_small}, to “verify” their accounts."),
    ("online part-time job offers", "online job",
     "Victims were first paid small commissions for simple tasks before being persuaded to transfer larger sums, sometimes making {n_few} transfers in a single day worth up to {vnd_small}."),
    ("fake airline ticket websites", "fake ticket",
     "The group set up {n_small} websites resembling those of airlines and travel agencies, collecting payments for tickets that were never issued."),
    ("romance scams on social media", "romance",
     "Members created fake profiles of foreign business people to build relationships with victims over {n_months} months before asking for money to cover “customs fees”."),
    ("illegal online gambling websites", "online gambling",
     "The network operated {n_small} betting sites with servers located abroad, processing transactions worth {vnd_t} over {n_months} months."),
]


def _s_fraud(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    ftype, fshort, modus = r.choice(_FRAUDS)
    c["fraud_type"], c["fraud_short"] = ftype, fshort
    c["fraud_modus"] = g.x(modus)
    c["n_victims"] = f"{g.rand(40, 9_000, 5):,}"
    c["n_suspects"] = _num_word(g.rand(3, 38))
    amount_b = r.uniform(12.0, 2_400.0)
    c["amount"] = _fmt_vnd(g, amount_b)
    c["recovered"] = _fmt_vnd(g, amount_b * r.uniform(0.05, 0.6))
    c["frozen"] = _fmt_vnd(g, amount_b * r.uniform(0.02, 0.4))
    c["suspect_name"] = g.vn_name(r.random() < 0.25)[0]
    c["suspect_age"] = str(r.randint(21, 54))
    g.set_official(_POLICE_ROLES)


_story("technology", 3, _s_fraud, [
    (["Police bust online fraud ring that swindled {n_victims} people",
      "{place} police arrest {n_suspects} suspects over {fraud_short} scam",
      "Online {fraud_short} scam nets {amount}, police say"],
     ["Police in {place_desc} have arrested {n_suspects} suspects for allegedly running a scam involving {fraud_type} that defrauded more than {n_victims} people of {amount}, the {local} police said {when}.",
      "The {place} police {when} said they had dismantled a network that used {fraud_type} to defraud {n_victims} people across the country of a total of {amount}."]),
], body=[
    "Investigators said the group had rented {n_small} apartments in {place_any} as bases and used hundreds of SIM cards registered under other people's names.",
    "{fraud_modus}",
    "Police froze {n_accounts} bank accounts holding {frozen} and seized {n_med} mobile phones and computers.",
    "The alleged ringleader, {suspect_name}, {suspect_age}, had previously been convicted of fraud in {past_year}, police said.",
    "The case has been [[transferred|handed over]] to prosecutors in {place} on charges of appropriating property through fraud, while {n_few} other suspects, including {name_vn}, remain at large.",
    "Some of the {n_members} members had been recruited via social media with promises of jobs paying {vnd_salary_high} a month, police said.",
    "Police said cybercrime cases in the {local_n} had risen {pct} in {period}, with reported losses of {vnd}.",
    "Most victims were aged between {age_lo} and {age_hi}, and many had found the scheme through advertisements on social media.",
], close=[
    "Police have urged anyone who suspects they have been scammed to report it immediately, noting that {n_med} reports were received in {last_month}.",
    "Police said the investigation was continuing and that more arrests were expected {date_soon}.",
], quotes=[
    "“Scammers [[constantly change their tactics|change their scripts every few weeks|now use AI-generated voices]], so people must never share OTP codes or install apps from unknown links,” said {police_officer}.",
    "“I transferred {vnd_personal} before I realised it was a scam,” said {resident}.",
    "“We will continue to trace the money and identify {n_few} other members of the network,” {off_short} said.",
], caption=["Police officers examine seized phones and SIM cards in {place}.",
            "Suspects in the case at the {place} police headquarters.",
            "Police officers at a press briefing on the case in {place}."])


def _s_cyberstats(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, name="Hà Nội")
    c["n_attacks_main"] = f"{g.rand(1_100, 14_500, 10):,}"
    c["n_ransom"] = _num_word(g.rand(3, 60))
    c["trend"] = (f"up {_pct(4.0, 60.0)(g)}" if r.random() < 0.55
                  else f"down {_pct(3.0, 40.0)(g)}")
    g.set_official([("Director", "Director of the National Cyber Security Centre"),
                    ("Deputy Director", "Deputy Director of the National Cyber Security Centre")])


_story("technology", 2, _s_cyberstats, [
    (["Việt Nam records {n_attacks_main} cyberattacks in {period_short}",
      "Ransomware hits {n_ransom} organisations as businesses lag on cybersecurity",
      "Cyberattacks on information systems {trend} in {period_short}"],
     ["Information systems in Việt Nam were hit by {n_attacks_main} cyberattacks in {period}, {trend} year-on-year, the National Cyber Security Centre said {when}.",
      "Cyberattacks targeting Vietnamese organisations numbered {n_attacks_main} in {period}, {trend} from a year earlier, {off_title} {off_name} told a seminar in Hà Nội {when}."]),
], body=[
    "Phishing accounted for {pct_share} of the incidents, followed by website defacement and malware infections.",
    "Ransomware hit {n_ransom} organisations, including {ransom_target}, with attackers demanding up to {usd_k} in cryptocurrency.",
    "Around {n_big} IP addresses in Việt Nam were found to be part of botnets, down {pct} from the previous quarter.",
    "The centre recommended that organisations patch known vulnerabilities within {n_days} days, noting that {n_vuln} critical flaws in widely used software had been reported in {last_month}.",
    "About {pct_l} of the organisations attacked did not have a dedicated information security team, the report found.",
    "A national cyber drill involving {n_med} organisations from the banking, energy and telecommunications sectors will be held {date_future}.",
    "Personal data of about {n_big} users was put up for sale on hacker forums in {last_month}, according to the centre.",
], ransom_target=["a securities company", "a logistics firm", "a provincial hospital",
                  "an energy company", "an online retailer", "a university"])

_FACILITIES = [
    ("semiconductor packaging and testing plant", "chip"),
    ("data centre", "data centre"),
    ("artificial intelligence research centre", "AI"),
    ("printed circuit board factory", "circuit board"),
    ("software development centre", "software"),
]


def _s_techinvest(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, r.choice(["i", "i", None]))
    fac, short = r.choice(_FACILITIES)
    c["facility"], c["facility_short"] = fac, short
    c["investor_co"] = _f_foreign_company(g)
    c["invest_usd"] = _usd(12.0, 1_800.0)(g)
    c["nth_vn"] = r.choice(["first", "second", "third", "fourth"])
    c["n_jobs_main"] = f"{g.rand(250, 9_000, 50):,}"
    g.set_official(_TECH_ROLES)


_story("technology", 2.5, _s_techinvest, [
    (["{investor_co} opens {invest_usd} {facility} in {place}",
      "{place} welcomes {invest_usd} {facility} project",
      "{investor_co} to expand {facility_short} operations in {place}"],
     ["{^investor_co} {when} inaugurated a {invest_usd} {facility} in {place_desc}, the company's {nth_vn} facility in Việt Nam.",
      "A {facility} worth {invest_usd} developed by {investor_co} began operations in {place_desc} {when}, creating about {n_jobs_main} jobs."]),
], body=[
    "The facility will employ {n_jobs_main} people, about {pct_l} of them engineers, when it reaches full capacity in {future_year}.",
    "The company said it chose {place} because of its young workforce, improving infrastructure and tax incentives, and that {pct_l} of its managers would be Vietnamese by {future_year}.",
    "{^investor_co} has partnered with {n_few} universities to train {n_engineers} engineers in chip design, testing and packaging.",
    "Việt Nam aims to train at least 50,000 semiconductor engineers by 2030, and {place} alone plans to train {n_engineers} of them.",
    "Power demand from data centres is expected to grow {pct_l} a year, prompting calls for more renewable energy supply.",
    "{^pm_ref} has asked foreign tech firms to increase the participation of Vietnamese suppliers, which currently provide only {pct_share} of their components.",
    "The project is the {local_n}'s largest foreign investment in high technology since {past_year}, when {foreign_company} opened a plant in the {ip_name} Industrial Park.",
    "Local authorities completed land clearance for the site in {n_months} months, {off_short} said.",
])


# ===== diplomacy (hard distractors) =========================================

TOPICS["diplomacy"] = {
    "topic_cap": (1, 4),
    "section": "thoi-su",
    "body": [
        "ASEAN foreign ministers are expected to meet again {date_future} to review progress on the ASEAN Community Vision 2045, whose first implementation plan includes {n_action} measures.",
        "The Ministry of Foreign Affairs said {date_past} that Việt Nam would [[continue|stay committed to]] its foreign policy of independence, self-reliance, multilateralisation and diversification, noting that {n_visits} high-level delegations had been exchanged in {period}.",
        "According to the Ministry of Foreign Affairs, Việt Nam has signed {n_agreements} cooperation documents with international partners since {month_past_year}.",
        "Việt Nam is also campaigning for a seat on {un_body} for the {term} term, and its diplomats have discussed the bid with {n_states} member states since {month_past}.",
        "UN Secretary-General António Guterres has called for {guterres_call}, according to a statement issued by his spokesperson {date_past}.",
        "{^ga_session} is due to consider {n_small} draft resolutions on {ga_topic} {date_soon}.",
        "The UN's {n_agencies} agencies, funds and programmes in Việt Nam are aligning their work with the country's socio-economic development plan, with a budget of about {usd_m} for the next cycle.",
        "Việt Nam has deployed {n_pk_total} officers and soldiers to UN peacekeeping missions since {pk_year}, including {n_small} women in the latest rotation.",
        "Two-way trade between ASEAN and {dialogue_trade} last year, according to the ASEAN Secretariat.",
        "{^president_ref} {date_past} sent a message of congratulations to the leaders of {country_any} on the occasion of their National Day, the Ministry of Foreign Affairs said.",
        "{^pm_ref} is expected to attend {n_few} regional and international conferences before the end of {y}, including meetings on {global_challenge}.",
    ],
    "quotes": [
        "“Multilateral cooperation is the [[only|most effective]] way to address challenges such as {global_challenge}, and {past_year} showed what happens when it breaks down,” said {dip_person}.",
        "{^expert}, said Việt Nam's growing role in regional forums reflected its economic weight and its reputation as a reliable partner, pointing to {n_small} initiatives it has proposed since {past_year}.",
        "“ASEAN unity and centrality remain the foundation for dealing with [[external pressures|great-power competition]] and shocks such as those seen in {past_year},” said {expert_foreign}.",
        "“Small and medium-sized countries [[benefit most from|have the biggest stake in]] a rules-based order, especially in {ga_topic},” said {dip_person}, adding that {n_few} regional meetings on the issue were planned for {next_y}.",
    ],
    "close": [
        "The {round_ord} round of consultations will be held in Hà Nội {date_future}, the Ministry of Foreign Affairs said.",
        "The meeting, attended by {n_delegates} delegates, concluded with the adoption of a joint statement covering {n_small} areas of cooperation.",
        "A follow-up meeting of senior officials from {n_few} ministries will be held {date_future} to review the {n_small} agreed measures.",
    ],
    "caption": ["Delegates at a meeting in {place} {when_date}.", "Officials pose for a group photo in {place} {when_date}.",
                "{^off_title} {off_name} speaks at the event in {place} {when_date}."],
    "subhead": ["Regional cooperation", "Multilateral agenda", "Economic ties"],
    "expert_role": ["a researcher at the Diplomatic Academy of Việt Nam", "a former ambassador",
                    "an international relations lecturer at Hà Nội National University",
                    "a researcher at the Institute for Foreign Policy and Strategic Studies"],
    "un_body": ["the UN Economic and Social Council", "the International Law Commission",
                "the UNESCO Executive Board", "the UN Commission on the Status of Women",
                "the Committee on the Elimination of Racial Discrimination",
                "the Council of the International Maritime Organization"],
    "term": ["{y_plus1}-{y_plus3}", "{y_plus2}-{y_plus4}"],
    "guterres_call": [
        "an immediate ceasefire and unhindered humanitarian access in conflict zones",
        "greater investment in early warning systems so that every person is protected by them",
        "reform of the international financial architecture to help developing countries",
        "a stronger global response to the climate emergency",
        "urgent action to close the financing gap for the Sustainable Development Goals",
        "global rules to govern the use of artificial intelligence",
        "a halt to attacks on humanitarian workers",
    ],
    "ga_topic": ["ocean governance", "sustainable development", "disarmament",
                 "the rights of older persons", "road safety", "digital cooperation",
                 "disaster risk reduction", "global health"],
    "pk_year": ["2014"],
    "global_challenge": ["climate change", "pandemics", "transnational crime", "food insecurity",
                         "cyber threats", "sea-level rise", "debt distress"],
}


def _y_plus(n: int):
    return lambda g: str(g.day.year + n)


FUNCS.update({f"y_plus{n}": _y_plus(n) for n in (1, 2, 3, 4)})

_COOP = ["trade and investment", "education and training", "renewable energy",
         "digital transformation", "agriculture", "labour", "tourism", "defence and security",
         "science and technology", "health care", "climate change response", "culture",
         "infrastructure", "semiconductors", "aviation"]
_GUEST_TITLES = [
    ("Ambassador", "{adj} Ambassador to Việt Nam"),
    ("Minister", "{adj} Minister of Foreign Affairs"),
    ("Minister", "{adj} Minister of Trade"),
    ("Deputy Prime Minister", "{adj} Deputy Prime Minister"),
    ("Governor", "Governor of a {adj} province"),
    ("Minister", "{adj} Minister of Education"),
    ("Speaker", "Speaker of the {adj} Parliament"),
]


def _hosts(g: _Gen) -> list:
    d = g.day
    hosts = []
    if d >= _dt.date(2024, 8, 3):
        hosts.append(("Party General Secretary Tô Lâm", "General Secretary Lâm"))
        hosts.append(("Party General Secretary Tô Lâm", "Party chief Lâm"))
    if _dt.date(2024, 10, 21) <= d <= _dt.date(2026, 3, 31):
        hosts.append(("State President Lương Cường", "President Cường"))
        hosts.append(("President Lương Cường", "President Cường"))
    if d <= _dt.date(2026, 3, 31):
        hosts.append(("Prime Minister Phạm Minh Chính", "PM Chính"))
        hosts.append(("Prime Minister Phạm Minh Chính", "Prime Minister Chính"))
    for title, head in (("Deputy Prime Minister", "Deputy PM"),
                        ("Deputy Minister of Foreign Affairs", "Deputy Minister"),
                        ("Vice Chairman of the National Assembly", "Vice Chairman")):
        full, given, female = g.vn_name(g.r.random() < 0.3)
        if female:
            title = title.replace("Chairman", "Chairwoman")
            head = head.replace("Chairman", "Chairwoman")
        hosts.append((f"{title} {full}", f"{head} {given}"))
    return hosts


def _s_reception(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, name="Hà Nội")
    key = _set_country(g)
    host_full, host_short = r.choice(_hosts(g))
    c["host_full"], c["host_short"] = host_full, host_short
    c["off_short"], c["off_name"], c["off_title"] = host_short, host_full, ""
    c["he"], c["his"], c["him"] = "he", "his", "him"
    head, title = r.choice(_GUEST_TITLES)
    gname = g.foreign_name(key)
    family_first = FOREIGN_NAMES[COUNTRIES[key][2]][2]
    surname = gname.split(" ")[0] if family_first else gname.split(" ")[-1]
    c["guest_full"] = f"{title.format(adj=c['country_adj'])} {gname}"
    c["guest_short"] = f"{head} {surname}"
    c["guest_kind"] = head.lower() if head != "Speaker" else "parliamentary leader"
    c["_variant"] = "0" if head == "Ambassador" else r.choice("01")
    a, b, cc = r.sample(_COOP, 3)
    c["coop_a"], c["coop_b"], c["coop_c"] = a, b, cc
    now = r.uniform(0.4, 48.0)
    c["trade_now"] = _money_usd(now * 1e9)
    c["trade_target"] = _money_usd(now * r.uniform(1.3, 2.2) * 1e9)
    start = g.date_offset(-2, 0)
    end = start + _dt.timedelta(days=r.randint(2, 5))
    c["visit_start"], c["visit_end"] = _fmt_date(start), _fmt_date(end)
    est = TIES_SINCE.get(key, 1975)
    n = g.day.year - est
    n = n + (5 - n % 5) % 5
    if n in (0, 80):
        n += 5
    c["anniv"] = _ordinal(n)
    c["anniv_year"] = str(est + n)
    c["fdi_total"] = _usd(150.0, 42_000.0)(g)
    c["rank"] = _ordinal(r.randint(2, 35))
    if key in ("jp", "kr", "sg", "cn", "us", "de", "nl", "th", "fr", "uk", "au", "in", "my", "it", "ca"):
        c["investor_line"] = g.x("{^country} currently ranks {rank} among foreign investors in Việt Nam, with {n_projects} valid projects worth {fdi_total}.")
    else:
        c["investor_line"] = g.x("{^country_adj} investment in Việt Nam remains modest, with {n_projects_small} valid projects, but both sides see room for growth in {coop_a}.")


_story("diplomacy", 5, _s_reception, [
    (["{host_short} receives {guest_full}",
      "Việt Nam, {country} agree to boost cooperation in {coop_a} and {coop_b}",
      "Việt Nam, {country} aim to lift two-way trade to {trade_target}"],
     ["{host_full} received {guest_full} in Hà Nội {when}, with the two sides agreeing to step up cooperation in {coop_a}, {coop_b} and {coop_c}.",
      "Việt Nam and {country} should make better use of their complementary strengths to raise bilateral trade to {trade_target}, {host_full} said while receiving {guest_full} in Hà Nội {when}."]),
    (["{host_short} receives {guest_full}",
      "{host_short} hosts visiting {country_adj} {guest_kind}",
      "Việt Nam, {country} agree to boost cooperation in {coop_a} and {coop_b}"],
     ["{host_full} {when} hosted a reception in Hà Nội for {guest_full}, who is on a working visit to Việt Nam from {visit_start} to {visit_end}.",
      "{host_full} received visiting {guest_full} in Hà Nội {when}, as the two sides agreed to step up cooperation in {coop_a}, {coop_b} and {coop_c}."]),
], body=[
    "Bilateral trade reached {trade_now} in {prev_y}, and both sides agreed to work towards {trade_target} in the coming years.",
    "{^host_short} asked {country} to open its market wider to Vietnamese {agri_exports} and to continue offering scholarships to Vietnamese students.",
    "{^guest_short} said {country_adj} businesses were keen to invest in {invest_areas} in Việt Nam.",
    "{^host_short} invited {guest_short} to attend {vn_event} in {place_any} {date_future}.",
    "About {n_community} Vietnamese people live, study and work in {country}, and {host_short} asked the {country_adj} side to continue creating favourable conditions for the community.",
    "{investor_line}",
    "The visit takes place as the two countries prepare to mark the {anniv} anniversary of diplomatic ties in {anniv_year}, with {n_events} events planned in {place_any} and {country_city}.",
    "The two sides agreed to coordinate closely at multilateral forums, including the United Nations, ASEAN and {forum}, and to hold the {round_ord} round of political consultations {date_future}.",
    "{^host_short} and {guest_short} also exchanged views on regional issues, including the situation in the East Sea, and stressed the importance of settling disputes by peaceful means in line with international law.",
    "{^guest_short} congratulated Việt Nam on its development achievements and said {country} wanted to take cooperation in {coop_c} to a new level.",
    "“Việt Nam always [[considers|regards]] {country} [[an important partner in the region and the world|a trusted friend and partner|a priority partner in {coop_a}]],” {host_short} said, adding that {n_few} new cooperation agreements were being prepared.",
    "“We see great potential in {coop_a} [[and in training high-quality human resources|as well as {coop_b}|and hope to double exchanges by {future_year}]],” {guest_short} said, noting that {n_firms} {country_adj} firms were exploring the Vietnamese market.",
], agri_exports=["fruit", "seafood", "rice", "coffee", "processed food", "farm products"],
    invest_areas=["renewable energy, digital transformation and high-tech agriculture",
                  "logistics, seaports and green hydrogen",
                  "healthcare, pharmaceuticals and education",
                  "semiconductors, electronics and innovation centres",
                  "urban railways and smart city projects"],
    caption=["{host_full} receives {guest_full} in Hà Nội {when}.",
             "{host_full} (right) and {guest_full} at the meeting in Hà Nội."],
    vn_event=["a regional investment forum", "an international trade fair",
              "a high-level conference on green growth", "an ASEAN-related business summit",
              "a tourism promotion week"],
    close=["Earlier the same day, {guest_short} laid a wreath at the President Hồ Chí Minh Mausoleum and held talks with {n_few} Vietnamese ministers.",
           "The {round_ord} meeting of the bilateral joint committee will be held in {country_city} in {next_y}.",
           "During the visit, the two sides are expected to sign {n_few} memoranda of understanding on {coop_b} and {coop_c}."])

_ASEAN_HOSTS = {2024: ("Laos", ["Vientiane", "Luang Prabang"]),
                2025: ("Malaysia", ["Kuala Lumpur", "Penang", "Langkawi"]),
                2026: ("the Philippines", ["Manila", "Cebu"])}
_ASEAN_MEETINGS = [
    ("ASEAN Senior Officials' Meeting (ASEAN SOM)", "ASEAN SOM",
     "maritime security, the digital economy and the implementation of the ASEAN Community Vision 2045",
     "regional connectivity", "Deputy Minister of Foreign Affairs"),
    ("ASEAN Economic Ministers' Meeting (AEM)", "AEM",
     "supply chain resilience and the ASEAN Digital Economy Framework Agreement (DEFA)",
     "trade and supply chains", "Deputy Minister of Industry and Trade"),
    ("ASEAN Ministerial Meeting on Transnational Crime (AMMTC)", "AMMTC",
     "transnational crime, including cybercrime, online scams and human trafficking",
     "transnational crime", "Deputy Minister of Public Security"),
    ("ASEAN Digital Ministers' Meeting (ADGMIN)", "ADGMIN",
     "cybersecurity, data governance and artificial intelligence",
     "digital cooperation", "Deputy Minister of {ict_portfolio}"),
    ("ASEAN Ministerial Meeting on the Environment (AMME)", "AMME",
     "transboundary haze, marine plastic debris and climate adaptation",
     "the environment", "Deputy Minister of {env_portfolio}"),
    ("ASEAN Labour Ministers' Meeting (ALMM)", "ALMM",
     "the protection of migrant workers and skills development",
     "labour mobility", "Deputy Minister of {labour_portfolio}"),
    ("ASEAN Health Ministers' Meeting (AHMM)", "AHMM",
     "pandemic preparedness and the ASEAN Centre for Public Health Emergencies and Emerging Diseases",
     "public health", "Deputy Minister of Health"),
]


def _s_asean(g: _Gen) -> None:
    r, c = g.r, g.ctx
    country, cities = _ASEAN_HOSTS[g.day.year]
    city = r.choice(cities)
    c["host_city"], c["asean_host"] = city, country
    meeting, short, issue, issue_short, role = r.choice(_ASEAN_MEETINGS)
    c["meeting"], c["meeting_short"], c["issue"], c["issue_short"] = meeting, short, issue, issue_short
    _set_place(g, name="Hà Nội")
    _set_foreign_dateline(g, city)
    g.set_official([("Deputy Minister", role)], female=r.random() < 0.3)
    c["partner_main"] = COUNTRIES[r.choice(["jp", "kr", "cn", "us", "au", "in", "nz", "ca"])][0]


_story("diplomacy", 3, _s_asean, [
    (["Việt Nam calls for stronger ASEAN cooperation on {issue_short} at {meeting_short}",
      "Vietnamese delegation attends {meeting_short} in {host_city}",
      "ASEAN officials discuss {issue_short} in {host_city}"],
     ["{off_title} {off_name} led the Vietnamese delegation to the {meeting} in {host_city}, {asean_host}, {when}, where {he} called for closer regional cooperation on {issue}.",
      "Officials from ASEAN member states gathered in {host_city}, {asean_host}, {when} for the {meeting}, with discussions focusing on {issue}."]),
], body=[
    "{^off_short} said ASEAN needed to strengthen solidarity and maintain its central role amid rising geopolitical competition, proposing {n_few} new initiatives.",
    "{^he} proposed that member states share data and best practices more quickly and set up a joint working group of {n_small} experts that would report to ministers {date_future}.",
    "The meeting adopted {n_small} documents, including a work plan for the {y}-{future_year} period with a budget of {usd_s}.",
    "Delegates also held consultations with ASEAN's dialogue partners, including {partner_main}, {partner2} and the European Union, on {n_small} cooperation projects.",
    "{asean_host} holds the rotating ASEAN Chairmanship in {y} and has hosted {n_asean} ASEAN-related meetings so far this year.",
    "The ASEAN Secretariat presented figures showing that intra-ASEAN trade reached {usd_b_asean} last year, accounting for about {pct_intra} of the bloc's total trade.",
    "On the sidelines, the Vietnamese delegation held bilateral meetings with counterparts from {country_any} and {country_any}.",
    "Việt Nam will co-chair an ASEAN working group on {issue_short} from {next_y} and has proposed a {usd_s} fund for joint projects, the delegation said.",
    "Member states agreed to hold a joint exercise on responding to {drill_topic} in {month_future}, involving {n_med} officials.",
], quotes=[
    "“Cooperation on {issue_short} must bring concrete benefits to people in all member states,” {off_short} said, proposing {n_few} pilot projects.",
    "“ASEAN unity and centrality remain the foundation for dealing with [[external pressures|great-power competition]],” said {expert_foreign}.",
    "{^expert}, said the meeting showed ASEAN's ability to find common ground on {issue_short} despite differences among its members.",
], drill_topic=["cyber incidents", "marine oil spills", "disease outbreaks", "large-scale online fraud",
                "natural disasters"],
    caption=["Delegates at the {meeting_short} in {host_city}."])

_UN_DEBATES = [
    ("the Second Committee's general debate on sustainable development", "sustainable development",
     "greater access to concessional finance and technology transfer for developing countries"),
    ("the Third Committee's discussion on the advancement of women", "gender equality",
     "stronger measures to protect women and girls from violence and discrimination"),
    ("the Sixth Committee's debate on the rule of law at the national and international levels", "the rule of law",
     "respect for the UN Charter and international law in international relations"),
    ("a General Assembly plenary meeting on oceans and the law of the sea", "ocean governance",
     "the full implementation of UNCLOS and stronger action against marine plastic pollution"),
    ("a General Assembly debate on the work of the Peacebuilding Commission", "peacebuilding",
     "more predictable funding for peacebuilding and a greater role for women in peace processes"),
    ("the First Committee's thematic debate on conventional weapons", "disarmament",
     "stronger international cooperation in clearing unexploded ordnance left from past wars"),
    ("a General Assembly plenary on the rights of persons with disabilities", "disability inclusion",
     "better access to education, jobs and assistive technology for persons with disabilities"),
    ("a General Assembly debate on global road safety", "road safety",
     "more investment in safer roads and public transport in developing countries"),
]


def _s_un_ga(g: _Gen) -> None:
    r, c = g.r, g.ctx
    debate, theme, call = r.choice(_UN_DEBATES)
    c["debate"], c["theme"], c["call"] = debate, theme, call
    _set_place(g, name="Hà Nội")
    _set_foreign_dateline(g, "New York")
    g.set_official([("Ambassador", "Permanent Representative of Việt Nam to the United Nations"),
                    ("Ambassador", "Deputy Permanent Representative of Việt Nam to the United Nations"),
                    ("Minister-Counsellor", "Minister-Counsellor at Việt Nam's Permanent Mission to the UN")])


_story("diplomacy", 2.5, _s_un_ga, [
    (["Việt Nam calls for {call} at UN debate",
      "Vietnamese diplomat highlights {theme} at UN in New York",
      "Việt Nam reaffirms commitment to {theme} at the UN"],
     ["{off_name}, {off_title}, called for {call} while addressing {debate} in New York {when}.",
      "Việt Nam {when} reaffirmed its commitment to {theme} at {debate}, held within the framework of {ga_session}."]),
], body=[
    "{^off_short} said developing countries needed better access to finance, technology and capacity-building, noting that {n_small} countries were at high risk of debt distress.",
    "{^he} shared Việt Nam's experience in {theme}, citing a national programme that has reached {n_big} people since {past_year}.",
    "Việt Nam has co-sponsored {n_small} resolutions at {ga_session} on issues ranging from {ga_topic} to {global_challenge}.",
    "The debate, which lasted {n_few} days, drew {n_speakers} speakers from member states and observer delegations.",
    "{^he} also stressed the need to uphold the UN Charter and international law, including the 1982 UN Convention on the Law of the Sea (UNCLOS), a position echoed by {n_delegations} other delegations, including {country_any}.",
    "Several delegations, including those of {country_any} and {country_any}, voiced support for a draft resolution on the issue to be put to a vote {date_soon}.",
    "The Vietnamese delegation also co-organised a side event with {n_few} other member states on {ga_topic}, attended by about {n_participants} people.",
    "According to the mission, Việt Nam has hosted {n_small} international workshops on {theme} since {past_year}.",
], caption=["{off_name} speaks at the UN headquarters in New York {when_date}.",
            "Delegates at the UN headquarters in New York {when_date}."],
    close=["The committee is expected to conclude its work {date_soon}, after considering {n_small} draft texts.",
           "The Vietnamese delegation will continue to take part in related discussions until {day_soon}, the mission said."],
    quotes=[
    "“Việt Nam stands ready to share its experience in {theme} with other developing countries,” {off_short} told the meeting, pointing to {n_small} bilateral programmes.",
    "“We must turn commitments into action, especially for the {n_big} people most at risk in our region,” {off_short} said.",
    "{^expert_foreign}, said Việt Nam's statements at the UN had become more proactive over the past {n_few} years.",
])

_UN_DAYS = [
    (3, 8, "International Women's Day", "gender equality",
     "accelerate progress towards equal rights and opportunities for women and girls",
     "Ministry of {labour_portfolio}"),
    (3, 22, "World Water Day", "water security",
     "protect freshwater resources and invest in water infrastructure", "Ministry of {env_portfolio}"),
    (5, 22, "the International Day for Biological Diversity", "biodiversity conservation",
     "halt the loss of nature and restore degraded ecosystems", "Ministry of {env_portfolio}"),
    (6, 5, "World Environment Day", "environmental protection",
     "end plastic pollution and move towards a circular economy", "Ministry of {env_portfolio}"),
    (6, 8, "World Oceans Day", "ocean protection",
     "protect marine ecosystems and manage fisheries sustainably", "Ministry of {env_portfolio}"),
    (8, 12, "International Youth Day", "youth participation",
     "give young people a greater say in decisions that shape their future", "Ministry of {labour_portfolio}"),
    (9, 21, "the International Day of Peace", "peace and dialogue",
     "silence the guns and invest in dialogue and prevention", "Ministry of Foreign Affairs"),
    (10, 13, "the International Day for Disaster Risk Reduction", "disaster risk reduction",
     "ensure that every person is protected by early warning systems", "Ministry of {env_portfolio}"),
    (10, 17, "the International Day for the Eradication of Poverty", "poverty reduction",
     "build social protection systems that leave no one behind", "Ministry of {labour_portfolio}"),
    (12, 1, "World AIDS Day", "ending AIDS", "close the gaps in HIV prevention and treatment",
     "Ministry of Health"),
    (12, 3, "the International Day of Persons with Disabilities", "disability inclusion",
     "remove barriers that prevent persons with disabilities from participating fully in society",
     "Ministry of {labour_portfolio}"),
    (12, 10, "Human Rights Day", "human rights", "defend the dignity and rights of every person",
     "Ministry of Foreign Affairs"),
]


def _s_un_day(g: _Gen) -> None:
    r, c = g.r, g.ctx
    m, d, name, theme, call, ministry = r.choice(_UN_DAYS)
    years = [y for y in (2024, 2025, 2026) if _dt.date(y, m, d) <= END_DATE]
    day = _dt.date(r.choice(years), m, d) + _dt.timedelta(days=r.randint(0, 1))
    g.day = min(day, END_DATE)
    c["day_name"], c["theme"], c["guterres_day_call"] = name, theme, call
    c["ministry"] = g.x("the " + ministry)
    c["un_official"] = f"{g.foreign_name()}, {g.pick('un_role')}"
    _set_place(g, name=r.choice(["Hà Nội", "Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Huế", "Cần Thơ"]))
    head = "Deputy Minister"
    g.set_official([(head, "Deputy Minister of " + ministry.replace("Ministry of ", ""))])


_story("diplomacy", 2, _s_un_day, [
    (["{place} event marks {day_name} with calls for {theme}",
      "UN, Việt Nam renew commitment to {theme} on {day_name}"],
     ["A ceremony marking {day_name} was held in {place} {when}, jointly organised by {ministry} and UN agencies in Việt Nam, with about {n_participants} participants.",
      "Government officials, UN representatives and young people gathered in {place} {when} to mark {day_name}, calling for stronger action on {theme}."]),
], body=[
    "In a message read out by {name_foreign} of the UN Resident Coordinator's Office, UN Secretary-General António Guterres called on governments, businesses and communities to {guterres_day_call}.",
    "{^un_official}, said the UN in Việt Nam would continue to support the Government in {theme}, with {n_small} joint programmes under way.",
    "{^off_title} {off_name} said Việt Nam had made notable progress in {theme}, but that gaps remained in remote and mountainous areas.",
    "About {n_med} participants visited an exhibition featuring {n_small} initiatives by young people, local communities and businesses.",
    "The event also saw the launch of a communication campaign that aims to reach {n_big} people through social media by the end of {y}.",
    "About {n_med} students from {n_few} universities took part in a discussion on the role of young people in {theme}.",
    "Organisers also presented awards to {n_small} individuals and groups for their contributions to {theme} over the past year.",
], close=["Similar events were held the same week in {place_any} and {n_few} other localities, organisers said.",
          "The campaign will run until {day_soon}, with activities planned in {n_small} schools and communities."],
    quotes=[
    "“Progress on {theme} depends on action by every ministry, every locality and every citizen,” {off_short} said, adding that {n_small} new initiatives would be launched {date_future}.",
    "“Việt Nam has made impressive progress on {theme}, but the last mile is always the hardest,” said {un_official}, citing {n_small} provinces where indicators lag behind.",
    "“I hope more young people will join activities on {theme} in their own communities,” said {student}.",
])

_MISSIONS = [
    ("the UN Mission in South Sudan (UNMISS)", "South Sudan"),
    ("the UN Interim Security Force for Abyei (UNISFA)", "Abyei"),
    ("the UN Multidimensional Integrated Stabilization Mission in the Central African Republic (MINUSCA)",
     "the Central African Republic"),
]


def _s_peacekeeping(g: _Gen) -> None:
    r, c = g.r, g.ctx
    mission, where = r.choice(_MISSIONS)
    unit = r.choice(["Level-2 Field Hospital Rotation No. {rot}", "Engineering Unit Rotation No. {rot}"])
    c["unit"] = unit.replace("{rot}", str(r.randint(3, 9)))
    c["mission"], c["mission_place"] = mission, where
    c["n_pk"] = str(g.rand(20, 285))
    pk_name, _, pk_female = g.vn_name(r.random() < 0.2)
    c["pk_officer"] = f"{r.choice(['Lieutenant Colonel', 'Colonel', 'Major'])} {pk_name}"
    c["his_pk"] = "her" if pk_female else "his"
    _set_place(g, name="Hà Nội")
    g.set_official([("Senior Lieutenant General", "Deputy Minister of National Defence Senior Lieutenant General"),
                    ("Major General", "Director of the Việt Nam Department of Peacekeeping Operations Major General")],
                   female=False)


_story("diplomacy", 1.5, _s_peacekeeping, [
    (["Việt Nam sends {unit} to UN peacekeeping mission in {mission_place}",
      "{n_pk} Vietnamese peacekeepers depart for {mission_place}"],
     ["A send-off ceremony for {unit}, comprising {n_pk} officers and personnel, was held in Hà Nội {when} before the unit's deployment to {mission} in {mission_place}.",
      "A total of {n_pk} Vietnamese officers and personnel of {unit} left Hà Nội {when} to join {mission} in {mission_place}, the Ministry of National Defence said."]),
], body=[
    "The unit includes {n_small} female officers, who will work in medical, logistics and community engagement roles, and {n_med} items of equipment have been shipped ahead of its arrival.",
    "{^off_title} {off_name} asked the officers to strictly follow UN regulations, respect local customs and coordinate closely with other contingents.",
    "During their one-year deployment, the personnel are expected to support {n_big} local residents with medical care, road repairs and clean water.",
    "The previous rotation completed its mission in {month_past}, having carried out {n_med} patrols and {n_big} medical examinations.",
    "Before departure, the unit completed {train_months} months of training, including {n_med} hours of English, tropical medicine and UN procedures.",
    "UN officials have praised Vietnamese contingents for their discipline, the ministry said, citing {n_few} commendations and a survey in which {pct_l} of local residents rated their work as good.",
    "The unit will replace personnel who have served in {mission_place} since {month_past_year}.",
], quotes=[
    "“We are proud to represent Việt Nam and will do our best to fulfil the mission,” said {pk_officer}, commander of the unit, who is on {his_pk} {nth_dep} deployment.",
    "“Our doctors have prepared for tropical diseases, trauma cases and {n_few} scenarios we may face,” said {pk_officer}.",
    "“The families of our {n_pk} officers can be assured that safety is our first priority,” {off_short} said.",
], nth_dep=["first", "second", "third"],
    close=["The unit is expected to arrive in {mission_place} {date_soon} and take over from the previous rotation after a {n_few}-day handover.",
           "The ministry said {n_small} more officers would be trained for future rotations {date_future}."],
    caption=["Officers of {unit} at the send-off ceremony in Hà Nội {when_date}.",
             "{^off_title} {off_name} presents the UN flag to the unit in Hà Nội."])

_UN_AGENCIES = [
    ("UNICEF", "the UN Children's Fund (UNICEF)", "child nutrition and early childhood development", "children under five"),
    ("UNFPA", "the UN Population Fund (UNFPA)", "maternal health and care for older people", "ethnic minority women"),
    ("UNDP", "the UN Development Programme (UNDP)", "digital public services and green livelihoods", "low-income households"),
    ("UN Women", "UN Women", "women's economic empowerment", "women-owned small businesses"),
    ("ILO", "the International Labour Organization (ILO)", "occupational safety and skills training", "young workers"),
    ("FAO", "the Food and Agriculture Organization (FAO)", "sustainable aquaculture and food safety", "small-scale farmers"),
]


def _s_un_agency(g: _Gen) -> None:
    r, c = g.r, g.ctx
    short, full, topic, benef = r.choice(_UN_AGENCIES)
    c["agency_short"], c["agency"], c["prog_topic"], c["beneficiaries"] = short, full, topic, benef
    rep_title = {"UN Women": "UN Women Representative in Việt Nam", "ILO": "Director of the ILO Office in Việt Nam",
                 "UNDP": "UNDP Resident Representative in Việt Nam"}.get(short, f"{short} Representative in Việt Nam")
    c["un_official"] = f"{g.foreign_name()}, {rep_title}"
    c["prog_value"] = _usd(0.5, 28.0)(g)
    c["n_years"] = r.choice(["three", "four", "five"])
    _set_place(g)
    g.set_official([("Vice Chairman", "Vice Chairman of the {place} People's Committee")])


_story("diplomacy", 1.5, _s_un_agency, [
    (["{agency_short}, {place} launch programme on {prog_topic}",
      "{agency_short} supports {place} with {prog_value} for {prog_topic}"],
     ["{^agency} and the {place} People's Committee {when} signed an agreement on a {n_years}-year programme worth {prog_value} to improve {prog_topic}, targeting {beneficiaries}.",
      "{^place_desc} and {agency} {when} launched a {prog_value} programme focusing on {prog_topic}, {off_title} {off_name} said."]),
], body=[
    "The programme will cover {n_communes} communes where poverty rates are above {pct_s}.",
    "{^un_official}, said the partnership with {place} was part of the UN's efforts to ensure that no one is left behind.",
    "About {n_households} households and {n_med} local officials are expected to benefit from training and technical support.",
    "{^agency_short} has worked in {place} since {past_year}, supporting projects worth a total of {usd_s}.",
    "The {local_n} will contribute {vnd_small} and set up a steering committee to oversee implementation.",
    "An evaluation of the previous phase found that {pct_l} of participating households had improved their incomes.",
    "Under the agreement, {agency_short} will provide technical experts and equipment worth {usd_k}, while the {local_n} will handle implementation.",
    "A baseline survey conducted in {month_past} found that only {pct_l} of {beneficiaries} in the target communes had access to support in {prog_topic}.",
    "The programme will be piloted in {commune} and {n_few} other communes before being expanded {date_future}.",
], quotes=[
    "“This programme will help {beneficiaries} in {place} gain [[skills|services|opportunities]] they have long lacked,” said {un_official}.",
    "“We expect about {n_households} families to see real changes within {n_few} years,” {off_short} said.",
    "“Working with {agency_short} allows us to test models that can later be scaled up to {n_small} other communes,” {off_short} said.",
], close=["The first activities under the programme are scheduled to begin {date_soon} in {commune} commune.",
          "A mid-term review of the programme, covering {n_households} households, will be conducted in {next_y}, the two sides said."])


# ===== sports ===============================================================

TOPICS["sports"] = {
    "section": "the-thao",
    "body": [
        "The Việt Nam Sports Administration has allocated {vnd} to prepare athletes for major regional and continental events in {y} and {next_y}.",
        "{^place_any} will host the national {sport_any} championships {date_future}, with {n_athletes} athletes expected to compete.",
        "Sports authorities have pledged {vnd} for youth training, with {n_small} new academies to be set up by {future_year}.",
        "Gold medallists at major international competitions can receive bonuses of up to {vnd_personal} from the State and sponsors, and {n_small} athletes received such awards in {prev_y}.",
        "A total of {n_small} Vietnamese {sport_any} athletes are now ranked in the world's top 50, up from {n_few} in {past_year}, according to the sports administration.",
    ],
    "quotes": [
        "“We trained very hard for this moment, often {n_few} sessions a day,” said {athlete_q}.",
        "{^expert}, said Vietnamese sport should focus on a small number of disciplines where athletes had realistic chances of winning medals, such as {sport_any}.",
    ],
    "close": [
        "The next edition of the event is scheduled to take place in {place_any} in {next_y}, with prize money expected to rise to {vnd_small}.",
        "Organisers said {pct_l} of the tickets for the next round had already been sold.",
    ],
    "caption": ["Fans cheer at a stadium in {place}.", "Athletes compete in {place}."],
    "subhead": ["Eyes on the next round", "Youth development"],
    "expert_role": ["a sports commentator", "a former national team coach",
                    "a sports science lecturer at Bắc Ninh University of Physical Education and Sports"],
    "sport_any": ["swimming", "athletics", "shooting", "weightlifting", "taekwondo", "karate",
                  "rowing", "fencing", "badminton", "table tennis", "wrestling", "cycling"],
    "athlete_q": ["{vn_man}, who won gold in the men's event", "{vn_woman}, a member of the national team",
                  "{vn_woman}, who set a new personal best", "{vn_man}, the team captain"],
}

_CLUBS = [("Hà Nội FC", "Hàng Đẫy Stadium"), ("Hải Phòng FC", "Lạch Tray Stadium"),
          ("Thanh Hóa FC", "Thanh Hóa Stadium"), ("Sông Lam Nghệ An", "Vinh Stadium"),
          ("SHB Đà Nẵng", "Hòa Xuân Stadium"), ("TP Hồ Chí Minh FC", "Thống Nhất Stadium"),
          ("Hoàng Anh Gia Lai", "Pleiku Stadium"), ("Quảng Ninh FC", "Cẩm Phả Stadium"),
          ("Ninh Bình FC", "Ninh Bình Stadium"), ("Công An Hà Nội", "Hàng Đẫy Stadium"),
          ("Thể Công Viettel", "Mỹ Đình National Stadium"), ("Becamex TP Hồ Chí Minh", "Gò Đậu Stadium"),
          ("Huế FC", "Tự Do Stadium"), ("Đắk Lắk FC", "Buôn Ma Thuột Stadium")]


_MALE_FOREIGN = [
    (["Rafael", "Diego", "Lucas", "Gabriel", "Thiago", "Bruno", "Felipe", "Matheus"],
     ["Silva", "Costa", "Oliveira", "Almeida", "Pereira", "Souza", "Santos"], False),
    (["Samuel", "Joseph", "Emeka", "Chinedu", "Kwame", "Brian"],
     ["Okafor", "Mensah", "Adeyemi", "Eze", "Boateng", "Otieno"], False),
    (["Hiroshi", "Kenji", "Takeshi", "Daisuke", "Shinji", "Ryota"],
     ["Tanaka", "Sato", "Watanabe", "Yamamoto", "Nakamura", "Mori"], True),
    (["Min-jun", "Ji-hoon", "Dong-hyun", "Jae-won"], ["Kim", "Park", "Lee", "Choi"], True),
    (["Julien", "Mathieu", "Olivier", "Laurent"], ["Dubois", "Moreau", "Girard", "Mercier"], False),
]


def _male_foreign(g: _Gen) -> str:
    firsts, lasts, family_first = g.r.choice(_MALE_FOREIGN)
    a, b = g.r.choice(firsts), g.r.choice(lasts)
    return f"{b} {a}" if family_first else f"{a} {b}"


def _player(g: _Gen) -> str:
    if g.r.random() < 0.25:
        return _male_foreign(g)
    return g.vn_name(False)[0]


def _s_football(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_season(g, (1, 2, 3, 4, 5, 6, 9, 10, 11, 12))
    (a, stadium), (b, _) = r.sample(_CLUBS, 2)
    c["team_a"], c["team_b"], c["stadium"] = a, b, stadium
    ga = r.randint(0, 4)
    gb = r.randint(0, max(0, ga - 1)) if r.random() < 0.75 else ga
    c["score"] = f"{ga}-{gb}"
    c["scorer1"], c["scorer_b"], c["gk"] = _player(g), _player(g), g.vn_name(False)[0]
    c["min1"] = _ordinal(r.randint(3, 89)) + " minute"
    c["min2"] = _ordinal(r.randint(3, 28)) + " minute"
    c["pos"] = _ordinal(r.randint(1, 8))
    c["pos2"] = _ordinal(r.randint(6, 14))
    c["pts"] = str(r.randint(8, 42))
    c["rounds"] = str(r.randint(6, 24))
    won = r.randint(2, 5)
    c["form"] = f"{_num_word(won)} of their last {_num_word(won + r.randint(1, 4))} matches"
    c["coach_b"] = _f_coach(g)
    c["_variant"] = "1" if ga == gb else "0"
    place = next((p[0] for p in PLACES if p[0] in stadium or p[0] in a), "Hà Nội")
    _set_place(g, name=place if place in {p[0] for p in PLACES} else "Hà Nội")
    g.set_official([("coach", "{team_a} head coach")], female=False)


_story("sports", 2.5, _s_football, [
    (["{team_a} beat {team_b} {score} in V.League 1",
      "{team_a} overcome {team_b} at {stadium}",
      "{scorer1} on target as {team_a} beat {team_b}"],
     ["{team_a} defeated {team_b} {score} at {stadium} {when}, with {scorer1} scoring in the {min1}.",
      "A goal from {scorer1} in the {min1} helped {team_a} to a {score} victory over {team_b} at {stadium} {when}."]),
    (["{team_a} held to {score} draw by {team_b}",
      "{team_a} and {team_b} share the points at {stadium}"],
     ["{team_a} and {team_b} played out a {score} draw in V.League 1 at {stadium} {when}, leaving both sides short of their targets.",
      "Hosts {team_a} were held to a {score} draw by {team_b} at {stadium} {when}, dropping valuable points in the race for the top places."]),
], body=[
    "{^team_b} had the better of the opening exchanges, with {scorer_b} hitting the post in the {min2}.",
    "Goalkeeper {gk} made {n_few} important saves to keep {team_a} in the game.",
    "About {n_fans} fans attended the match despite {weather}.",
    "{^team_b} coach {coach_b} said his players had lacked concentration at key moments.",
    "The result leaves {team_b} in {pos2} place with {pts} points after {rounds} rounds.",
    "Referee {vn_man} showed {n_few} yellow cards in a physical encounter.",
    "{^team_a} have now won {form} in all competitions and sit {pos} in the table.",
    "{^scorer1} has scored {n_few} goals this season, making him one of the league's top scorers.",
], quotes=[
    "“The players showed great spirit [[today|in the second half|despite {n_few} injuries]] in front of {n_fans} fans, and I am proud of them,” said {off_short}.",
    "“We created enough chances to win but lacked sharpness in front of goal,” said {team_b} coach {coach_b}, whose side has {pts} points from {rounds} matches.",
    "“The goal in the {min1} changed the game, and we have to keep this spirit for the next {n_few} matches,” said {scorer1}.",
], topic_body=[
    "The Việt Nam Football Federation said ticket sales for V.League 1 matches had risen {pct} compared with last season, with average attendance of {n_fans} per match.",
    "The league will pause for {n_few} weeks in {month_future} to allow the national team to prepare for international fixtures.",
    "Clubs have been asked to upgrade their pitches and lighting systems by {future_year} to meet Asian Football Confederation standards, at a cost of up to {vnd_small} per stadium.",
    "The VAR system has been used in {n_small} matches this season, helping referees overturn {n_few} decisions, according to the league organiser.",
], weather=["heavy rain", "the sweltering heat", "a cold wind", "a late kick-off"],
    caption=["Players of {team_a} and {team_b} compete at {stadium} {when_date}.",
             "Fans at {stadium} during the match."],
    close=["{^team_a} will next play away at {stadium_any} {date_soon}.",
           "Tickets for {team_a}'s next home match go on sale {date_soon}, the club said."],
    stadium_any=[s for _, s in _CLUBS])

_DISCIPLINES = {
    "swimming": ["200m freestyle", "100m butterfly", "400m individual medley"],
    "athletics": ["100m", "800m", "long jump", "marathon", "triple jump"],
    "shooting": ["10m air pistol", "10m air rifle", "25m rapid fire pistol"],
    "weightlifting": ["49kg", "55kg", "61kg", "73kg"],
    "taekwondo": ["poomsae", "under-57kg", "under-68kg"],
    "karate": ["kata", "kumite under-55kg", "kumite under-61kg"],
    "rowing": ["lightweight double sculls", "single sculls"],
    "fencing": ["sabre", "épée", "foil"],
    "badminton": ["singles", "doubles"],
    "table tennis": ["singles", "doubles"],
    "wrestling": ["freestyle 57kg", "freestyle 65kg"],
    "cycling": ["road race", "individual time trial"],
}
_SPORT_EVENTS = ["Asian {sport} Championships", "Southeast Asian {sport} Championships",
                 "Asian Youth {sport} Championships", "{city} International {sport} Open",
                 "{sport} World Cup"]


def _s_medals(g: _Gen) -> None:
    r, c = g.r, g.ctx
    sport = r.choice(TOPICS["sports"]["sport_any"])
    k = r.choice(["th", "my", "id", "ph", "sg", "kr", "jp", "in", "cn", "kz", "kh", "la"])
    city = r.choice(COUNTRIES[k][3])
    c["sport"] = sport
    c["event_name"] = r.choice(_SPORT_EVENTS).format(sport=sport.capitalize(), city=city)
    c["host_city"] = city if city == COUNTRIES[k][0] else f"{city}, {COUNTRIES[k][0]}"
    gold, silver, bronze = r.randint(1, 9), r.randint(0, 9), r.randint(0, 12)
    c["medal_phrase"] = _medal_phrase(gold, silver, bronze)
    c["medal_count"] = str(gold + silver + bronze)
    female = r.random() < 0.5
    c["athlete_full"] = g.vn_name(female)[0]
    c["his_a"] = "her" if female else "his"
    c["discipline"] = ("women's " if female else "men's ") + r.choice(_DISCIPLINES[sport]) + " event"
    _set_place(g, name="Hà Nội")
    _set_foreign_dateline(g, city)
    c["city_only"] = city
    g.set_official([("coach", "national {sport} team head coach"),
                    ("Director", "Director of the Việt Nam Sports Administration")])


_story("sports", 2, _s_medals, [
    (["Vietnamese athletes win {medal_count} medals at {event_name}",
      "{athlete_full} wins gold for Việt Nam at {event_name}"],
     ["Vietnamese athletes won {medal_phrase} at the {event_name} in {host_city}, which concluded {when}.",
      "{athlete_full} claimed gold in the {discipline} at the {event_name} in {host_city} {when}, leading a Vietnamese team that finished with {medal_phrase}."]),
], body=[
    "The championships drew {n_athletes} athletes from {n_countries} countries and territories.",
    "{^athlete_full} finished ahead of rivals from {country_any} and {country_any}, improving {his_a} personal best.",
    "The Vietnamese team of {n_small} athletes had trained in {place_any} and abroad for {train_months} months before the event.",
    "The result is Việt Nam's best at the championships since {past_year}, {off_title} {off_name} said.",
    "{^n_few} young athletes competing at the event for the first time also reached the finals, including {vn_woman} and {vn_man}, {off_short} said.",
    "The team is expected to return home later this week and will begin preparations for the next regional games, with a training budget of {vnd_small}.",
], caption=["Vietnamese athletes celebrate on the podium in {city_only} {when_date}.",
            "{athlete_full} competes at the {event_name} in {city_only}."])


def _s_race(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "t" if r.random() < 0.7 else None)
    c["race_name"] = r.choice(["{place} International Marathon {y}", "{place} Heritage Marathon",
                               "{place} Night Run", "{place} Trail Race"]).replace(
        "{place}", c["place"]).replace("{y}", str(g.day.year))
    c["n_runners_main"] = f"{g.rand(1_500, 16_000, 50):,}"
    c["winner_m"] = _player(g)
    c["winner_f"] = g.vn_name(True)[0]
    c["time_m"] = f"2 hours {r.randint(16, 49)} minutes"
    tf = r.randint(150, 195)
    c["time_f"] = f"{tf // 60} hours {tf % 60} minutes"
    g.set_official([("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
                    ("Director", "Director of the {place} Department of Culture, Sports and Tourism")])


_story("sports", 1.5, _s_race, [
    (["More than {n_runners_main} runners take part in {race_name}",
      "{race_name} draws runners from {n_countries} countries"],
     ["More than {n_runners_main} runners from {n_countries} countries and territories took part in the {race_name} {when}, competing over distances from 5km to 42km.",
      "The {race_name} took place {when}, attracting {n_runners_main} runners who raced through the streets and scenic areas of {place}."]),
], body=[
    "{winner_m} won the men's full marathon in {time_m}, while {winner_f} took the women's title in {time_f}.",
    "The {course_km}km main course passed {n_few} historical sites and landmarks, with about {n_big} spectators lining the streets.",
    "Organisers deployed {n_med} medical staff, {n_small} ambulances and {n_med} volunteers along the route.",
    "Total prize money reached {vnd_small}, and {pct_l} of the entry fees will go to a fund supporting poor students.",
    "Several roads in central {place} were closed from {hour_am} am until noon, with {n_med} police officers and volunteers directing traffic.",
    "Hotels in {place} reported occupancy rates of {pct_occ} over the race weekend.",
], course_km=["21", "42", "42.195"],
    caption=["Runners at the start line of the {race_name} {when_date}.",
             "Runners pass through central {place} during the race."])


# ===== culture / tourism ====================================================

TOPICS["culture"] = {
    "section": "van-hoa",
    "body": [
        "{^place} welcomed {n_visitors} visitors in {period}, including {n_big} international arrivals, according to the {local} Department of Culture, Sports and Tourism.",
        "Tourism revenue in the {local_n} reached {vnd_t} in {period}, up {pct} year-on-year.",
        "The Ministry of Culture, Sports and Tourism has asked localities to protect traditional craft villages, {n_med} of which are at risk of disappearing, according to a survey completed in {month_past_year}.",
        "International arrivals to Việt Nam reached {intl_m} million in {period}, according to the {stats_office}.",
        "Local authorities plan to restore {n_small} historical relics using {vnd} from the {local} budget and private donations.",
        "The {local_n} is compiling a dossier to seek UNESCO recognition for {heritage_item}, with submission planned for {future_year}; {n_researchers} researchers have surveyed {n_small} sites for the dossier.",
        "Cultural tourism products such as homestays, night tours and traditional music performances in {place} drew {n_big} visitors in {period}, {pct} more than last year.",
        "The {local_n} now has {n_small} officially recognised craft villages employing about {n_big} people.",
        "Hotel occupancy in {place} averaged {pct_occ} during the peak season, with many guests from {partner} and {country_any}.",
    ],
    "quotes": [
        "“We want visitors to experience not only the scenery but also the daily life and traditions of [[local people|the {n_few} ethnic groups living here|communities in {commune}]],” said {off_short}, adding that {n_small} new tours had been launched.",
        "“This is my {nth_visit} visit to Việt Nam, and I am always impressed by the [[food and the hospitality|street food in {place_any}|friendliness of people in {place_any}]],” said {tourist}.",
        "{^artisan}, who has practised the craft for {n_small} years, said fewer young people were willing to learn it.",
        "{^expert}, said heritage conservation must go hand in hand with benefits for local communities, citing {n_few} successful examples in {place_any}.",
    ],
    "close": [
        "The {local} Department of Culture, Sports and Tourism said it would publish a new promotion plan {date_future}, with {n_small} new products for visitors.",
        "Admission to {pct_l} of the activities is free, and a full schedule of the {n_activities} events is available on the {local} tourism portal, organisers said.",
        "The {local_n} aims to welcome {n_visitors} more visitors in {next_y} than this year, including {n_big} from abroad.",
    ],
    "caption": ["Visitors at a festival in {place}.", "Artisans at a craft village in {place}.",
                "Tourists explore a heritage site in {place}."],
    "subhead": ["Preserving heritage", "Tourism boost", "Young audiences"],
    "expert_role": ["a cultural researcher at the Việt Nam Institute of Culture and Arts Studies",
                    "a tourism expert at {research_inst}", "a heritage conservation specialist",
                    "vice chairman of the Việt Nam Folklore Association"],
    "heritage_item": ["its traditional folk singing", "a centuries-old pagoda complex",
                      "the {local_n}'s pottery-making craft", "a traditional boat racing festival",
                      "its ancient stone inscriptions", "a network of ancient villages"],
    "nth_visit": ["second", "third", "fourth", "fifth", "sixth"],
}

_FESTIVALS = ["{place} Lantern Festival", "{place} International Fireworks Festival",
              "{place} Flower Festival", "{place} Coffee Festival", "{place} Seafood Festival",
              "{place} Ethnic Culture Festival", "{place} Food Festival", "{place} Áo Dài Festival",
              "{place} Kite Festival", "{place} Sea Festival"]
_CRAFTS = ["bronze casting", "conical hat making", "silk weaving", "lacquer painting", "pottery making",
           "rice paper making", "fish sauce making", "brocade weaving", "wood carving",
           "incense making", "embroidery", "silver carving"]
_CULTURE_ROLES = [
    ("Director", "Director of the {place} Department of Culture, Sports and Tourism"),
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
]


def _s_festival(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "t" if r.random() < 0.6 else None)
    c["festival"] = r.choice(_FESTIVALS).replace("{place}", c["place"]) + f" {g.day.year}"
    c["n_visitors_main"] = f"{g.rand(12_000, 480_000, 100):,}"
    g.set_official(_CULTURE_ROLES)


_story("culture", 3, _s_festival, [
    (["{festival} draws {n_visitors_main} visitors",
      "{festival} opens with {n_activities} activities",
      "Colourful {festival} kicks off"],
     ["The {festival} opened {when} with {n_activities} cultural, artistic and sporting activities that will run until {day_soon}, organisers said.",
      "More than {n_visitors_main} visitors flocked to the {festival} {when}, as {place} showcased its culture, cuisine and crafts."]),
], body=[
    "About {n_artists} artists and performers from {n_few} countries are taking part in the festival.",
    "Highlights include a street parade, a night market with {n_med} food stalls and demonstrations by artisans from {n_small} craft villages.",
    "Traffic police have closed several streets in central {place} during evening events and arranged {n_small} parking areas for visitors.",
    "Hotels in the {local_n} reported occupancy rates of {pct_occ} during the festival, and some homestays were fully booked weeks in advance.",
    "The festival is expected to generate revenue of about {vnd} for local businesses, {off_short} said.",
    "This year's edition features a new programme of {n_small} performances aimed at young audiences, with a budget of {vnd_small}.",
], close=["Organisers said they would announce the programme for next year's edition {date_future}, with {n_small} new activities planned."])


def _s_heritage(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    c["craft"] = r.choice(_CRAFTS)
    c["village"] = r.choice(COMMUNES) + " village"
    c["artisan"] = f"{g.vn_name()[0]}, a {r.randint(38, 84)}-year-old artisan in {c['village']}"
    c["craft_age"] = str(r.choice([150, 200, 300, 400, 500, 600, 700]))
    now = r.randint(25, 420)
    c["hh_now"], c["hh_then"] = str(now), str(now + r.randint(30, 500))
    g.set_official(_CULTURE_ROLES)


_story("culture", 2, _s_heritage, [
    (["{^craft} craft of {village} recognised as national intangible heritage",
      "{place} moves to preserve {craft} craft",
      "Centuries-old {craft} tradition in {place} gets national recognition"],
     ["The {craft} craft of {village} in {place_desc} has been recognised as national intangible cultural heritage, the {local} Department of Culture, Sports and Tourism said {when}.",
      "Artisans in {village}, {place}, celebrated {when} after their {craft} craft, which dates back more than {craft_age} years, was added to the national list of intangible cultural heritage."]),
], body=[
    "The village has about {hh_now} households practising the craft, down from more than {hh_then} two decades ago.",
    "{^artisan}, said orders had increased since the village began welcoming tourists, with products now sold in {n_few} countries.",
    "The {local_n} plans to spend {vnd} on a craft museum, training classes and a tourism route linking {n_few} nearby villages.",
    "About {n_med} young people in the village have begun selling products online, earning up to {vnd_salary} a month.",
    "Artisans say the craft faces competition from cheap industrial products, while the prices of raw materials have risen {pct} since {past_year}.",
    "A festival to celebrate the recognition will be held in {village} {date_future}.",
])


def _s_tourism(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "t")
    c["visitors_m"] = _fmt_dec(r.uniform(0.4, 18.0 if c["place"] in ("Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Khánh Hòa", "Quảng Ninh") else 7.0), 1)
    c["growth"] = _pct(4.0, 45.0)(g)
    g.set_official(_CULTURE_ROLES)


_story("culture", 2, _s_tourism, [
    (["{place} welcomes {visitors_m} million tourists in {period_short}",
      "Tourist arrivals to {place} up {growth} in {period_short}"],
     ["{^place_desc} welcomed {visitors_m} million tourists in {period}, up {growth} year-on-year, the {local} Department of Culture, Sports and Tourism said {when}.",
      "Tourist arrivals to {place} reached {visitors_m} million in {period}, an increase of {growth}, as new flights and visa policies drew more international visitors, {off_title} {off_name} said {when}."]),
], body=[
    "International visitors accounted for {pct_share} of the total, with the largest numbers coming from {partner}, {country_any} and {country_any}.",
    "Direct flights from {n_small} foreign cities now serve the {local_n}, and {n_few} new routes are expected to open {date_future}.",
    "Average spending per international visitor rose to about US${spend} per trip, according to a survey by the department.",
    "The {local_n} has {n_med} hotels and resorts with a total of {n_big} rooms, {pct_l} of which are rated three stars or higher.",
    "About {n_big} visitors arrived on {n_small} international charter flights during the period.",
    "The {local_n} is promoting night-time tourism and wellness travel to raise the average length of stay from {stay_a} to {stay_b} nights, {off_short} said.",
])


def _s_arts(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, name=r.choice(["Hà Nội", "Hà Nội", "TP Hồ Chí Minh", "Huế", "Đà Nẵng", r.choice(PLACES)[0]]))
    artist, _, female = g.vn_name()
    c["artist"], c["he_art"] = artist, ("she" if female else "he")
    c["art_kind"] = r.choice(["lacquer paintings", "silk paintings", "photographs", "sculptures",
                              "woodblock prints", "ceramic works", "installations"])
    c["venue"] = r.choice(["the Việt Nam Fine Arts Museum", "the {place} Museum",
                           "a contemporary art space in {place}", "the {place} Culture Palace",
                           "the Việt Nam National Museum of History"]).replace("{place}", c["place"])
    c["n_works_main"] = str(g.rand(25, 320))
    g.set_official(_CULTURE_ROLES)


_story("culture", 1.5, _s_arts, [
    (["Exhibition of {art_kind} by {artist} opens in {place}",
      "{n_works_main} {art_kind} on display at {venue}"],
     ["An exhibition featuring {n_works_main} {art_kind} by artist {artist} opened at {venue} {when} and will run until {day_soon}.",
      "Art lovers in {place} can view {n_works_main} {art_kind} by {artist} at {venue}, in an exhibition that opened {when}."]),
], body=[
    "The {n_works_main} works, created between {past_year} and {y}, explore themes of memory, rural life and the changing face of the city.",
    "{^artist} said {he_art} had travelled to {n_small} provinces to sketch landscapes and people before completing the series.",
    "Curator {name_vn} said the exhibition aimed to introduce traditional materials to younger audiences.",
    "Admission is free, and the organisers have arranged {n_few} guided tours and workshops for about {n_med} students.",
    "Some of the works will be shown in {foreign_city} {date_future} as part of a cultural exchange programme.",
    "The exhibition drew about {n_med} visitors on its opening day, according to the organisers.",
], quotes=[
    "“I wanted to show how much {place} has changed in the past {n_small} years, and what we risk losing,” {artist} said.",
    "“The use of traditional materials in these works is both bold and respectful,” said {expert}.",
    "“I came with my class and we spent {n_few} hours here; many of us had never seen {art_kind} before,” said {student}.",
], close=["The exhibition is open daily until {day_soon}, and admission is free for students and visitors over {age_old}.",
          "The organisers plan to publish a catalogue of the {n_works_main} works {date_future}."],
    caption=["Visitors view {art_kind} at {venue} {when_date}.", "Artist {artist} at the exhibition opening in {place}."])


# ===== infrastructure =======================================================

TOPICS["infrastructure"] = {
    "generic": True,
    "section": "kinh-te",
    "body": [
        "Việt Nam aims to have about 5,000 kilometres of expressways by 2030, and projects in {place} account for {km} kilometres of the planned network.",
        "Site clearance remains the biggest obstacle, with {ha_land} hectares, or {pct_s} of the required land, still not handed over to contractors.",
        "Shortages of sand for embankments have delayed several projects in the south, prompting the Ministry of {transport_portfolio} to approve the use of sea sand on {km} kilometres of road on a pilot basis.",
        "Disbursement of public investment capital in {place} reached {pct_l} of the annual plan by the end of {last_month}.",
        "{^pm_ref} has urged ministries and localities to work in shifts around the clock to complete {n_small} key transport projects worth {vnd_t} on schedule.",
        "Logistics costs in the {local_n} are expected to fall by {pct} once the project is completed, according to the {local} Department of {transport_portfolio}.",
        "Contractors have mobilised {n_machines} machines and {n_workers} workers to work on the site around the clock.",
        "The project is financed by the State budget and a loan of {usd_m} from {intl_org}.",
        "About {n_households} households have been relocated to make way for the project, receiving compensation totalling {vnd}.",
    ],
    "quotes": [
        "“We are working in three shifts [[to make up for time lost during the rainy season|with {n_workers} workers on site|to finish the section by {day_soon}]],” said {site_engineer}.",
        "{^off_short} said the {local_n} would hand over the remaining {ha_land} hectares of land to contractors {date_future}.",
        "{^expert}, said the project would ease congestion on National Highway {highway} and cut travel times by up to {pct_l}.",
    ],
    "close": [
        "The project is scheduled to be completed and put into operation {date_future}, {n_months} months [[later than originally planned|ahead of the original schedule|after the original deadline]].",
        "Traffic diversions will remain in place in the area until {day_soon}, the {local} Department of {transport_portfolio} said.",
        "The investor said it would submit an adjusted schedule and a revised budget of {vnd} to the ministry {date_soon}.",
    ],
    "caption": ["Construction under way on a section of the {project_name}.",
                "Workers at the construction site of the {project_name} in {place}."],
    "subhead": ["Land clearance", "Materials shortage", "Economic impact"],
    "expert_role": ["a transport expert at {research_inst}", "a former deputy minister of transport",
                    "vice president of the Việt Nam Road and Bridge Engineering Association",
                    "an urban planning lecturer at Hà Nội University of Civil Engineering"],
}

_INFRA_ROLES = [
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
    ("Director", "Director of the {place} Department of {transport_portfolio}"),
]


def _s_expressway(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    other = _neighbour(g)
    a, b = (c["place"], other) if r.random() < 0.5 else (other, c["place"])
    c["project_name"] = f"{a}–{b} expressway"
    c["road_name"] = c["project_name"]
    c["km_main"] = str(r.randint(18, 160))
    c["cost"] = _vnd(4_000.0, 45_000.0)(g)
    c["lanes"] = r.choice(["four", "four", "six"])
    c["speed"] = r.choice(["80", "100", "120"])
    c["deadline"] = str(min(2030, g.day.year + r.randint(1, 3)))
    c["co_word"] = "Construction"
    g.set_official(_INFRA_ROLES)


_story("infrastructure", 3, _s_expressway, [
    (["Construction starts on {km_main}km {road_name}",
      "Work begins on {road_name}"],
     ["Construction of the {km_main}-kilometre {road_name}, with total investment of {cost}, began {when} in {place_desc}.",
      "{^pm_ref} attended a ceremony {when} to launch construction of the {road_name}, a {km_main}-kilometre route with total investment of {cost}."]),
    (["{road_name} opens to traffic",
      "{km_main}km {road_name} opens ahead of {holiday}"],
     ["The {km_main}-kilometre {road_name} was opened to traffic {when}, cutting travel time between the two localities by about {pct_l}.",
      "Motorists began using the {road_name} {when} after {n_months} months of construction, {off_title} {off_name} said."],
     ["“Since the new road opened, my trip to the market takes only {commute},” said {resident}.",
      "About {n_big} vehicles used the expressway on its first day, according to the operator.",
      "A ribbon-cutting ceremony was attended by {n_med} officials, contractors and local residents."]),
    (["{place} urged to speed up land clearance for {road_name}",
      "{road_name} behind schedule as land clearance lags"],
     ["Only {pct_l} of the land needed for the {road_name} has been handed over to contractors, putting the project at risk of missing its {deadline} deadline, officials in {place} said {when}.",
      "Delays in site clearance are slowing work on the {km_main}-kilometre {road_name}, {off_title} {off_name} told a meeting {when}."]),
], body=[
    "The expressway has {lanes} lanes and a design speed of {speed} km per hour, with {n_few} interchanges, {n_few} rest stops and {n_bridges} bridges.",
    "The project is divided into {n_few} component projects, and {n_contractors} contractors have been selected through competitive bidding, saving about {vnd} against the estimate.",
    "Once completed, the route will connect with National Highway {highway} and {n_few} industrial parks covering {ha_small} hectares.",
    "The investment rate is about {vnd} per kilometre, lower than similar projects thanks to savings in design, officials said.",
    "Toll collection is expected to begin {date_future}, at a proposed rate of {vnd_toll} per kilometre for cars, with {n_few} toll stations along the route.",
    "Unusually heavy rain in {month_past} cost contractors {n_days} working days on {km} kilometres of the route, according to the project management board.",
])

_PROJECT_KINDS = [
    ("bridge over the {river}", "The bridge is {n} metres long", 400, 3_000),
    ("new passenger terminal at {airport}", "The terminal covers {n} square metres", 20_000, 120_000),
    ("deep-water port in {place}", "The port will have {n} metres of berths", 600, 3_000),
    ("ring road in {place}", "The ring road is {n} kilometres long", 8, 60),
    ("urban railway line in {place}", "The line is {n} kilometres long", 8, 40),
    ("flood-prevention drainage system in {place}", "The system includes {n} kilometres of pipes", 10, 90),
]
_AIRPORTS = ["Nội Bài International Airport", "Tân Sơn Nhất International Airport",
             "Long Thành International Airport", "Đà Nẵng International Airport",
             "Phú Bài International Airport", "Cát Bi International Airport", "Vinh Airport",
             "Cam Ranh International Airport", "Liên Khương Airport", "Phú Quốc International Airport"]


def _s_urban(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g)
    kind, size_tpl, lo, hi = r.choice(_PROJECT_KINDS)
    c["project_name"] = kind.replace("{river}", r.choice(RIVERS)).replace(
        "{airport}", r.choice(_AIRPORTS)).replace("{place}", c["place"])
    c["size_sentence"] = size_tpl.replace("{n}", f"{g.rand(lo, hi):,}")
    c["co_word"] = "Construction"
    c["cost"] = _vnd(600.0, 38_000.0)(g)
    c["progress"] = _pct(12.0, 92.0, 0)(g)
    g.set_official(_INFRA_ROLES + [("Director", "Director of the project management board")])


_story("infrastructure", 2.5, _s_urban, [
    (["{place} speeds up work on {project_name}",
      "{^project_name} reaches {progress} completion"],
     ["Work on the {project_name}, with total investment of {cost}, has reached {progress} of the planned volume, {off_title} {off_name} said {when}.",
      "Contractors building the {project_name} have been asked to finish the main structure {date_future}, as construction reached {progress} of the planned volume, officials said {when}."]),
], body=[
    "{size_sentence}, and the project is designed to serve growing demand over the next {n_small} years.",
    "{^off_short} said the remaining technical problems would be solved {date_soon}, after consultations with {n_few} ministries.",
    "Residents of {n_households} nearby households have complained about dust and noise, and the contractor has pledged to water the site {n_few} times a day.",
    "Once completed, the project is expected to serve about {n_big} people a day.",
    "About {pct_l} of the investment comes from the central budget, with the rest from the {local} budget and a loan of {usd_m} from {intl_org}.",
    "The investor said the project was {n_months} months behind its original schedule because of design changes and increases of up to {pct} in the prices of steel and cement.",
])


def _s_energy(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, r.choice(["c", "c", "i", None]))
    kind, lo, hi, cf = r.choice([("offshore wind farm", 300, 3_000, 0.4), ("LNG-fired power plant", 800, 3_000, 0.6),
                                 ("solar farm with battery storage", 50, 600, 0.18),
                                 ("pumped-storage hydropower plant", 600, 2_400, 0.15),
                                 ("waste-to-energy plant", 10, 100, 0.7), ("biomass power plant", 20, 100, 0.6)])
    c["plant"] = kind
    c["project_name"] = f"{kind} in {c['place']}"
    mw = g.rand(lo, hi, 10 if hi > 200 else 1)
    c["mw"] = f"{mw:,}"
    c["annual_gwh"] = f"{int(mw * 8.76 * cf):,}"
    c["peak_mw"] = f"{g.rand(600, 5_000, 10):,}"
    c["co_word"] = "Energy"
    c["cost_usd"] = _usd(60.0, 4_800.0)(g)
    c["investor_co"] = _f_foreign_company(g) if r.random() < 0.5 else _f_company(g)
    g.set_official([("Deputy Minister", "Deputy Minister of Industry and Trade"),
                    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
                    ("Director", "Director of the {place} Department of Industry and Trade")])


_story("infrastructure", 2, _s_energy, [
    (["{place} approves {cost_usd} {plant}",
      "Work starts on {mw}MW {plant} in {place}"],
     ["{^place_desc} {when} approved investment in a {mw}MW {plant} worth {cost_usd}, developed by {investor_co}.",
      "Construction of a {mw}MW {plant} in {place_desc}, with total investment of {cost_usd}, began {when}, {off_title} {off_name} said."]),
], body=[
    "Once operational, the facility is expected to generate about {annual_gwh} million kWh of electricity a year.",
    "Việt Nam's revised power development plan calls for a sharp increase in renewable energy capacity by 2030, and {place} is expected to contribute {mw_small}MW from {n_small} projects.",
    "Electricity demand in the region has grown {pct_s} a year on average since {past_year}, with peak load reaching {peak_mw}MW during the dry season.",
    "{^investor_co} said it would hire {n_workers} workers during construction and about {n_med} permanent staff.",
    "{^n_few} environmental groups have called for a careful assessment of the project's impact on fisheries, after {n_households} fishing households raised concerns {date_past}.",
    "The Ministry of Industry and Trade has asked developers to speed up grid connection work after {n_projects} projects with a combined capacity of {mw_small}MW reported delays.",
], mw_small=["300", "500", "800", "1,200", "1,500", "2,000"],
    topic_body=[
        "Electricity consumption nationwide rose {pct_s} year-on-year in {period}, according to Việt Nam Electricity (EVN).",
        "The {local_n} has {n_small} power projects under construction with a combined capacity of {mw_small}MW.",
        "At a meeting {date_past}, {pm_ref} asked ministries to speed up the approval of {n_small} key energy projects to avoid power shortages in the dry season.",
        "A group of {n_small} investors have called for clearer rules on direct power purchase agreements and grid connection fees, citing delays of up to {n_months} months.",
        "Rooftop solar installations on factories in {place_any} have reached {n_med}MW, helping businesses cut electricity bills by about {pct}.",
        "The project is part of efforts to diversify energy sources and cut dependence on coal, which still generates about {pct_share} of the country's electricity.",
        "Land clearance for the project's transmission line has been completed on {pct_l} of the route, the {local} Department of Industry and Trade said.",
    ],
    quotes=[
        "“Stable and clean power is a key condition for attracting [[high-tech investment|investors in {fdi_sector_any}|the next wave of FDI]], and demand here is rising by {pct_s} a year,” {off_short} said, adding that {n_few} more projects were in the pipeline.",
        "{^expert}, said the project would help ease pressure on the grid in the region, provided transmission lines were completed on time.",
        "“We expect to complete testing and connect to the national grid {date_future},” said {biz_person}.",
    ],
    expert_role=["an energy expert at {research_inst}", "a former official of the Ministry of Industry and Trade",
                 "vice president of the Việt Nam Energy Association"])


# ===== agriculture ==========================================================

TOPICS["agriculture"] = {
    "generic": True,
    "section": "kinh-te",
    "body": [
        "Agro-forestry-fishery exports reached {usd_b} in {period}, up {pct_s} year-on-year, according to the Ministry of {agri_portfolio}.",
        "Under the programme to develop one million hectares of high-quality, low-emission rice in the Mekong Delta, {mekong_place} has registered {ha} hectares.",
        "Farmers in the {local_n} have been encouraged to convert {ha_small} hectares of inefficient rice land to fruit trees and aquaculture.",
        "The {local_n} has been granted {n_codes} growing area codes for export, allowing farmers to ship produce to demanding markets.",
        "Fertiliser prices have risen {pct} since {month_past}, eating into farmers' profits.",
        "Cooperatives in {place_any} have signed contracts with {n_few} enterprises to buy {tonnes_m} tonnes of produce at guaranteed prices.",
        "More than {n_med} products from the {local_n} have been certified under the One Commune One Product (OCOP) programme.",
        "Labour shortages during the harvest have pushed daily wages for farm workers in {place_any} to about {vnd_wage}, up {pct} from last year.",
        "Drones are now used to spray crops on {pct_l} of rice fields in some communes, cutting costs by about {pct}.",
    ],
    "quotes": [
        "“With prices like this, we can make a profit of about {vnd_profit} per hectare,” said {farmer}.",
        "“The weather is less predictable now, so we have to follow the crop calendar [[very closely|and check forecasts every day]] on our {ha_farm} hectares,” said {farmer}.",
        "{^off_short} said the {local_n} would support farmers with seeds, techniques and market links so they could meet export standards, with {n_small} training courses planned.",
        "{^expert}, said Vietnamese farm exports needed stronger branding and traceability rather than competing mainly on price, noting that {pct_l} of exports were still unbranded.",
    ],
    "close": [
        "The {local} Department of {agri_portfolio} said it would continue to monitor prices and advise farmers on planting schedules for the {next_crop}, with {n_small} field workshops planned in {month_future}.",
        "A conference to connect farmers with {n_firms} exporters will be held in {place} {date_soon}.",
    ],
    "caption": ["Farmers harvest rice in {place}.", "Workers sort fruit for export in {place}.",
                "Coffee beans dry in the sun in {place}."],
    "subhead": ["Prices and demand", "Meeting export standards", "Climate pressures"],
    "expert_role": ["an agricultural economist at {research_inst}",
                    "a researcher at the Cửu Long Delta Rice Research Institute",
                    "vice chairman of the Việt Nam Fruit and Vegetables Association",
                    "a lecturer at the Việt Nam National University of Agriculture"],
    "next_crop": ["next crop", "summer-autumn crop", "winter-spring crop", "coming season"],
}

_AGRI_ROLES = [
    ("Director", "Director of the {place} Department of {agri_portfolio}"),
    ("Deputy Director", "Deputy Director of the {place} Department of {agri_portfolio}"),
    ("Vice Chairman", "Vice Chairman of the {place} People's Committee"),
]


def _s_rice(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "m")
    c["rice_price"] = f"US${g.rand(380, 640)}"
    c["season"] = r.choice(["winter-spring", "summer-autumn", "autumn-winter"])
    c["yield_main"] = _fmt_dec(r.uniform(5.6, 7.9), 1)
    c["ha_main"] = f"{g.rand(20_000, 320_000, 100):,}"
    c["trend_word"] = r.choice(["rise", "fall", "hold steady"])
    g.set_official(_AGRI_ROLES)


_story("agriculture", 3, _s_rice, [
    (["{place} farmers harvest {season} rice with yields of {yield_main} tonnes per hectare",
      "Rice export prices {trend_word} as harvest gets under way in {place}"],
     ["Farmers in {place_desc} have begun harvesting {ha_main} hectares of {season} rice, with average yields of {yield_main} tonnes per hectare, the {local} Department of {agri_portfolio} said {when}.",
      "Vietnamese 5 per cent broken rice was offered at around {rice_price} per tonne {when}, as farmers in {place} harvested their {season} crop."]),
], caption=["Farmers harvest rice in {place}.", "A combine harvester at work in a rice field in {place}.",
            "Rice is loaded onto a boat in {place}."],
    rice_buyer=["Ghana", "China", "Malaysia", "Côte d'Ivoire", "Singapore", "Japan"],
    body=[
    "Traders in {place} are buying fresh paddy at {vnd_paddy} per kilogramme, slightly {updown} from the previous week.",
    "The Philippines, Indonesia and {rice_buyer} remain the largest buyers of Vietnamese rice, together taking {pct_l} of shipments in {period}.",
    "High-quality fragrant varieties now account for {pct_l} of the {local_n}'s rice area.",
    "About {ha_small} hectares in the {local_n} are taking part in the low-emission rice programme, using {pct} less seed and fertiliser.",
    "Rice exports in {period} reached {tonnes} tonnes, worth {usd_m}, according to the ministry.",
    "Harvesting machines now handle {pct_l} of the crop, reducing post-harvest losses.",
])

_FRUITS = [("durian", "China"), ("dragon fruit", "China"), ("lychee", "Japan"), ("mango", "Australia"),
           ("longan", "the US"), ("pomelo", "the US"), ("passion fruit", "the EU"),
           ("coconut", "China"), ("avocado", "China"), ("banana", "the Republic of Korea")]


_FRUIT_PLACES = {
    "durian": ["Đắk Lắk", "Lâm Đồng", "Gia Lai", "Đồng Tháp", "Vĩnh Long", "Đồng Nai"],
    "dragon fruit": ["Tây Ninh", "Lâm Đồng", "Đồng Tháp"],
    "lychee": ["Bắc Ninh", "Hải Phòng", "Hưng Yên"],
    "mango": ["Đồng Tháp", "An Giang", "Khánh Hòa", "Sơn La"],
    "longan": ["Hưng Yên", "Sơn La", "Vĩnh Long"],
    "pomelo": ["Vĩnh Long", "Đồng Tháp", "Huế"],
    "passion fruit": ["Gia Lai", "Sơn La", "Lâm Đồng"],
    "coconut": ["Vĩnh Long", "Cà Mau"],
    "avocado": ["Đắk Lắk", "Lâm Đồng"],
    "banana": ["Đồng Nai", "Lào Cai", "Tây Ninh"],
}


def _s_fruit(g: _Gen) -> None:
    r, c = g.r, g.ctx
    fruit, market = r.choice(_FRUITS)
    _set_place(g, name=r.choice(_FRUIT_PLACES[fruit]))
    c["fruit"], c["fruit_market"] = fruit, market
    c["fruit_value"] = _usd(30.0, 3_500.0)(g)
    c["growth"] = _pct(5.0, 80.0)(g)
    g.set_official(_AGRI_ROLES)


_story("agriculture", 2.5, _s_fruit, [
    (["{^fruit} exports to {fruit_market} surge as {place} expands growing areas",
      "{place} farmers cash in on strong {fruit} demand"],
     ["Exports of {fruit} from {place_desc} to {fruit_market} rose {growth} in {period}, helping the {local_n}'s fruit export value reach {fruit_value}, local officials said {when}.",
      "Strong demand from {fruit_market} has pushed {fruit} prices in {place} up {growth} compared with last year, bringing higher incomes for thousands of farmers, {off_title} {off_name} said {when}."]),
], body=[
    "Farm-gate prices for grade-one {fruit} are around {vnd_price_kg} per kilogramme, according to traders.",
    "Exporters must ensure that their products come from registered growing areas and packing facilities, and {n_small} consignments worth {usd_k} were returned in {prev_y} over pesticide residues.",
    "The {local_n} now has {ha_small} hectares of {fruit}, up from {ha_small} hectares five years ago.",
    "Some {n_firms} businesses have registered to export {fruit} under official channels, the department said.",
    "Authorities have warned farmers against expanding planting areas too quickly, noting that {fruit} prices fell by {pct_l} in {past_year} after a similar boom.",
    "Cold storage capacity remains limited, with only {n_small} facilities in the {local_n}, holding a combined {tonnes_m} tonnes, able to handle fresh produce for export.",
])


def _s_commodity(g: _Gen) -> None:
    r, c = g.r, g.ctx
    _set_place(g, "h")
    crop = r.choice(["coffee", "pepper", "cashew", "cocoa", "rubber"])
    c["crop"] = crop
    c["price_main"] = _f_vnd_unit(55 if crop != "coffee" else 90, 160, ",000")(g)
    c["growth"] = _pct(3.0, 60.0)(g)
    ha = g.rand(5_000, 300_000, 10)
    c["crop_ha"], c["crop_tonnes"] = f"{ha:,}", f"{int(ha * r.uniform(1.2, 3.0)) // 10 * 10:,}"
    g.set_official(_AGRI_ROLES)


_story("agriculture", 2, _s_commodity, [
    (["{^crop} prices in Central Highlands climb to {price_main} per kg",
      "{place} farmers expand {crop} area as prices stay high"],
     ["{^crop} prices in {place_desc} rose to {price_main} per kilogramme {when}, up {growth} from a year earlier, traders said.",
      "Farmers in {place_desc} are investing more in {crop} after prices reached {price_main} per kilogramme, {off_title} {off_name} said {when}."]),
], body=[
    "The {local_n} has about {crop_ha} hectares of {crop}, producing about {crop_tonnes} tonnes a year.",
    "Traders said lower output in {producer} and strong demand from {partner} had supported prices, with {tonnes} tonnes exported in {period}.",
    "Many farmers are replanting old trees with high-yield varieties, backed by preferential loans of up to {vnd_personal}.",
    "Experts warned that prices could fall sharply again, recalling that {crop} sold for only {vnd_price_kg} per kilogramme in {past_year}.",
    "The {local_n} is working with {n_few} exporters to map {ha} hectares of farms and build deforestation-free supply chains to meet new EU rules.",
    "Thefts of harvested {crop} have increased, with {n_small} cases reported since {month_past}, prompting police to step up patrols in {n_communes} communes.",
])


# Additional story-specific sentences (kept separate from the story
# definitions above to keep those readable).
_EXTRA_BODY = {
    "_s_exports": [
        "Orders from {market} for the {next_q} have risen by {pct}, with buyers increasingly asking for certified sustainable materials, according to {biz_assoc}.",
        "In {last_month} alone, {place}'s {sector} exports were worth {usd_m}, {updown} {pct_s} from the previous month.",
        "The {local_n} currently has {n_firms} {sector} exporters, {pct_l} of them foreign-invested.",
    ],
    "_s_fdi": [
        "In {last_month} alone, the {local_n} granted investment certificates to {n_small} projects with combined capital of {usd_m}.",
        "{^investor_adj} investors accounted for {pct_share} of newly registered capital, with most projects located in the {ip_name} Industrial Park.",
        "Domestic investors also registered {vnd_t} in {n_projects} projects during the period.",
    ],
    "_s_storm": [
        "Authorities in {commune} commune used boats to evacuate {n_med} residents, including elderly people and children, to schools and community halls.",
        "The {local} Department of Health said {n_med} people had been treated for injuries and {n_small} medical stations had been damaged.",
        "A section of the dyke along the {river} in {commune} commune was breached over {n_med} metres, forcing the evacuation of {n_households} households.",
    ],
    "_s_outbreak": [
        "Health workers have visited {n_households} households and {n_med} schools to distribute information on {disease} prevention.",
        "The {local} Department of Health has allocated {vnd_small} for prevention activities, including {prevention}.",
        "Doctors at {hospital_any} said {n_med} patients with {disease} had been admitted since {month_past}, mostly from {place} and {place_any}.",
    ],
    "_s_fraud": [
        "Police said the suspects had laundered money through {n_accounts} bank accounts and cryptocurrency wallets before transferring it abroad.",
        "Of the total, police have recovered {recovered} and returned it to {n_med} victims.",
        "One victim, a {age_old}-year-old retiree in {place_any}, lost {vnd_personal} after following the group's instructions.",
    ],
    "_s_reception": [
        "{^host_short} suggested that the two countries soon hold the {round_ord} meeting of their intergovernmental committee and open more direct flights between Hà Nội and {country_city}.",
        "The two sides agreed to step up delegation and people-to-people exchanges, with {n_flights} direct flights a week currently linking the two countries.",
        "{^guest_short} affirmed that {country} attached great importance to its relationship with Việt Nam and wished to expand cooperation in {coop_b}, where {n_small} projects are under way.",
    ],
    "_s_festival": [
        "A parade with {n_small} floats and {n_med} performers is scheduled for the closing night on {day_soon}.",
        "Organisers have set up {n_small} cashless payment points and {n_small} parking areas with room for {n_big} vehicles.",
        "{^place} expects about {n_visitors} visitors during the festival, {pct} more than at last year's edition.",
    ],
    "_s_expressway": [
        "{^company} and {n_few} other contractors are building the section through {commune} commune, which includes a {n_bridge_m}-metre bridge over the {river}.",
        "About {n_households} households along the route have received compensation totalling {vnd}, and {n_small} resettlement areas have been built.",
        "Traffic on National Highway {highway} has increased by {pct} over the past {n_few} years, causing frequent congestion at peak hours.",
    ],
    "_s_rice": [
        "Production costs for the {season} crop were about {vnd_paddy} per kilogramme of paddy, leaving farmers a profit of {vnd_profit} per hectare.",
        "Fragrant varieties such as ST25 fetched the highest prices, at around US${rice_hi} per tonne for export.",
        "The {local_n} plans to sow {ha} hectares for the next crop, with {pct_l} of the area using certified seeds.",
    ],
    "_s_football": [
        "{^team_a} dominated possession, with {pct_poss} of the ball and {n_few} shots on target.",
        "The match was broadcast live on national television, and organisers said {n_big} people watched it online.",
        "{^team_b} arrived for the match after a {n_few}-day training camp in {place_any}.",
    ],
}
for _st in STORIES:
    _st["body"] = list(_st.get("body", [])) + _EXTRA_BODY.get(_st["setup"].__name__, [])


# ---------------------------------------------------------------------------
# Article assembly
# ---------------------------------------------------------------------------

TOPIC_WEIGHTS = {
    "economy": 14, "climate": 10, "health": 10, "education": 9, "technology": 11,
    "diplomacy": 16, "sports": 8, "culture": 9, "infrastructure": 8, "agriculture": 9,
}
_TOPIC_NAMES = list(TOPIC_WEIGHTS)
_TOPIC_CUM = []
_acc = 0.0
for _t in _TOPIC_NAMES:
    _acc += TOPIC_WEIGHTS[_t]
    _TOPIC_CUM.append(_acc)
_STORIES_BY_TOPIC = {t: [s for s in STORIES if s["topic"] == t] for t in _TOPIC_NAMES}
_STORY_CUM = {}
for _t, _lst in _STORIES_BY_TOPIC.items():
    _acc, _cum = 0.0, []
    for _s in _lst:
        _acc += _s["weight"]
        _cum.append(_acc)
    _STORY_CUM[_t] = _cum

# style -> (probability weight, probability of a leading date token)
_STYLES = [("vns", 40, 0.6), ("headline", 20, 0.5), ("caption", 20, 0.6), ("portal", 20, 0.25)]
_DAYS_IN_RANGE = (END_DATE - START_DATE).days


def _pick_cum(r: random.Random, items: list, cum: list):
    x = r.random() * cum[-1]
    for item, c in zip(items, cum):
        if x < c:
            return item
    return items[-1]


def _date_ctx(g: _Gen, style: str) -> None:
    r, c, d = g.r, g.ctx, g.day
    y, m = d.year, d.month
    c["y"], c["prev_y"] = str(y), str(y - 1)
    if m == 1:
        c["period"] = c["period_short"] = str(y - 1)
        c["last_month"] = "December"
    else:
        n = m - 1
        c["last_month"] = MONTHS[n - 1]
        if n == 1:
            c["period"] = c["period_short"] = "January"
        elif n == 3:
            c["period"], c["period_short"] = "the first quarter", "Q1"
        elif n == 6:
            c["period"], c["period_short"] = "the first half of the year", "H1"
        else:
            word = _MONTH_COUNT_WORDS[n]
            c["period"] = f"the first {word} months of {y}" if r.random() < 0.5 else f"the first {word} months"
            c["period_short"] = f"{word} months"
    k = r.choice((0, 0, 1, 1, 1, 2))
    ev = d - _dt.timedelta(days=k)
    wd = WEEKDAYS[ev.weekday()]
    prefer_weekday = 0.7 if style in ("vns", "headline") else 0.3
    x = r.random()
    if x < prefer_weekday * 0.85:
        when = f"on {wd}"
    elif x < prefer_weekday:
        when = f"on {wd} {r.choice(['morning', 'afternoon', 'evening'])}"
    elif x < prefer_weekday + (1 - prefer_weekday) * 0.8:
        when = f"on {_fmt_date(ev)}"
    else:
        when = f"on the {r.choice(['morning', 'afternoon'])} of {_fmt_date(ev)}"
    c["when"] = when
    c["when_date"] = f"on {_fmt_date(ev)}"


class _Pools:
    """Sentence pools that hand out each template at most once per article."""

    __slots__ = ("g", "pools", "left")

    def __init__(self, g: _Gen, pools: dict):
        self.g = g
        self.pools = pools
        self.left = {k: list(range(len(v))) for k, v in pools.items()}

    def available(self, key: str) -> bool:
        return bool(self.left[key])

    def take(self, key: str) -> str | None:
        lst = self.left[key]
        if not lst:
            return None
        g = self.g
        j = lst.pop(g.r.randrange(len(lst)))
        sent = _cap(g.x(self.pools[key][j]))
        if key != "quotes" and g.r.random() < 0.3:
            sent = _attribute(g, sent, key == "story")
        return sent


_NO_ATTRIB = ("“", " said", "according to", "According to", " told ", "announced",
              "reported", "?")


def _attribute(g: _Gen, sent: str, own: bool = True) -> str:
    """Append a source attribution to a bare factual sentence (a few per article)."""
    if not sent.endswith(".") or any(t in sent for t in _NO_ATTRIB):
        return sent
    if not own:
        if g.r.random() < 0.5:
            return sent
        return f"{sent[:-1]}, {g.pick('attrib_neutral')}."
    left = g.ctx.get("_attrib_left")
    if left is None:
        left = list(g.lookup("attrib"))
        g.r.shuffle(left)
        del left[g.r.randint(2, 4):]
        g.ctx["_attrib_left"] = left
    if not left:
        return sent
    return f"{sent[:-1]}, {g.x(left.pop())}."


def _paragraphs(g: _Gen, story: dict, variant: tuple, lead: str) -> list[str]:
    r = g.r
    topic = TOPICS[story["topic"]]
    pools = _Pools(g, {
        "story": list(variant[2] if len(variant) > 2 else []) + list(story.get("body", [])),
        "topic": story.get("topic_body", topic["body"]),
        "quotes": list(story.get("quotes", [])) + list(topic["quotes"] if "quotes" not in story else []),
        "generic": COMMON["generic"] if topic.get("generic") else [],
    })
    lead_para = [lead]
    x = r.random()
    if story.get("lead2") and x < 0.5:
        lead_para.append(_cap(g.pick("lead2")))
    elif x < 0.75 and pools.available("story"):
        lead_para.append(pools.take("story"))
    paras = [" ".join(lead_para)]
    total = len(paras[0])
    target = r.randint(2200, 4800)
    n_max = r.randint(5, 12)
    caps = {"story": 99, "topic": r.randint(*topic.get("topic_cap", (3, 7))),
            "quotes": r.randint(2, 3), "generic": 1}
    used = {"story": 0, "topic": 0, "quotes": 0, "generic": 0}
    relaxed = False
    while len(paras) < 3 or (len(paras) < n_max - 1 and total < target):
        early = len(paras) <= 3
        weights = [("story", 5.0 if early else 3.0), ("topic", 1.5 if early else 2.0),
                   ("quotes", 1.5), ("generic", 0.0 if early else 0.3)]
        weights = [(k, w) for k, w in weights if pools.available(k) and used[k] < caps[k]]
        if not weights:
            if relaxed or total >= MIN_CHARS + 300:
                break
            relaxed = True
            caps = {k: v + 4 for k, v in caps.items()}
            continue
        tot = sum(w for _, w in weights)
        x = r.random() * tot
        for key, w in weights:
            x -= w
            if x < 0:
                break
        if key == "quotes":
            n = r.choice((1, 1, 2))
        elif key == "generic":
            n = 1
        else:
            n = r.choice((1, 2, 2, 2, 3, 3, 4))
        sents = []
        for _ in range(min(n, caps[key] - used[key])):
            s = pools.take(key)
            if s is None:
                break
            sents.append(s)
            used[key] += 1
        if key in ("quotes", "generic") and len(sents) == 1 and r.random() < 0.5 and pools.available("story"):
            sents.append(pools.take("story"))
        if not sents:
            continue
        para = " ".join(sents)
        paras.append(para)
        total += len(para)
    close_pool = list(story.get("close") or topic["close"])
    if topic.get("generic"):
        close_pool += COMMON["close_generic"]
    picks = r.sample(range(len(close_pool)), min(len(close_pool), 2 if r.random() < 0.3 else 1))
    paras.append(" ".join(_cap(g.x(close_pool[i])) for i in picks))
    return paras


def _caption(g: _Gen, exclude: str | None = None) -> str:
    opts = g.lookup("caption")
    for _ in range(4):
        cap = _cap(g.x(g.r.choice(opts)))
        if cap != exclude:
            break
    if " on " not in cap and cap.endswith(".") and g.r.random() < 0.85:
        cap = f"{cap[:-1]} {g.ctx['when_date']}."
    return cap


def _compose(r: random.Random) -> str:
    topic_name = _pick_cum(r, _TOPIC_NAMES, _TOPIC_CUM)
    story = _pick_cum(r, _STORIES_BY_TOPIC[topic_name], _STORY_CUM[topic_name])
    style, _, p_dated = _pick_cum(r, _STYLES, [40, 60, 80, 100])
    day = START_DATE + _dt.timedelta(days=r.randint(0, _DAYS_IN_RANGE))
    g = _Gen(r, day, [story, TOPICS[topic_name], COMMON])
    word_pct = 0.85 if style in ("vns", "headline") else 0.25
    g.ctx["_pct"] = "w" if r.random() < word_pct else "p"
    story["setup"](g)
    _date_ctx(g, style)
    variants = story["variants"]
    vi = g.ctx.get("_variant")
    variant = variants[int(vi)] if vi is not None else r.choice(variants)
    headline = _cap(g.x(r.choice(variant[0])))
    lead = _cap(g.x(r.choice(variant[1])))
    credit = r.choice(PHOTO_CREDITS)

    if style in ("vns", "headline"):
        dash = "—" if r.random() < 0.85 else "–"
        lead = f"{g.ctx['dateline']} {dash} {lead}"
    paras = _paragraphs(g, story, variant, lead)

    # keep within the length budget by dropping body paragraphs
    def body_len() -> int:
        return sum(len(p) + 2 for p in paras)

    while body_len() > MAX_CHARS - 420 and len(paras) > 4:
        del paras[-2]

    lines = list(paras)
    if style in ("vns", "headline") and len(lines) >= 5 and r.random() < 0.08:
        lines.insert(r.randint(3, len(lines) - 2), _cap(g.pick("subhead")))
    top_caption = None
    if style == "caption":
        top_caption = _caption(g)
        lines.insert(0, f"{top_caption} (Photo: {credit})")
        if len(lines) >= 6 and r.random() < 0.35:
            lines.insert(r.randint(3, len(lines) - 2), f"{_caption(g, top_caption)} (Photo: {credit})")
        lines[-1] += "/."
    elif style == "portal":
        top_caption = _caption(g)
        lines.insert(0, f"{top_caption} Photo: {credit}")
        if len(lines) >= 6 and r.random() < 0.15:
            lines.insert(r.randint(3, len(lines) - 2), f"{_caption(g, top_caption)} Photo: {credit}")
        outlet, domain, ext = r.choice(PORTAL_OUTLETS)
        section = TOPICS[topic_name]["section"]
        url = f"https://{domain}/{section}/{_slug(headline)}-{r.randint(1_000_000, 1_999_999)}{ext}"
        lines += [outlet, f"Source: {url}"]
        if r.random() < 0.6:
            lines.append(f"Comment ({r.choice((0, 0, 0, 1, 2, 3, 5))})")
    else:
        if style == "headline":
            lines.insert(0, headline)
        lines[-1] += f" — {r.choice(WIRE_TAGS)}"

    text = ("\n" if style == "portal" else "\n\n").join(lines)
    text = _A_AN.sub(r"\1n ", text)
    text = _ABBR_DOT.sub(r"\1.", text)
    if style in ("caption", "portal") and r.random() < 0.55:
        text = _fold(text)
    if r.random() < p_dated:
        text = f" date {g.day.isoformat()} {text}"
    return text


_A_AN = re.compile(r"\b([Aa]) (?=8|1[18](?!\d))")
_ABBR_DOT = re.compile(r"\b(Inc|Co|Ltd)\.\.")


def _acceptable(text: str) -> bool:
    if not (MIN_CHARS <= len(text) <= MAX_CHARS):
        return False
    low = text.lower()
    return not any(p in low for p in FORBIDDEN)


def _article(seed: int, index: int) -> str:
    text = ""
    for attempt in range(50):
        r = random.Random(f"synthetic-news/{seed}/{index}/{attempt}")
        text = _compose(r)
        if _acceptable(text):
            return text
    raise RuntimeError(f"could not generate an acceptable article for index {index}")


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def iter_articles(n_articles: int, seed: int = 0):
    """Yield ``(file_name, text)`` pairs one at a time."""
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    for i in range(n_articles):
        yield f"syn_{i:06d}.txt", _article(seed, i)


def generate(n_articles: int, seed: int = 0) -> list[tuple[str, str]]:
    """Return ``n_articles`` synthetic articles as ``(file_name, text)`` pairs.

    Output is fully determined by ``seed``; article ``i`` does not depend on
    ``n_articles``, so a smaller corpus is a prefix of a larger one.
    """
    return list(iter_articles(n_articles, seed))


def write_corpus(directory, n_articles: int, seed: int = 0) -> list[Path]:
    """Write ``n_articles`` articles into ``directory`` (created if needed)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in iter_articles(n_articles, seed):
        p = out / name
        p.write_bytes(text.encode("utf-8"))
        paths.append(p)
    return paths


def estimate_chunks(texts) -> float:
    """Approximate chunk count, assuming one chunk per ``CHARS_PER_CHUNK`` chars."""
    return sum(len(t) for t in texts) / CHARS_PER_CHUNK


def articles_for_chunks(n_chunks: int, seed: int = 0, sample: int = 200) -> int:
    """Number of articles needed to reach roughly ``n_chunks`` chunks."""
    if n_chunks <= 0:
        raise ValueError("n_chunks must be > 0")
    texts = [t for _, t in iter_articles(sample, seed)]
    mean_len = sum(len(t) for t in texts) / len(texts)
    return max(1, round(n_chunks * CHARS_PER_CHUNK / mean_len))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.synthetic",
        description="Generate a deterministic synthetic news corpus.")
    ap.add_argument("out_dir", help="directory to write syn_*.txt files into")
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--articles", type=int, help="number of articles to generate")
    size.add_argument("--chunks", type=int,
                      help=f"approximate target number of chunks (~{CHARS_PER_CHUNK} chars each)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--quiet", action="store_true", help="do not print a summary")
    args = ap.parse_args(argv)

    if args.articles is not None:
        if args.articles < 0:
            ap.error("--articles must be >= 0")
        n = args.articles
    else:
        if args.chunks <= 0:
            ap.error("--chunks must be > 0")
        n = articles_for_chunks(args.chunks, args.seed)
    t0 = time.perf_counter()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chars = 0
    for name, text in iter_articles(n, args.seed):
        (out / name).write_bytes(text.encode("utf-8"))
        chars += len(text)
    elapsed = time.perf_counter() - t0
    if not args.quiet:
        print(f"wrote {n:,} articles ({chars:,} chars, ~{chars / CHARS_PER_CHUNK:,.0f} chunks, "
              f"seed {args.seed}) to {out} in {elapsed:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
