"""The Swedish calendar: clock times as a protocol writes them, the days a time limit ends on."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache

import holidays

# "13:00" as the API and forms take it; "13.00" as Swedish text writes it.
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
# Lag (1930:173) om beräkning av lagstadgad tid: a time limit that ends on a Saturday, a
# Sunday, a public holiday, midsommarafton, julafton or nyårsafton ends on the next working
# day. The `holidays` library lists the public holidays as "public" and those three eves as
# "de_facto"; Saturdays and Sundays are checked by weekday, since some versions of the
# library list Sundays as holidays and others do not.
_CATEGORIES = ("public", "de_facto")
_SATURDAY = 5


def parse_clock(text: str | None) -> time | None:
    """A clock time written HH:MM (or HH.MM); None if the text is not one."""
    match = _CLOCK.match(text or "")
    if match is None:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def clock_text(moment: time) -> str:
    """A clock time as a Swedish protocol writes it: 13.00."""
    return moment.strftime("%H.%M")


def clock_value(moment: time | None) -> str | None:
    """A clock time as the API gives it: 13:00."""
    return moment.strftime("%H:%M") if moment is not None else None


@cache
def _swedish_holidays() -> holidays.HolidayBase:
    # One calendar per process; it fills in each year the first time a date of it is asked.
    return holidays.country_holidays("SE", categories=_CATEGORIES)


def is_working_day(day: date) -> bool:
    """Whether a time limit may end on `day`: a weekday that is no Swedish holiday or eve."""
    return day.weekday() < _SATURDAY and day not in _swedish_holidays()


def next_working_day(day: date) -> date:
    """`day` itself if a time limit may end on it, otherwise the next day that it may."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
