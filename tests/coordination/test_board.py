"""The umbrella round's year board: load per weekend and district, its lists and exports."""

import csv
import datetime as dt
import html
import io
import re

import icalendar
import pytest
from django.db.models import IntegerField, Value
from django.urls import reverse
from django.utils import translation

from quartiersnetz.coordination import board
from quartiersnetz.coordination.models import CoordinationSettings, DateHold
from quartiersnetz.core.models import SiteSettings
from quartiersnetz.core.timeutil import local_today, start_of_day
from quartiersnetz.events import domain
from quartiersnetz.events.models import Audience, Event, Status
from tests.factories import (
    CategoryFactory,
    DateHoldFactory,
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
)
from tests.helpers import german

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def at(day, hour, minute=0):
    return start_of_day(day) + dt.timedelta(hours=hour, minutes=minute)


@pytest.fixture
def saturday():
    """A Saturday some months ahead: holds on it are still active."""
    return board.saturday_of(local_today() + dt.timedelta(days=90))


@pytest.fixture
def welper():
    return DistrictFactory(name="Welper", slug="welper")


@pytest.fixture
def mitte():
    return DistrictFactory(name="Hattingen-Mitte", slug="hattingen-mitte")


@pytest.fixture
def place(welper):
    return PlaceFactory(name="Gemeindehaus Welper", district=welper)


@pytest.fixture
def organiser():
    return MembershipFactory(user=UserFactory(email="vorstand@tv-welper.example")).user


def get(client, name, params=None, status=200, **headers):
    response = client.get(reverse(f"coordination:{name}"), params or {}, **headers)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def board_of(client, saturday, **params):
    response = get(client, "year-board", {"from": saturday.isoformat(), **params})
    return response.context["board"]


def cell(year_board, saturday, slug):
    """The cell of a weekend and district (slug None: the whole town's column)."""
    row = next(row for row in year_board.rows if row.saturday == saturday)
    return next(c for c in row.cells if (c.district.slug if c.district else None) == slug)


def counts(year_board, saturday, slug):
    found = cell(year_board, saturday, slug)
    return found.events, found.holds, found.load


# --- Weights ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attendance", "weight"),
    [(None, 1), (0, 1), (199, 1), (200, 2), (999, 2), (1000, 3), (4999, 3), (5000, 4)],
)
def test_an_entry_weighs_by_its_expected_size(attendance, weight):
    assert board.size_weight(attendance, large_from=1000) == weight


def test_the_weights_follow_the_large_event_setting():
    assert board.size_weight(1999, large_from=2000) == 2
    assert board.size_weight(2000, large_from=2000) == 3
    assert board.size_weight(10_000, large_from=2000) == 4
    # A threshold below 200 still weighs each step once.
    assert [board.size_weight(n, large_from=150) for n in (149, 150, 200, 750)] == [1, 2, 3, 4]


@pytest.mark.parametrize("large_from", [1000, 150])
def test_the_sql_weight_is_the_python_weight(large_from):
    EventFactory()
    attendances = [None, 0, 149, 150, 199, 200, 749, 750, 999, 1000, 4999, 5000, 80_000]
    for attendance in attendances:
        weight = (
            Event.objects.annotate(
                attendance=Value(attendance, output_field=IntegerField()),
                weight=board.size_weight_expression("attendance", large_from),
            )
            .values_list("weight", flat=True)
            .first()
        )
        assert weight == board.size_weight(attendance, large_from), attendance


@pytest.mark.parametrize(
    ("load", "expected"), [(0, "none"), (1, "low"), (3, "low"), (4, "medium"), (7, "medium")]
)
def test_load_classes(load, expected):
    assert board.load_class(load) == expected
    assert board.load_class(8) == board.load_class(80) == "high"


# --- The load of a cell -----------------------------------------------------------------


@pytest.fixture
def busy_weekend(saturday, welper, mitte, place, organiser):
    """Welper's weekend: what counts and what does not."""
    sunday = saturday + DAY
    EventFactory(title="Kaffeeklatsch", place=place, start=at(saturday, 15))
    EventFactory(title="Sommerkonzert", place=place, start=at(sunday, 17), expected_attendance=300)
    EventFactory(
        title="Welperaner Kirmes", place=place, start=at(saturday, 11), expected_attendance=5000
    )
    # From Friday evening to Sunday: a date of several days counts on its weekend.
    EventFactory(
        title="Schützenfest",
        place=place,
        start=at(saturday - DAY, 18),
        end=at(sunday, 20),
        expected_attendance=1000,
    )
    # Not counted: a cancelled event, a cancelled date, a weekday, a draft.
    EventFactory(title="Abgesagtes Fest", place=place, start=at(saturday, 14), status="cancelled")
    cancelled_date = EventFactory(title="Ausgefallene Probe", place=place, start=at(sunday, 10))
    domain.cancel_occurrence(cancelled_date.occurrences.get())
    EventFactory(title="Freitagsstammtisch", place=place, start=at(saturday - DAY, 19))
    EventFactory(title="Entwurf", place=place, start=at(saturday, 9), status=Status.DRAFT)
    # An online event belongs to the whole town.
    EventFactory(
        title="Online-Sprechstunde",
        place=None,
        online_url="https://meet.example/sprechstunde",
        start=at(sunday, 11),
    )
    organization = organiser.organization_memberships.get().organization
    DateHoldFactory(
        title="Herbstmarkt",
        organization=organization,
        district=welper,
        first_day=sunday,
        last_day=sunday,
        expires_on=sunday,
        expected_attendance=1000,
        visibility=DateHold.Visibility.PUBLIC,
    )
    DateHoldFactory(
        title="Geheimes Jubiläum",
        organization=organization,
        district=welper,
        first_day=saturday,
        last_day=sunday,
        expected_attendance=None,
    )
    DateHoldFactory(
        title="Abgelaufene Vormerkung",
        district=welper,
        first_day=saturday,
        last_day=sunday,
        expires_on=local_today() - DAY,
        visibility=DateHold.Visibility.PUBLIC,
    )
    converted = EventFactory(
        title="Schon eine Veranstaltung",
        place=None,
        online_url="https://x.example",
        start=at(saturday + 7 * DAY, 10),
    )
    DateHoldFactory(
        title="Umgewandelte Vormerkung",
        district=welper,
        first_day=saturday,
        last_day=saturday,
        event=converted,
        visibility=DateHold.Visibility.PUBLIC,
    )
    return saturday


def test_a_cell_sums_weighted_events_and_public_holds_for_the_public(client, busy_weekend):
    year_board = board_of(client, busy_weekend)

    # Kaffeeklatsch 1, Sommerkonzert 2, Kirmes 4, Schützenfest 3; the public hold 3.
    assert counts(year_board, busy_weekend, "welper") == (4, 1, 13)
    assert cell(year_board, busy_weekend, "welper").load_class == "high"
    assert counts(year_board, busy_weekend, "hattingen-mitte") == (0, 0, 0)
    assert counts(year_board, busy_weekend, None) == (1, 0, 1)
    # The festival began on the Friday of this weekend; nothing lies on the next one.
    assert counts(year_board, busy_weekend + 7 * DAY, "welper") == (0, 0, 0)


def test_an_organiser_also_sees_holds_for_organisers(client, busy_weekend, organiser):
    client.force_login(organiser)
    year_board = board_of(client, busy_weekend)

    assert counts(year_board, busy_weekend, "welper") == (4, 2, 14)


def test_an_editor_sees_holds_for_organisers(client, busy_weekend):
    client.force_login(UserFactory(is_editor=True))

    assert counts(board_of(client, busy_weekend), busy_weekend, "welper") == (4, 2, 14)


def test_a_signed_in_citizen_sees_only_public_holds(client, busy_weekend):
    client.force_login(UserFactory())

    assert counts(board_of(client, busy_weekend), busy_weekend, "welper") == (4, 1, 13)


def test_a_hold_counts_on_every_weekend_it_touches(client, saturday, welper):
    DateHoldFactory(
        district=welper,
        first_day=saturday + DAY,
        last_day=saturday + 7 * DAY,
        expires_on=saturday + DAY,
        expected_attendance=None,
        visibility=DateHold.Visibility.PUBLIC,
    )
    year_board = board_of(client, saturday)

    assert counts(year_board, saturday, "welper") == (0, 1, 1)
    assert counts(year_board, saturday + 7 * DAY, "welper") == (0, 1, 1)
    assert counts(year_board, saturday + 14 * DAY, "welper") == (0, 0, 0)


def test_a_date_counts_on_its_local_day(client, saturday, place):
    # 00:30 on Saturday in Hattingen is still Friday in UTC: it counts on the weekend.
    EventFactory(title="Mitternachtsführung", place=place, start=at(saturday, 0, 30))
    # 23:30 on Sunday is Sunday: it counts, though it ends on Monday.
    EventFactory(title="Spätlesung", place=place, start=at(saturday + DAY, 23, 30))
    # Friday 23:00 to Saturday 01:00 is a Friday date, as in the month view.
    EventFactory(title="Freitagsparty", place=place, start=at(saturday - DAY, 23))

    assert counts(board_of(client, saturday), saturday, "welper") == (2, 0, 2)


def test_the_weights_use_the_large_event_setting(client, saturday, place):
    EventFactory(place=place, start=at(saturday, 12), expected_attendance=1500)
    assert counts(board_of(client, saturday), saturday, "welper")[2] == 3

    CoordinationSettings.objects.filter(pk=1).update(large_event_attendance=2000)

    assert counts(board_of(client, saturday), saturday, "welper")[2] == 2


# --- Filters ----------------------------------------------------------------------------


def test_category_and_audience_filters_apply_to_events_and_holds(client, saturday, place, welper):
    music = CategoryFactory(name="Musik", slug="musik")
    sport = CategoryFactory(name="Sport", slug="sport")
    EventFactory(place=place, start=at(saturday, 15), categories=[music])
    EventFactory(
        place=place, start=at(saturday, 10), categories=[sport], audience=Audience.CHILDREN
    )
    EventFactory(place=place, start=at(saturday, 18))
    DateHoldFactory(
        district=welper,
        first_day=saturday,
        last_day=saturday,
        categories=[music],
        audience=Audience.CHILDREN,
        expected_attendance=None,
        visibility=DateHold.Visibility.PUBLIC,
    )

    assert counts(board_of(client, saturday), saturday, "welper") == (3, 1, 4)
    assert counts(board_of(client, saturday, category="musik"), saturday, "welper") == (1, 1, 2)
    both = board_of(client, saturday, category=["musik", "sport"])
    assert counts(both, saturday, "welper") == (2, 1, 3)
    children = board_of(client, saturday, audience="children")
    assert counts(children, saturday, "welper") == (1, 1, 2)


def test_the_filter_form_keeps_the_period_and_is_labelled(client):
    CategoryFactory(name="Musik", slug="musik")
    response = get(client, "year-board", {"year": "2027", "category": "musik"})
    content = response.content.decode()

    form = re.search(
        r'<form class="filters board-filters" method="get"[^>]*>(.*?)</form>', content, re.S
    )
    assert form
    assert '<input type="hidden" name="year" value="2027">' in form.group(1)
    checkbox = re.search(
        r'<label for="(\w+)"><input type="checkbox" name="category" value="musik" id="(\w+)" '
        r"checked> Musik</label>",
        form.group(1),
    )
    assert checkbox
    assert checkbox.group(1) == checkbox.group(2)
    assert '<label for="id_board_audience">' in form.group(1)
    assert '<select name="audience" id="id_board_audience">' in form.group(1)
    # The cells and exports carry the filter and the period.
    assert "category=musik" in response.context["board_query"]
    assert "year=2027" in response.context["board_query"]


def test_invalid_parameters_are_answered_with_400_and_reasons(client):
    response = get(client, "year-board", {"year": "zweitausend"}, status=400)
    assert 'role="alert"' in response.content.decode()
    get(client, "year-board", {"year": "2027", "from": "2027-03-01"}, status=400)
    get(client, "year-board", {"audience": "aliens"}, status=400)
    get(client, "year-board", {"category": "gibt-es-nicht"}, status=400)
    get(client, "year-board", {"year": "9" * 5000}, status=400)
    get(client, "year-board-csv", {"from": "kein-datum"}, status=400)
    get(client, "year-board-ics", {"year": "1066"}, status=400)


# --- The table --------------------------------------------------------------------------


def test_the_board_is_a_table_with_caption_and_headers(client, busy_weekend):
    response = get(client, "year-board", {"from": busy_weekend.isoformat()})
    content = response.content.decode()

    table = re.search(r'<table class="board">(.*?)</table>', content, re.S).group(1)
    assert re.search(r"<caption>.+</caption>", table)
    columns = re.findall(r'<th scope="col">(.*?)</th>', table)
    assert columns == [
        german("Weekend"),
        "Hattingen-Mitte",
        "Welper",
        html.escape(german("Whole town / no district")),
    ]
    rows = re.findall(r'<th scope="row">(.*?)</th>', table, re.S)
    assert len(rows) == board.BOARD_WEEKENDS
    assert f'<time datetime="{busy_weekend.isoformat()}">' in rows[0]
    # Every data row has a header and a cell per column.
    body_rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    assert all(row.count("<td") == 3 for row in body_rows)


def test_a_busy_cell_says_its_load_in_words_and_links_its_list(client, busy_weekend):
    content = get(client, "year-board", {"from": busy_weekend.isoformat()}).content.decode()

    cell_url = reverse("coordination:year-board-cell")
    day = busy_weekend.isoformat()
    link = f"{cell_url}?weekend={day}&amp;district=welper&amp;from={day}"
    match = re.search(
        r'<td class="load load-high has-holds"><a href="' + re.escape(link) + r'">(.*?)</a></td>',
        content,
        re.S,
    )
    assert match, "no link to Welper's cell"
    text = re.sub(r"<[^>]+>|\s+", " ", match.group(1)).split()
    assert text[0] == "13"
    assert german("high", "load") in text
    # An empty cell is quiet but still says it: no colour alone.
    assert (
        f'<td class="load load-none"><span class="load-class">{german("free", "load")}</span></td>'
        in content
    )


def test_the_board_starts_at_the_next_weekend_by_default(client):
    year_board = get(client, "year-board").context["board"]

    assert year_board.saturdays[0] == board.saturday_of(local_today())
    assert len(year_board.rows) == board.BOARD_WEEKENDS
    assert all(day.weekday() == 5 for day in year_board.saturdays)


def test_a_year_has_its_weekends_and_links_to_the_neighbouring_years(client):
    response = get(client, "year-board", {"year": "2027"})
    year_board = response.context["board"]

    assert year_board.saturdays[0] == dt.date(2027, 1, 2)
    assert year_board.saturdays[-1] == dt.date(2027, 12, 25)
    assert len(year_board.rows) == 52
    assert response.context["previous_query"] == "year=2026"
    assert response.context["next_query"] == "year=2028"
    assert len(get(client, "year-board", {"year": "2026"}).context["board"].rows) == 52
    # 2028 begins on a Saturday: 53 weekends.
    assert len(get(client, "year-board", {"year": "2028"}).context["board"].rows) == 53


def test_holidays_school_holidays_and_bridge_days_are_noted(client):
    response = get(client, "year-board", {"year": "2027"})
    notes = {
        row.saturday: [note.text for note in row.notes] for row in response.context["board"].rows
    }

    with translation.override("de"):
        friday, monday = "Freitag", "Montag"
    assert notes[dt.date(2027, 7, 24)] == ["Sommerferien"]
    assert notes[dt.date(2027, 8, 28)] == ["Sommerferien"]
    assert notes[dt.date(2027, 9, 4)] == []
    # Easter: Good Friday and Easter Monday, in the Easter holidays.
    assert notes[dt.date(2027, 3, 27)] == [
        "Oster-/Frühjahrsferien",
        german("%(weekday)s: %(name)s") % {"weekday": friday, "name": "Karfreitag"},
        german("%(weekday)s: %(name)s") % {"weekday": monday, "name": "Ostermontag"},
    ]
    # The Friday after Ascension Day (6 May 2027).
    assert notes[dt.date(2027, 5, 8)] == [german("%(weekday)s: bridge day") % {"weekday": friday}]
    content = response.content.decode()
    assert '<span class="board-note board-note-school">Sommerferien</span>' in content


def test_holiday_names_follow_the_language(client):
    response = get(client, "year-board", {"year": "2027"}, **ENGLISH)
    notes = {
        row.saturday: [note.text for note in row.notes] for row in response.context["board"].rows
    }

    assert notes[dt.date(2027, 7, 24)] == ["Summer Break"]
    assert "Friday: Good Friday" in notes[dt.date(2027, 3, 27)]


# --- One cell's list --------------------------------------------------------------------


def test_the_cell_lists_what_the_board_counts(client, busy_weekend):
    response = get(
        client, "year-board-cell", {"weekend": busy_weekend.isoformat(), "district": "welper"}
    )
    content = response.content.decode()

    cell_list = response.context["cell"]
    titles = [date.event.title for date, _weight in cell_list.dates]
    assert titles == ["Schützenfest", "Welperaner Kirmes", "Kaffeeklatsch", "Sommerkonzert"]
    assert [weight for _date, weight in cell_list.dates] == [3, 4, 1, 2]
    assert [hold.title for hold, _weight in cell_list.holds] == ["Herbstmarkt"]
    assert cell_list.load == 13
    for absent in ["Abgesagtes Fest", "Ausgefallene Probe", "Geheimes Jubiläum", "Abgelaufene"]:
        assert absent not in content
    assert german("tentative", "date hold") in content
    assert "5.000" in content  # the Kirmes' size, in German
    hold = DateHold.objects.get(title="Herbstmarkt")
    assert f'href="{reverse("coordination:public-hold", kwargs={"pk": hold.pk})}"' in content
    assert hold.organization.name in content


def test_the_cell_shows_organisers_their_holds(client, busy_weekend, organiser):
    client.force_login(organiser)
    response = get(
        client, "year-board-cell", {"weekend": busy_weekend.isoformat(), "district": "welper"}
    )

    holds = [hold.title for hold, _weight in response.context["cell"].holds]
    assert holds == ["Geheimes Jubiläum", "Herbstmarkt"]
    assert response.context["cell"].load == 14
    hold = DateHold.objects.get(title="Geheimes Jubiläum")
    assert f'href="{hold.get_absolute_url()}"' in response.content.decode()


def test_the_whole_town_cell_lists_dates_without_a_district(client, busy_weekend):
    # Sunday as the weekend's day is the same weekend.
    response = get(client, "year-board-cell", {"weekend": (busy_weekend + DAY).isoformat()})

    cell_list = response.context["cell"]
    assert [date.event.title for date, _weight in cell_list.dates] == ["Online-Sprechstunde"]
    assert cell_list.holds == []
    assert cell_list.saturday == busy_weekend


def test_the_cell_asks_for_a_weekend_day(client, saturday):
    response = get(client, "year-board-cell", {"weekend": (saturday - DAY).isoformat()}, status=400)
    assert 'role="alert"' in response.content.decode()
    get(client, "year-board-cell", {}, status=400)
    get(client, "year-board-cell", {"weekend": saturday.isoformat(), "district": "x"}, status=400)


# --- Exports ----------------------------------------------------------------------------


def read_csv(response):
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_a_line_per_weekend_and_district_for_excel(client, busy_weekend):
    response = get(client, "year-board-csv", {"from": busy_weekend.isoformat()})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    filename = f"jahresplanung-ab-{busy_weekend.isoformat()}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = read_csv(response)
    context = "year board export"
    assert rows[0] == [
        german(header, context)
        for header in [
            "Saturday",
            "Sunday",
            "District",
            "Events",
            "Date holds",
            "Load",
            "Load class",
            "Holidays",
        ]
    ]
    assert len(rows) == 1 + board.BOARD_WEEKENDS * 3
    welper = next(row for row in rows if row[0] == busy_weekend.isoformat() and row[2] == "Welper")
    assert welper[1] == (busy_weekend + DAY).isoformat()
    assert welper[3:7] == ["4", "1", "13", german("high", "load")]
    town = next(row for row in rows[1:4] if row[2] == german("Whole town / no district"))
    assert town[3:6] == ["1", "0", "1"]


def test_the_csv_speaks_english_to_english_readers(client):
    rows = read_csv(get(client, "year-board-csv", {"year": "2027"}, **ENGLISH))

    assert rows[0][:3] == ["Saturday", "Sunday", "District"]
    summer = next(row for row in rows if row[0] == "2027-07-24")
    assert summer[7] == "Summer Break"


def test_the_csv_respects_the_filter(client, busy_weekend, place):
    music = CategoryFactory(name="Musik", slug="musik")
    EventFactory(place=place, start=at(busy_weekend, 20), categories=[music])
    rows = read_csv(
        get(client, "year-board-csv", {"from": busy_weekend.isoformat(), "category": "musik"})
    )

    welper = next(row for row in rows if row[0] == busy_weekend.isoformat() and row[2] == "Welper")
    assert welper[3:6] == ["1", "0", "1"]


def read_ics(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_ics_holds_large_events_and_tentative_holds(client, busy_weekend):
    events = read_ics(get(client, "year-board-ics", {"from": busy_weekend.isoformat()}))

    hold_summary = german("Date hold: %(title)s") % {"title": "Herbstmarkt"}
    assert set(events) == {"Welperaner Kirmes", "Schützenfest", hold_summary}
    assert events["Welperaner Kirmes"]["STATUS"] == "CONFIRMED"
    kirmes = Event.objects.get(title="Welperaner Kirmes")
    assert str(events["Welperaner Kirmes"]["UID"]) == kirmes.occurrences.get().ical_uid
    hold = events[hold_summary]
    assert hold["STATUS"] == "TENTATIVE"
    assert hold.decoded("DTSTART") == busy_weekend + DAY
    assert hold.decoded("DTEND") == busy_weekend + 2 * DAY


def test_the_ics_gives_organisers_their_holds_privately(client, busy_weekend, organiser):
    client.force_login(organiser)
    response = get(client, "year-board-ics", {"from": busy_weekend.isoformat()})

    summaries = set(read_ics(response))
    assert german("Date hold: %(title)s") % {"title": "Geheimes Jubiläum"} in summaries
    assert response["Cache-Control"] == "private, no-store"


def test_the_print_layout_has_the_table_and_the_legend(client, busy_weekend):
    response = get(client, "year-board-print", {"from": busy_weekend.isoformat()})
    content = response.content.decode()

    assert '<body class="print-layout print-board">' in content
    assert '<table class="board">' in content
    assert 'class="board-legend"' in content
    assert 'class="site-nav"' not in content
    assert response.context["board"].rows[0].saturday == busy_weekend


# --- Queries ----------------------------------------------------------------------------


def fill(saturday, place, welper, count):
    for number in range(count):
        EventFactory(
            place=place,
            start=at(saturday + 7 * DAY * number, 15),
            expected_attendance=300 * number or None,
        )
        EventFactory(
            place=None,
            online_url="https://meet.example",
            start=at(saturday + 7 * DAY * number - DAY, 15),
            end=at(saturday + 7 * DAY * number + DAY, 15),
        )
        DateHoldFactory(
            district=welper,
            first_day=saturday + 7 * DAY * number,
            last_day=saturday + 7 * DAY * number,
            visibility=DateHold.Visibility.PUBLIC,
        )


@pytest.mark.parametrize("count", [1, 3])
def test_board_query_count(client, django_assert_num_queries, saturday, place, welper, count):
    fill(saturday, place, welper, count)
    CoordinationSettings.load()
    SiteSettings.load()
    # The coordination settings, the districts, the calendar revision, the weekend dates
    # (one aggregate), the dates of several days, the holds, the site settings and the
    # filter form's categories.
    with django_assert_num_queries(8):
        year_board = board_of(client, saturday)
    assert sum(c.events for row in year_board.rows for c in row.cells) == 2 * count
    assert sum(c.holds for row in year_board.rows for c in row.cells) == count
    # Asked again, the events' part comes from the cache; the holds are read again.
    with django_assert_num_queries(6):
        assert board_of(client, saturday).rows == year_board.rows


def test_a_change_to_the_calendar_or_the_holds_shows_at_once(client, saturday, place, welper):
    EventFactory(place=place, start=at(saturday, 15))
    assert counts(board_of(client, saturday), saturday, "welper") == (1, 0, 1)

    EventFactory(place=place, start=at(saturday + DAY, 15), expected_attendance=5000)
    DateHoldFactory(
        district=welper,
        first_day=saturday,
        last_day=saturday,
        expected_attendance=None,
        visibility=DateHold.Visibility.PUBLIC,
    )
    assert counts(board_of(client, saturday), saturday, "welper") == (2, 1, 6)

    event = Event.objects.get(expected_attendance=5000)
    domain.cancel_occurrence(event.occurrences.get())
    assert counts(board_of(client, saturday), saturday, "welper") == (1, 1, 2)


@pytest.mark.parametrize("count", [1, 3])
def test_cell_query_count(
    client, django_assert_num_queries, saturday, place, welper, organiser, count
):
    for number in range(count):
        EventFactory(place=place, start=at(saturday, 10 + number))
        DateHoldFactory(district=welper, first_day=saturday, last_day=saturday)
    client.force_login(organiser)
    CoordinationSettings.load()
    SiteSettings.load()
    # The district, session, user, membership (sees organisers' holds), coordination
    # settings, dates with events and places, their categories and organisers, the
    # holds, the site settings, the user's and groups' permissions and whether the
    # person moderates a conference (base.html).
    with django_assert_num_queries(13):
        response = get(
            client, "year-board-cell", {"weekend": saturday.isoformat(), "district": "welper"}
        )
    assert len(response.context["dates"]) == len(response.context["holds"]) == count
