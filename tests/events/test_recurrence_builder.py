"""The event form's recurrence builder: choices to RRULE, RRULE to choices, rules in words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from quartiersnetz.events import recurrence
from quartiersnetz.events.recurrence import (
    builder_can_express,
    choices_from_rule,
    describe_rule,
    first_date,
    parse_entered_dates,
    rule_from_choices,
)
from tests.factories import berlin

# Tuesday, 1 December 2026.
TUESDAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _english():
    """Sentences are matched in English; the German ones come with the translation."""
    with translation.override("en"):
        yield


def refused(**choices):
    with pytest.raises(ValidationError) as excinfo:
        rule_from_choices(start=TUESDAY, **choices)
    return excinfo.value.message_dict


def test_no_repetition_is_no_rule():
    assert rule_from_choices("none", TUESDAY) == ""


def test_weekly_on_chosen_days_every_two_weeks_until_a_day():
    rule = rule_from_choices(
        "weekly", TUESDAY, interval=2, weekdays=["FR", "TU"], until=dt.date(2027, 12, 31)
    )
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20271231T235959"


def test_weekly_without_days_takes_the_start_weekday():
    assert rule_from_choices("weekly", TUESDAY, count=4) == "FREQ=WEEKLY;BYDAY=TU;COUNT=4"


def test_monthly_on_the_nth_weekday_of_the_start():
    assert rule_from_choices("monthly", TUESDAY, count=10) == "FREQ=MONTHLY;BYDAY=1TU;COUNT=10"
    # The 29th is the fifth Tuesday of a month: that is "the last".
    assert (
        rule_from_choices("monthly", dt.date(2026, 12, 29), count=3)
        == "FREQ=MONTHLY;BYDAY=-1TU;COUNT=3"
    )
    assert (
        rule_from_choices("monthly", TUESDAY, week=-1, count=3) == "FREQ=MONTHLY;BYDAY=-1TU;COUNT=3"
    )


def test_monthly_on_the_day_of_the_start():
    assert (
        rule_from_choices("monthly", dt.date(2026, 12, 15), monthly_by="day", interval=3, count=4)
        == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;COUNT=4"
    )


def test_a_series_must_end():
    assert refused(frequency="weekly") == {
        "end": ["A series must end: enter the date of its last day or the number of dates."]
    }
    assert list(refused(frequency="weekly", count=3, until=dt.date(2027, 1, 1))) == ["end"]


def test_a_series_runs_at_most_three_years():
    assert rule_from_choices("weekly", TUESDAY, until=dt.date(2029, 12, 1))
    assert list(refused(frequency="weekly", until=dt.date(2029, 12, 2))) == ["until"]


def test_a_series_has_at_most_366_dates_and_sensible_steps():
    assert rule_from_choices("weekly", TUESDAY, count=366)
    assert list(refused(frequency="weekly", count=367)) == ["count"]
    assert list(refused(frequency="weekly", count=0)) == ["count"]
    assert list(refused(frequency="weekly", count=3, interval=53)) == ["interval"]


def test_a_series_without_any_date_is_refused():
    assert refused(frequency="weekly", until=dt.date(2026, 11, 30)) == {
        "until": ["The series would have no date: its last day is before the first date."]
    }
    # Until Thursday, on Wednesdays after Tuesday the 1st... but only Fridays: none.
    assert list(refused(frequency="weekly", weekdays=["FR"], until=dt.date(2026, 12, 3))) == [
        "until"
    ]


def test_unknown_weekdays_and_weeks_are_refused():
    assert list(refused(frequency="weekly", weekdays=["XX"], count=2)) == ["weekdays"]
    assert list(refused(frequency="monthly", week=5, count=2)) == ["week"]


def test_the_built_rule_passes_the_models_own_check():
    rule = rule_from_choices("monthly", TUESDAY, week=2, until=dt.date(2027, 6, 30))
    assert recurrence.normalise_rule(rule) == rule


def test_choices_are_read_back_from_a_rule():
    assert choices_from_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20271231T235959") == {
        "frequency": "weekly",
        "interval": 2,
        "weekdays": ["TU", "FR"],
        "monthly_by": "weekday",
        "week": None,
        "until": dt.date(2027, 12, 31),
        "count": None,
    }
    assert choices_from_rule("FREQ=MONTHLY;BYDAY=-1SA;COUNT=6")["week"] == -1
    assert choices_from_rule("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6")["monthly_by"] == "day"
    assert choices_from_rule("")["frequency"] == "none"


def test_rules_the_builder_cannot_express_are_recognised():
    # Made by editors in the admin: kept as they are by the form.
    for rule in (
        "FREQ=WEEKLY;BYDAY=SA",  # never ends
        "FREQ=DAILY;COUNT=5",
        "FREQ=YEARLY;BYMONTH=3;COUNT=3",
        "FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=4",
        "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;COUNT=4",
    ):
        assert choices_from_rule(rule) is None, rule
        assert not builder_can_express(rule, TUESDAY), rule
    # Expressible in general, but not from this start: the 5th is no 1st Tuesday's day.
    assert not builder_can_express("FREQ=MONTHLY;BYMONTHDAY=5;COUNT=3", TUESDAY)
    assert builder_can_express("FREQ=MONTHLY;BYDAY=1TU;COUNT=3", TUESDAY)
    assert builder_can_express("FREQ=WEEKLY;BYDAY=FR,TU;INTERVAL=2;COUNT=3", TUESDAY)


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20271231T235959",
            "Every 2 weeks on Tuesday and Friday, until 31 Dec 2027",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12",
            "Every week on Monday, Wednesday and Friday, 12 times",
        ),
        ("FREQ=WEEKLY;COUNT=3", "Every week on Tuesday, 3 times"),
        ("FREQ=MONTHLY;BYDAY=1TU;COUNT=10", "Monthly on the first Tuesday, 10 times"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1SA;COUNT=4",
            "Every 2 months on the last Saturday, 4 times",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270615", "Monthly on day 15, until 15 Jun 2027"),
        ("FREQ=DAILY;COUNT=1", "Daily, 1 time"),
        ("FREQ=YEARLY", "Yearly"),
        ("FREQ=YEARLY;BYMONTH=3;COUNT=2", "Repeats by the rule FREQ=YEARLY;BYMONTH=3, 2 times"),
    ],
)
def test_rules_in_words(rule, sentence):
    assert describe_rule(rule, berlin(2026, 12, 1, 19)) == sentence


def test_an_until_in_utc_is_read_as_the_local_day():
    # 22:59 UTC on 31 December is 23:59 in Hattingen: still the 31st.
    assert describe_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T225959Z", TUESDAY).endswith(
        "until 31 Dec 2027"
    )


def test_the_german_date_is_written_with_dots():
    with translation.override("de"):
        text = describe_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231", TUESDAY)
    assert text.endswith("31.12.2027")


def test_the_first_date_skips_excluded_days():
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=3"
    assert first_date(rule, TUESDAY) == TUESDAY
    assert first_date(rule, TUESDAY, [TUESDAY]) == dt.date(2026, 12, 8)
    assert first_date(rule, TUESDAY, [TUESDAY, dt.date(2026, 12, 8), dt.date(2026, 12, 15)]) is None


def test_entered_dates_are_read_in_both_spellings():
    assert parse_entered_dates("24.12.2026, 2026-12-31\n1.1.2027;;  ") == [
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    ]
    assert parse_entered_dates("") == []


def test_entered_dates_that_are_not_dates_are_named():
    with pytest.raises(ValidationError) as excinfo:
        parse_entered_dates("Heiligabend, 31.02.2026, 2026-12-31")
    assert excinfo.value.messages == [
        "These are not dates: “Heiligabend”, “31.02.2026”. Enter dates as 2026-12-24 or 24.12.2026."
    ]


def test_a_long_list_of_wrong_dates_is_cut_short_in_the_message():
    with pytest.raises(ValidationError) as excinfo:
        parse_entered_dates("\n".join(f"Tag {number}" for number in range(1000)))
    (message,) = excinfo.value.messages
    assert message.startswith("These are not dates: “Tag 0”, “Tag 1”, “Tag 2”, “Tag 3”, “Tag 4”, …")
