"""The conflict engine: what competes with a planned date, and which dates compete least.

Pure: it works on plain values (the candidate, the bookings around it, the calendar
context, the districts' centres and the settings) and never touches the database;
coordination.domain feeds it. Days and weekends are local days of the town's time
zone (Europe/Berlin), so a weekend across a DST change is still Saturday and Sunday.

Rules (weights and thresholds from CoordinationSettings):

- same place at overlapping times: HARD, the date is impossible; an all-day booking
  (and every hold) occupies its whole local days;
- same district, same local day: weight_same_district, HIGH when either is large;
- neighbouring district (centres within neighbour_km), same day: weight_neighbour_district,
  MEDIUM when either is large, else LOW;
- a large event anywhere in town on the same weekend (a candidate day on Saturday or
  Sunday meets both days; a weekday meets its own day): weight_large_same_weekend,
  HIGH when the candidate is large too;
- same audience (not "everyone") on the same day anywhere: weight_same_audience, LOW;
- the candidate's days: public holiday, school holidays (MEDIUM for children, young
  people and families), bridge day.

A booking counts once per rule however many days it shares with the candidate (the
first day is reported); an event is one key however many dates it has.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import IntEnum, StrEnum
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from quartiersnetz.core.timeutil import local_zone
from quartiersnetz.events.models import Audience

ONE_DAY = dt.timedelta(days=1)
# An exclusive end at midnight belongs to the day before.
_INSTANT = dt.timedelta(microseconds=1)
# School holidays weigh more for these audiences: the families are away.
SCHOOL_AUDIENCES = frozenset({Audience.CHILDREN, Audience.YOUTH, Audience.FAMILIES})


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    HARD = 4

    @property
    def label(self):
        return {
            Severity.INFO: pgettext("conflict severity", "note"),
            Severity.LOW: pgettext("conflict severity", "low"),
            Severity.MEDIUM: pgettext("conflict severity", "medium"),
            Severity.HIGH: pgettext("conflict severity", "high"),
            Severity.HARD: pgettext("conflict severity", "impossible"),
        }[self]


class ConflictKind(StrEnum):
    SAME_PLACE = "same_place"
    SAME_DISTRICT = "same_district"
    NEIGHBOUR_DISTRICT = "neighbour_district"
    LARGE_SAME_WEEKEND = "large_same_weekend"
    SAME_AUDIENCE = "same_audience"
    PUBLIC_HOLIDAY = "public_holiday"
    SCHOOL_HOLIDAYS = "school_holidays"
    BRIDGE_DAY = "bridge_day"


class BookingKind(StrEnum):
    EVENT = "event"
    HOLD = "hold"
    MEETING = "meeting"


@dataclass(frozen=True)
class Booking:
    """Something already planned around the candidate: a date of an event, a hold, a meeting.

    key identifies what the booking belongs to ("event:12", "hold:3"); all dates of an
    event share it, so the event counts once per rule and a candidate can ignore it.
    start and end are aware; an all-day booking starts at local midnight of its first
    day and ends (exclusive) at midnight after its last day.
    """

    kind: str
    key: str
    title: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    place_id: int | None
    district_id: int | None
    audience: str
    attendance: int | None
    organization_ids: frozenset[int]
    tentative: bool
    url: str = ""


@dataclass(frozen=True)
class Candidate:
    """A planned date to check: an event being edited, a hold, or a bare date.

    ignore_keys are the candidate's own bookings ({"event:12"} while editing event 12).
    """

    start: dt.datetime
    end: dt.datetime
    all_day: bool = False
    place_id: int | None = None
    district_id: int | None = None
    audience: str = Audience.EVERYONE
    attendance: int | None = None
    organization_ids: frozenset[int] = frozenset()
    ignore_keys: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("A candidate needs aware datetimes.")
        if self.end <= self.start:
            raise ValueError("A candidate must end after it starts.")

    @property
    def first_day(self):
        return _first_day(self.start, local_zone())

    @property
    def last_day(self):
        return _last_day(self.start, self.end, local_zone())

    @property
    def days(self):
        """The local days the candidate touches, in order."""
        return _days(self.first_day, self.last_day)

    def on_day(self, day):
        """The same candidate starting on another local day, at the same local time of
        day and with the same length in local days and hours (all-day stays all-day)."""
        zone = local_zone()
        if self.all_day:
            span = (self.last_day - self.first_day).days + 1
            return replace(
                self,
                start=_local(day, dt.time(), zone),
                end=_local(day + span * ONE_DAY, dt.time(), zone),
            )
        local_start, local_end = self.start.astimezone(zone), self.end.astimezone(zone)
        offset = (local_end.date() - local_start.date()).days
        start = _local(day, local_start.time(), zone)
        end = _local(day + offset * ONE_DAY, local_end.time(), zone)
        if end.astimezone(dt.UTC) <= start.astimezone(dt.UTC):
            # Only around a DST change: keep the absolute length.
            length = self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC)
            end = (start.astimezone(dt.UTC) + length).astimezone(zone)
        return replace(self, start=start, end=end)


@dataclass(frozen=True)
class Rules:
    """The weights and thresholds of CoordinationSettings, as plain values."""

    large_attendance: int = 1000
    neighbour_km: float = 2.5
    weight_same_district: int = 30
    weight_neighbour_district: int = 15
    weight_large_same_weekend: int = 40
    weight_same_audience: int = 10
    weight_public_holiday: int = 10
    weight_school_holidays: int = 15
    weight_bridge_day: int = 5
    high_from: int = 40

    @classmethod
    def from_settings(cls, settings_row):
        return cls(
            large_attendance=settings_row.large_event_attendance,
            neighbour_km=float(settings_row.neighbour_distance_km),
            weight_same_district=settings_row.weight_same_district,
            weight_neighbour_district=settings_row.weight_neighbour_district,
            weight_large_same_weekend=settings_row.weight_large_same_weekend,
            weight_same_audience=settings_row.weight_same_audience,
            weight_public_holiday=settings_row.weight_public_holiday,
            weight_school_holidays=settings_row.weight_school_holidays,
            weight_bridge_day=settings_row.weight_bridge_day,
            high_from=settings_row.high_severity_from,
        )

    def is_large(self, attendance):
        return attendance is not None and attendance >= self.large_attendance

    def weight(self, kind):
        """The weight of a conflict of this kind. A hard conflict weighs as much as a
        serious one on its own; it makes the date impossible whatever it weighs."""
        return {
            ConflictKind.SAME_PLACE: self.high_from,
            ConflictKind.SAME_DISTRICT: self.weight_same_district,
            ConflictKind.NEIGHBOUR_DISTRICT: self.weight_neighbour_district,
            ConflictKind.LARGE_SAME_WEEKEND: self.weight_large_same_weekend,
            ConflictKind.SAME_AUDIENCE: self.weight_same_audience,
            ConflictKind.PUBLIC_HOLIDAY: self.weight_public_holiday,
            ConflictKind.SCHOOL_HOLIDAYS: self.weight_school_holidays,
            ConflictKind.BRIDGE_DAY: self.weight_bridge_day,
        }[kind]


@dataclass(frozen=True)
class Area:
    """The town's districts: names for the sentences, centres for the neighbourhood."""

    district_names: Mapping[int, str] = field(default_factory=dict)
    # {district id: (latitude, longitude)} in decimal degrees.
    district_centres: Mapping[int, tuple[float, float]] = field(default_factory=dict)

    def name(self, district_id):
        return self.district_names.get(district_id, "") if district_id is not None else ""

    def distance_km(self, first_id, second_id):
        """Great-circle distance between two districts' centres (haversine)."""
        (lat1, lon1), (lat2, lon2) = (
            self.district_centres[first_id],
            self.district_centres[second_id],
        )
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
        a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(a))

    def neighbours(self, district_id, km):
        """The other districts whose centre lies within km of this district's centre."""
        if district_id not in self.district_centres:
            return frozenset()
        return frozenset(
            other
            for other in self.district_centres
            if other != district_id and self.distance_km(district_id, other) <= km
        )


@dataclass(frozen=True)
class Conflict:
    """Why a date competes with something; day is the candidate's (first) day concerned."""

    kind: str
    severity: Severity
    weight: int
    message: str
    day: dt.date
    booking: Booking | None


@dataclass(frozen=True)
class Suggestion:
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    weight: int
    conflicts: list[Conflict]

    @property
    def first_day(self):
        return _first_day(self.start, local_zone())

    @property
    def last_day(self):
        return _last_day(self.start, self.end, local_zone())


@dataclass(frozen=True)
class Relevance:
    """Which bookings can conflict with a candidate, or with any of its moved copies:
    at its place, in its district or a neighbouring one, large, or for its audience.

    The database side selects with it; find_conflicts gives the same answer with or
    without the bookings it rules out (a tested property).
    """

    place_id: int | None
    district_ids: frozenset[int]
    large_attendance: int
    audience: str | None

    def admits(self, booking):
        return (
            (self.place_id is not None and booking.place_id == self.place_id)
            or booking.district_id in self.district_ids
            or (booking.attendance is not None and booking.attendance >= self.large_attendance)
            or (self.audience is not None and booking.audience == self.audience)
        )


def relevance(candidate, area, rules):
    district_ids = frozenset()
    if candidate.district_id is not None:
        district_ids = area.neighbours(candidate.district_id, rules.neighbour_km) | {
            candidate.district_id
        }
    return Relevance(
        place_id=candidate.place_id,
        district_ids=district_ids,
        large_attendance=rules.large_attendance,
        audience=_own_audience(candidate),
    )


def window(candidate):
    """(first, last) local days whose bookings can conflict with the candidate: its days
    and the rest of a weekend it touches."""
    return window_between(candidate.first_day, candidate.last_day)


def days_between(first, last):
    """The days from first to last (inclusive)."""
    return _days(first, last)


def window_between(first, last):
    """first to last, widened to whole weekends at both ends."""
    if first.weekday() == 6:
        first -= ONE_DAY
    if last.weekday() == 5:
        last += ONE_DAY
    return first, last


def find_conflicts(candidate, bookings, days, area, rules):
    """The conflicts of the candidate with the bookings and the calendar context.

    bookings: Booking objects in any order (or a BookingIndex); days: {date: DayContext}
    as from calendar.context_between for at least the candidate's days. Ordered by
    severity and weight (highest first), then day, booking key and kind.
    """
    scorer = _Scorer(area, rules, days)
    placed = scorer.place(candidate)
    if not isinstance(bookings, BookingIndex):
        bookings = BookingIndex(bookings, first=min(placed.weekend), last=max(placed.weekend))
    return scorer.conflicts(placed, scorer.match(placed, bookings))


def total_weight(conflicts):
    return sum(conflict.weight for conflict in conflicts)


def is_serious(conflicts, rules):
    """Saving anyway asks for a justification."""
    return any(c.severity == Severity.HARD for c in conflicts) or (
        total_weight(conflicts) >= rules.high_from
    )


def suggest(
    candidate,
    bookings,
    days,
    area,
    rules,
    *,
    first_day,
    last_day,
    count=5,
    weekends_only=False,
    avoid_school_holidays=False,
):
    """The best `count` other dates for the candidate starting from first_day to last_day.

    Each keeps the candidate's local time of day and length. Never a date with a hard
    conflict. weekends_only: starting on Saturdays, or on the candidate's own weekday
    when it already starts on a weekend day and ends that weekend (a Sunday market stays
    on Sundays, a Friday-to-Sunday festival on Fridays). avoid_school_holidays: no day in
    school holidays. Ranked by total weight, then closeness to the candidate, then date.
    The bookings (a BookingIndex or Booking objects) and days must cover first_day to
    last_day plus the candidate's length and the weekends around.

    Every date is weighed from the bookings sorted into sets by day once (DayLoads);
    only the dates returned are checked booking by booking (find_conflicts) for their
    sentences.
    """
    index = bookings if isinstance(bookings, BookingIndex) else BookingIndex(bookings)
    loads = DayLoads(candidate, area, rules)
    loads.add_index(index)
    ranked = rank(
        candidate,
        loads,
        days,
        area,
        rules,
        first_day=first_day,
        last_day=last_day,
        count=count,
        weekends_only=weekends_only,
        avoid_school_holidays=avoid_school_holidays,
    )
    return suggestions_for(ranked, index, days, area, rules)


def rank(
    candidate,
    loads,
    days,
    area,
    rules,
    *,
    first_day,
    last_day,
    count=5,
    weekends_only=False,
    avoid_school_holidays=False,
):
    """suggest() without the sentences: [(weight, the candidate moved to the date)] of
    the best `count` dates, best first, from the candidate's DayLoads."""
    if count <= 0 or last_day < first_day:
        return []
    scorer = _Scorer(area, rules, days)
    original = scorer.place(candidate)
    weekday = _suggested_weekday(original) if weekends_only else None
    options = []
    day = first_day
    while day <= last_day:
        if day != original.first and (weekday is None or day.weekday() == weekday):
            moved = candidate.on_day(day)
            placed = scorer.place(moved)
            if not (avoid_school_holidays and scorer.in_school_holidays(placed)):
                weight = loads.weight(scorer, placed)
                if weight is not None:
                    options.append((weight, abs((day - original.first).days), day, moved))
        day += ONE_DAY
    options.sort(key=lambda option: option[:3])
    return [(weight, moved) for weight, _distance, _day, moved in options[:count]]


def suggestions_for(ranked, bookings, days, area, rules):
    """The Suggestions of rank()'s dates, with their conflicts from the bookings around
    them (a BookingIndex or Booking objects)."""
    return [
        Suggestion(
            start=moved.start,
            end=moved.end,
            all_day=moved.all_day,
            weight=weight,
            conflicts=find_conflicts(moved, bookings, days, area, rules),
        )
        for weight, moved in ranked
    ]


BOOKING_FIELDS = tuple(booking_field.name for booking_field in fields(Booking))


class BookingIndex:
    """Bookings bucketed by the local days they touch, built once for many candidates.

    Only days from first to last (when given) are bucketed: a booking of many days
    then costs no more than the days asked about. extend_rows() takes plain tuples in
    the order of Booking's fields (BOOKING_FIELDS); a Booking is made of a row only when
    it turns up in a conflict, which spares the database side thousands of objects.
    """

    def __init__(self, bookings=(), *, first=None, last=None):
        self.first, self.last = first, last
        self.by_day = defaultdict(list)
        self._zone = local_zone()
        self.extend(bookings)

    def extend(self, bookings: Iterable[Booking]):
        self._add(
            _Entry(tuple(getattr(booking, name) for name in BOOKING_FIELDS), booking, self._zone)
            for booking in bookings
        )

    def extend_rows(self, rows):
        """rows: tuples of BOOKING_FIELDS in that order (url may be left out)."""
        self._add(_Entry(row, None, self._zone) for row in rows)

    def extend_days(self, other, days):
        """The bookings another index has on these days (without making them again)."""
        for day in days:
            if (
                day in other.by_day
                and (self.first is None or self.first <= day)
                and (self.last is None or day <= self.last)
            ):
                self.by_day[day].extend(other.by_day[day])

    def _add(self, entries):
        by_day, first, last = self.by_day, self.first, self.last
        for entry in entries:
            day, until = entry.first, entry.last
            if first is not None and day < first:
                day = first
            if last is not None and until > last:
                until = last
            while day <= until:
                by_day[day].append(entry)
                day += ONE_DAY


class DayLoads:
    """For ranking many dates of one candidate: per local day, the keys of the bookings
    within reach of each rule (the candidate's place, district, audience and size move
    with it to every date), and the bookings at its place, to tell a taken place. A
    date's weight is then a few set unions (weight()).

    add_index() sorts bookings in; add_keys() takes keys sorted in elsewhere (the
    database side aggregates the dates of one day that way); both skip the candidate's
    own keys.
    """

    # The rules that count other bookings' keys (the large ones over the weekend).
    KEYED_KINDS = (
        ConflictKind.SAME_DISTRICT,
        ConflictKind.NEIGHBOUR_DISTRICT,
        ConflictKind.SAME_AUDIENCE,
        ConflictKind.LARGE_SAME_WEEKEND,
    )

    def __init__(self, candidate, area, rules):
        self.candidate, self.rules = candidate, rules
        self.reach = relevance(candidate, area, rules)
        self.neighbours = self.reach.district_ids - {candidate.district_id}
        self.keys = {kind: defaultdict(set) for kind in self.KEYED_KINDS}
        self.at_place = defaultdict(list)

    def add_keys(self, day, kind, keys):
        self.keys[kind][day].update(keys)
        self.keys[kind][day] -= self.candidate.ignore_keys

    def add_at_place(self, index):
        """A BookingIndex of bookings at the candidate's place whose keys were added with
        add_keys: they only tell whether the place is taken."""
        ignore = self.candidate.ignore_keys
        for day, entries in index.by_day.items():
            self.at_place[day].extend(entry for entry in entries if entry.key not in ignore)

    def add_index(self, index):
        """Sort the bookings of a BookingIndex in, the way find_conflicts matches them."""
        candidate = self.candidate
        place_id, district_id = candidate.place_id, candidate.district_id
        neighbours, audience = self.neighbours, self.reach.audience
        ignore, large_from = candidate.ignore_keys, self.rules.large_attendance
        district_keys = self.keys[ConflictKind.SAME_DISTRICT]
        neighbour_keys = self.keys[ConflictKind.NEIGHBOUR_DISTRICT]
        audience_keys = self.keys[ConflictKind.SAME_AUDIENCE]
        large_keys = self.keys[ConflictKind.LARGE_SAME_WEEKEND]
        for day, entries in index.by_day.items():
            for entry in entries:
                key = entry.key
                if key in ignore:
                    continue
                if place_id is not None and entry.place_id == place_id:
                    self.at_place[day].append(entry)
                if district_id is not None and entry.district_id == district_id:
                    district_keys[day].add(key)
                elif entry.district_id in neighbours:
                    neighbour_keys[day].add(key)
                if audience is not None and entry.audience == audience:
                    audience_keys[day].add(key)
                if entry.attendance is not None and entry.attendance >= large_from:
                    large_keys[day].add(key)

    def weight(self, scorer, placed):
        """The total weight of a placed date, or None when its place is taken."""
        start, end = placed.occupied_start, placed.occupied_end
        for day in placed.days:
            for entry in self.at_place.get(day, ()):
                if entry.occupied_start < end and start < entry.occupied_end:
                    return None
        weights, keys = scorer.weights, self.keys
        total = sum(weights[kind] for kind, _day, _name in scorer.calendar(placed))
        for kind in self.KEYED_KINDS:
            days = placed.weekend if kind == ConflictKind.LARGE_SAME_WEEKEND else placed.days
            total += weights[kind] * _union_size(keys[kind], days)
        return total


def _union_size(sets_by_day, days):
    found = [sets_by_day[day] for day in days if sets_by_day.get(day)]
    if len(found) == 1:
        return len(found[0])
    return len(set().union(*found))


# Internals.


class _Entry:
    """A booking with what every check reads, computed once: its local days and the time
    it occupies its place (whole local days when all-day), in UTC."""

    __slots__ = (
        "_booking",
        "attendance",
        "audience",
        "district_id",
        "first",
        "key",
        "last",
        "occupied_end",
        "occupied_start",
        "place_id",
        "row",
        "title",
    )

    def __init__(self, row, booking, zone):
        self.row, self._booking = row, booking
        (
            _kind,
            self.key,
            self.title,
            start,
            end,
            all_day,
            self.place_id,
            self.district_id,
            self.audience,
            self.attendance,
        ) = row[:10]
        # The hot path of suggestions (thousands of dates): as few conversions as can be.
        if all_day and start.tzinfo is zone and end.tzinfo is zone:
            # Local times already (holds): no conversion (the arithmetic is wall-clock).
            first, last = start.date(), (end - _INSTANT).date()
        else:
            first = start.astimezone(zone).date()
            last = (end - _INSTANT).astimezone(zone).date() if end > start else first
        self.first, self.last = first, max(first, last)
        if all_day:
            start, end = _occupied(start, end, True, first, self.last, zone)
        else:
            if start.tzinfo is not dt.UTC:
                start = start.astimezone(dt.UTC)
            if end.tzinfo is not dt.UTC:
                end = end.astimezone(dt.UTC)
        self.occupied_start, self.occupied_end = start, end

    @property
    def booking(self):
        if self._booking is None:
            self._booking = Booking(*self.row)
        return self._booking

    def order(self):
        """Which of several dates of one key is reported: the earliest."""
        return (self.occupied_start, self.occupied_end, self.title, self.district_id or 0)


class _Placed:
    """A candidate with its local days, occupied time and weekend."""

    __slots__ = (
        "audience",
        "candidate",
        "day_set",
        "days",
        "first",
        "large",
        "last",
        "occupied_end",
        "occupied_start",
        "weekend",
    )


class _Matches:
    """Which bookings conflict with a placed candidate, before any sentence is written."""

    __slots__ = ("calendar", "found", "hard", "weight")

    def __init__(self):
        # {(kind, key): (the candidate's day, the entry reported)}
        self.found = {}
        # [(kind, day, name)]
        self.calendar = []
        self.hard = False
        self.weight = 0


class _Texts:
    """The sentences' parts in the active language, translated once per check."""

    def __init__(self, area):
        self.names = dict(area.district_names)
        self.kinds = {
            ConflictKind.SAME_PLACE: _("Same place at the same time: %(booking)s"),
            ConflictKind.SAME_DISTRICT: _("Same day in the same district: %(booking)s"),
            ConflictKind.NEIGHBOUR_DISTRICT: _("Same day in a neighbouring district: %(booking)s"),
            ConflictKind.LARGE_SAME_WEEKEND: _("Same weekend: %(booking)s"),
            ConflictKind.SAME_AUDIENCE: _("Same day, same audience (%(audience)s): %(booking)s"),
            ConflictKind.PUBLIC_HOLIDAY: _("Public holiday: %(name)s"),
            ConflictKind.SCHOOL_HOLIDAYS: _("School holidays: %(name)s"),
            ConflictKind.BRIDGE_DAY: _("Bridge day: many people take the day off"),
        }
        self.large_on_weekday = _("Large event on the same day: %(booking)s")
        # Translators: a date held (vorgemerkt) for a planned event that is not an event yet.
        self.held = pgettext("date hold", "%(title)s (held)")
        self.with_district_and_visitors = _("%(title)s in %(district)s, %(visitors)s")
        self.with_district = _("%(title)s in %(district)s")
        self.with_visitors = _("%(title)s, %(visitors)s")
        self.audiences = {value: str(label) for value, label in Audience.choices}
        self._visitors = {}

    def visitors(self, attendance):
        if attendance not in self._visitors:
            self._visitors[attendance] = ngettext(
                "about %(count)s visitor", "about %(count)s visitors", attendance
            ) % {"count": number_format(attendance, force_grouping=True)}
        return self._visitors[attendance]

    def booking(self, booking):
        title = booking.title
        if booking.tentative:
            title = self.held % {"title": title}
        district = self.names.get(booking.district_id, "")
        visitors = self.visitors(booking.attendance) if booking.attendance else ""
        if district and visitors:
            return self.with_district_and_visitors % {
                "title": title,
                "district": district,
                "visitors": visitors,
            }
        if district:
            return self.with_district % {"title": title, "district": district}
        if visitors:
            return self.with_visitors % {"title": title, "visitors": visitors}
        return title

    def conflict(self, kind, booking, day):
        if kind == ConflictKind.LARGE_SAME_WEEKEND and day.weekday() < 5:
            template = self.large_on_weekday
        else:
            template = self.kinds[kind]
        values = {"booking": self.booking(booking)}
        if kind == ConflictKind.SAME_AUDIENCE:
            values["audience"] = self.audiences.get(booking.audience, booking.audience)
        return template % values

    def calendar(self, kind, name):
        if kind == ConflictKind.BRIDGE_DAY:
            return self.kinds[kind]
        return self.kinds[kind] % {"name": name}


class _Scorer:
    def __init__(self, area, rules, days):
        self.area, self.rules, self.days = area, rules, days
        self.zone = local_zone()
        self.weights = {kind: rules.weight(kind) for kind in ConflictKind}
        self._neighbours = {}
        self._texts = None

    @property
    def texts(self):
        if self._texts is None:
            self._texts = _Texts(self.area)
        return self._texts

    def neighbours(self, district_id):
        if district_id not in self._neighbours:
            self._neighbours[district_id] = self.area.neighbours(
                district_id, self.rules.neighbour_km
            )
        return self._neighbours[district_id]

    def place(self, candidate):
        zone = self.zone
        placed = _Placed()
        placed.candidate = candidate
        placed.first = _first_day(candidate.start, zone)
        placed.last = max(placed.first, _last_day(candidate.start, candidate.end, zone))
        placed.days = _days(placed.first, placed.last)
        placed.day_set = frozenset(placed.days)
        placed.occupied_start, placed.occupied_end = _occupied(
            candidate.start, candidate.end, candidate.all_day, placed.first, placed.last, zone
        )
        placed.large = self.rules.is_large(candidate.attendance)
        placed.audience = _own_audience(candidate)
        # {day a large booking can be on: the candidate's day it is reported on}
        weekend = {day: day for day in placed.days}
        for day in placed.days:
            if day.weekday() >= 5:
                saturday = day - dt.timedelta(days=day.weekday() - 5)
                for other in (saturday, saturday + ONE_DAY):
                    weekend.setdefault(other, day)
        placed.weekend = weekend
        return placed

    def in_school_holidays(self, placed):
        return any(
            (context := self.days.get(day)) is not None and context.school_holidays
            for day in placed.days
        )

    def match(self, placed, index):
        candidate, weights = placed.candidate, self.weights
        large_from = self.rules.large_attendance
        matches = _Matches()
        found = matches.found
        ignore = candidate.ignore_keys
        place_id, district_id = candidate.place_id, candidate.district_id
        neighbours = self.neighbours(district_id) if district_id is not None else frozenset()
        audience, day_set, weekend = placed.audience, placed.day_set, placed.weekend
        occupied_start, occupied_end = placed.occupied_start, placed.occupied_end

        def record(kind, key, day, entry):
            current = found.get((kind, key))
            if current is None or (day, entry.order()) < (current[0], current[1].order()):
                found[(kind, key)] = (day, entry)

        for day in sorted(weekend):
            for entry in index.by_day.get(day, ()):
                key = entry.key
                if key in ignore:
                    continue
                if day in day_set:
                    if (
                        place_id is not None
                        and entry.place_id == place_id
                        and entry.occupied_start < occupied_end
                        and occupied_start < entry.occupied_end
                    ):
                        record(ConflictKind.SAME_PLACE, key, day, entry)
                    elif district_id is not None and entry.district_id == district_id:
                        record(ConflictKind.SAME_DISTRICT, key, day, entry)
                    elif entry.district_id in neighbours:
                        record(ConflictKind.NEIGHBOUR_DISTRICT, key, day, entry)
                    if audience is not None and entry.audience == audience:
                        record(ConflictKind.SAME_AUDIENCE, key, day, entry)
                if entry.attendance is not None and entry.attendance >= large_from:
                    record(ConflictKind.LARGE_SAME_WEEKEND, key, weekend[day], entry)

        # The same place says more than the same district (on another of its days).
        for kind, key in list(found):
            if kind == ConflictKind.SAME_PLACE:
                matches.hard = True
                found.pop((ConflictKind.SAME_DISTRICT, key), None)
        matches.calendar = self.calendar(placed)
        matches.weight = sum(weights[kind] for kind, _key in found) + sum(
            weights[kind] for kind, _day, _name in matches.calendar
        )
        return matches

    def calendar(self, placed):
        """(kind, day, name) of the candidate's special days; each holiday (and the
        bridge day) once."""
        found, seen = [], set()
        for day in placed.days:
            context = self.days.get(day)
            if context is None:
                continue
            for kind, name in (
                (ConflictKind.PUBLIC_HOLIDAY, context.public_holiday),
                (ConflictKind.SCHOOL_HOLIDAYS, context.school_holidays),
                (ConflictKind.BRIDGE_DAY, "bridge" if context.bridge_day else ""),
            ):
                if name and (kind, name) not in seen:
                    seen.add((kind, name))
                    found.append((kind, day, name))
        return found

    def conflicts(self, placed, matches):
        weights, texts = self.weights, self.texts
        conflicts = []
        for (kind, _key), (day, entry) in matches.found.items():
            booking = entry.booking
            severity = self._severity(kind, placed, entry)
            message = texts.conflict(kind, booking, day)
            conflicts.append(Conflict(kind, severity, weights[kind], message, day, booking))
        for kind, day, name in matches.calendar:
            severity = Severity.LOW
            if (
                kind == ConflictKind.SCHOOL_HOLIDAYS
                and placed.candidate.audience in SCHOOL_AUDIENCES
            ):
                severity = Severity.MEDIUM
            conflicts.append(
                Conflict(
                    kind=kind,
                    severity=severity,
                    weight=weights[kind],
                    message=texts.calendar(kind, name),
                    day=day,
                    booking=None,
                )
            )
        conflicts.sort(key=_conflict_order)
        return conflicts

    def _severity(self, kind, placed, entry):
        either_large = placed.large or self.rules.is_large(entry.attendance)
        if kind == ConflictKind.SAME_PLACE:
            return Severity.HARD
        if kind == ConflictKind.SAME_DISTRICT:
            return Severity.HIGH if either_large else Severity.MEDIUM
        if kind == ConflictKind.NEIGHBOUR_DISTRICT:
            return Severity.MEDIUM if either_large else Severity.LOW
        if kind == ConflictKind.LARGE_SAME_WEEKEND:
            return Severity.HIGH if placed.large else Severity.MEDIUM
        return Severity.LOW


def _conflict_order(conflict):
    key = conflict.booking.key if conflict.booking else ""
    return (
        -conflict.severity,
        -conflict.weight,
        conflict.day,
        key,
        conflict.kind,
        conflict.message,
    )


def describe_booking(booking, area):
    """The other booking in a few words: "Altstadtfest in Hattingen-Mitte, about 5,000 visitors"."""
    return _Texts(area).booking(booking)


def _own_audience(candidate):
    """The audience that competes for the same people (everyone competes with nobody)."""
    return None if candidate.audience == Audience.EVERYONE else candidate.audience


def _suggested_weekday(placed):
    first = placed.first
    stays_on_weekend = placed.last <= first + dt.timedelta(days=6 - first.weekday())
    touches_weekend = any(day.weekday() >= 5 for day in placed.days)
    if touches_weekend and stays_on_weekend and first.weekday() in (4, 5, 6):
        return first.weekday()
    return 5


def _first_day(start, zone):
    return start.astimezone(zone).date()


def _last_day(start, end, zone):
    end = end.astimezone(dt.UTC)
    return (max(end, start.astimezone(dt.UTC) + _INSTANT) - _INSTANT).astimezone(zone).date()


def _days(first, last):
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def _occupied(start, end, all_day, first, last, zone):
    """[start, end) in UTC during which a booking takes its place: whole local days when
    all-day. In UTC, because Python compares datetimes of one time zone by wall clock,
    which is ambiguous in the hour the clocks go back."""
    if all_day:
        return _midnight_utc(first, zone), _midnight_utc(last + ONE_DAY, zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@lru_cache(maxsize=4096)
def _midnight_utc(day, zone):
    """The start of a local day, in UTC (asked for thousands of all-day holds)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def _local(day, time, zone):
    """The aware local datetime of day at time (a time skipped by DST moves on)."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
