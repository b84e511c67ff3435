"""The conflict engine, rule by rule, on readable data from Hattingen (no database)."""

import datetime as dt

import pytest
from django.utils import translation

from quartiersnetz.coordination import calendar
from quartiersnetz.coordination.calendar import DayContext
from quartiersnetz.coordination.engine import (
    Area,
    Booking,
    BookingIndex,
    Candidate,
    ConflictKind,
    Rules,
    Severity,
    find_conflicts,
    is_serious,
    relevance,
    suggest,
    total_weight,
    window,
)
from tests.factories import berlin

# Centres from hattingen.json: Mitte and Welper are 2.0 km apart, Welper and
# Blankenstein 1.6 km, Mitte and Blankenstein 3.0 km; Niederwenigern is 3.1 km west
# of Mitte.
MITTE, WELPER, BLANKENSTEIN, NIEDERWENIGERN = 1, 2, 3, 4
AREA = Area(
    district_names={
        MITTE: "Hattingen-Mitte",
        WELPER: "Welper",
        BLANKENSTEIN: "Blankenstein",
        NIEDERWENIGERN: "Niederwenigern",
    },
    district_centres={
        MITTE: (51.400, 7.185),
        WELPER: (51.4121, 7.2064),
        BLANKENSTEIN: (51.4064, 7.2275),
        NIEDERWENIGERN: (51.4042, 7.1403),
    },
)
RULES = Rules()
# Places.
BURGHOF, GEMEINDEHAUS, UNTERMARKT = 10, 11, 12
# The first Advent weekend of 2026 and the days around it.
WEDNESDAY, FRIDAY, SATURDAY, SUNDAY = (dt.date(2026, 11, day) for day in (25, 27, 28, 29))
NO_DAYS = {}


def event(title, start, end=None, *, number=1, district=MITTE, place=None, **fields):
    values = {
        "kind": "event",
        "key": f"event:{number}",
        "title": title,
        "start": start,
        "end": end or start + dt.timedelta(hours=2),
        "all_day": False,
        "place_id": place,
        "district_id": district,
        "audience": "everyone",
        "attendance": None,
        "organization_ids": frozenset({100 + number}),
        "tentative": False,
    }
    return Booking(**{**values, **fields})


def all_day_event(title, first, last=None, **fields):
    return event(
        title,
        berlin(first.year, first.month, first.day),
        _midnight_after(last or first),
        all_day=True,
        **fields,
    )


def hold(title, first, last=None, *, number=1, district=MITTE, place=None, **fields):
    return all_day_event(
        title,
        first,
        last,
        kind="hold",
        key=f"hold:{number}",
        tentative=True,
        district=district,
        place=place,
        **fields,
    )


def _midnight_after(day):
    following = day + dt.timedelta(days=1)
    return berlin(following.year, following.month, following.day)


def at(day, hour, minute=0):
    return berlin(day.year, day.month, day.day, hour, minute)


def planned(start, end=None, *, district=None, place=None, **fields):
    return Candidate(
        start=start,
        end=end or start + dt.timedelta(hours=3),
        district_id=district,
        place_id=place,
        **fields,
    )


def whole_days(first, last=None, *, district=None, place=None, **fields):
    return Candidate(
        start=berlin(first.year, first.month, first.day),
        end=_midnight_after(last or first),
        all_day=True,
        district_id=district,
        place_id=place,
        **fields,
    )


def conflicts_of(candidate, *bookings, days=NO_DAYS, rules=RULES):
    return find_conflicts(candidate, list(bookings), days, AREA, rules)


def kinds(conflicts):
    return [conflict.kind for conflict in conflicts]


# Same place.


def test_same_place_at_overlapping_times_is_a_hard_conflict():
    konzert = event("Adventskonzert", at(SATURDAY, 18), place=GEMEINDEHAUS)
    found = conflicts_of(planned(at(SATURDAY, 19), district=MITTE, place=GEMEINDEHAUS), konzert)
    assert [(c.kind, c.severity, c.booking) for c in found] == [
        (ConflictKind.SAME_PLACE, Severity.HARD, konzert)
    ]
    assert found[0].day == SATURDAY


def test_same_place_at_another_time_of_the_day_is_only_the_same_district():
    morning = event("Krabbelgruppe", at(SATURDAY, 9), place=GEMEINDEHAUS)
    found = conflicts_of(planned(at(SATURDAY, 14), district=MITTE, place=GEMEINDEHAUS), morning)
    assert kinds(found) == [ConflictKind.SAME_DISTRICT]


def test_dates_that_only_touch_do_not_overlap():
    morning = event("Flohmarkt", at(SATURDAY, 8), at(SATURDAY, 14), place=UNTERMARKT)
    found = conflicts_of(planned(at(SATURDAY, 14), district=MITTE, place=UNTERMARKT), morning)
    assert ConflictKind.SAME_PLACE not in kinds(found)


def test_a_date_that_begins_when_the_candidate_ends_does_not_overlap():
    evening = event("Konzert", at(SATURDAY, 17), at(SATURDAY, 19), place=UNTERMARKT)
    found = conflicts_of(planned(at(SATURDAY, 14), district=MITTE, place=UNTERMARKT), evening)
    assert kinds(found) == [ConflictKind.SAME_DISTRICT]


def test_the_hour_the_clocks_go_back_is_told_apart():
    # 25 October 2026: 02:00-03:00 happens twice, first in summer time (fold 0).
    sunday = dt.date(2026, 10, 25)
    first = at(sunday, 2, 30)
    booking = event("Nachtwanderung", first, first.replace(minute=50), place=BURGHOF)
    second = at(sunday, 2, 10).replace(fold=1)
    candidate = planned(second, second.replace(minute=40), district=MITTE, place=BURGHOF)
    assert second.astimezone(dt.UTC) > first.replace(minute=50).astimezone(dt.UTC)
    assert kinds(conflicts_of(candidate, booking)) == [ConflictKind.SAME_DISTRICT]


def test_a_date_at_the_same_place_on_another_day_is_not_also_the_same_district():
    # The two dates of one event: Saturday morning before the candidate starts, and
    # Sunday during it. The event is reported once, as the hard conflict.
    saturday = event("Flohmarkt", at(SATURDAY, 7), at(SATURDAY, 9), place=UNTERMARKT)
    sunday = event("Flohmarkt", at(SUNDAY, 10), at(SUNDAY, 14), place=UNTERMARKT)
    candidate = planned(at(SATURDAY, 10), at(SUNDAY, 12), district=MITTE, place=UNTERMARKT)
    found = conflicts_of(candidate, saturday, sunday)
    assert [(c.kind, c.day, c.booking) for c in found] == [
        (ConflictKind.SAME_PLACE, SUNDAY, sunday)
    ]


def test_an_all_day_booking_occupies_its_place_the_whole_local_day():
    markt = all_day_event("Weihnachtsmarkt", SATURDAY, SUNDAY, district=BLANKENSTEIN, place=BURGHOF)
    late = planned(at(SUNDAY, 21), at(SUNDAY, 23), district=BLANKENSTEIN, place=BURGHOF)
    assert kinds(conflicts_of(late, markt))[0] == ConflictKind.SAME_PLACE
    monday = SUNDAY + dt.timedelta(days=1)
    after = planned(at(monday, 0, 30), district=BLANKENSTEIN, place=BURGHOF)
    assert ConflictKind.SAME_PLACE not in kinds(conflicts_of(after, markt))


def test_a_hold_claims_its_place_for_whole_days():
    claim = hold("Weihnachtsmarkt", SATURDAY, SUNDAY, district=BLANKENSTEIN, place=BURGHOF)
    evening = planned(at(SUNDAY, 17), district=BLANKENSTEIN, place=BURGHOF)
    found = conflicts_of(evening, claim)
    assert found[0].kind == ConflictKind.SAME_PLACE
    assert found[0].day == SUNDAY


def test_an_all_day_candidate_meets_a_timed_date_at_its_place_and_not_the_evening_before():
    friday_night = event("Kinoabend", at(FRIDAY, 21), at(SATURDAY, 0), place=BURGHOF)
    saturday_show = event("Puppentheater", at(SATURDAY, 15), number=2, place=BURGHOF)
    markt = whole_days(SATURDAY, SUNDAY, district=BLANKENSTEIN, place=BURGHOF)
    found = conflicts_of(markt, friday_night, saturday_show)
    assert [(c.kind, c.booking.title) for c in found if c.kind == ConflictKind.SAME_PLACE] == [
        (ConflictKind.SAME_PLACE, "Puppentheater")
    ]
    assert all(c.booking != friday_night for c in found)


def test_a_date_at_the_same_place_is_found_from_both_sides():
    first = event("Chorprobe", at(WEDNESDAY, 18), number=1, place=GEMEINDEHAUS)
    second = event("Vortrag", at(WEDNESDAY, 19), number=2, place=GEMEINDEHAUS)
    as_candidate = planned(second.start, second.end, place=GEMEINDEHAUS, district=MITTE)
    other_way = planned(first.start, first.end, place=GEMEINDEHAUS, district=MITTE)
    assert kinds(conflicts_of(as_candidate, first)) == [ConflictKind.SAME_PLACE]
    assert kinds(conflicts_of(other_way, second)) == [ConflictKind.SAME_PLACE]


# District and neighbours.


def test_same_district_on_the_same_day_is_medium_and_high_when_large():
    fest = event("Nachbarschaftsfest", at(SATURDAY, 14), district=WELPER, attendance=300)
    small = conflicts_of(planned(at(SATURDAY, 10), district=WELPER), fest)
    assert [(c.kind, c.severity, c.weight) for c in small] == [
        (ConflictKind.SAME_DISTRICT, Severity.MEDIUM, RULES.weight_same_district)
    ]
    large = conflicts_of(planned(at(SATURDAY, 10), district=WELPER, attendance=1500), fest)
    assert [(c.kind, c.severity) for c in large] == [(ConflictKind.SAME_DISTRICT, Severity.HIGH)]


def test_same_district_on_another_day_is_no_conflict():
    fest = event("Nachbarschaftsfest", at(FRIDAY, 14), district=WELPER)
    assert conflicts_of(planned(at(WEDNESDAY, 10), district=WELPER), fest) == []


def test_a_neighbouring_district_counts_and_a_farther_one_does_not():
    welper = event("Stammtisch", at(SATURDAY, 19), district=WELPER)
    blankenstein = event("Lesung", at(SATURDAY, 19), number=2, district=BLANKENSTEIN)
    found = conflicts_of(planned(at(SATURDAY, 15), district=MITTE), welper, blankenstein)
    assert [(c.kind, c.severity, c.weight, c.booking) for c in found] == [
        (ConflictKind.NEIGHBOUR_DISTRICT, Severity.LOW, RULES.weight_neighbour_district, welper)
    ]


def test_a_large_neighbour_is_medium():
    welper = event("Sommerfest", at(SATURDAY, 14), district=WELPER, attendance=2000)
    found = conflicts_of(planned(at(SATURDAY, 15), district=MITTE), welper)
    assert (ConflictKind.NEIGHBOUR_DISTRICT, Severity.MEDIUM) in [
        (c.kind, c.severity) for c in found
    ]


def test_neighbours_follow_the_distance_setting():
    welper = event("Stammtisch", at(SATURDAY, 19), district=WELPER)
    near = Rules(neighbour_km=1.0)
    assert conflicts_of(planned(at(SATURDAY, 15), district=MITTE), welper, rules=near) == []


# Large events on the same weekend.


def test_a_large_event_anywhere_on_the_same_weekend_counts():
    altstadtfest = event(
        "Altstadtfest", at(SUNDAY, 11), at(SUNDAY, 20), district=MITTE, attendance=5000
    )
    found = conflicts_of(planned(at(SATURDAY, 15), district=NIEDERWENIGERN), altstadtfest)
    assert [(c.kind, c.severity, c.weight, c.day) for c in found] == [
        (
            ConflictKind.LARGE_SAME_WEEKEND,
            Severity.MEDIUM,
            RULES.weight_large_same_weekend,
            SATURDAY,
        )
    ]
    both_large = conflicts_of(
        planned(at(SATURDAY, 15), district=NIEDERWENIGERN, attendance=1000), altstadtfest
    )
    assert both_large[0].severity == Severity.HIGH


def test_a_weekday_only_meets_large_events_on_its_own_day():
    altstadtfest = event("Altstadtfest", at(SATURDAY, 11), district=MITTE, attendance=5000)
    assert conflicts_of(planned(at(FRIDAY, 18), district=NIEDERWENIGERN), altstadtfest) == []
    on_friday = event("Kirmes", at(FRIDAY, 17), number=2, district=MITTE, attendance=3000)
    found = conflicts_of(planned(at(FRIDAY, 18), district=NIEDERWENIGERN), on_friday)
    assert kinds(found) == [ConflictKind.LARGE_SAME_WEEKEND]
    with translation.override("en"):
        found = conflicts_of(planned(at(FRIDAY, 18), district=NIEDERWENIGERN), on_friday)
    assert found[0].message == (
        "Large event on the same day: Kirmes in Hattingen-Mitte, about 3,000 visitors"
    )


def test_a_friday_to_sunday_candidate_reports_a_large_sunday_event_on_sunday():
    altstadtfest = event("Altstadtfest", at(SUNDAY, 11), district=NIEDERWENIGERN, attendance=5000)
    found = conflicts_of(whole_days(FRIDAY, SUNDAY, district=BLANKENSTEIN), altstadtfest)
    assert [(c.kind, c.day) for c in found] == [(ConflictKind.LARGE_SAME_WEEKEND, SUNDAY)]


def test_large_means_the_threshold_of_the_settings():
    fest = event("Sommerfest", at(SUNDAY, 11), district=NIEDERWENIGERN, attendance=800)
    candidate = planned(at(SATURDAY, 15), district=BLANKENSTEIN)
    assert conflicts_of(candidate, fest) == []
    assert kinds(conflicts_of(candidate, fest, rules=Rules(large_attendance=500))) == [
        ConflictKind.LARGE_SAME_WEEKEND
    ]


# Audience.


def test_the_same_audience_anywhere_on_the_same_day_is_low():
    turnen = event("Kinderturnen", at(SATURDAY, 10), district=NIEDERWENIGERN, audience="children")
    found = conflicts_of(
        planned(at(SATURDAY, 15), district=BLANKENSTEIN, audience="children"), turnen
    )
    assert [(c.kind, c.severity, c.weight) for c in found] == [
        (ConflictKind.SAME_AUDIENCE, Severity.LOW, RULES.weight_same_audience)
    ]


def test_everyone_is_no_audience_to_compete_for():
    konzert = event("Konzert", at(SATURDAY, 19), district=NIEDERWENIGERN)
    assert conflicts_of(planned(at(SATURDAY, 15), district=BLANKENSTEIN), konzert) == []
    seniors = event("Seniorentreff", at(SATURDAY, 15), district=NIEDERWENIGERN, audience="seniors")
    candidate = planned(at(SATURDAY, 15), district=BLANKENSTEIN, audience="children")
    assert conflicts_of(candidate, seniors) == []


# The calendar.


def test_public_holiday_school_holidays_and_bridge_day_are_reported_without_booking():
    day = dt.date(2026, 5, 15)
    days = {
        day: DayContext(public_holiday="", school_holidays="Pfingstferien", bridge_day=True),
        day + dt.timedelta(days=1): DayContext(public_holiday="Feiertag"),
    }
    found = conflicts_of(whole_days(day, day + dt.timedelta(days=1), district=MITTE), days=days)
    assert sorted((c.kind, c.severity, c.weight, c.booking) for c in found) == sorted(
        [
            (ConflictKind.SCHOOL_HOLIDAYS, Severity.LOW, RULES.weight_school_holidays, None),
            (ConflictKind.BRIDGE_DAY, Severity.LOW, RULES.weight_bridge_day, None),
            (ConflictKind.PUBLIC_HOLIDAY, Severity.LOW, RULES.weight_public_holiday, None),
        ]
    )


def test_school_holidays_weigh_more_for_children_youth_and_families():
    day = dt.date(2026, 7, 20)
    days = {day: DayContext(school_holidays="Sommerferien")}
    for audience, severity in [
        ("children", Severity.MEDIUM),
        ("youth", Severity.MEDIUM),
        ("families", Severity.MEDIUM),
        ("seniors", Severity.LOW),
        ("everyone", Severity.LOW),
    ]:
        found = conflicts_of(planned(at(day, 10), audience=audience), days=days)
        assert [(c.kind, c.severity) for c in found] == [
            (ConflictKind.SCHOOL_HOLIDAYS, severity)
        ], audience


def test_the_holidays_come_from_the_nrw_calendar():
    # Ascension Day 2026 is Thursday 14 May; Friday is a bridge day.
    thursday, friday = dt.date(2026, 5, 14), dt.date(2026, 5, 15)
    with translation.override("de"):
        days = calendar.context_between(thursday, friday)
        found = conflicts_of(whole_days(thursday, friday), days=days)
    assert {(c.kind, c.day) for c in found} == {
        (ConflictKind.PUBLIC_HOLIDAY, thursday),
        (ConflictKind.BRIDGE_DAY, friday),
    }
    assert "Christi Himmelfahrt" in next(c.message for c in found if c.booking is None)


def test_school_holidays_of_several_days_count_once():
    days = {
        SATURDAY: DayContext(school_holidays="Herbstferien"),
        SUNDAY: DayContext(school_holidays="Herbstferien"),
    }
    found = conflicts_of(whole_days(SATURDAY, SUNDAY), days=days)
    assert [(c.kind, c.day) for c in found] == [(ConflictKind.SCHOOL_HOLIDAYS, SATURDAY)]


# Counting and ignoring.


def test_a_booking_over_several_candidate_days_counts_once_per_kind_on_the_first_day():
    markt = all_day_event(
        "Weihnachtsmarkt", SATURDAY, SUNDAY, district=BLANKENSTEIN, attendance=4000
    )
    found = conflicts_of(whole_days(SATURDAY, SUNDAY, district=BLANKENSTEIN), markt)
    assert sorted((c.kind, c.day) for c in found) == [
        (ConflictKind.LARGE_SAME_WEEKEND, SATURDAY),
        (ConflictKind.SAME_DISTRICT, SATURDAY),
    ]
    assert total_weight(found) == RULES.weight_same_district + RULES.weight_large_same_weekend


def test_the_dates_of_one_event_count_once():
    saturday = event("Adventssingen", at(SATURDAY, 16), district=WELPER)
    sunday = event("Adventssingen", at(SUNDAY, 16), district=WELPER)
    found = conflicts_of(whole_days(SATURDAY, SUNDAY, district=WELPER), sunday, saturday)
    assert [(c.kind, c.day, c.booking) for c in found] == [
        (ConflictKind.SAME_DISTRICT, SATURDAY, saturday)
    ]


def test_the_candidates_own_bookings_are_ignored():
    own = event("Stammtisch", at(SATURDAY, 19), number=12, district=WELPER, place=GEMEINDEHAUS)
    other = event("Lesung", at(SATURDAY, 10), number=13, district=WELPER)
    candidate = planned(
        at(SATURDAY, 19), district=WELPER, place=GEMEINDEHAUS, ignore_keys=frozenset({"event:12"})
    )
    assert [c.booking for c in conflicts_of(candidate, own, other)] == [other]


# Sentences.


def test_the_sentence_names_the_booking_its_district_and_size_in_english():
    altstadtfest = event("Altstadtfest", at(SUNDAY, 11), district=MITTE, attendance=5000)
    with translation.override("en"):
        found = conflicts_of(planned(at(SATURDAY, 15), district=BLANKENSTEIN), altstadtfest)
    assert found[0].message == "Same weekend: Altstadtfest in Hattingen-Mitte, about 5,000 visitors"


def test_the_sentence_in_german():
    altstadtfest = event("Altstadtfest", at(SUNDAY, 11), district=MITTE, attendance=5000)
    claim = hold("Weihnachtsmarkt", SATURDAY, SUNDAY, district=BLANKENSTEIN, number=2)
    with translation.override("de"):
        found = conflicts_of(planned(at(SATURDAY, 15), district=BLANKENSTEIN), altstadtfest, claim)
    assert [c.message for c in found] == [
        "Selbes Wochenende: Altstadtfest in Hattingen-Mitte, ca. 5.000 Besucher",
        "Am selben Tag im selben Stadtteil: Weihnachtsmarkt (vorgemerkt) in Blankenstein",
    ]


def test_sentences_of_each_kind_in_english():
    bookings = [
        event("Chorprobe", at(SATURDAY, 18), number=1, district=WELPER, place=GEMEINDEHAUS),
        event("Lesung", at(SATURDAY, 10), number=2, district=WELPER, attendance=40),
        event("Stammtisch", at(SATURDAY, 20), number=3, district=MITTE),
        event("Vorlesestunde", at(SATURDAY, 11), number=4, district=None, audience="children"),
        hold("Weihnachtsmarkt", SATURDAY, SUNDAY, number=5, district=BLANKENSTEIN, attendance=4000),
    ]
    days = {SATURDAY: DayContext(public_holiday="Tag der Deutschen Einheit")}
    candidate = planned(at(SATURDAY, 17), district=WELPER, place=GEMEINDEHAUS, audience="children")
    with translation.override("en"):
        found = conflicts_of(candidate, *bookings, days=days)
    assert [c.message for c in found] == [
        "Same place at the same time: Chorprobe in Welper",
        "Same weekend: Weihnachtsmarkt (held) in Blankenstein, about 4,000 visitors",
        "Same day in the same district: Lesung in Welper, about 40 visitors",
        "Same day in a neighbouring district: Weihnachtsmarkt (held) in Blankenstein, "
        "about 4,000 visitors",
        "Same day in a neighbouring district: Stammtisch in Hattingen-Mitte",
        # Equal weight and day: the calendar (no booking key) first.
        "Public holiday: Tag der Deutschen Einheit",
        "Same day, same audience (Children): Vorlesestunde",
    ]


def test_conflicts_are_ordered_by_severity_weight_day_and_key():
    bookings = [
        event("B", at(SUNDAY, 10), number=2, district=MITTE, attendance=5000),
        event("A", at(SATURDAY, 10), number=1, district=NIEDERWENIGERN, attendance=5000),
        event("C", at(SATURDAY, 12), number=3, district=BLANKENSTEIN),
    ]
    found = conflicts_of(whole_days(SATURDAY, SUNDAY, district=BLANKENSTEIN), *bookings)
    assert [(c.kind, c.booking.title, c.day) for c in found] == [
        (ConflictKind.LARGE_SAME_WEEKEND, "A", SATURDAY),
        (ConflictKind.LARGE_SAME_WEEKEND, "B", SUNDAY),
        (ConflictKind.SAME_DISTRICT, "C", SATURDAY),
    ]


def test_serious_means_hard_or_a_total_weight_from_the_threshold():
    same_district = event("Lesung", at(SATURDAY, 10), district=WELPER)
    neighbour = event("Stammtisch", at(SATURDAY, 20), number=2, district=MITTE)
    candidate = planned(at(SATURDAY, 15), district=WELPER)
    assert not is_serious(conflicts_of(candidate, same_district), RULES)  # 30 < 40
    assert is_serious(conflicts_of(candidate, same_district, neighbour), RULES)  # 45
    hard = event("Chorprobe", at(SATURDAY, 15), number=3, place=GEMEINDEHAUS, district=WELPER)
    at_place = planned(at(SATURDAY, 15), district=WELPER, place=GEMEINDEHAUS)
    assert is_serious(conflicts_of(at_place, hard), Rules(high_from=1000))
    assert not is_serious([], RULES)


# Time zone.


def test_local_days_decide_not_utc_days():
    # 00:30 on Sunday in Hattingen is still Saturday in UTC.
    late = event("Mitternachtskonzert", at(SUNDAY, 0, 30), district=WELPER)
    found = conflicts_of(planned(at(SUNDAY, 15), district=WELPER), late)
    assert [(c.kind, c.day) for c in found] == [(ConflictKind.SAME_DISTRICT, SUNDAY)]
    assert conflicts_of(planned(at(SATURDAY, 15), district=WELPER), late) == []


def test_a_weekend_with_the_change_to_summer_time_is_saturday_and_sunday():
    saturday, sunday = dt.date(2026, 3, 28), dt.date(2026, 3, 29)
    fest = event("Frühlingsfest", at(sunday, 23), at(sunday, 23, 59), attendance=2000)
    found = conflicts_of(whole_days(saturday, district=NIEDERWENIGERN), fest)
    assert [(c.kind, c.day) for c in found] == [(ConflictKind.LARGE_SAME_WEEKEND, saturday)]
    whole_sunday = whole_days(sunday, place=BURGHOF)
    length = whole_sunday.end.astimezone(dt.UTC) - whole_sunday.start.astimezone(dt.UTC)
    assert length == dt.timedelta(hours=23)
    assert whole_sunday.days == [sunday]


def test_moving_a_candidate_keeps_its_local_time_across_the_change_to_winter_time():
    before = planned(at(dt.date(2026, 10, 17), 19), at(dt.date(2026, 10, 17), 22))
    moved = before.on_day(dt.date(2026, 10, 31))
    assert moved.start == at(dt.date(2026, 10, 31), 19)
    assert moved.end == at(dt.date(2026, 10, 31), 22)
    assert moved.start.utcoffset() == dt.timedelta(hours=1)


def test_moving_an_all_day_candidate_keeps_its_days():
    moved = whole_days(SATURDAY, SUNDAY).on_day(dt.date(2026, 3, 28))
    assert moved.days == [dt.date(2026, 3, 28), dt.date(2026, 3, 29)]
    assert moved.all_day


def test_a_candidate_needs_aware_times_that_end_after_the_start():
    with pytest.raises(ValueError, match="aware"):
        Candidate(start=dt.datetime(2026, 11, 28, 15), end=dt.datetime(2026, 11, 28, 17))
    with pytest.raises(ValueError, match="end after"):
        Candidate(start=at(SATURDAY, 15), end=at(SATURDAY, 15))


# Suggestions.


def test_suggestions_never_offer_a_date_with_a_hard_conflict():
    markt = all_day_event("Weihnachtsmarkt", SATURDAY, SUNDAY, district=BLANKENSTEIN, place=BURGHOF)
    taken = [
        all_day_event("Adventsbasar", day, number=2 + n, district=BLANKENSTEIN, place=BURGHOF)
        for n, day in enumerate([dt.date(2026, 12, 5), dt.date(2026, 12, 12)])
    ]
    candidate = whole_days(SATURDAY, SUNDAY, district=BLANKENSTEIN, place=BURGHOF)
    found = suggest(
        candidate,
        [markt, *taken],
        NO_DAYS,
        AREA,
        RULES,
        first_day=dt.date(2026, 11, 21),
        last_day=dt.date(2026, 12, 19),
        weekends_only=True,
    )
    assert [s.first_day for s in found] == [
        dt.date(2026, 11, 21),
        dt.date(2026, 12, 19),
    ]
    assert all(s.weight == 0 and s.conflicts == [] and s.all_day for s in found)
    assert (found[0].first_day, found[0].last_day) == (
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 22),
    )


def test_suggestions_rank_by_weight_then_closeness_then_date():
    bookings = [
        # Busy in the district on the nearest Saturdays.
        event("Lesung", at(dt.date(2026, 12, 5), 10), number=1, district=WELPER),
        event("Basar", at(dt.date(2026, 11, 21), 10), number=2, district=MITTE),
    ]
    candidate = planned(at(SATURDAY, 15), district=WELPER)
    found = suggest(
        candidate,
        bookings,
        NO_DAYS,
        AREA,
        RULES,
        first_day=dt.date(2026, 11, 14),
        last_day=dt.date(2026, 12, 12),
        weekends_only=True,
        count=4,
    )
    assert [(s.first_day, s.weight) for s in found] == [
        # As close as each other: the earlier first.
        (dt.date(2026, 11, 14), 0),
        (dt.date(2026, 12, 12), 0),
        (dt.date(2026, 11, 21), RULES.weight_neighbour_district),
        (dt.date(2026, 12, 5), RULES.weight_same_district),
    ]
    # Same local time of day as the candidate.
    assert all(s.start.astimezone(at(SATURDAY, 15).tzinfo).hour == 15 for s in found)
    assert found[2].conflicts[0].booking.title == "Basar"


def test_suggestions_on_any_day_exclude_the_candidates_own_day_and_respect_count():
    candidate = planned(at(WEDNESDAY, 18), district=WELPER)
    found = suggest(
        candidate, [], NO_DAYS, AREA, RULES, first_day=WEDNESDAY, last_day=SUNDAY, count=2
    )
    assert [s.first_day for s in found] == [
        WEDNESDAY + dt.timedelta(days=1),
        WEDNESDAY + dt.timedelta(days=2),
    ]
    assert suggest(candidate, [], NO_DAYS, AREA, RULES, first_day=SUNDAY, last_day=FRIDAY) == []


def test_a_sunday_candidate_is_offered_sundays_on_weekends_only():
    candidate = planned(at(SUNDAY, 11), district=WELPER)
    found = suggest(
        candidate,
        [],
        NO_DAYS,
        AREA,
        RULES,
        first_day=SUNDAY,
        last_day=SUNDAY + dt.timedelta(days=14),
        weekends_only=True,
    )
    assert [s.first_day.weekday() for s in found] == [6, 6]


def test_suggestions_can_avoid_school_holidays():
    days = {dt.date(2026, 12, 26): DayContext(school_holidays="Weihnachtsferien")}
    candidate = planned(at(SATURDAY, 15), district=WELPER)
    options = {
        "first_day": dt.date(2026, 12, 19),
        "last_day": dt.date(2026, 12, 26),
        "weekends_only": True,
    }
    found = suggest(candidate, [], days, AREA, RULES, **options)
    assert [(s.first_day, s.weight) for s in found] == [
        (dt.date(2026, 12, 19), 0),
        (dt.date(2026, 12, 26), RULES.weight_school_holidays),
    ]
    found = suggest(candidate, [], days, AREA, RULES, avoid_school_holidays=True, **options)
    assert [s.first_day for s in found] == [dt.date(2026, 12, 19)]


def test_suggestions_from_an_index_equal_those_from_the_bookings():
    bookings = [
        event("Lesung", at(dt.date(2026, 12, 5), 10), number=1, district=WELPER),
        hold("Basar", dt.date(2026, 11, 21), number=2, district=MITTE, attendance=2000),
    ]
    candidate = planned(at(SATURDAY, 15), district=WELPER)
    options = {"first_day": dt.date(2026, 11, 14), "last_day": dt.date(2026, 12, 12)}
    from_list = suggest(candidate, bookings, NO_DAYS, AREA, RULES, **options)
    from_index = suggest(candidate, BookingIndex(bookings), NO_DAYS, AREA, RULES, **options)
    assert from_list == from_index


# What the database side asks for.


def test_the_window_of_a_candidate_covers_the_weekends_it_touches():
    assert window(planned(at(SUNDAY, 15))) == (SATURDAY, SUNDAY)
    assert window(planned(at(SATURDAY, 15))) == (SATURDAY, SUNDAY)
    assert window(planned(at(FRIDAY, 15))) == (FRIDAY, FRIDAY)
    assert window(whole_days(FRIDAY, SATURDAY)) == (FRIDAY, SUNDAY)


def test_relevance_admits_what_can_conflict():
    candidate = planned(at(SATURDAY, 15), district=MITTE, place=UNTERMARKT, audience="seniors")
    relevant = relevance(candidate, AREA, RULES)
    assert relevant.district_ids == {MITTE, WELPER}
    assert relevant.admits(event("A", at(SATURDAY, 10), district=WELPER))
    assert relevant.admits(event("B", at(SATURDAY, 10), district=None, place=UNTERMARKT))
    assert relevant.admits(event("C", at(SATURDAY, 10), district=NIEDERWENIGERN, attendance=1000))
    assert relevant.admits(
        event("D", at(SATURDAY, 10), district=NIEDERWENIGERN, audience="seniors")
    )
    assert not relevant.admits(event("E", at(SATURDAY, 10), district=BLANKENSTEIN, attendance=999))
