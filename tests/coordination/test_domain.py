"""The conflict engine on the database: candidates, bookings, checks and suggestions."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation

from quartiersnetz.coordination import calendar, domain, engine
from quartiersnetz.coordination.engine import ConflictKind, Severity
from quartiersnetz.coordination.models import CoordinationSettings
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events import domain as events
from quartiersnetz.events.models import Status, Visibility
from tests.factories import (
    DateHoldFactory,
    DistrictFactory,
    EventFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


def first_advent_saturday(year):
    """The Saturday before the first Sunday of Advent (four Sundays before Christmas)."""
    christmas = dt.date(year, 12, 25)
    fourth_advent = christmas - dt.timedelta(days=(christmas.weekday() + 1) % 7 or 7)
    return fourth_advent - 3 * WEEK - DAY


# Next year's, so that the tests do not depend on today.
SATURDAY = first_advent_saturday(local_today().year + 1)
SUNDAY = SATURDAY + DAY


def at(day, hour=0, minute=0):
    return berlin(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def mitte():
    return DistrictFactory(
        name="Hattingen-Mitte", slug="mitte", latitude="51.400000", longitude="7.185000"
    )


@pytest.fixture
def welper():
    return DistrictFactory(name="Welper", slug="welper", latitude="51.412100", longitude="7.206400")


@pytest.fixture
def blankenstein():
    return DistrictFactory(
        name="Blankenstein", slug="blankenstein", latitude="51.406400", longitude="7.227500"
    )


@pytest.fixture
def burghof(blankenstein):
    return PlaceFactory(name="Burghof Blankenstein", slug="burghof", district=blankenstein)


@pytest.fixture
def buergergesellschaft():
    return OrganizationFactory(
        name="Bürgergesellschaft Blankenstein e.V.", slug="buergergesellschaft-blankenstein"
    )


@pytest.fixture
def heimatverein():
    return OrganizationFactory(name="Heimatverein Welper e.V.", slug="heimatverein-welper")


@pytest.fixture
def weihnachtsmarkt(burghof, buergergesellschaft):
    return EventFactory(
        title="Blankensteiner Weihnachtsmarkt",
        start=at(SATURDAY),
        end=at(SUNDAY + DAY),
        all_day=True,
        place=burghof,
        expected_attendance=5000,
        organizers=[buergergesellschaft],
    )


def advent_hold(organization, district, place=None, **fields):
    values = {
        "organization": organization,
        "title": "Adventsbasar",
        "first_day": SATURDAY,
        "last_day": SUNDAY,
        "district": district,
        "place": place,
        "expected_attendance": 300,
        "expires_on": SATURDAY - 30 * DAY,
    }
    return DateHoldFactory(**{**values, **fields})


def summary(conflicts):
    return [(c.kind, c.severity, c.booking.key if c.booking else None) for c in conflicts]


# Checks.


def test_a_hold_on_the_weihnachtsmarkt_weekend_at_its_place_is_impossible(
    weihnachtsmarkt, heimatverein, blankenstein, burghof, buergergesellschaft
):
    hold = advent_hold(heimatverein, blankenstein, burghof)
    with translation.override("en"):
        conflicts = domain.check(domain.candidate_for_hold(hold))
    market = f"event:{weihnachtsmarkt.pk}"
    assert summary(conflicts) == [
        (ConflictKind.SAME_PLACE, Severity.HARD, market),
        (ConflictKind.LARGE_SAME_WEEKEND, Severity.MEDIUM, market),
    ]
    hard = conflicts[0]
    assert hard.message == (
        "Same place at the same time: Blankensteiner Weihnachtsmarkt in Blankenstein, "
        "about 5,000 visitors"
    )
    assert hard.day == SATURDAY
    assert hard.booking.organization_ids == {buergergesellschaft.pk}
    assert hard.booking.url == weihnachtsmarkt.get_absolute_url()
    assert hard.booking.start == weihnachtsmarkt.start
    assert engine.is_serious(conflicts, domain.rules())


def test_an_event_being_edited_does_not_conflict_with_itself(weihnachtsmarkt):
    assert domain.check(domain.candidate_for_event(weihnachtsmarkt)) == []


def test_no_date_of_the_edited_series_conflicts_with_it(burghof):
    stammtisch = EventFactory(
        title="Stammtisch",
        start=at(SATURDAY - WEEK, 19),
        end=at(SATURDAY - WEEK, 22),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
        place=burghof,
    )
    second = stammtisch.occurrences.order_by("start")[1]
    candidate = domain.candidate_for_event(stammtisch, occurrence=second)
    assert candidate.start == second.start
    assert domain.check(candidate) == []
    # Another event at the place is still found.
    other = EventFactory(title="Lesung", start=at(SATURDAY, 20), place=burghof)
    assert summary(domain.check(candidate)) == [
        (ConflictKind.SAME_PLACE, Severity.HARD, f"event:{other.pk}")
    ]


def test_a_hold_being_turned_into_an_event_can_be_ignored(heimatverein, blankenstein, burghof):
    hold = advent_hold(heimatverein, blankenstein, burghof)
    basar = EventFactory.build(
        title="Adventsbasar", start=at(SATURDAY, 10), end=at(SATURDAY, 18), place=burghof
    )
    assert summary(domain.check(domain.candidate_for_event(basar))) == [
        (ConflictKind.SAME_PLACE, Severity.HARD, f"hold:{hold.pk}")
    ]
    candidate = domain.candidate_for_event(basar, ignore_keys=[f"hold:{hold.pk}"])
    assert domain.check(candidate) == []


def test_only_holds_still_standing_count(heimatverein, buergergesellschaft, blankenstein):
    standing = advent_hold(heimatverein, blankenstein, title="Adventsbasar")
    advent_hold(heimatverein, blankenstein, title="Abgelaufen", expires_on=local_today() - DAY)
    became_event = advent_hold(heimatverein, blankenstein, title="Schon eine Veranstaltung")
    became_event.event = EventFactory(title="Adventskonzert", start=at(local_today() + 400 * DAY))
    became_event.save(update_fields=["event"])
    candidate = domain.candidate_for(
        at(SATURDAY, 14),
        at(SATURDAY, 17),
        district=blankenstein,
        organizations=[buergergesellschaft],
    )
    with translation.override("en"):
        conflicts = domain.check(candidate)
    assert summary(conflicts) == [
        (ConflictKind.SAME_DISTRICT, Severity.MEDIUM, f"hold:{standing.pk}")
    ]
    assert conflicts[0].message == (
        "Same day in the same district: Adventsbasar (held) in Blankenstein, about 300 visitors"
    )
    assert conflicts[0].booking.tentative
    assert conflicts[0].booking.organization_ids == {heimatverein.pk}
    assert conflicts[0].booking.url == standing.get_absolute_url()


def test_only_dates_that_take_place_in_public_compete(burghof, blankenstein):
    def at_burghof(title, **fields):
        return EventFactory(title=title, start=at(SATURDAY, 15), place=burghof, **fields)

    postponed = at_burghof("Verschobenes Konzert", status=Status.POSTPONED)
    at_burghof("Abgesagtes Konzert", status=Status.CANCELLED)
    at_burghof("Entwurf", status=Status.DRAFT)
    internal = at_burghof("Vorstandssitzung", visibility=Visibility.INTERNAL)
    single_date_cancelled = at_burghof("Lesung")
    events.cancel_occurrence(single_date_cancelled.occurrences.get())
    candidate = domain.candidate_for(
        at(SATURDAY, 16), at(SATURDAY, 18), district=blankenstein, place=burghof
    )
    assert summary(domain.check(candidate)) == [
        (ConflictKind.SAME_PLACE, Severity.HARD, f"event:{postponed.pk}")
    ]
    assert {c.booking.key for c in domain.check(candidate, include_internal=True)} == {
        f"event:{postponed.pk}",
        f"event:{internal.pk}",
    }


def test_a_bare_date_with_district_size_and_audience(mitte, welper, blankenstein):
    turnen = EventFactory(
        title="Kinderturnen",
        start=at(SATURDAY, 10),
        place=PlaceFactory(name="Turnhalle Mitte", slug="turnhalle-mitte", district=mitte),
        audience="children",
    )
    candidate = domain.candidate_for(
        at(SATURDAY, 14),
        at(SATURDAY, 18),
        district=welper,
        audience="children",
        attendance=2000,
    )
    assert candidate.district_id == welper.pk
    assert summary(domain.check(candidate)) == [
        (ConflictKind.NEIGHBOUR_DISTRICT, Severity.MEDIUM, f"event:{turnen.pk}"),
        (ConflictKind.SAME_AUDIENCE, Severity.LOW, f"event:{turnen.pk}"),
    ]


def test_an_all_day_bare_date_covers_its_whole_days(blankenstein):
    candidate = domain.candidate_for(
        at(SATURDAY, 15), at(SUNDAY, 9), all_day=True, district=blankenstein
    )
    assert (candidate.start, candidate.end) == (at(SATURDAY), at(SUNDAY + DAY))
    midnight = domain.candidate_for(at(SATURDAY), at(SUNDAY), all_day=True)
    assert midnight.days == [SATURDAY]


def test_the_settings_decide_what_is_large_and_what_is_near(weihnachtsmarkt, welper):
    candidate = domain.candidate_for(at(SUNDAY, 11), at(SUNDAY, 13), district=welper)
    assert [c.kind for c in domain.check(candidate)] == [
        ConflictKind.LARGE_SAME_WEEKEND,
        ConflictKind.NEIGHBOUR_DISTRICT,
    ]
    settings_row = CoordinationSettings.load()
    settings_row.large_event_attendance = 6000
    settings_row.neighbour_distance_km = 1
    settings_row.save()
    assert domain.check(candidate) == []


def test_the_area_has_the_districts_names_and_centres(mitte, welper, blankenstein):
    area = domain.area()
    assert area.district_names[welper.pk] == "Welper"
    assert area.district_centres[mitte.pk] == (51.4, 7.185)
    assert area.neighbours(welper.pk, 2.5) == {mitte.pk, blankenstein.pk}
    assert area.neighbours(mitte.pk, 2.5) == {welper.pk}


# Bookings.


def test_each_date_is_a_booking_under_its_events_key(burghof, heimatverein, blankenstein):
    stammtisch = EventFactory(
        title="Stammtisch",
        start=at(SATURDAY, 19),
        recurrence_rule="FREQ=DAILY;COUNT=3",
        place=burghof,
        organizers=[heimatverein],
    )
    hold = advent_hold(heimatverein, blankenstein)
    bookings = domain.bookings_between(at(SATURDAY), at(SATURDAY + 3 * DAY))
    dates = sorted((b.start, b.key) for b in bookings if b.kind == "event")
    assert [(key, start) for start, key in dates] == [
        (f"event:{stammtisch.pk}", at(SATURDAY + offset * DAY, 19)) for offset in range(3)
    ]
    assert all(b.organization_ids == {heimatverein.pk} for b in bookings)
    assert all(b.url == stammtisch.get_absolute_url() for b in bookings if b.kind == "event")
    (held,) = (b for b in bookings if b.kind == "hold")
    assert (held.key, held.start, held.end, held.all_day, held.tentative) == (
        f"hold:{hold.pk}",
        at(SATURDAY),
        at(SUNDAY + DAY),
        True,
        True,
    )
    # The window is half-open.
    assert domain.bookings_between(at(SATURDAY - WEEK), at(SATURDAY)) == []


def test_the_database_selects_what_the_engine_admits(
    mitte, welper, blankenstein, burghof, heimatverein
):
    halls = {
        district: PlaceFactory(
            name=f"Saal {district.name}", slug=f"saal-{district.slug}", district=district
        )
        for district in (mitte, welper, blankenstein)
    }
    variants = [
        (mitte, None, "everyone"),
        (welper, None, "everyone"),
        (blankenstein, None, "everyone"),
        (blankenstein, 1000, "everyone"),
        (blankenstein, None, "seniors"),
        (blankenstein, 999, "children"),
    ]
    for number, (district, attendance, audience) in enumerate(variants):
        EventFactory(
            title=f"Termin {number}",
            start=at(SATURDAY, 8 + number),
            place=halls[district],
            expected_attendance=attendance,
            audience=audience,
        )
        advent_hold(
            heimatverein,
            district,
            title=f"Vormerkung {number}",
            expected_attendance=attendance,
            audience=audience,
        )
    EventFactory(title="Am Burghof", start=at(SATURDAY, 20), place=burghof)
    candidate = domain.candidate_for(
        at(SATURDAY, 15), at(SATURDAY, 17), district=mitte, place=burghof, audience="seniors"
    )
    relevance = engine.relevance(candidate, domain.area(), domain.rules())
    start, end = at(SATURDAY), at(SUNDAY)
    everything = domain.bookings_between(start, end, details=False)
    selected = domain.bookings_between(start, end, relevant_to=relevance, details=False)
    assert sorted(selected, key=str) == sorted(
        (b for b in everything if relevance.admits(b)), key=str
    )
    # Mitte and its neighbour Welper, large, for older people, at the Burghof.
    assert sorted(b.title for b in selected) == [
        "Am Burghof",
        "Termin 0",
        "Termin 1",
        "Termin 3",
        "Termin 4",
        "Vormerkung 0",
        "Vormerkung 1",
        "Vormerkung 3",
        "Vormerkung 4",
    ]


# Suggestions.


def test_suggestions_offer_free_weekends_but_never_one_taken_at_the_place(
    weihnachtsmarkt, heimatverein, blankenstein, burghof
):
    EventFactory(
        title="Adventskonzert",
        start=at(SATURDAY + WEEK, 17),
        place=burghof,
        expected_attendance=200,
    )
    hold = advent_hold(heimatverein, blankenstein, burghof)
    candidate = domain.candidate_for_hold(hold)
    suggestions = domain.suggest_dates(
        candidate, SATURDAY - 2 * WEEK, SATURDAY + 2 * WEEK, count=5, weekends_only=True
    )
    assert [(s.first_day, s.last_day, s.weight) for s in suggestions] == [
        (SATURDAY - WEEK, SUNDAY - WEEK, 0),
        (SATURDAY - 2 * WEEK, SUNDAY - 2 * WEEK, 0),
        (SATURDAY + 2 * WEEK, SUNDAY + 2 * WEEK, 0),
    ]
    assert all(s.all_day for s in suggestions)


def test_suggestions_carry_their_conflicts_with_details(
    weihnachtsmarkt, welper, buergergesellschaft
):
    candidate = domain.candidate_for(at(SUNDAY, 11), at(SUNDAY, 13), district=welper)
    suggestions = domain.suggest_dates(candidate, SATURDAY, SUNDAY, count=5)
    assert [s.first_day for s in suggestions] == [SATURDAY]
    assert [c.kind for c in suggestions[0].conflicts] == [
        ConflictKind.LARGE_SAME_WEEKEND,
        ConflictKind.NEIGHBOUR_DISTRICT,
    ]
    booking = suggestions[0].conflicts[0].booking
    assert booking.organization_ids == {buergergesellschaft.pk}
    assert booking.url == weihnachtsmarkt.get_absolute_url()
    assert suggestions[0].weight == engine.total_weight(domain.check(candidate.on_day(SATURDAY)))


def test_suggestions_are_those_of_the_engine_from_every_booking(
    mitte, welper, blankenstein, burghof, heimatverein
):
    """The database side (on PostgreSQL: per-day aggregates) ranks exactly like the engine
    given every booking of the window."""
    halls = [
        PlaceFactory(name=f"Saal {district.name}", slug=f"saal-{district.slug}", district=district)
        for district in (mitte, welper, blankenstein)
    ]
    audiences = ["everyone", "children", "seniors"]
    for number in range(36):
        day = SATURDAY - 3 * WEEK + number * dt.timedelta(days=2)
        place = [*halls, burghof][number % 4]
        if number % 5 == 0:
            # Several days, all day; or across midnight.
            start, end, all_day = at(day), at(day + 2 * DAY), True
        elif number % 7 == 0:
            start, end, all_day = at(day, 22), at(day + DAY, 2), False
        else:
            start, end, all_day = at(day, 8 + number % 12), None, False
        EventFactory(
            title=f"Termin {number}",
            start=start,
            end=end or start + dt.timedelta(hours=3),
            all_day=all_day,
            place=place,
            audience=audiences[number % 3],
            expected_attendance=[None, 50, 1000, 5000][number % 4],
            recurrence_rule="FREQ=WEEKLY;COUNT=3" if number % 6 == 1 else "",
        )
        if number % 3 == 0:
            advent_hold(
                heimatverein,
                place.district,
                place if number % 2 else None,
                title=f"Vormerkung {number}",
                first_day=day,
                last_day=day + DAY,
                audience=audiences[(number + 1) % 3],
            )
    # Two small days at the Burghof: they count for no rule of a candidate from Mitte
    # but take its place.
    EventFactory(
        title="Kunsthandwerk",
        start=at(SATURDAY + 2 * DAY),
        end=at(SATURDAY + 4 * DAY),
        all_day=True,
        place=burghof,
    )
    the_area, the_rules = domain.area(), domain.rules()
    first_day, last_day = SATURDAY - 4 * WEEK, SATURDAY + 4 * WEEK
    weighed = []
    for candidate in [
        domain.candidate_for(at(SATURDAY, 15), at(SATURDAY, 18), district=welper),
        domain.candidate_for(
            at(SATURDAY, 10),
            at(SUNDAY, 12),
            district=blankenstein,
            place=burghof,
            audience="children",
            attendance=2000,
        ),
        domain.candidate_for_hold(advent_hold(heimatverein, mitte, halls[0], title="Basar")),
        # A place outside the district: its dates count for no rule, but take the place.
        domain.candidate_for(at(SATURDAY, 20), at(SATURDAY, 23), district=mitte, place=burghof),
    ]:
        for weekends_only in (False, True):
            found = domain.suggest_dates(
                candidate, first_day, last_day, count=8, weekends_only=weekends_only
            )
            start, end = (
                dt.datetime.combine(first_day - DAY, dt.time(), at(SATURDAY).tzinfo),
                at(last_day + 3 * DAY),
            )
            expected = engine.suggest(
                candidate,
                domain.bookings_between(start, end, details=False),
                calendar.context_between(first_day - DAY, last_day + 3 * DAY),
                the_area,
                the_rules,
                first_day=first_day,
                last_day=last_day,
                count=8,
                weekends_only=weekends_only,
            )

            def outline(suggestions):
                return [
                    (s.start, s.end, s.weight, [(c.kind, c.day, c.message) for c in s.conflicts])
                    for s in suggestions
                ]

            assert outline(found) == outline(expected)
            weighed += [s.weight for s in found]
    assert any(weighed)


def test_suggestions_never_lie_in_the_past(welper):
    today = local_today()
    candidate = domain.candidate_for(
        at(today + 30 * DAY, 15), at(today + 30 * DAY, 17), district=welper
    )
    suggestions = domain.suggest_dates(candidate, today - 30 * DAY, today + 2 * DAY, count=10)
    assert suggestions
    assert min(s.first_day for s in suggestions) == today
    assert domain.suggest_dates(candidate, today - 30 * DAY, today - DAY) == []


# Query counts.


def fill(count, burghof, blankenstein, heimatverein):
    """count bookings that conflict with a Saturday afternoon at the Burghof."""
    for number in range(count):
        if number % 2:
            advent_hold(heimatverein, blankenstein, title=f"Basar {number}")
        else:
            EventFactory(
                title=f"Konzert {number}",
                start=at(SATURDAY, 10 + number),
                place=burghof,
                organizers=[heimatverein],
            )


@pytest.mark.parametrize("count", [1, 3])
def test_check_query_count(django_assert_num_queries, burghof, blankenstein, heimatverein, count):
    fill(count, burghof, blankenstein, heimatverein)
    candidate = domain.candidate_for(
        at(SATURDAY, 15), at(SATURDAY, 18), district=blankenstein, place=burghof
    )
    CoordinationSettings.load()
    # Districts, settings, dates with their events, holds; organisers of what conflicts
    # (on PostgreSQL they come with the dates).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        conflicts = domain.check(candidate)
    assert len(conflicts) == count


@pytest.mark.parametrize("count", [1, 3])
def test_suggest_dates_query_count(
    django_assert_num_queries, burghof, blankenstein, heimatverein, count
):
    fill(count, burghof, blankenstein, heimatverein)
    candidate = domain.candidate_for(
        at(SATURDAY + WEEK, 15), at(SATURDAY + WEEK, 18), district=blankenstein, place=burghof
    )
    CoordinationSettings.load()
    # The same for the whole window, however many days it has: districts, settings,
    # holds, dates, organisers of what conflicts. On PostgreSQL the dates come in three
    # (aggregated by day; those of several days or at the place; those around the
    # suggestions), with their organisers.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 5):
        suggestions = domain.suggest_dates(
            candidate, SATURDAY - 4 * WEEK, SATURDAY + 4 * WEEK, count=100
        )
    on_saturday = next(s for s in suggestions if s.first_day == SATURDAY)
    assert len(on_saturday.conflicts) == count
