"""The umbrella round's year board: how busy each weekend is in each district.

A weekend is Saturday and Sunday (local days). What lies on it:

- dates of listed events that take place (published or postponed, the date not
  cancelled) and that the calendar lists on the Saturday or the Sunday: a date
  counts on the day it starts, a date of more than a day on every day it covers
  (the month view's rule, events.domain.dates_by_day);
- active date holds (not expired, not yet an event) with a day on the weekend;
  holds for organisers only are counted for those who may see them (the
  coordination.view_holds permission: people who act for an organisation, editors).

Each entry weighs by its expected size (size_weight); a cell's load is the sum.
The board costs a constant number of queries: one aggregate of the weekend dates
(GROUP BY local day and district, weighted in SQL) and one for the few
dates of several days, both cached under the calendar revision (date_loads); one
for the holds, always live; one for the districts.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import ExtractIsoWeekDay, TruncDate
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext, pgettext_lazy

from quartiersnetz.coordination import calendar
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.models import District, Revision
from quartiersnetz.core.timeutil import day_range, local_zone, localize
from quartiersnetz.events import domain
from quartiersnetz.events.models import Occurrence, Status, Visibility

# A board shows this many weekends unless it shows a calendar year (52 or 53).
BOARD_WEEKENDS = 52
# A cell's list shows at most this many dates (a cell of the benchmark has ~50).
CELL_MAX_DATES = 300
# The events' part of a board is cached this long (and until the calendar changes).
DATES_CACHE_SECONDS = 6 * 3600

# Expected attendance from which an entry weighs 2; 3 from the settings' large event,
# 4 from VERY_LARGE_FACTOR times that.
MEDIUM_ATTENDANCE = 200
VERY_LARGE_FACTOR = 5

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 6  # ISO weekday


# --- Weights and load ----------------------------------------------------------------


def size_thresholds(large_from):
    """The attendances at which an entry's weight rises by one, in ascending order."""
    return sorted([MEDIUM_ATTENDANCE, large_from, large_from * VERY_LARGE_FACTOR])


def size_weight(attendance, large_from):
    """How much one event date or hold weighs on its weekend, by its expected attendance.

    1 when small or unknown, 2 from 200 visitors, 3 from large_from (the coordination
    settings' "large event", 1,000 by default) and 4 from five times that (5,000).
    size_weight_expression computes the same in SQL.
    """
    if attendance is None:
        return 1
    return 1 + sum(attendance >= threshold for threshold in size_thresholds(large_from))


def size_weight_expression(field_name, large_from):
    """size_weight of the attendance in field_name, as an SQL expression (NULL weighs 1)."""
    thresholds = size_thresholds(large_from)
    return Case(
        *[
            When(**{f"{field_name}__gte": threshold}, then=Value(2 + index))
            for index, threshold in reversed(list(enumerate(thresholds)))
        ],
        default=Value(1),
    )


# (lowest load, class) in ascending order; the class names are CSS classes too.
LOAD_CLASSES = [(0, "none"), (1, "low"), (4, "medium"), (8, "high")]
LOAD_LABELS = {
    # Translators: load of a weekend on the year board.
    "none": pgettext_lazy("load", "free"),
    "low": pgettext_lazy("load", "low"),
    "medium": pgettext_lazy("load", "medium"),
    "high": pgettext_lazy("load", "high"),
}


def load_class(load):
    """none, low, medium or high for a cell's summed weight."""
    found = LOAD_CLASSES[0][1]
    for lowest, name in LOAD_CLASSES:
        if load >= lowest:
            found = name
    return found


# --- What the board shows --------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilter:
    """Who looks and what they filter on; the cells, lists and exports all respect it."""

    categories: tuple = ()
    audience: str = ""
    organiser_holds: bool = False

    @classmethod
    def for_viewer(cls, user, categories=(), audience=""):
        # People who act for an organisation, and editors, see holds for organisers only.
        organiser_holds = user.has_perm("coordination.view_holds")
        return cls(tuple(categories), audience or "", organiser_holds)


@dataclass
class Cell:
    saturday: dt.date
    district: District | None  # None: the whole town / dates without a district
    events: int = 0
    holds: int = 0
    load: int = 0

    @property
    def load_class(self):
        return load_class(self.load)

    @property
    def load_label(self):
        return LOAD_LABELS[self.load_class]

    @property
    def is_empty(self):
        return not (self.events or self.holds)

    @property
    def district_slug(self):
        return self.district.slug if self.district else ""

    @property
    def counts_text(self):
        """For example "2 events, 1 date hold"."""
        parts = []
        if self.events:
            parts.append(
                npgettext("calendar entry", "%(count)s event", "%(count)s events", self.events)
                % {"count": self.events}
            )
        if self.holds:
            parts.append(
                # Translators: a date hold (Terminvormerkung, "Vormerkung").
                ngettext("%(count)s date hold", "%(count)s date holds", self.holds)
                % {"count": self.holds}
            )
        return ", ".join(parts)


@dataclass
class Note:
    """What makes a weekend special: kind is holiday, school or bridge (a CSS class too)."""

    kind: str
    text: str


@dataclass
class Row:
    saturday: dt.date
    notes: list = field(default_factory=list)
    cells: list = field(default_factory=list)

    @property
    def sunday(self):
        return self.saturday + ONE_DAY

    @property
    def iso(self):
        return self.saturday.isoformat()


@dataclass
class Board:
    saturdays: list
    districts: list
    rows: list
    large_from: int

    @property
    def first_day(self):
        return self.saturdays[0]

    @property
    def last_day(self):
        return self.saturdays[-1] + ONE_DAY

    @property
    def weights(self):
        """(attendance from, weight) for the legend."""
        return [(threshold, 2 + index) for index, threshold in enumerate(self.thresholds)]

    @property
    def thresholds(self):
        return size_thresholds(self.large_from)


def saturday_of(day):
    """The Saturday of the weekend that contains day, or of the next weekend."""
    if day.weekday() == 6:
        return day - ONE_DAY
    return day + dt.timedelta(days=5 - day.weekday())


def saturdays_from(first, count=BOARD_WEEKENDS):
    first = saturday_of(first)
    return [first + dt.timedelta(weeks=week) for week in range(count)]


def saturdays_of_year(year):
    """Every weekend whose Saturday lies in the year (52 or 53)."""
    day = saturday_of(dt.date(year, 1, 1))
    saturdays = []
    while day.year == year:
        saturdays.append(day)
        day += dt.timedelta(weeks=1)
    return saturdays


def weekend_notes(saturday):
    """Public holidays and bridge days from Friday to Monday, and school holidays."""
    friday, monday = saturday - ONE_DAY, saturday + 2 * ONE_DAY
    return notes_from_context(saturday, calendar.context_between(friday, monday))


def notes_from_context(saturday, context):
    friday, sunday, monday = saturday - ONE_DAY, saturday + ONE_DAY, saturday + 2 * ONE_DAY
    notes = []
    school = next(
        (context[day].school_holidays for day in (saturday, sunday) if day in context), ""
    )
    if school:
        notes.append(Note("school", school))
    elif monday in context and context[monday].school_holidays:
        notes.append(
            Note("school", _("%(name)s from Monday") % {"name": context[monday].school_holidays})
        )
    for day in (friday, saturday, sunday, monday):
        day_context = context.get(day)
        if day_context is None:
            continue
        weekday = dateformat.format(day, "l")
        if day_context.public_holiday:
            notes.append(
                Note(
                    "holiday",
                    _("%(weekday)s: %(name)s")
                    % {"weekday": weekday, "name": day_context.public_holiday},
                )
            )
        if day_context.bridge_day:
            notes.append(Note("bridge", _("%(weekday)s: bridge day") % {"weekday": weekday}))
    return notes


# --- Queries ----------------------------------------------------------------------------

# A date's expected attendance and audience, copied from its event onto the occurrence:
# the board's aggregate then reads the occurrence_board index alone, without a join.
ATTENDANCE = "expected_attendance"
AUDIENCE = "audience"


def board_occurrences(board_filter):
    """Listed dates that take place, filtered; cancelled events and dates do not count."""
    occurrences = Occurrence.objects.filter(
        status__in=[Status.PUBLISHED, Status.POSTPONED],
        visibility=Visibility.PUBLIC,
        cancelled=False,
    )
    if board_filter.categories:
        occurrences = domain.with_categories(occurrences, board_filter.categories)
    if board_filter.audience:
        occurrences = occurrences.filter(**{AUDIENCE: board_filter.audience})
    return occurrences


def active_holds(board_filter, today):
    """Holds that still stand and that the viewer may see, filtered."""
    holds = DateHold.objects.filter(event__isnull=True, expires_on__gte=today)
    if not board_filter.organiser_holds:
        holds = holds.filter(visibility=DateHold.Visibility.PUBLIC)
    if board_filter.categories:
        holds = holds.filter(
            Exists(
                DateHold.categories.through.objects.filter(
                    datehold_id=OuterRef("pk"),
                    category_id__in=[category.pk for category in board_filter.categories],
                )
            )
        )
    if board_filter.audience:
        holds = holds.filter(audience=board_filter.audience)
    return holds


def holds_between(board_filter, today, first, last):
    """Active holds with a day from first to last."""
    return active_holds(board_filter, today).filter(first_day__lte=last, last_day__gte=first)


def _short(queryset):
    return queryset.filter(end__lte=F("start") + ONE_DAY)


def _long(queryset):
    """Dates of more than a day (few): the calendar lists them on every day they cover."""
    return queryset.filter(end__gt=F("start") + ONE_DAY)


def weekend_starts(occurrences, saturdays):
    """Dates of at most a day whose local start is on a Saturday or Sunday of the weekends."""
    start, end = day_range(saturdays[0], saturdays[-1] + ONE_DAY)
    return (
        _short(occurrences.filter(start__gte=start, start__lt=end))
        .annotate(local_weekday=ExtractIsoWeekDay("start", tzinfo=local_zone()))
        .filter(local_weekday__gte=SATURDAY)
    )


def weekend_loads(occurrences, saturdays, large_from):
    """Dates of at most a day that start on a Saturday or Sunday of the weekends,
    counted and weighed by local day and district: one aggregate query.

    One range scan over the weekends' span filtered on the local weekday; a UNION
    ALL of a range scan per weekend reads fewer rows but costs more to compile (52
    querysets) than it saves (measured on the bench data, tests/bench/board.py).
    """
    weight = size_weight_expression(ATTENDANCE, large_from)
    return (
        weekend_starts(occurrences, saturdays)
        .annotate(day=TruncDate("start", tzinfo=local_zone()))
        .values("day", "district_id")
        # COUNT(*): counting "id" would keep PostgreSQL from an index-only scan.
        .annotate(count=Count("*"), load=Sum(weight))
        .order_by()
    )


def long_dates(occurrences, saturdays):
    """Dates of more than a day that overlap the weekends' span (some only weekdays)."""
    start, end = day_range(saturdays[0], saturdays[-1] + ONE_DAY)
    return _long(domain.occurrences_between(occurrences, start, end)).order_by()


def weekends_of_date(start, end, saturdays):
    """The Saturdays (of those given) whose weekend lists the date start..end."""
    first = localize(start).date()
    last = localize(end - dt.timedelta(microseconds=1)).date() if end - start > ONE_DAY else first
    return _weekends_touching(first, last, saturdays)


def weekends_of_hold(first_day, last_day, saturdays):
    return _weekends_touching(first_day, last_day, saturdays)


def _weekends_touching(first, last, saturdays):
    """The Saturdays of those given (consecutive weeks) whose Saturday or Sunday lies
    from first to last."""
    # Saturdays from the one of the weekend that holds first (or the next one) to last.
    saturday = saturday_of(first)
    found = []
    while saturday <= last:
        index = (saturday - saturdays[0]).days // 7
        if 0 <= index < len(saturdays):
            found.append(saturday)
        saturday += dt.timedelta(weeks=1)
    return found


def date_loads(board_filter, saturdays, large_from):
    """[(saturday, district id or None, count, load)] of the events' dates on the weekends.

    Two queries (the weekend dates aggregated, the dates of several days), cached
    under the calendar revision, which every change to what the calendar shows raises
    (events.signals); a cached board then costs one indexed read.
    """
    revision = Revision.current(domain.CALENDAR_REVISION)
    key = "|".join(
        [
            str(revision.value),
            revision.changed_at.isoformat(),
            saturdays[0].isoformat(),
            str(len(saturdays)),
            str(large_from),
            ",".join(str(pk) for pk in sorted(category.pk for category in board_filter.categories)),
            board_filter.audience,
        ]
    )
    cache_key = "year-board-dates:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    found = cache.get(cache_key)
    if found is None:
        found = _date_loads(board_filter, saturdays, large_from)
        cache.set(cache_key, found, timeout=DATES_CACHE_SECONDS)
    return found


def _date_loads(board_filter, saturdays, large_from):
    totals = defaultdict(lambda: [0, 0])
    occurrences = board_occurrences(board_filter)
    for row in weekend_loads(occurrences, saturdays, large_from):
        total = totals[saturday_of(row["day"]), row["district_id"]]
        total[0] += row["count"]
        total[1] += row["load"]
    for start, end, district_id, attendance in long_dates(occurrences, saturdays).values_list(
        "start", "end", "district_id", ATTENDANCE
    ):
        for saturday in weekends_of_date(start, end, saturdays):
            total = totals[saturday, district_id]
            total[0] += 1
            total[1] += size_weight(attendance, large_from)
    return [(saturday, district_id, *total) for (saturday, district_id), total in totals.items()]


def year_board(saturdays, board_filter, today, large_from):
    """The Board of the weekends of saturdays: a row per weekend, a cell per district
    and one for the whole town (dates without a district)."""
    districts = list(District.objects.all())
    known = {district.pk for district in districts}
    events, holds, loads = defaultdict(int), defaultdict(int), defaultdict(int)

    for saturday, district_id, count, load in date_loads(board_filter, saturdays, large_from):
        key = (saturday, _column(district_id, known))
        events[key] += count
        loads[key] += load

    first, last = saturdays[0], saturdays[-1] + ONE_DAY
    for first_day, last_day, district_id, attendance in holds_between(
        board_filter, today, first, last
    ).values_list("first_day", "last_day", "district_id", "expected_attendance"):
        for saturday in weekends_of_hold(first_day, last_day, saturdays):
            key = (saturday, _column(district_id, known))
            holds[key] += 1
            loads[key] += size_weight(attendance, large_from)

    context = calendar.context_between(first - ONE_DAY, last + ONE_DAY)
    columns = [*districts, None]
    rows = []
    for saturday in saturdays:
        cells = []
        for district in columns:
            key = (saturday, district.pk if district else None)
            cells.append(Cell(saturday, district, events[key], holds[key], loads[key]))
        rows.append(Row(saturday, notes_from_context(saturday, context), cells))
    return Board(saturdays, districts, rows, large_from)


def _column(district_id, known):
    """The board's column of a district id: None (the whole town) when unknown."""
    return district_id if district_id in known else None


# --- One cell ------------------------------------------------------------------------------


def cell_occurrences(board_filter, saturday, district):
    """The dates of one cell in start order, with their events' details."""
    start, end = day_range(saturday, saturday + ONE_DAY)
    occurrences = domain.occurrences_between(board_occurrences(board_filter), start, end).filter(
        Q(start__gte=start, end__lte=F("start") + ONE_DAY) | Q(end__gt=F("start") + ONE_DAY)
    )
    if district is None:
        occurrences = occurrences.filter(district__isnull=True)
    else:
        occurrences = occurrences.filter(district=district)
    return domain.with_event_details(occurrences).order_by("start", "pk")


def cell_holds(board_filter, today, saturday, district):
    holds = holds_between(board_filter, today, saturday, saturday + ONE_DAY)
    if district is None:
        # Every hold has a district; the whole town's column has none.
        return holds.none()
    return (
        holds.filter(district=district)
        .select_related("organization", "district", "place")
        .order_by("first_day", "pk")
    )


@dataclass
class CellList:
    """What one cell of the board holds: its dates and holds, each with its weight."""

    saturday: dt.date
    district: District | None
    dates: list  # [(occurrence, weight)] in start order
    holds: list  # [(hold, weight)]
    truncated: bool

    @property
    def load(self):
        return sum(weight for _date, weight in self.dates) + sum(w for _h, w in self.holds)

    @property
    def load_class(self):
        return load_class(self.load)

    @property
    def load_label(self):
        return LOAD_LABELS[self.load_class]


def cell_list(board_filter, today, saturday, district, large_from):
    """The entries of one cell (at most CELL_MAX_DATES dates), as the board counts them."""
    dates = list(cell_occurrences(board_filter, saturday, district)[: CELL_MAX_DATES + 1])
    holds = cell_holds(board_filter, today, saturday, district)
    return CellList(
        saturday,
        district,
        [(date, size_weight(date.event.expected_attendance, large_from)) for date in dates][
            :CELL_MAX_DATES
        ],
        [(hold, size_weight(hold.expected_attendance, large_from)) for hold in holds],
        truncated=len(dates) > CELL_MAX_DATES,
    )


# --- The ICS export ---------------------------------------------------------------------------


def large_weekend_occurrences(board_filter, saturdays, large_from):
    """The large events' dates on the weekends (for the ICS export), in start order."""
    occurrences = board_occurrences(board_filter).filter(**{f"{ATTENDANCE}__gte": large_from})
    dates = list(domain.with_event_details(weekend_starts(occurrences, saturdays))) + [
        occurrence
        for occurrence in domain.with_event_details(long_dates(occurrences, saturdays))
        if weekends_of_date(occurrence.start, occurrence.end, saturdays)
    ]
    return sorted(dates, key=lambda occurrence: (occurrence.start, occurrence.pk))


def weekend_holds(board_filter, today, saturdays):
    """The active holds the viewer may see that lie on one of the weekends."""
    holds = holds_between(board_filter, today, saturdays[0], saturdays[-1] + ONE_DAY)
    holds = holds.select_related("organization", "district", "place").prefetch_related("categories")
    return [
        hold
        for hold in holds.order_by("first_day", "pk")
        if weekends_of_hold(hold.first_day, hold.last_day, saturdays)
    ]
