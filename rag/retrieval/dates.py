"""Dates in questions and filters: ``yyyymmdd`` numbers, and the time a question names ("in October 2025")."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple, Sequence

from ..errors import InputError

__all__ = ["parse_date_bound", "date_range_in_question", "to_number", "only_a_time", "days_after", "MONTH_NUMBERS",
           "MONTH_NAMES", "WEEKDAY_NAMES", "MONTH_REGEX", "TimeMention", "time_mentions", "period_of"]

MONTH_NAMES = tuple(name.lower() for name in calendar.month_name if name)  # "january" … "december"
WEEKDAY_NAMES = tuple(name.lower() for name in calendar.day_name)  # "monday" … "sunday"
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
MONTH_NUMBERS = _MONTHS  # "january" / "jan" / "sept" -> 1 … 12
MONTH_REGEX = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"  # any month name or abbreviation
_MONTH = r"(" + MONTH_REGEX + r")\.?"


def to_number(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def parse_date_bound(value: str | None, *, end: bool = False) -> int | None:
    """Parse ``2025``, ``2025-10`` or ``2025-10-25`` into a ``yyyymmdd`` bound (``end`` picks the last day)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not m:
        raise InputError(f"Invalid date {value!r}.", hint="Use YYYY, YYYY-MM or YYYY-MM-DD.")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    try:
        last = calendar.monthrange(year, month)[1]
        day = int(m.group(3)) if m.group(3) else (last if end else 1)
        return to_number(date(year, month, day))
    except ValueError as exc:
        raise InputError(f"Invalid date {value!r}: {exc}.", hint="Use YYYY, YYYY-MM or YYYY-MM-DD.") from exc


class TimeMention(NamedTuple):
    """A time a question names: a day, a month or (``month`` None) a whole year; ``year`` None when unwritten."""

    day: int | None
    month: int | None
    year: int | None


_MENTION_PATTERNS = (
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s*(\d{{4}})?"), "dmy"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?\s*(\d{{4}})?"), "mdy"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b"), "my"),
    (re.compile(rf"\b(?:in|during|of)\s+{_MONTH}\b"), "m"),
)
_YEAR_MENTION = re.compile(r"\b(?:in|during|of)\s+(20\d{2}|19\d{2})\b")


def _mention(m: re.Match[str], kind: str) -> TimeMention:
    """The :class:`TimeMention` of one match of a :data:`_MENTION_PATTERNS` pattern."""
    if kind == "dmy":
        return TimeMention(int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3)) if m.group(3) else None)
    if kind == "mdy":
        return TimeMention(int(m.group(2)), _MONTHS[m.group(1)], int(m.group(3)) if m.group(3) else None)
    if kind == "my":
        return TimeMention(None, _MONTHS[m.group(1)], int(m.group(2)))
    return TimeMention(None, _MONTHS[m.group(1)], None)


def time_mentions(question: str) -> tuple[TimeMention, ...]:
    """The times a question names, most specific reading first (the first match of each pattern: "on 25 October
    2025", "October 25", "in October 2025", "in September"), then a year ("in 2025"). Read once per question; the
    year of an undated mention is filled in later (:func:`period_of`)."""
    q = question.lower()
    found = [_mention(m, kind) for pattern, kind in _MENTION_PATTERNS if (m := pattern.search(q))]
    if m := _YEAR_MENTION.search(q):
        found.append(TimeMention(None, None, int(m.group(1))))
    return tuple(found)


def period_of(mentions: Sequence[TimeMention], *, default_year: int | None = None) -> tuple[int, int] | None:
    """The period (since, until) numbers the first valid mention names; a mention without a year uses
    ``default_year`` (typically the newest article's year) or names none."""
    for day, month, year in mentions:
        if month is None:  # a whole year
            return year * 10000 + 101, year * 10000 + 1231
        y = year if year is not None else default_year
        if y is None:
            return None
        try:
            if day:
                d = date(y, month, day)
                return to_number(d), to_number(d)
            last = calendar.monthrange(y, month)[1]
            return to_number(date(y, month, 1)), to_number(date(y, month, last))
        except ValueError:
            continue
    return None


def date_range_in_question(question: str, *, default_year: int | None = None) -> tuple[int, int] | None:
    """The period a question names, as (since, until) numbers; ``None`` when it names none.

    Handles "on 25 October 2025", "October 25", "in October 2025", "in September", "in 2025".
    A month or day without a year uses ``default_year`` (typically the newest article's year) or is ignored.
    """
    return period_of(time_mentions(question), default_year=default_year)


_TIME_WORDS = frozenset("in on of the during at around early late mid end start beginning last this past first second "
                        "week weekend month year day days".split())


def only_a_time(text: str) -> bool:
    """Does ``text`` name nothing but a time ("October 2025", "25 October", "early 2025")? The topic of "What
    happened in October 2025?" is then a period, not a subject."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    return bool(words) and any(w in _MONTHS or (w.isdigit() and len(w) == 4) for w in words) and all(
        w in _MONTHS or w in _TIME_WORDS or w.isdigit() or re.fullmatch(r"\d+(?:st|nd|rd|th)", w) for w in words)


def days_after(number: int, days: int) -> int:
    """The ``yyyymmdd`` number ``days`` days after ``number``."""
    d = date(number // 10000, number // 100 % 100, number % 100)
    return to_number(d + timedelta(days=days))
