"""Turn the many ways pages write a date into one ``YYYY-MM-DD`` string.

Pages write dates as ISO 8601, RFC 2822, "July 9, 2017", "9. Juli 2017", "2017/07/09", unix timestamps...
We keep the calendar date as the page wrote it (no timezone shift): a reading list wants the day the page shows.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan janvier janv enero ene januar jänner gennaio gen janeiro",
        "february feb febr février fevrier févr fevr febrero februar febbraio fevereiro fev",
        "march mar mars marzo märz maerz mär marco março",
        "april apr avril avr abril aprile",
        "may mai mayo maggio maio",
        "june jun juin junio juni giugno junho",
        "july jul juillet juil julio juli luglio lug julho",
        "august aug août aout agosto ago",
        "september sep sept septembre septiembre settembre set setembro",
        "october oct octobre octubre oktober okt ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec décembre decembre déc diciembre dic dezember dez dicembre dezembro",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASHED = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
# Chinese and Japanese "2024年4月2日", Korean "2024년 4월 2일" (also with full-width digits, which NFKC folds).
_CJK_DATE = re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T|$)")
_DAY_FIRST_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_MONTH_WORD = r"([A-Za-zÀ-ÿ]{3,10})\.?"
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?" + _MONTH_WORD + r",?\s+(?:de\s+)?(\d{4})")
_MONTH_DAY_YEAR = re.compile(_MONTH_WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(?<!\d)(\d{4})\s+" + _MONTH_WORD + r"\s+(\d{1,2})(?!\d)")
# "05/31/2012": slashes with the year last are month first (US); "31/05/2012" can only be day first.
_SLASHED_YEAR_LAST = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_TIMESTAMP = re.compile(r"^\d{10}(?:\d{3})?$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/-_]|$)")

EARLIEST_YEAR = 1800


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    if year < EARLIEST_YEAR or value > dt.date.today() + dt.timedelta(days=2):
        return None
    return value.isoformat()


def parse_date(text: object) -> str | None:
    """The calendar date in ``text`` as ``YYYY-MM-DD``, or None when there is no plausible one."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(int(text))
    value = str(text).strip()
    if not value or len(value) > 200:
        return None
    if _TIMESTAMP.match(value):
        stamp = dt.datetime.fromtimestamp(int(value[:10]), tz=dt.UTC)
        return _valid(stamp.year, stamp.month, stamp.day)
    for pattern in (_ISO, _SLASHED, _CJK_DATE):
        match = pattern.search(value)
        if match:
            return _valid(int(match[1]), int(match[2]), int(match[3]))
    match = _COMPACT.match(value)
    if match:
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    match = _DAY_MONTH_YEAR.search(value)
    if match and match[2].lower() in MONTHS:
        return _valid(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
    match = _MONTH_DAY_YEAR.search(value)
    if match and match[1].lower() in MONTHS:
        return _valid(int(match[3]), MONTHS[match[1].lower()], int(match[2]))
    match = _YEAR_MONTH_DAY.search(value)
    if match and match[2].lower() in MONTHS:
        return _valid(int(match[1]), MONTHS[match[2].lower()], int(match[3]))
    match = _DAY_FIRST_NUMERIC.search(value)
    if match:
        return _valid(int(match[3]), int(match[2]), int(match[1]))
    match = _SLASHED_YEAR_LAST.search(value)
    if match:
        return _slashed(match)
    return None


def _slashed(match: re.Match) -> str | None:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    return _valid(year, second, first) if first > 12 else _valid(year, first, second)


# A cell that holds a date and nothing else: digits and separators, at most one month word, maybe a time.
_DATE_ONLY = re.compile(r"[\s\d./,\-]*(?:[A-Za-zÀ-ÿ]{3,10}\.?)?[\s\d./,\-]*(?:T[\d:.+\-Z]*)?")


def parse_day(value: object, whole: bool = False) -> dt.date | None:
    """``parse_date`` for values files hold (an import's ``added`` column, a table's date cell) as a ``date``.

    Accepts dates, datetimes, Unix timestamps and any text ``parse_date`` reads; with ``whole`` the text must
    be a date and nothing more (so a cell like "2024-03-14 (v2)" stays text and loses nothing).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text.isdigit() or (isinstance(value, int | float) and not isinstance(value, bool)):
        return _day_of_timestamp(text)
    if whole and not _DATE_ONLY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])  # a file's own ISO date is taken as written, even a future one
    except ValueError:
        pass
    found = parse_date(text)
    return dt.date.fromisoformat(found) if found else None


def _day_of_timestamp(text: str) -> dt.date | None:
    """A Unix timestamp in seconds (milliseconds when 13 digits or more) as its UTC day."""
    try:
        seconds = float(text)
        if len(text.split(".")[0]) >= 13:
            seconds /= 1000
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        return None


def date_from_url(url: str) -> str | None:
    """A date written into the URL path (``/2017/07/12/slug``), common on blogs and news sites."""
    match = _URL_DATE.search(url) or _URL_DATE_COMPACT.search(url)
    if not match:
        return None
    return _valid(int(match[1]), int(match[2]), int(match[3]))


def first_date_in_text(text: str) -> str | None:
    """The earliest plausible date written anywhere in ``text`` (for the top of an article's visible text)."""
    best: tuple[int, str] | None = None
    for pattern, order in (
        (_ISO, "ymd"), (_SLASHED, "ymd"), (_CJK_DATE, "ymd"), (_DAY_MONTH_YEAR, "dMy"), (_MONTH_DAY_YEAR, "Mdy"),
        (_YEAR_MONTH_DAY, "yMd"), (_DAY_FIRST_NUMERIC, "dmy"), (_SLASHED_YEAR_LAST, "slashed"),
    ):
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            found = _slashed(match) if order == "slashed" else _from_match(match, order)
            if found:
                best = (match.start(), found)
                break
    return best[1] if best else None


def _from_match(match: re.Match, order: str) -> str | None:
    parts = dict(zip(order, match.groups(), strict=True))
    try:
        year = int(parts["y"])
        day = int(parts["d"])
        month = MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
    except (KeyError, ValueError):
        return None
    return _valid(year, month, day) if month else None
