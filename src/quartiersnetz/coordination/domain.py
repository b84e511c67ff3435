"""The conflict engine's database side: candidates, bookings and the checks that feed it.

Bookings are one per occurrence (the exact times decide whether a place is taken twice;
a weekly series merged into one span would overlap everything) with the event's key
("event:12"), so an event still counts once per rule and its own edit ignores all its
dates. Only bookings that can conflict with the candidate are loaded (engine.Relevance),
as tuples; a Booking object is made only for what conflicts.

Queries, however many bookings: check() districts, settings, dates (with their events'
organisers on PostgreSQL; elsewhere one more query for the organisers of what
conflicts), holds. suggest_dates() the same for the whole window; on PostgreSQL the
dates of single days come aggregated per day (see there), in three queries.
"""

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.urls import reverse
from psycopg.types.datetime import TimestamptzLoader

from quartiersnetz.coordination import calendar, engine, holds
from quartiersnetz.coordination.engine import (
    Booking,
    BookingKind,
    Candidate,
    Conflict,
    ConflictKind,
)
from quartiersnetz.coordination.models import HOLD_MAX_DAYS, CoordinationSettings
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import day_range, local_today, local_zone, localize, start_of_day
from quartiersnetz.events import domain as events
from quartiersnetz.events.models import Audience, Event, Occurrence, Status

# Dates of these events compete for visitors; cancelled ones and drafts do not.
TAKING_PLACE = (Status.PUBLISHED, Status.POSTPONED)
# An exclusive end at midnight belongs to the day before.
INSTANT = dt.timedelta(microseconds=1)
NO_ORGANISATIONS = frozenset()

OCCURRENCE_FIELDS = (
    "event_id",
    "start",
    "end",
    "all_day",
    "district_id",
    "event__title",
    "event__place_id",
    # The event's, copied onto its dates (events.domain.copied_fields) for queries
    # without a join.
    "audience",
    "expected_attendance",
)
HOLD_FIELDS = (
    "pk",
    "title",
    "first_day",
    "last_day",
    "place_id",
    "district_id",
    "audience",
    "expected_attendance",
    "organization_id",
)


def area():
    """The districts' names and centres."""
    names, centres = {}, {}
    for pk, name, latitude, longitude in District.objects.values_list(
        "pk", "name", "latitude", "longitude"
    ):
        names[pk] = name
        centres[pk] = (float(latitude), float(longitude))
    return engine.Area(district_names=names, district_centres=centres)


def rules():
    return engine.Rules.from_settings(CoordinationSettings.load())


# Candidates.


def _pk(value):
    return getattr(value, "pk", value)


def candidate_for_event(event, *, occurrence=None, ignore_keys=()):
    """The event (saved or still in its form) as a candidate: its first date (of a
    series too), or the given occurrence; its own dates are ignored. A hold being turned
    into the event goes in ignore_keys ("hold:3")."""
    start, end = (occurrence.start, occurrence.end) if occurrence else (event.start, event.end)
    own = {f"{BookingKind.EVENT}:{event.pk}"} if event.pk else set()
    return Candidate(
        start=start,
        end=end,
        all_day=event.all_day,
        place_id=event.place_id,
        district_id=event.place.district_id if event.place_id else None,
        audience=event.audience,
        attendance=event.expected_attendance,
        organization_ids=frozenset(
            event.organizers.values_list("pk", flat=True) if event.pk else ()
        ),
        ignore_keys=frozenset(own | set(ignore_keys)),
    )


def candidate_for_hold(hold):
    """The hold's whole days as a candidate; the hold itself (and the event it became)
    is ignored."""
    own = {f"{BookingKind.HOLD}:{hold.pk}"} if hold.pk else set()
    if hold.event_id:
        own.add(f"{BookingKind.EVENT}:{hold.event_id}")
    start, end = day_range(hold.first_day, hold.last_day)
    return Candidate(
        start=start,
        end=end,
        all_day=True,
        place_id=hold.place_id,
        district_id=hold.district_id,
        audience=hold.audience,
        attendance=hold.expected_attendance,
        organization_ids=frozenset([hold.organization_id] if hold.organization_id else ()),
        ignore_keys=frozenset(own),
    )


def candidate_for(
    start,
    end,
    all_day=False,
    district=None,
    place=None,
    audience=Audience.EVERYONE,
    attendance=None,
    organizations=(),
):
    """A bare date: start and end (aware), district and place (objects or ids), audience,
    size. Without a district the place's district counts.

    All-day: start on the first day, end on the last day or at the midnight after it,
    like Event.clean; so an end at midnight *of* the last day means the day before
    (pass day_range(first, last) for whole days).
    """
    if all_day:
        first = localize(start).date()
        last = localize(end).date()
        if localize(end) == start_of_day(last) and last > first:
            last -= dt.timedelta(days=1)
        start, end = day_range(first, last)
    district_id = _pk(district)
    if district_id is None and place is not None and hasattr(place, "district_id"):
        district_id = place.district_id
    return Candidate(
        start=start,
        end=end,
        all_day=all_day,
        place_id=_pk(place),
        district_id=district_id,
        audience=audience,
        attendance=attendance,
        organization_ids=frozenset(_pk(organization) for organization in organizations),
    )


# Bookings.


def bookings_between(start, end, *, include_internal=False, relevant_to=None, details=True):
    """Bookings overlapping [start, end): dates of events taking place and active holds.

    include_internal: also dates of internal events (organisers only). relevant_to: an
    engine.Relevance; only bookings that can conflict under it are loaded. details:
    with the organisers of each event; on PostgreSQL they come with the dates, elsewhere
    with one more query (which the checks below make only for what conflicts).
    """
    rows = booking_rows(start, end, include_internal=include_internal, relevant_to=relevant_to)
    bookings = [Booking(*row) for row in rows]
    return _with_details(bookings) if details and not _organisers_in_rows() else bookings


def booking_rows(start, end, *, include_internal=False, relevant_to=None):
    """bookings_between() as tuples of engine.BOOKING_FIELDS (without an event's organisers):
    what engine.BookingIndex.extend_rows takes, without an object per date."""
    dates = _overlapping(_taking_place(include_internal), start, end)
    if relevant_to is not None:
        dates = dates.filter(_relevant_occurrences(relevant_to))
    return _event_rows(dates) + _hold_rows(start, end, relevant_to)


def _taking_place(include_internal):
    """Dates of events that take place: published or postponed, the date not cancelled."""
    if include_internal:
        return Occurrence.objects.filter(status__in=TAKING_PLACE, cancelled=False)
    # The public calendar's filter as well, so that its partial index applies.
    return events.listed_occurrences().filter(status__in=TAKING_PLACE, cancelled=False)


def _overlapping(occurrences, start, end):
    """events.occurrences_between, with a bound on "end" that is redundant (no date
    lasts longer) but lets the planner estimate how few dates overlap a short range: it
    then filters "end" inside the (start, end) index instead of fetching every date of
    the look-back (measured on the benchmark: 1 ms instead of 16 ms)."""
    return events.occurrences_between(occurrences, start, end).filter(
        end__lt=end + dt.timedelta(days=settings.EVENTS_MAX_DURATION_DAYS)
    )


def _event_rows(occurrences):
    """Rows of engine.BOOKING_FIELDS for the dates. On PostgreSQL with their events'
    organisers (an array subquery); elsewhere _with_details adds them afterwards."""
    event, url = BookingKind.EVENT, _url_maker("events:event")
    if _organisers_in_rows():
        of_event = Event.organizers.through.objects.filter(event_id=OuterRef("event_id"))
        organisers = ArraySubquery(of_event.values("organization_id"))
    else:
        organisers = Value(None, output_field=IntegerField())
    occurrences = occurrences.annotate(organizer_ids=organisers).order_by()
    return [
        (
            event,
            f"event:{event_id}",
            title,
            date_start,
            date_end,
            all_day,
            place_id,
            district_id,
            audience,
            attendance,
            frozenset(organizer_ids) if organizer_ids else NO_ORGANISATIONS,
            False,
            url(event_id),
        )
        for (
            event_id,
            date_start,
            date_end,
            all_day,
            district_id,
            title,
            place_id,
            audience,
            attendance,
            organizer_ids,
        ) in _rows(occurrences, (*OCCURRENCE_FIELDS, "organizer_ids"))
    ]


def _organisers_in_rows():
    return connection.vendor == "postgresql"


def _hold_rows(start, end, relevance):
    first = localize(start).date()
    last = localize(end - dt.timedelta(microseconds=1)).date()
    found = holds.active_holds(local_today()).filter(
        first_day__lte=last,
        last_day__gte=first,
        # Redundant like the dates' bound: keeps the scan of the (first_day, last_day)
        # index short.
        first_day__gte=first - dt.timedelta(days=HOLD_MAX_DAYS - 1),
    )
    if relevance is not None:
        found = found.filter(_relevant_holds(relevance))
    rows, url = [], _url_maker("coordination:hold")
    midnights = {}

    def midnight(day):
        if day not in midnights:
            midnights[day] = start_of_day(day)
        return midnights[day]

    for (
        pk,
        title,
        first_day,
        last_day,
        place_id,
        district_id,
        audience,
        attendance,
        organization_id,
    ) in found.order_by().values_list(*HOLD_FIELDS):
        hold_start, hold_end = midnight(first_day), midnight(last_day + dt.timedelta(days=1))
        rows.append(
            (
                BookingKind.HOLD,
                f"hold:{pk}",
                title,
                hold_start,
                hold_end,
                True,
                place_id,
                district_id,
                audience,
                attendance,
                frozenset([organization_id]),
                True,
                url(pk),
            )
        )
    return rows


def _relevant_occurrences(relevance, *, at_place=True):
    """Dates that can conflict; without at_place, those that count for a rule (on the
    dates' own columns, no join)."""
    condition = Q(expected_attendance__gte=relevance.large_attendance)
    if relevance.district_ids:
        condition |= Q(district_id__in=sorted(relevance.district_ids))
    if relevance.audience is not None:
        condition |= Q(audience=relevance.audience)
    if at_place and relevance.place_id is not None:
        condition |= Q(event__place_id=relevance.place_id)
    return condition


def _relevant_holds(relevance):
    condition = Q(expected_attendance__gte=relevance.large_attendance)
    if relevance.district_ids:
        condition |= Q(district_id__in=sorted(relevance.district_ids))
    if relevance.place_id is not None:
        condition |= Q(place_id=relevance.place_id)
    if relevance.audience is not None:
        condition |= Q(audience=relevance.audience)
    return condition


def _rows(queryset, fields):
    """values_list() rows; on PostgreSQL with psycopg's own (C) parser for timestamps.

    Django registers a timestamptz loader written in Python: about 5 µs a value, 200 ms
    for the 20,000 dates of a 12-week window in the benchmark, against 9 ms with the
    C loader. The query still runs through Django's cursor (logged and counted).
    """
    queryset = queryset.values_list(*fields)
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        # The underlying psycopg cursor: the loader applies to this cursor only. Its
        # datetimes are aware, in the connection's time zone (UTC under USE_TZ).
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _any_of(ids):
    """ids for an __in filter: on PostgreSQL as one array parameter, because binding a
    few hundred literal parameters costs ~4 ms a query (measured), the query itself 1 ms."""
    ids = sorted(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


def _url_maker(name):
    """pk -> the address of the object, reversed once (reverse() costs ~60 µs a call)."""
    sentinel = "2147483647"
    prefix, _sentinel, suffix = reverse(name, kwargs={"pk": int(sentinel)}).partition(sentinel)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _event_id(key):
    return int(key.partition(":")[2])


def _with_details(bookings):
    """The bookings with their events' organisers, in one query (holds have theirs)."""
    event_ids = {
        _event_id(booking.key) for booking in bookings if booking.kind == BookingKind.EVENT
    }
    organizers = {}
    if event_ids:
        for event_id, organization_id in Event.organizers.through.objects.filter(
            event_id__in=_any_of(event_ids)
        ).values_list("event_id", "organization_id"):
            organizers.setdefault(event_id, set()).add(organization_id)
    organizers = {event_id: frozenset(ids) for event_id, ids in organizers.items()}
    none = frozenset()
    return [
        Booking(
            b.kind,
            b.key,
            b.title,
            b.start,
            b.end,
            b.all_day,
            b.place_id,
            b.district_id,
            b.audience,
            b.attendance,
            organizers.get(_event_id(b.key), none),
            b.tentative,
            b.url,
        )
        if b.kind == BookingKind.EVENT
        else b
        for b in bookings
    ]


def _conflicts_with_details(conflicts):
    """The conflicts with their events' organisers, unless the rows brought them."""
    if _organisers_in_rows():
        return conflicts
    bookings = iter(_with_details([c.booking for c in conflicts if c.booking is not None]))
    return [
        Conflict(c.kind, c.severity, c.weight, c.message, c.day, next(bookings))
        if c.booking is not None
        else c
        for c in conflicts
    ]


# Checks.


def check(candidate, *, include_internal=False):
    """The candidate's conflicts with the dates and holds around it and its calendar."""
    the_area, the_rules = area(), rules()
    first, last = engine.window(candidate)
    start, end = day_range(first, last)
    index = engine.BookingIndex(first=first, last=last)
    index.extend_rows(
        booking_rows(
            start,
            end,
            include_internal=include_internal,
            relevant_to=engine.relevance(candidate, the_area, the_rules),
        )
    )
    days = calendar.context_between(first, last)
    conflicts = engine.find_conflicts(candidate, index, days, the_area, the_rules)
    return _conflicts_with_details(conflicts)


def suggest_dates(
    candidate,
    first_day,
    last_day,
    count=5,
    weekends_only=False,
    avoid_school_holidays=False,
    *,
    include_internal=False,
):
    """The best other dates for the candidate starting from first_day to last_day (not
    before today; see engine.suggest), from the bookings of the whole window loaded once.

    On PostgreSQL the dates of a single day are not loaded one by one but as the keys
    each rule counts, per day, in one aggregate query (engine.DayLoads.add_keys); only
    dates of several days, dates at the candidate's place and holds come as rows, and
    the dates around the suggestions, for their sentences. A 12-week window holds some
    15,000 dates in the benchmark: as rows they cost ~100 ms in Python alone.
    """
    first_day = max(first_day, local_today())
    if last_day < first_day:
        return []
    the_area, the_rules = area(), rules()
    span = candidate.last_day - candidate.first_day
    first, last = engine.window_between(first_day, last_day + span)
    start, end = day_range(first, last)
    reach = engine.relevance(candidate, the_area, the_rules)
    days = calendar.context_between(first, last)
    held = _index(_hold_rows(start, end, reach), first, last)
    loads = engine.DayLoads(candidate, the_area, the_rules)
    loads.add_index(held)
    index = engine.BookingIndex(first=first, last=last)
    if connection.vendor == "postgresql":
        one_day_ids, others = _aggregate_loads(
            loads, candidate, (first, last), reach, include_internal
        )
    else:
        dates = _overlapping(_taking_place(include_internal), start, end)
        index.extend_rows(_event_rows(dates.filter(_relevant_occurrences(reach))))
        loads.add_index(index)
        index.extend_days(held, engine.days_between(first, last))
    ranked = engine.rank(
        candidate,
        loads,
        days,
        the_area,
        the_rules,
        first_day=first_day,
        last_day=last_day,
        count=count,
        weekends_only=weekends_only,
        avoid_school_holidays=avoid_school_holidays,
    )
    if ranked and connection.vendor == "postgresql":
        # The dates and holds around the suggestions, for their sentences: those of a
        # single day by id, the others are at hand.
        around = sorted(
            {day for _weight, moved in ranked for day in engine.days_between(*engine.window(moved))}
        )
        ids = [pk for day in around for pk in one_day_ids.get(day, ())]
        if ids:
            index.extend_rows(_event_rows(Occurrence.objects.filter(pk__in=_any_of(ids))))
        for other in (*others, held):
            index.extend_days(other, around)
    suggestions = engine.suggestions_for(ranked, index, days, the_area, the_rules)
    # One query for the organisers of every suggestion's conflicts.
    conflicts = iter(_conflicts_with_details([c for s in suggestions for c in s.conflicts]))
    return [
        replace(suggestion, conflicts=[next(conflicts) for _conflict in suggestion.conflicts])
        for suggestion in suggestions
    ]


def _aggregate_loads(loads, candidate, days, reach, include_internal):
    """Fill the candidate's DayLoads from the dates of the days (first, last).

    One query scans the window once, on the dates' own columns (no join): per local
    day, the event keys each rule counts among the dates of that one day, the ids of
    those dates, and the ids of the dates of several days. Those come by id in a second
    query, the dates at the candidate's place (from the place's events) in a third.
    Returns ({day: ids of the dates of that one day}, (BookingIndex of the other two)).
    """
    zone = local_zone()
    start, end = day_range(*days)
    in_window = _overlapping(_taking_place(include_internal), start, end)
    dates = in_window.filter(_relevant_occurrences(reach, at_place=False)).annotate(
        first_day=TruncDate("start", tzinfo=zone),
        last_day=TruncDate(F("end") - INSTANT, tzinfo=zone),
    )
    one_day = Q(first_day=F("last_day"))
    counted = {ConflictKind.LARGE_SAME_WEEKEND: Q(expected_attendance__gte=reach.large_attendance)}
    if candidate.district_id is not None:
        counted[ConflictKind.SAME_DISTRICT] = Q(district_id=candidate.district_id)
    if loads.neighbours:
        counted[ConflictKind.NEIGHBOUR_DISTRICT] = Q(district_id__in=sorted(loads.neighbours))
    if reach.audience is not None:
        counted[ConflictKind.SAME_AUDIENCE] = Q(audience=reach.audience)
    kinds = list(counted)
    aggregates = {
        # Without DISTINCT (a sort per array); an event's second date of a day is rare.
        f"keys_{number}": ArrayAgg("event_id", filter=counted[kind] & one_day)
        for number, kind in enumerate(kinds)
    }
    per_day = (
        dates.values("first_day")
        .annotate(
            one_day_ids=ArrayAgg("pk", filter=one_day),
            spanning_ids=ArrayAgg("pk", filter=~one_day),
            **aggregates,
        )
        .order_by()
        .values_list("first_day", "one_day_ids", "spanning_ids", *aggregates)
    )
    one_day_ids, spanning_ids = {}, []
    for day, ids, spanning_on_day, *keys in per_day:
        one_day_ids[day] = ids or ()
        spanning_ids += spanning_on_day or ()
        for kind, event_ids in zip(kinds, keys, strict=True):
            if event_ids:
                loads.add_keys(day, kind, [f"event:{pk}" for pk in event_ids])
    spanning = _index(
        _event_rows(Occurrence.objects.filter(pk__in=_any_of(spanning_ids)))
        if spanning_ids
        else (),
        *days,
    )
    loads.add_index(spanning)
    at_place = engine.BookingIndex()
    if candidate.place_id is not None:
        at_place = _index(_event_rows(in_window.filter(event__place_id=candidate.place_id)), *days)
        # Only to tell a taken place: their keys are counted already, if they count.
        loads.add_at_place(at_place)
    return one_day_ids, (spanning, at_place)


def _index(rows, first=None, last=None):
    index = engine.BookingIndex(first=first, last=last)
    index.extend_rows(rows)
    return index
