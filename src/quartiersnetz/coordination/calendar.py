"""The calendar context of a date: public holidays, school holidays, bridge days.

From the `holidays` package for the town's state (HOLIDAYS_SUBDIVISION, NW for
Hattingen; school holidays are its SCHOOL category), named in the active language.
Pure functions of dates; results are cached per year and language because every
conflict check and the year board ask for them.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import translation

# The package names holidays in these languages; others fall back to German.
NAME_LANGUAGES = {"de": "de", "en": "en_US"}


def _language():
    return NAME_LANGUAGES.get(translation.get_language() or "de", "de")


@lru_cache(maxsize=64)
def _year(year, school, language):
    categories = (holidays.SCHOOL,) if school else (holidays.PUBLIC,)
    table = holidays.country_holidays(
        settings.HOLIDAYS_COUNTRY,
        subdiv=settings.HOLIDAYS_SUBDIVISION,
        years=[year],
        categories=categories,
        language=language,
    )
    return dict(table.items())


def _between(first, last, school):
    language = _language()
    found = {}
    for year in range(first.year, last.year + 1):
        for day, name in _year(year, school, language).items():
            if first <= day <= last:
                found[day] = name
    return found


def public_holidays(first, last):
    """{date: name} of the public holidays from first to last (inclusive)."""
    return _between(first, last, school=False)


def school_holidays(first, last):
    """{date: name} of the days of school holidays from first to last (inclusive)."""
    return _between(first, last, school=True)


def bridge_days(first, last):
    """Working days between a public holiday and a weekend (or two holidays): many take
    them off and are away, e.g. the Friday after Ascension Day."""
    margin = dt.timedelta(days=3)
    free = set(public_holidays(first - margin, last + margin))

    def is_free(day):
        return day.weekday() >= 5 or day in free

    bridges = set()
    day = first
    while day <= last:
        if not is_free(day):
            before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
            if is_free(before) and is_free(after) and (before in free or after in free):
                bridges.add(day)
        day += dt.timedelta(days=1)
    return bridges


@dataclass(frozen=True)
class DayContext:
    """What makes a day special for planning an event."""

    public_holiday: str = ""
    school_holidays: str = ""
    bridge_day: bool = False


def context_between(first, last):
    """{date: DayContext} for the days from first to last that are special."""
    public = public_holidays(first, last)
    school = school_holidays(first, last)
    bridges = bridge_days(first, last)
    return {
        day: DayContext(
            public_holiday=public.get(day, ""),
            school_holidays=school.get(day, ""),
            bridge_day=day in bridges,
        )
        for day in sorted(set(public) | set(school) | bridges)
    }
