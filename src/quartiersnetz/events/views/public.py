"""Public calendar pages: start page, agenda, month and week, event, districts, organisations.

Every list is a range query on occurrences with a constant number of queries,
paginated with LIMIT/OFFSET (one row more than a page tells whether there is
a next one; a COUNT over the whole future calendar would be too slow).
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today, localize, week_of, weekend_of
from quartiersnetz.events import domain, feeds, jsonld
from quartiersnetz.events.filters import CalendarFilterForm
from quartiersnetz.events.models import Event, Status
from quartiersnetz.organizations.domain import own_membership
from quartiersnetz.organizations.models import Organization

# How many dates a month cell shows before "+N more".
MONTH_CELL_ENTRIES = 4
# A week with more dates than this asks for a narrower filter instead.
WEEK_MAX_ENTRIES = 500
HOME_LIST_ENTRIES = 10
HOME_HIGHLIGHTS = 6
EVENT_NEXT_DATES = 10
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class InvalidParameter(Exception):
    """A query-string parameter outside the filter form is malformed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Parsing the query string -------------------------------------------------------


def whole_number(raw, max_digits):
    """A non-negative integer of at most max_digits ASCII digits, else None.

    The length limit comes first: int() of thousands of digits raises, and ids
    beyond 64 bits overflow the database driver.
    """
    if raw.isascii() and raw.isdigit() and len(raw) <= max_digits:
        return int(raw)
    return None


def parse_page(request):
    raw = request.GET.get("page", "").strip()
    if not raw:
        return 1
    number = whole_number(raw, max_digits=6)
    if number is not None and 1 <= number <= settings.EVENTS_MAX_PAGE:
        return number
    raise InvalidParameter(
        _("The page number must be a whole number from 1 to %(last)s.")
        % {"last": settings.EVENTS_MAX_PAGE}
    )


def parse_month(raw, today):
    """The first day of ?month=YYYY-MM (the current month when absent)."""
    if not raw:
        return today.replace(day=1)
    match = _MONTH.fullmatch(raw.strip())
    if match:
        year, month = (int(part) for part in match.groups())
        if EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise InvalidParameter(
        _("Enter the month as year and month, for example %(example)s.")
        % {"example": today.strftime("%Y-%m")}
    )


def parse_day(raw, today):
    """A day given as YYYY-MM-DD (today when absent)."""
    if not raw:
        return today
    match = _DAY.fullmatch(raw.strip())
    if match:
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            day = None
        if day and EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return day
    raise InvalidParameter(
        _("Enter a date as year, month and day, for example %(example)s.")
        % {"example": today.isoformat()}
    )


# --- Building lists ------------------------------------------------------------------


def last_day_of(occurrence):
    """The local day an occurrence ends on (its end is exclusive)."""
    return localize(occurrence.end - dt.timedelta(microseconds=1)).date()


@dataclass
class Entry:
    """A date as listed under one day (a date of several days is listed under each)."""

    occurrence: object
    day: dt.date

    @cached_property
    def first_day(self):
        return localize(self.occurrence.start).date()

    @cached_property
    def last_day(self):
        return last_day_of(self.occurrence)

    @property
    def starts_on_day(self):
        return self.first_day == self.day

    @property
    def ends_on_day(self):
        return self.last_day == self.day

    @property
    def is_moved(self):
        return self.occurrence.moved or self.occurrence.event.status == Status.POSTPONED

    @property
    def url(self):
        return f"{self.occurrence.event.get_absolute_url()}?occurrence={self.occurrence.pk}"


@dataclass
class Day:
    date: dt.date
    entries: list = field(default_factory=list)


def group_by_day(occurrences, first_day=None):
    """Dates in start order under local day headings; ongoing ones under first_day."""
    days = []
    for occurrence in occurrences:
        day = localize(occurrence.start).date()
        if first_day is not None:
            day = max(day, first_day)
        if not days or days[-1].date != day:
            days.append(Day(day))
        days[-1].entries.append(Entry(occurrence, day))
    return days


@dataclass
class Pagination:
    number: int
    has_next: bool
    previous_url: str = ""
    next_url: str = ""

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def is_split(self):
        return self.has_previous or self.has_next


def paginate(occurrences, number, query_for_page):
    """One page of dates and its links; query_for_page(n) gives the query string of page n."""
    per_page = settings.EVENTS_PER_PAGE
    offset = (number - 1) * per_page
    rows = list(occurrences[offset : offset + per_page + 1])
    pagination = Pagination(number=number, has_next=len(rows) > per_page)
    if pagination.has_previous:
        pagination.previous_url = "?" + query_for_page(None if number == 2 else number - 1)
    if pagination.has_next:
        pagination.next_url = "?" + query_for_page(number + 1)
    return rows[:per_page], pagination


def simple_query(page):
    return f"page={page}" if page else ""


def render_page(request, template, context, errors=()):
    """Render a calendar page; with errors as a 400 that lists them."""
    context["errors"] = list(errors)
    return render(request, template, context, status=400 if errors else 200)


def filter_errors(request, form):
    """The form's messages and a malformed page number, as one list."""
    errors = [] if form.is_valid() else form.error_messages()
    try:
        page = parse_page(request)
    except InvalidParameter as error:
        errors.append(error.message)
        page = None
    return errors, page


def page_feeds(request, form=None, **kwargs):
    valid_form = form if form is not None and form.is_valid() else None
    return feeds.feed_links(request, form=valid_form, **kwargs)


# --- Pages ---------------------------------------------------------------------------


def home(request):
    today = local_today()
    now = timezone.now()
    listed = domain.listed_occurrences()
    weekend = weekend_of(today)
    todays = list(
        domain.with_event_details(domain.occurrences_on_days(listed, today))[
            : HOME_LIST_ENTRIES + 1
        ]
    )
    weekends = list(
        domain.with_event_details(domain.occurrences_on_days(listed, *weekend))[
            : HOME_LIST_ENTRIES + 1
        ]
    )
    context = {
        "today": today,
        "weekend": weekend,
        "today_days": group_by_day(todays[:HOME_LIST_ENTRIES], today),
        "today_more": len(todays) > HOME_LIST_ENTRIES,
        "weekend_days": group_by_day(weekends[:HOME_LIST_ENTRIES], weekend[0]),
        "weekend_more": len(weekends) > HOME_LIST_ENTRIES,
        "highlights": domain.upcoming_highlights(now, HOME_HIGHLIGHTS),
        "districts": District.objects.all(),
        "feeds": feeds.feed_links(request),
    }
    return render(request, "events/home.html", context)


def agenda(request):
    form = CalendarFilterForm(request.GET)
    errors, page = filter_errors(request, form)
    context = {"form": form, "feeds": page_feeds(request, form)}
    template = "events/agenda.html"
    if request.htmx and not request.htmx.history_restore_request:
        # The filter form replaces only the results region.
        template = "events/includes/agenda_results.html"
    if not errors:
        today = local_today()
        first, last = form.day_span(today)
        occurrences = domain.with_event_details(
            form.occurrences(domain.listed_occurrences(), today)
        )
        rows, pagination = paginate(
            occurrences, page, lambda number: form.query_string(page=number)
        )
        context.update(
            first=first,
            last=last,
            days=group_by_day(rows, first),
            pagination=pagination,
            today_query=form.query_string(when="today", **{"from": None, "to": None}),
            weekend_query=form.query_string(when="weekend", **{"from": None, "to": None}),
        )
    response = render_page(request, template, context, errors)
    patch_vary_headers(response, ["HX-Request"])
    return response


def period_page(request, template, parameter, parse, build):
    """A filtered month or week page: parse(?parameter) picks the period, build fills it."""
    form = CalendarFilterForm(request.GET)
    errors = [] if form.is_valid() else form.error_messages()
    today = local_today()
    try:
        period = parse(request.GET.get(parameter), today)
    except InvalidParameter as error:
        errors.append(error.message)
    context = {"form": form, "feeds": page_feeds(request, form)}
    if not errors:
        context.update(build(form, period, today))
    return render_page(request, template, context, errors)


def month(request):
    return period_page(request, "events/month.html", "month", parse_month, month_grid)


@dataclass
class MonthCell:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list
    more: int
    more_url: str


def month_grid(form, first_of_month, today):
    """Weeks of day cells; the dates of all visible days come from one narrow query."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first_of_month.year, first_of_month.month
    )
    first, last = weeks[0][0], weeks[-1][-1]
    by_day, counts = domain.dates_by_day(
        form.filter(domain.listed_occurrences()), first, last, MONTH_CELL_ENTRIES
    )

    agenda_url = reverse("events:agenda")

    def cell(day):
        day_rows = by_day.get(day, [])
        entries = [
            {
                "title": row["title"],
                "url": reverse("events:event", kwargs={"pk": row["event_id"]})
                + f"?occurrence={row['pk']}",
                "start": row["start"],
                "all_day": row["all_day"],
                "starts_on_day": localize(row["start"]).date() == day,
                "cancelled": row["cancelled"] or row["event_status"] == Status.CANCELLED,
                "moved": row["moved"] or row["event_status"] == Status.POSTPONED,
            }
            for row in day_rows
        ]
        more = max(counts.get(day, 0) - len(day_rows), 0)
        query = form.query_string(
            **{"from": day.isoformat(), "to": day.isoformat(), "month": None, "when": None}
        )
        return MonthCell(
            date=day,
            in_month=day.month == first_of_month.month,
            is_today=day == today,
            entries=entries,
            more=more,
            more_url=f"{agenda_url}?{query}",
        )

    previous_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    next_month = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    return {
        "month_start": first_of_month,
        "month_param": first_of_month.strftime("%Y-%m"),
        "weekdays": weeks[0],
        "weeks": [[cell(day) for day in week] for week in weeks],
        "previous_query": form.query_string(month=previous_month.strftime("%Y-%m")),
        "next_query": form.query_string(month=next_month.strftime("%Y-%m")),
        "this_month_query": form.query_string(month=None),
    }


def week_table(form, day, today):
    """The seven days of the week containing day, each with its dates."""
    monday, sunday = week_of(day)
    occurrences = domain.with_event_details(
        domain.occurrences_on_days(form.filter(domain.listed_occurrences()), monday, sunday)
    )
    rows = list(occurrences[: WEEK_MAX_ENTRIES + 1])
    days = {
        monday + dt.timedelta(days=offset): Day(monday + dt.timedelta(days=offset))
        for offset in range(7)
    }
    for occurrence in rows[:WEEK_MAX_ENTRIES]:
        current = max(localize(occurrence.start).date(), monday)
        while current <= min(last_day_of(occurrence), sunday):
            days[current].entries.append(Entry(occurrence, current))
            current += dt.timedelta(days=1)
    return {
        "week_start": monday,
        "week_param": monday.isoformat(),
        "week_end": sunday,
        "today": today,
        "days": list(days.values()),
        "truncated": len(rows) > WEEK_MAX_ENTRIES,
        "week_max": WEEK_MAX_ENTRIES,
        "previous_query": form.query_string(week=(monday - dt.timedelta(days=7)).isoformat()),
        "next_query": form.query_string(week=(monday + dt.timedelta(days=7)).isoformat()),
        "week_query": form.query_string(week=monday.isoformat()),
    }


def week(request):
    return period_page(request, "events/week.html", "week", parse_day, week_table)


def week_print(request):
    return period_page(request, "events/week_print.html", "week", parse_day, week_table)


def event_page_context(request, event, occurrence=None):
    """What the event page shows: the date (occurrence, else the next one), the next
    dates, organisers, categories and the calendar links. Used by the preview too."""
    upcoming = list(
        domain.occurrences_between(event.occurrences.all(), timezone.now(), None).order_by(
            "start", "pk"
        )[:EVENT_NEXT_DATES]
    )
    if occurrence is None:
        occurrence = upcoming[0] if upcoming else event.occurrences.order_by("start", "pk").last()
    ics_url = request.build_absolute_uri(reverse("events:event-ics", kwargs={"pk": event.pk}))
    return {
        "event": event,
        "occurrence": occurrence,
        "entry": Entry(occurrence, localize(occurrence.start).date()) if occurrence else None,
        "upcoming_entries": [Entry(date, localize(date.start).date()) for date in upcoming],
        "show_dates": len(upcoming) > 1 or (bool(upcoming) and upcoming[0] != occurrence),
        "is_past": occurrence is not None and occurrence.end <= timezone.now(),
        "organizers": list(event.organizers.all()),
        "categories": list(event.categories.all()),
        "feeds": {"ics": ics_url, "webcal": feeds.webcal_url(ics_url)},
    }


def event_detail(request, pk):
    event = get_object_or_404(
        Event.objects.select_related("place", "place__district").prefetch_related(
            "organizers", "categories"
        ),
        pk=pk,
    )
    if not event.is_listed:
        raise Http404
    errors = []
    occurrence = None
    missing_occurrence = False
    raw = request.GET.get("occurrence", "").strip()
    if raw:
        occurrence_id = whole_number(raw, max_digits=18)
        if occurrence_id is not None:
            occurrence = event.occurrences.filter(pk=occurrence_id).first()
            # A date removed from a series since a feed linked to it.
            missing_occurrence = occurrence is None
        else:
            errors.append(_("The date in the address is not valid."))
    context = event_page_context(request, event, occurrence)
    context.update(
        missing_occurrence=missing_occurrence,
        jsonld=jsonld.script_json(
            jsonld.event_data(event, context["occurrence"], request.build_absolute_uri)
        ),
    )
    return render_page(request, "events/event_detail.html", context, errors)


def district_list(request):
    context = {"districts": District.objects.all()}
    return render(request, "events/district_list.html", context)


def district(request, slug):
    district = get_object_or_404(District, slug=slug)
    occurrences = domain.listed_occurrences().filter(district=district)
    context = {
        "district": district,
        "feeds": page_feeds(request, district=district),
        "agenda_query": CalendarFilterForm.query_for(district=district),
    }
    return _upcoming_page(request, "events/district.html", context, occurrences)


def organization_list(request):
    context = {"organizations": Organization.objects.select_related("district")}
    return render(request, "events/organization_list.html", context)


def organization(request, slug):
    organization = get_object_or_404(Organization.objects.select_related("district"), slug=slug)
    occurrences = domain.with_organizers(domain.listed_occurrences(), [organization])
    context = {
        "organization": organization,
        "membership": own_membership(request.user, organization),
        "can_view_members": request.user.has_perm("organizations.view_members", organization),
        "feeds": page_feeds(request, organization=organization),
        "agenda_query": CalendarFilterForm.query_for(organization=organization),
    }
    return _upcoming_page(request, "events/organization.html", context, occurrences)


def _upcoming_page(request, template, context, occurrences):
    """A page with the upcoming dates of a district or organisation."""
    try:
        page = parse_page(request)
    except InvalidParameter as error:
        return render_page(request, template, context, [error.message])
    upcoming = domain.occurrences_between(occurrences, timezone.now(), None)
    rows, pagination = paginate(domain.with_event_details(upcoming), page, simple_query)
    context.update(days=group_by_day(rows, local_today()), pagination=pagination)
    return render_page(request, template, context)
