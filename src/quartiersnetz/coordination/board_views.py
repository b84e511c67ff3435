"""The year board's pages: the board, one cell's list, its print layout, CSV and ICS.

Everyone may look: the public sees public holds; people who act for an organisation
and editors also see holds for organisers only (the coordination.view_holds permission).
Every parameter lives in the query string (year or from, category, audience), so
each view of the board is a link, and a GET form filters it without JavaScript.
"""

import csv
import datetime as dt
import io
from urllib.parse import urlsplit

import icalendar
from django import forms
from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from quartiersnetz.coordination import board
from quartiersnetz.coordination.models import CoordinationSettings
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today, localize
from quartiersnetz.events import feeds
from quartiersnetz.events.models import Audience, Category
from quartiersnetz.events.templatetags.calendar_format import local_date
from quartiersnetz.events.views.public import EARLIEST_YEAR, LATEST_YEAR, Entry

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class BoardFilterForm(forms.Form):
    """Parses ?year=2027 or ?from=YYYY-MM-DD, &category=…(several)&audience=…

    An invalid value makes the form invalid; the views answer 400 with its errors.
    """

    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    category = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Categories"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Audience"),
        choices=[("", gettext_lazy("All audiences")), *Audience.choices],
        required=False,
    )

    # The query string says from; a form field cannot be named after a keyword.
    PARAMETER_NAMES = {"date_from": "from"}
    QUERY_PARAMETERS = ("year", "from", "category", "audience")

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for name, parameter in self.PARAMETER_NAMES.items():
                if parameter in data:
                    data.setlist(name, data.getlist(parameter))
        super().__init__(data, **kwargs)

    def add_prefix(self, field_name):
        return field_name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") and cleaned.get("date_from"):
            self.add_error(None, _("Choose either a year or a first weekend, not both."))
        day = cleaned.get("date_from")
        if day and not dt.date(EARLIEST_YEAR, 1, 8) <= day <= dt.date(LATEST_YEAR, 12, 24):
            self.add_error("date_from", _("Choose a date between 1900 and 2200."))
        return cleaned

    @property
    def category_options(self):
        """(slug, name, selected): rendered in a loop, without per-option widget templates."""
        selected = set(self.data.getlist("category")) if self.is_bound else set()
        rows = self.fields["category"].queryset.values_list("slug", "name")
        return [(slug, name, slug in selected) for slug, name in rows]

    def saturdays(self, today):
        data = self.cleaned_data
        if data.get("year"):
            return board.saturdays_of_year(data["year"])
        return board.saturdays_from(data.get("date_from") or today)

    def board_filter(self, user):
        data = self.cleaned_data
        return board.BoardFilter.for_viewer(
            user, data.get("category") or (), data.get("audience") or ""
        )

    def query_string(self, **overrides):
        """The board's parameters as a query string; overrides add or (None) remove."""
        params = QueryDict(mutable=True)
        for name in self.QUERY_PARAMETERS:
            values = [value for value in self.data.getlist(name) if value]
            if values:
                params.setlist(name, values)
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return params.urlencode()

    def error_messages(self):
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]


def _parse(request):
    form = BoardFilterForm(request.GET)
    return form, ([] if form.is_valid() else form.error_messages())


def _large_from():
    return CoordinationSettings.load().large_event_attendance


def _heading(form, saturdays):
    if form.cleaned_data.get("year"):
        return _("Year planning %(year)s") % {"year": form.cleaned_data["year"]}
    return _("Year planning from %(day)s") % {"day": local_date(saturdays[0])}


def _navigation(form, saturdays):
    """Query strings of the previous and next year of weekends, in the board's mode."""
    if form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
        return {
            "previous_query": form.query_string(year=str(year - 1)) if year > EARLIEST_YEAR else "",
            "next_query": form.query_string(year=str(year + 1)) if year < LATEST_YEAR else "",
        }
    year_back = saturdays[0] - dt.timedelta(weeks=board.BOARD_WEEKENDS)
    year_on = saturdays[0] + dt.timedelta(weeks=board.BOARD_WEEKENDS)
    return {
        "previous_query": form.query_string(**{"from": year_back.isoformat()})
        if year_back.year >= EARLIEST_YEAR
        else "",
        "next_query": form.query_string(**{"from": year_on.isoformat()})
        if year_on.year < LATEST_YEAR
        else "",
    }


def _load_classes():
    """(class, label, lowest, highest or None) for the legend."""
    classes = board.LOAD_CLASSES
    return [
        (name, board.LOAD_LABELS[name], lowest, classes[index + 1][0] - 1)
        if index + 1 < len(classes)
        else (name, board.LOAD_LABELS[name], lowest, None)
        for index, (lowest, name) in enumerate(classes)
    ]


def board_context(request, form):
    today = local_today()
    saturdays = form.saturdays(today)
    board_filter = form.board_filter(request.user)
    year_board = board.year_board(saturdays, board_filter, today, _large_from())
    return {
        "board": year_board,
        "board_filter": board_filter,
        "audience_label": dict(Audience.choices).get(board_filter.audience, ""),
        "today": today,
        "heading": _heading(form, saturdays),
        "board_query": form.query_string(),
        "cell_query": "&" + form.query_string() if form.query_string() else "",
        "free_label": board.LOAD_LABELS["none"],
        "this_year_query": form.query_string(year=None, **{"from": None}),
        "cell_url": reverse("coordination:year-board-cell"),
        "load_classes": _load_classes(),
        **_navigation(form, saturdays),
    }


def _render(request, template, form, errors, build):
    context = {"form": form, "errors": errors}
    if not errors:
        context.update(build())
    return render(request, template, context, status=400 if errors else 200)


def year_board(request):
    form, errors = _parse(request)
    return _render(
        request, "coordination/board.html", form, errors, lambda: board_context(request, form)
    )


def year_board_print(request):
    form, errors = _parse(request)
    return _render(
        request,
        "coordination/board_print.html",
        form,
        errors,
        lambda: board_context(request, form),
    )


class CellParameters(forms.Form):
    """?weekend=YYYY-MM-DD (its Saturday or Sunday) and ?district=slug (empty or absent:
    the whole town's column, dates without a district)."""

    weekend = forms.DateField(label=gettext_lazy("Weekend"))
    district = forms.ModelChoiceField(
        label=gettext_lazy("District"),
        queryset=District.objects.all(),
        to_field_name="slug",
        required=False,
    )

    def clean_weekend(self):
        day = self.cleaned_data["weekend"]
        if day.weekday() < 5:
            raise forms.ValidationError(_("Choose a Saturday or a Sunday."))
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise forms.ValidationError(_("Choose a date between 1900 and 2200."))
        return board.saturday_of(day)


def year_board_cell(request):
    form, errors = _parse(request)
    cell = CellParameters(request.GET)
    if not cell.is_valid():
        errors += [
            f"{cell.fields[name].label}: {message}"
            for name, messages in cell.errors.items()
            for message in messages
        ]

    def build():
        saturday, district = cell.cleaned_data["weekend"], cell.cleaned_data["district"]
        board_filter = form.board_filter(request.user)
        entries = board.cell_list(board_filter, local_today(), saturday, district, _large_from())
        return {
            "cell": entries,
            "sunday": saturday + board.ONE_DAY,
            "notes": board.weekend_notes(saturday),
            "dates": [
                (Entry(date, localize(date.start).date()), weight) for date, weight in entries.dates
            ],
            "holds": [
                (hold, _hold_url(hold, board_filter), weight) for hold, weight in entries.holds
            ],
            "cell_max": board.CELL_MAX_DATES,
            "board_filter": board_filter,
            "board_query": form.query_string(),
        }

    return _render(request, "coordination/board_cell.html", form, errors, build)


def _hold_url(hold, board_filter):
    """Organisers open the hold's own page; everyone else its public "save the date"."""
    if board_filter.organiser_holds:
        return hold.get_absolute_url()
    return reverse("coordination:public-hold", kwargs={"pk": hold.pk})


def _filename(form, saturdays):
    if form.cleaned_data.get("year"):
        return f"jahresplanung-{form.cleaned_data['year']}"
    return f"jahresplanung-ab-{saturdays[0].isoformat()}"


def _bad_request(errors):
    return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")


def _private_if_personal(response, board_filter):
    # With holds for organisers only, the export is for this person: no shared caches.
    if board_filter.organiser_holds:
        response["Cache-Control"] = "private, no-store"
    return response


CSV_HEADERS = [
    pgettext_lazy("year board export", "Saturday"),
    pgettext_lazy("year board export", "Sunday"),
    pgettext_lazy("year board export", "District"),
    pgettext_lazy("year board export", "Events"),
    pgettext_lazy("year board export", "Date holds"),
    pgettext_lazy("year board export", "Load"),
    pgettext_lazy("year board export", "Load class"),
    pgettext_lazy("year board export", "Holidays"),
]


def year_board_csv(request):
    """One line per weekend and district, for Excel: UTF-8 with BOM, separated by ';'."""
    form, errors = _parse(request)
    if errors:
        return _bad_request(errors)
    context = board_context(request, form)
    year_board = context["board"]
    whole_town = _("Whole town / no district")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(header) for header in CSV_HEADERS])
    for row in year_board.rows:
        notes = " · ".join(note.text for note in row.notes)
        for cell in row.cells:
            writer.writerow(
                [
                    row.saturday.isoformat(),
                    row.sunday.isoformat(),
                    cell.district.name if cell.district else whole_town,
                    cell.events,
                    cell.holds,
                    cell.load,
                    str(cell.load_label),
                    notes,
                ]
            )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    filename = _filename(form, year_board.saturdays)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return _private_if_personal(response, context["board_filter"])


def year_board_ics(request):
    """The board's weekends as a calendar file for the umbrella round.

    It holds what shapes the planning, not the whole calendar (the calendar's own
    feed has every date): the dates of large events (expected attendance from the
    coordination settings' large event on) that the board counts on its weekends,
    as in the calendar feed (same UID, so importing both does not duplicate them),
    and the active holds the viewer may see as all-day VEVENTs with
    STATUS:TENTATIVE. The category and audience filters apply.
    """
    form, errors = _parse(request)
    if errors:
        return _bad_request(errors)
    today = local_today()
    saturdays = form.saturdays(today)
    board_filter = form.board_filter(request.user)
    large_from = _large_from()
    calendar = icalendar.Calendar.new(
        prodid=feeds.PRODID,
        name=_heading(form, saturdays),
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    shared = {}
    for occurrence in board.large_weekend_occurrences(board_filter, saturdays, large_from):
        if occurrence.event_id not in shared:
            shared[occurrence.event_id] = feeds.event_properties(occurrence.event, request)
        calendar.add_component(feeds.vevent(occurrence, shared[occurrence.event_id]))
    for hold in board.weekend_holds(board_filter, today, saturdays):
        calendar.add_component(hold_vevent(hold, request, board_filter))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = _filename(form, saturdays)
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return _private_if_personal(response, board_filter)


def hold_vevent(hold, request, board_filter):
    """A hold as a tentative all-day VEVENT."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    url = request.build_absolute_uri(_hold_url(hold, board_filter))
    size = (
        _("Expected attendance: %(count)s") % {"count": hold.expected_attendance}
        if hold.expected_attendance
        else ""
    )
    lines = [
        _("Date hold of %(organization)s (tentative).") % {"organization": hold.organization},
        size,
        url,
    ]
    location = ", ".join(
        part for part in [hold.place.name if hold.place else "", hold.district.name] if part
    )
    component = icalendar.Event.new(
        uid=f"date-hold-{hold.pk}@{host}",
        start=hold.first_day,
        end=hold.last_day + board.ONE_DAY,
        summary=_("Date hold: %(title)s") % {"title": hold.title},
        description="\n".join(line for line in lines if line),
        location=location,
        categories=[category.name for category in hold.categories.all()],
        status="TENTATIVE",
        stamp=hold.updated_at,
        created=hold.created_at,
        last_modified=hold.updated_at,
    )
    component.add("url", url)
    component.add("transp", "TRANSPARENT")
    return component
