"""Properties of the conflict engine that hold for any bookings (hypothesis, derandomised)."""

import datetime as dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from quartiersnetz.coordination.engine import (
    Area,
    Booking,
    Candidate,
    ConflictKind,
    Rules,
    Severity,
    find_conflicts,
    relevance,
    suggest,
    total_weight,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Hattingen-Mitte, Welper, Blankenstein, Niederwenigern (see test_engine).
AREA = Area(
    district_names={1: "Hattingen-Mitte", 2: "Welper", 3: "Blankenstein", 4: "Niederwenigern"},
    district_centres={
        1: (51.400, 7.185),
        2: (51.4121, 7.2064),
        3: (51.4064, 7.2275),
        4: (51.4042, 7.1403),
    },
)
RULES = Rules()
PLACES = [10, 11, 12]
AUDIENCES = ["everyone", "children", "youth", "families", "adults", "seniors"]
ATTENDANCES = [None, 20, 300, 1000, 5000]
YEAR_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
# Last weekends of March and October: the clocks change on the Sunday.
DST_SUNDAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2027, 3, 28)]
PROPERTIES = settings(max_examples=100, deadline=None, derandomize=True, database=None)
# Hypothesis caches what it reads of the code in .hypothesis/ of the working directory;
# pytest then warns about that directory (an error here), because pyproject's
# norecursedirs replaces pytest's default that skips dot-directories. Keep it out of
# the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "quartiersnetz-hypothesis")


def local(day, minutes):
    """Local time minutes after midnight on day (wall clock; a skipped time moves on)."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return naive.replace(tzinfo=BERLIN).astimezone(dt.UTC).astimezone(BERLIN)


def midnight(day):
    return local(day, 0)


@st.composite
def slots(draw, first=YEAR_2026[0], last=YEAR_2026[1]):
    """(start, end, all_day): a timed date of 15 minutes to 30 hours, or 1 to 3 whole days."""
    day = draw(st.dates(min_value=first, max_value=last))
    if draw(st.booleans()):
        length = draw(st.integers(min_value=1, max_value=3))
        return midnight(day), midnight(day + dt.timedelta(days=length)), True
    start = local(day, draw(st.integers(min_value=0, max_value=24 * 4 - 1)) * 15)
    end = start + dt.timedelta(minutes=draw(st.integers(min_value=1, max_value=120)) * 15)
    # Bookings come from the database in UTC, candidates from forms in local time.
    if draw(st.booleans()):
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    return start, end, False


@st.composite
def plans(draw, number, first=YEAR_2026[0], last=YEAR_2026[1]):
    """The bookings of one event (one to three dates) or one hold: one key, one set of
    fields."""
    is_hold = draw(st.booleans())
    fields = {
        "kind": "hold" if is_hold else "event",
        "key": f"{'hold' if is_hold else 'event'}:{number}",
        "title": f"Plan {number}",
        "place_id": draw(st.sampled_from([None, *PLACES])),
        "district_id": draw(st.sampled_from([None, 1, 2, 3, 4])),
        "audience": draw(st.sampled_from(AUDIENCES)),
        "attendance": draw(st.sampled_from(ATTENDANCES)),
        "organization_ids": frozenset({number}),
        "tentative": is_hold,
    }
    if is_hold:
        start, end, _all_day = draw(slots(first, last).filter(lambda slot: slot[2]))
        return [Booking(start=start, end=end, all_day=True, **fields)]
    dates = draw(st.lists(slots(first, last), min_size=1, max_size=3))
    return [
        Booking(start=start, end=end, all_day=all_day, **fields) for start, end, all_day in dates
    ]


@st.composite
def bookings(draw, first=YEAR_2026[0], last=YEAR_2026[1], max_plans=12):
    count = draw(st.integers(min_value=0, max_value=max_plans))
    return [booking for number in range(count) for booking in draw(plans(number, first, last))]


@st.composite
def candidates(draw, first=YEAR_2026[0], last=YEAR_2026[1]):
    start, end, all_day = draw(slots(first, last))
    if not all_day:
        start, end = start.astimezone(BERLIN), end.astimezone(BERLIN)
    return Candidate(
        start=start,
        end=end,
        all_day=all_day,
        place_id=draw(st.sampled_from([None, *PLACES])),
        district_id=draw(st.sampled_from([None, 1, 2, 3, 4])),
        audience=draw(st.sampled_from(AUDIENCES)),
        attendance=draw(st.sampled_from(ATTENDANCES)),
    )


def conflicts(candidate, found_bookings, days=None):
    return find_conflicts(candidate, found_bookings, days or {}, AREA, RULES)


def hard(found):
    return [c for c in found if c.severity == Severity.HARD]


@PROPERTIES
@given(bookings(), candidates(first=dt.date(2028, 3, 1), last=dt.date(2029, 12, 31)))
def test_a_candidate_far_from_every_booking_has_no_booking_conflicts(found_bookings, candidate):
    # Every booking ends by 3 January 2027; the candidate starts more than 400 days later.
    assert [c for c in conflicts(candidate, found_bookings) if c.booking is not None] == []


@PROPERTIES
@given(st.data(), st.sampled_from(PLACES))
def test_a_hard_conflict_is_found_from_both_sides(data, place):
    # Three days, so that dates overlap, touch and miss each other.
    days = (dt.date(2026, 10, 24), dt.date(2026, 10, 26))
    first, second = data.draw(slots(*days)), data.draw(slots(*days))
    if data.draw(st.booleans()):
        # Right after the first one ends.
        length = dt.timedelta(minutes=15 * data.draw(st.integers(min_value=1, max_value=8)))
        second = (first[1], first[1] + length, False)

    def booking(slot, number):
        start, end, all_day = slot
        return Booking(
            kind="event",
            key=f"event:{number}",
            title=f"Plan {number}",
            start=start,
            end=end,
            all_day=all_day,
            place_id=place,
            district_id=1,
            audience="everyone",
            attendance=None,
            organization_ids=frozenset(),
            tentative=False,
        )

    def candidate(slot):
        start, end, all_day = slot
        return Candidate(start=start, end=end, all_day=all_day, place_id=place, district_id=1)

    one_way = hard(conflicts(candidate(first), [booking(second, 2)]))
    other_way = hard(conflicts(candidate(second), [booking(first, 1)]))
    assert bool(one_way) == bool(other_way)
    assert bool(one_way) == _overlap(first, second)


def _overlap(first, second):
    """Whether two slots take the same place at the same time, from first principles."""

    def occupied(slot):
        start, end, all_day = slot
        if all_day:
            last = (end.astimezone(BERLIN) - dt.timedelta(microseconds=1)).date()
            return midnight(start.astimezone(BERLIN).date()), midnight(last + dt.timedelta(days=1))
        return start, end

    (start1, end1), (start2, end2) = occupied(first), occupied(second)
    return start1.astimezone(dt.UTC) < end2.astimezone(dt.UTC) and start2.astimezone(
        dt.UTC
    ) < end1.astimezone(dt.UTC)


@PROPERTIES
@given(bookings(first=dt.date(2026, 6, 1), last=dt.date(2026, 6, 14), max_plans=20), st.data())
def test_results_do_not_depend_on_the_order_of_the_bookings(found_bookings, data):
    candidate = data.draw(candidates(first=dt.date(2026, 6, 3), last=dt.date(2026, 6, 10)))
    shuffled = data.draw(st.permutations(found_bookings))
    assert conflicts(candidate, shuffled) == conflicts(candidate, found_bookings)


@PROPERTIES
@given(bookings(first=dt.date(2026, 6, 1), last=dt.date(2026, 6, 14), max_plans=20), st.data())
def test_bookings_ruled_out_by_relevance_change_nothing(found_bookings, data):
    candidate = data.draw(candidates(first=dt.date(2026, 6, 3), last=dt.date(2026, 6, 10)))
    relevant = relevance(candidate, AREA, RULES)
    admitted = [booking for booking in found_bookings if relevant.admits(booking)]
    assert conflicts(candidate, admitted) == conflicts(candidate, found_bookings)


@PROPERTIES
@given(
    bookings(first=dt.date(2026, 5, 25), last=dt.date(2026, 7, 10), max_plans=25),
    candidates(first=dt.date(2026, 6, 1), last=dt.date(2026, 6, 30)),
    st.booleans(),
)
def test_a_suggestion_never_has_a_hard_conflict_and_weighs_what_the_check_finds(
    found_bookings, candidate, weekends_only
):
    found = suggest(
        candidate,
        found_bookings,
        {},
        AREA,
        RULES,
        first_day=dt.date(2026, 6, 1),
        last_day=dt.date(2026, 6, 30),
        count=5,
        weekends_only=weekends_only,
    )
    for suggestion in found:
        moved = candidate.on_day(suggestion.first_day)
        checked = conflicts(moved, found_bookings)
        assert hard(checked) == []
        assert suggestion.conflicts == checked
        assert suggestion.weight == total_weight(checked)
        assert (suggestion.start, suggestion.end, suggestion.all_day) == (
            moved.start,
            moved.end,
            moved.all_day,
        )
    weights = [(s.weight, abs((s.first_day - candidate.first_day).days)) for s in found]
    assert weights == sorted(weights)
    # No date left out weighs less than the last one offered.
    offered = {s.first_day for s in found}
    day = dt.date(2026, 6, 1)
    while found and len(found) == 5 and day <= dt.date(2026, 6, 30):
        same_weekday = not weekends_only or day.weekday() == found[0].first_day.weekday()
        if day not in offered and day != candidate.first_day and same_weekday:
            checked = conflicts(candidate.on_day(day), found_bookings)
            assert hard(checked) or total_weight(checked) >= found[-1].weight
        day += dt.timedelta(days=1)


@PROPERTIES
@given(
    st.sampled_from(DST_SUNDAYS),
    st.booleans(),
    st.integers(min_value=0, max_value=24 * 4 - 1),
    st.booleans(),
)
def test_a_weekend_when_the_clocks_change_is_one_weekend(sunday, on_sunday, quarter, all_day):
    saturday = sunday - dt.timedelta(days=1)
    candidate_day, other_day = (sunday, saturday) if on_sunday else (saturday, sunday)
    if all_day:
        candidate = Candidate(
            start=midnight(candidate_day),
            end=midnight(candidate_day + dt.timedelta(days=1)),
            all_day=True,
            district_id=4,
        )
    else:
        candidate = Candidate(
            start=local(candidate_day, 15 * 60), end=local(candidate_day, 18 * 60), district_id=4
        )
    assert candidate.days == [candidate_day]

    def large(day):
        start = local(day, quarter * 15)
        end = min(start + dt.timedelta(minutes=15), midnight(day + dt.timedelta(days=1)))
        return Booking(
            kind="event",
            key="event:1",
            title="Altstadtfest",
            start=start.astimezone(dt.UTC),
            end=end.astimezone(dt.UTC),
            all_day=False,
            place_id=None,
            district_id=3,
            audience="everyone",
            attendance=5000,
            organization_ids=frozenset(),
            tentative=False,
        )

    found = conflicts(candidate, [large(other_day)])
    assert [(c.kind, c.day) for c in found] == [(ConflictKind.LARGE_SAME_WEEKEND, candidate_day)]
    friday, monday = saturday - dt.timedelta(days=1), sunday + dt.timedelta(days=1)
    assert conflicts(candidate, [large(friday), large(monday)]) == []


@PROPERTIES
@given(
    st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=24 * 4 - 1),
)
def test_an_all_day_booking_takes_its_place_on_each_of_its_days(first, length, offset, quarter):
    place = 10
    booking = Booking(
        kind="hold",
        key="hold:1",
        title="Weihnachtsmarkt",
        start=midnight(first),
        end=midnight(first + dt.timedelta(days=length)),
        all_day=True,
        place_id=place,
        district_id=3,
        audience="everyone",
        attendance=None,
        organization_ids=frozenset(),
        tentative=True,
    )
    day = first + dt.timedelta(days=offset)
    start = local(day, quarter * 15)
    candidate = Candidate(
        start=start, end=start + dt.timedelta(minutes=30), place_id=place, district_id=3
    )
    taken = bool(hard(conflicts(candidate, [booking])))
    assert taken == (offset < length)


@PROPERTIES
@given(candidates(), st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_moving_a_candidate_keeps_its_local_time_and_days(candidate, day):
    moved = candidate.on_day(day)
    assert moved.first_day == day
    assert moved.all_day == candidate.all_day
    assert len(moved.days) == len(candidate.days)
    if not candidate.all_day:
        before, after = candidate.start.astimezone(BERLIN), moved.start.astimezone(BERLIN)
        skipped = after.time() != before.time()
        # Only a time the clocks skip (02:00-03:00 on the last Sunday of March) moves.
        assert not skipped or (day.month == 3 and day.weekday() == 6 and before.hour == 2)
