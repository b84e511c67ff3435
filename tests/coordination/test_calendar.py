"""Public holidays, school holidays and bridge days in NRW, named in the active language."""

import datetime as dt

from django.utils import translation

from quartiersnetz.coordination import calendar


def test_public_holidays_of_nrw_include_corpus_christi_and_all_saints():
    with translation.override("de"):
        found = calendar.public_holidays(dt.date(2026, 6, 1), dt.date(2026, 11, 30))
    assert found[dt.date(2026, 6, 4)] == "Fronleichnam"
    assert found[dt.date(2026, 11, 1)] == "Allerheiligen"
    assert dt.date(2026, 10, 31) not in found  # Reformation Day is not a holiday in NRW


def test_school_holidays_are_named_in_the_active_language():
    first, last = dt.date(2026, 7, 20), dt.date(2026, 7, 20)
    with translation.override("de"):
        assert calendar.school_holidays(first, last) == {first: "Sommerferien"}
    with translation.override("en"):
        assert calendar.school_holidays(first, last) == {first: "Summer Break"}


def test_the_friday_after_ascension_day_is_a_bridge_day():
    bridges = calendar.bridge_days(dt.date(2026, 5, 1), dt.date(2026, 6, 30))
    # Ascension Day 14 May and Corpus Christi 4 June 2026 are Thursdays.
    assert bridges == {dt.date(2026, 5, 15), dt.date(2026, 6, 5)}


def test_a_range_across_new_year_asks_both_years():
    context = calendar.context_between(dt.date(2026, 12, 24), dt.date(2027, 1, 2))
    assert context[dt.date(2027, 1, 1)].public_holiday
    assert context[dt.date(2026, 12, 28)].school_holidays
    assert not context[dt.date(2026, 12, 28)].public_holiday
