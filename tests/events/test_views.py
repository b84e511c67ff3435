import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from quartiersnetz.core.timeutil import local_today, start_of_day, weekend_of
from quartiersnetz.events import domain
from quartiersnetz.events.filters import CalendarFilterForm
from quartiersnetz.events.models import Status, Visibility
from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    EventFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)
from tests.helpers import german

pytestmark = pytest.mark.django_db

DECEMBER = {"from": "2026-12-01", "to": "2026-12-31"}


def marker(kind):
    """The visible marker of a cancelled or moved date, as the page writes it."""
    text = german({"cancelled": "cancelled", "moved": "moved"}[kind], "date of an event")
    return f'<strong class="marker marker-{kind}">{text}</strong>'


def listed_titles(response):
    """Event titles in the order the page's day groups list them."""
    return [
        entry.occurrence.event.title for day in response.context["days"] for entry in day.entries
    ]


def get(client, name, params=None, status=200, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None), params or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def soon(days, hour=19):
    """A local time some days from today: for pages that show what is upcoming."""
    return start_of_day(local_today() + dt.timedelta(days=days)) + dt.timedelta(hours=hour)


def alert_messages(response):
    content = response.content.decode()
    match = re.search(r'<div class="alert" role="alert"[^>]*>(.*?)</div>', content, re.S)
    assert match, "no alert on the page"
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


# --- Agenda -------------------------------------------------------------------------


def test_agenda_groups_dates_by_local_day_in_start_order(client):
    EventFactory(title="Adventskonzert", start=berlin(2026, 12, 5, 19))
    EventFactory(title="Spätlesung", start=berlin(2026, 12, 5, 23, 30))
    # 00:30 in Hattingen is still the 5th in UTC: it belongs to the 6th.
    EventFactory(title="Mitternachtsführung", start=berlin(2026, 12, 6, 0, 30))
    EventFactory(title="Neujahrsempfang", start=berlin(2027, 1, 10, 11))

    response = get(client, "events:agenda", DECEMBER)

    days = response.context["days"]
    assert [day.date for day in days] == [dt.date(2026, 12, 5), dt.date(2026, 12, 6)]
    assert [[e.occurrence.event.title for e in day.entries] for day in days] == [
        ["Adventskonzert", "Spätlesung"],
        ["Mitternachtsführung"],
    ]
    content = response.content.decode()
    assert '<h2 class="day-heading"><time datetime="2026-12-05">' in content
    assert '<h2 class="day-heading"><time datetime="2026-12-06">' in content
    assert "Samstag, 5. Dezember 2026" in content
    assert '<time datetime="2026-12-05T19:00+01:00">19:00</time>' in content
    assert "Neujahrsempfang" not in content


def test_agenda_entry_shows_place_district_categories_and_links_the_date(client):
    district = DistrictFactory(name="Welper")
    place = PlaceFactory(name="Gemeindehaus St. Johann", district=district)
    category = CategoryFactory(name="Musik")
    event = EventFactory(title="Chorprobe", place=place, categories=[category])
    occurrence = event.occurrences.get()

    content = get(client, "events:agenda", DECEMBER).content.decode()

    assert (
        f'href="/veranstaltungen/{event.pk}/?occurrence={occurrence.pk}">Chorprobe</a>' in content
    )
    assert "Gemeindehaus St. Johann" in content
    assert f'<a href="{district.get_absolute_url()}">Welper</a>' in content
    assert "<li>Musik</li>" in content


def test_all_day_event_says_so_instead_of_a_time(client):
    EventFactory(
        title="Weihnachtsmarkt",
        all_day=True,
        start=berlin(2026, 12, 12),
        end=berlin(2026, 12, 13),
    )
    content = get(client, "events:agenda", DECEMBER).content.decode()
    entry = content[content.index('<li class="entry') :]
    entry = entry[: entry.index("</li>")]
    assert german("all day") in entry
    assert "00:00" not in entry


def test_agenda_filters_by_district(client):
    welper = DistrictFactory(name="Welper")
    blankenstein = DistrictFactory(name="Blankenstein")
    EventFactory(title="Welper Kirmes", place=PlaceFactory(district=welper))
    EventFactory(title="Burgfest", place=PlaceFactory(district=blankenstein))
    EventFactory(title="Trödelmarkt Mitte", place=PlaceFactory(district=DistrictFactory()))

    response = get(client, "events:agenda", {**DECEMBER, "district": "welper"})
    assert listed_titles(response) == ["Welper Kirmes"]

    both = get(client, "events:agenda", {**DECEMBER, "district": ["welper", "blankenstein"]})
    assert sorted(listed_titles(both)) == ["Burgfest", "Welper Kirmes"]


def test_agenda_filters_by_category(client):
    music = CategoryFactory(name="Musik")
    sport = CategoryFactory(name="Sport")
    EventFactory(title="Orgelkonzert", categories=[music])
    EventFactory(title="Lauftreff", categories=[sport])
    EventFactory(title="Ohne Kategorie")

    response = get(client, "events:agenda", {**DECEMBER, "category": "musik"})
    assert listed_titles(response) == ["Orgelkonzert"]


def test_agenda_filters_by_organisation(client):
    club = OrganizationFactory(name="TuS Hattingen")
    church = OrganizationFactory(name="Ev. Kirchengemeinde")
    EventFactory(title="Vereinsfest", organizers=[club])
    EventFactory(title="Gemeindekaffee", organizers=[church])

    response = get(client, "events:agenda", {**DECEMBER, "organization": club.slug})
    assert listed_titles(response) == ["Vereinsfest"]
    assert "selected>TuS Hattingen</option>" in response.content.decode()


def test_agenda_filters_free_and_step_free(client):
    EventFactory(title="Eintritt frei", is_free=True)
    EventFactory(title="Mit Eintritt", price="5 €")
    EventFactory(title="Rollstuhlgerecht", place=PlaceFactory(step_free=True))

    assert listed_titles(get(client, "events:agenda", {**DECEMBER, "free": "on"})) == [
        "Eintritt frei"
    ]
    assert listed_titles(get(client, "events:agenda", {**DECEMBER, "step_free": "on"})) == [
        "Rollstuhlgerecht"
    ]


def test_agenda_searches_title_teaser_and_description_for_every_word(client):
    EventFactory(title="Kinderflohmarkt", teaser="Spielzeug und Kleidung")
    EventFactory(title="Vortrag", description="Über die **Ruhr** und ihre Brücken")
    EventFactory(title="Skatabend", teaser="Karten")

    assert listed_titles(get(client, "events:agenda", {**DECEMBER, "q": "flohmarkt"})) == [
        "Kinderflohmarkt"
    ]
    assert listed_titles(get(client, "events:agenda", {**DECEMBER, "q": "ruhr brücken"})) == [
        "Vortrag"
    ]
    assert listed_titles(get(client, "events:agenda", {**DECEMBER, "q": "ruhr karten"})) == []


def test_agenda_without_dates_starts_today(client):
    EventFactory(title="Gestern", start=soon(-1))
    EventFactory(title="Morgen", start=soon(1))
    response = get(client, "events:agenda")
    assert listed_titles(response) == ["Morgen"]
    assert response.context["first"] == local_today()
    assert response.context["last"] is None


def test_today_shortcut_lists_only_today(client):
    today = start_of_day(local_today())
    EventFactory(title="Heute ganztägig", all_day=True, start=today, end=today)
    EventFactory(title="Morgen früh", start=soon(1, hour=9))

    response = get(client, "events:agenda", {"when": "today"})

    assert listed_titles(response) == ["Heute ganztägig"]
    assert response.context["first"] == response.context["last"] == local_today()


def test_weekend_shortcut_lists_friday_to_sunday(client):
    friday, sunday = weekend_of(local_today())
    EventFactory(title="Sonntagsmatinee", start=start_of_day(sunday) + dt.timedelta(hours=11))
    monday = sunday + dt.timedelta(days=1)
    EventFactory(title="Montagstreff", start=start_of_day(monday) + dt.timedelta(hours=18))

    response = get(client, "events:agenda", {"when": "weekend"})

    assert listed_titles(response) == ["Sonntagsmatinee"]
    assert (response.context["first"], response.context["last"]) == (friday, sunday)


def test_filter_form_keeps_the_shortcut_period(client):
    content = get(client, "events:agenda", {"when": "weekend"}).content.decode()
    assert 'type="radio" name="when" value="weekend" id="id_when_2" checked' in content
    assert 'name="from" id="id_date_from" aria-describedby="dates-hint" value=""' in content


def test_month_and_week_filter_forms_keep_the_period_shown(client):
    month = get(client, "events:month", {"month": "2027-02"}).content.decode()
    assert '<input type="hidden" name="month" value="2027-02">' in month
    week = get(client, "events:week", {"week": "2027-02-10"}).content.decode()
    assert '<input type="hidden" name="week" value="2027-02-08">' in week


def test_shortcut_links_keep_the_other_filters(client):
    DistrictFactory(name="Welper")
    content = get(client, "events:agenda", {"district": "welper", **DECEMBER}).content.decode()
    assert 'href="/kalender/?district=welper&amp;when=today"' in content
    assert 'href="/kalender/?district=welper&amp;when=weekend"' in content


def test_cancelled_and_moved_dates_are_marked(client):
    cancelled = EventFactory(title="Laternenumzug", start=berlin(2026, 12, 3, 17))
    domain.cancel_occurrence(cancelled.occurrences.get())
    moved = EventFactory(title="Adventssingen", start=berlin(2026, 12, 4, 18))
    domain.move_occurrence(
        moved.occurrences.get(), berlin(2026, 12, 11, 18), berlin(2026, 12, 11, 20)
    )
    EventFactory(title="Alles wie geplant", start=berlin(2026, 12, 5, 18))

    content = get(client, "events:agenda", DECEMBER).content.decode()

    entries = {
        re.search(r'occurrence=\d+">([^<]+)</a>', entry).group(1): entry
        for entry in content.split('<li class="entry')[1:]
    }
    cancelled_marker = marker("cancelled")
    moved_marker = marker("moved")
    assert cancelled_marker in entries["Laternenumzug"]
    assert entries["Laternenumzug"].startswith(' entry-cancelled"')
    assert moved_marker in entries["Adventssingen"]
    assert "2026-12-11T18:00" in entries["Adventssingen"]
    assert cancelled_marker not in entries["Alles wie geplant"]
    assert moved_marker not in entries["Alles wie geplant"]


def test_event_cancelled_as_a_whole_is_listed_as_cancelled(client):
    EventFactory(title="Sommerfest", status=Status.CANCELLED)
    content = get(client, "events:agenda", DECEMBER).content.decode()
    assert "Sommerfest" in content
    assert "entry-cancelled" in content
    assert marker("cancelled") in content


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Status.DRAFT},
        {"status": Status.SUBMITTED},
        {"visibility": Visibility.INTERNAL},
    ],
)
def test_internal_and_unpublished_events_are_never_listed(client, changes):
    district = DistrictFactory(name="Holthausen")
    organization = OrganizationFactory()
    hidden = EventFactory(
        title="Geheime Vorstandssitzung",
        start=soon(2),
        place=PlaceFactory(district=district),
        organizers=[organization],
        is_highlight=True,
        **changes,
    )
    when = {
        "from": local_today().isoformat(),
        "to": (local_today() + dt.timedelta(days=9)).isoformat(),
    }
    month = {"month": (local_today() + dt.timedelta(days=2)).strftime("%Y-%m")}
    week = {"week": (local_today() + dt.timedelta(days=2)).isoformat()}
    pages = [
        ("events:home", {}, {}),
        ("events:agenda", when, {}),
        ("events:month", month, {}),
        ("events:week", week, {}),
        ("events:week-print", week, {}),
        ("events:district", {}, {"slug": district.slug}),
        ("events:organization", {}, {"slug": organization.slug}),
    ]
    for name, params, kwargs in pages:
        content = get(client, name, params, **kwargs).content.decode()
        assert "Geheime Vorstandssitzung" not in content, name
    get(client, "events:event", status=404, pk=hidden.pk)


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-45"},
        {"to": "gestern"},
        {"from": "2026-12-10", "to": "2026-12-01"},
        {"district": "atlantis"},
        {"category": "unbekannt"},
        {"organization": "gibt-es-nicht"},
        {"q": "x" * 5000},
        {"when": "sometime"},
    ],
)
def test_invalid_filter_answers_400_with_the_translated_messages(client, params):
    EventFactory(title="Stammtisch")
    response = get(client, "events:agenda", params, status=400)
    with translation.override("de"):
        expected = CalendarFilterForm(_query(params)).error_messages()
    assert expected
    assert alert_messages(response) == expected
    assert "Stammtisch" not in response.content.decode()
    # The form stays on the page so the visitor can correct it.
    assert 'class="filters"' in response.content.decode()


def _query(params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def test_invalid_date_message_names_the_field(client):
    response = get(client, "events:agenda", {"from": "2026-13-45"}, status=400)
    (message,) = alert_messages(response)
    assert message.startswith(german("From") + ":")


@pytest.mark.parametrize("page", ["999999999", "abc", "0", "-1", "1.5", "401", "9" * 5000])
def test_page_number_outside_the_allowed_range_answers_400(client, page):
    response = get(client, "events:agenda", {"page": page}, status=400)
    (message,) = alert_messages(response)
    assert "400" in message


def test_pages_are_cut_with_limit_and_keep_the_filter(client, settings):
    settings.EVENTS_PER_PAGE = 2
    for day in range(1, 6):
        EventFactory(title=f"Termin {day}", start=berlin(2026, 12, day, 18))
    params = {**DECEMBER, "q": "Termin"}

    first = get(client, "events:agenda", params)
    assert listed_titles(first) == ["Termin 1", "Termin 2"]
    pagination = first.context["pagination"]
    assert not pagination.has_previous
    assert pagination.next_url == "?from=2026-12-01&to=2026-12-31&q=Termin&page=2"
    assert 'rel="next" href="?from=2026-12-01&amp;to=2026-12-31&amp;q=Termin&amp;page=2"' in (
        first.content.decode()
    )

    second = get(client, "events:agenda", {**params, "page": "2"})
    assert listed_titles(second) == ["Termin 3", "Termin 4"]
    assert second.context["pagination"].previous_url == "?from=2026-12-01&to=2026-12-31&q=Termin"

    last = get(client, "events:agenda", {**params, "page": "3"})
    assert listed_titles(last) == ["Termin 5"]
    assert not last.context["pagination"].has_next
    assert 'rel="next"' not in last.content.decode()

    beyond = get(client, "events:agenda", {**params, "page": "4"})
    assert listed_titles(beyond) == []


def test_pagination_never_counts_the_whole_calendar(client, settings):
    settings.EVENTS_PER_PAGE = 2
    for day in range(1, 4):
        EventFactory(start=berlin(2026, 12, day, 18))
    with CaptureQueriesContext(connection) as queries:
        get(client, "events:agenda", DECEMBER)
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "LIMIT 3" in sql


def test_search_text_with_markup_and_sql_is_shown_escaped(client):
    EventFactory(title="<b>Fett</b> & Co")
    text = "<script>alert(1)</script>' OR 1=1 --"
    response = get(client, "events:agenda", {**DECEMBER, "q": text})
    content = response.content.decode()
    assert listed_titles(response) == []
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#x27; OR 1=1 --" in content

    listed = get(client, "events:agenda", DECEMBER).content.decode()
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; Co" in listed
    assert "<b>Fett</b>" not in listed


def test_filter_form_is_a_get_form_that_keeps_its_state(client):
    DistrictFactory(name="Welper")
    CategoryFactory(name="Musik")
    content = get(
        client,
        "events:agenda",
        {"district": "welper", "category": "musik", "q": "Chor", "free": "on", **DECEMBER},
    ).content.decode()
    form = content[
        content.index('<form class="filters"') : content.index(
            "</form>", content.index('<form class="filters"')
        )
    ]
    assert 'method="get"' in form
    assert 'name="district" value="welper" id="id_district_0" checked' in form
    assert 'name="category" value="musik" id="id_category_0" checked' in form
    assert 'name="q" id="id_q" value="Chor"' in form
    assert 'name="from" id="id_date_from" aria-describedby="dates-hint" value="2026-12-01"' in form
    assert 'name="to" id="id_date_to" aria-describedby="dates-hint" value="2026-12-31"' in form
    assert 'type="radio" name="when" value="" id="id_when_0" checked' in form
    assert 'name="free" id="id_free" checked' in form
    assert 'hx-get="/kalender/"' in form
    assert 'hx-target="#results"' in form


def test_htmx_request_gets_only_the_results_region(client):
    EventFactory(title="Stammtisch")
    response = client.get(reverse("events:agenda"), DECEMBER, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content
    assert "Stammtisch" in content
    assert "HX-Request" in response["Vary"]


def test_htmx_request_with_invalid_filter_gets_the_errors_in_the_results_region(client):
    response = client.get(
        reverse("events:agenda"), {"from": "2026-13-45"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert 'role="alert"' in content


def test_agenda_announces_and_offers_its_filtered_feeds(client):
    DistrictFactory(name="Welper")
    content = get(client, "events:agenda", {"district": "welper"}).content.decode()
    assert (
        '<link rel="alternate" type="text/calendar" '
        'href="http://testserver/kalender.ics?district=welper"'
    ) in content
    assert 'type="application/rss+xml" href="http://testserver/kalender/rss/?district=welper"' in (
        content
    )
    assert (
        'type="application/atom+xml" href="http://testserver/kalender/atom/?district=welper"'
        in (content)
    )
    assert 'href="webcal://testserver/kalender.ics?district=welper"' in content
    assert german("Subscribe") in content


# --- Month ---------------------------------------------------------------------------


def test_month_is_a_table_with_weekday_headers_and_a_cell_per_day(client):
    EventFactory(title="Nikolausfeier", start=berlin(2026, 12, 6, 15))
    response = get(client, "events:month", {"month": "2026-12"})
    content = response.content.decode()
    assert "<caption>" in content
    assert content.count('<th scope="col">') == 7
    # December 2026: Monday 30 November to Sunday 3 January, five weeks.
    weeks = response.context["weeks"]
    assert len(weeks) == 5
    assert weeks[0][0].date == dt.date(2026, 11, 30)
    assert weeks[-1][-1].date == dt.date(2027, 1, 3)
    sunday = weeks[0][6]
    assert sunday.date == dt.date(2026, 12, 6)
    assert [entry["title"] for entry in sunday.entries] == ["Nikolausfeier"]
    assert '<time datetime="2026-12-06">' in content
    assert 'href="/kalender/monat/?month=2026-11"' in content
    assert 'href="/kalender/monat/?month=2027-01"' in content


def test_month_cell_shows_four_dates_and_links_the_rest_to_the_agenda(client):
    welper = PlaceFactory(district=DistrictFactory(name="Welper"))
    for hour in range(10, 16):
        EventFactory(title=f"Markt {hour}", start=berlin(2026, 12, 12, hour), place=welper)
    EventFactory(title="Anderswo", start=berlin(2026, 12, 12, 9))

    response = get(client, "events:month", {"month": "2026-12", "district": "welper"})

    cell = next(c for week in response.context["weeks"] for c in week if c.date.day == 12)
    assert [entry["title"] for entry in cell.entries] == [f"Markt {h}" for h in range(10, 14)]
    assert cell.more == 2
    assert cell.more_url == "/kalender/?district=welper&from=2026-12-12&to=2026-12-12"
    content = response.content.decode()
    assert 'href="/kalender/?district=welper&amp;from=2026-12-12&amp;to=2026-12-12">+2' in content
    assert "Anderswo" not in content
    assert 'href="/kalender/monat/?district=welper&amp;month=2027-01"' in content


def test_month_shows_a_date_of_several_days_on_each_of_them(client):
    EventFactory(
        title="Altstadtfest",
        all_day=True,
        start=berlin(2026, 12, 18),
        end=berlin(2026, 12, 21),
    )
    response = get(client, "events:month", {"month": "2026-12"})
    days = [
        cell.date.day
        for week in response.context["weeks"]
        for cell in week
        if any(entry["title"] == "Altstadtfest" for entry in cell.entries)
    ]
    assert days == [18, 19, 20]


def test_month_marks_cancelled_dates(client):
    event = EventFactory(title="Weihnachtsbasar", start=berlin(2026, 12, 10, 14))
    domain.cancel_occurrence(event.occurrences.get())
    content = get(client, "events:month", {"month": "2026-12"}).content.decode()
    assert '<li class="cancelled">' in content
    assert marker("cancelled") in content


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-12", "dezember", "2026-1", "3000-01"])
def test_invalid_month_answers_400(client, month):
    response = get(client, "events:month", {"month": month}, status=400)
    assert len(alert_messages(response)) == 1
    assert "<table" not in response.content.decode()


def test_month_defaults_to_the_current_month(client):
    response = get(client, "events:month")
    assert response.context["month_start"] == local_today().replace(day=1)


# --- Week ----------------------------------------------------------------------------


def test_week_table_has_a_row_group_per_day(client):
    EventFactory(title="Seniorenkaffee", start=berlin(2026, 12, 9, 15))
    # Any day of the week selects the week from Monday to Sunday.
    response = get(client, "events:week", {"week": "2026-12-10"})
    content = response.content.decode()
    assert response.context["week_start"] == dt.date(2026, 12, 7)
    assert [day.date for day in response.context["days"]] == [
        dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(7)
    ]
    assert "<caption>" in content
    assert content.count('<th scope="rowgroup"') == 7
    assert content.count("<tbody") == 7
    assert '<th scope="row"><time datetime="2026-12-09T15:00+01:00">15:00</time>' in content
    wednesday = response.context["days"][2]
    assert [e.occurrence.event.title for e in wednesday.entries] == ["Seniorenkaffee"]
    assert 'href="/kalender/woche/?week=2026-11-30"' in content
    assert 'href="/kalender/woche/?week=2026-12-14"' in content


def test_week_applies_the_filter(client):
    EventFactory(title="Gratis", start=berlin(2026, 12, 9, 15), is_free=True)
    EventFactory(title="Kostet", start=berlin(2026, 12, 9, 16), price="3 €")
    response = get(client, "events:week", {"week": "2026-12-09", "free": "on"})
    titles = [e.occurrence.event.title for day in response.context["days"] for e in day.entries]
    assert titles == ["Gratis"]


@pytest.mark.parametrize("week", ["2026-02-30", "2026-W50", "morgen"])
def test_invalid_week_answers_400(client, week):
    response = get(client, "events:week", {"week": week}, status=400)
    assert len(alert_messages(response)) == 1


def test_print_week_has_the_same_dates_without_navigation(client):
    EventFactory(title="Seniorenkaffee", start=berlin(2026, 12, 9, 15))
    response = get(client, "events:week-print", {"week": "2026-12-09"})
    content = response.content.decode()
    assert "Seniorenkaffee" in content
    assert 'class="print-layout"' in content
    assert 'class="site-nav"' not in content
    assert "language-switcher" not in content
    assert 'class="filters"' not in content
    assert content.count('<th scope="rowgroup"') == 7


# --- Event page ----------------------------------------------------------------------


def test_event_page_shows_everything_about_the_event(client):
    place = PlaceFactory(
        name="Stadtmuseum",
        street="Marktplatz 1-3",
        postcode="45527",
        district=DistrictFactory(name="Mitte"),
        step_free=True,
        hearing_loop=True,
        access_notes="Eingang über den Hof",
    )
    organizer = OrganizationFactory(name="Heimatverein Hattingen")
    event = EventFactory(
        title="Museumsnacht",
        teaser="Führungen bis Mitternacht",
        description="Mit **Musik** und [Programm](https://example.org/programm).",
        place=place,
        organizers=[organizer],
        categories=[CategoryFactory(name="Kultur")],
        contact_name="Erika Muster",
        contact_email="erika@example.org",
        contact_phone="02324 12345",
        price="5 €, ermäßigt 3 €",
        registration_url="https://example.org/anmeldung",
        expected_attendance=250,
        online_url="https://example.org/stream",
    )

    response = get(client, "events:event", pk=event.pk)
    content = response.content.decode()

    assert "<h1" in content
    assert "Museumsnacht</h1>" in content
    assert "Führungen bis Mitternacht" in content
    assert "Mit <strong>Musik</strong>" in content
    assert '<time datetime="2026-12-01T19:00+01:00">Di., 1. Dez. 2026, 19:00</time>' in content
    assert "Marktplatz 1-3" in content
    assert "45527 Hattingen" in content
    assert f'href="{place.map_url.replace("&", "&amp;")}"' in content
    assert "<iframe" not in content
    assert "Eingang über den Hof" in content
    assert f'href="{organizer.get_absolute_url()}">Heimatverein Hattingen</a>' in content
    assert 'href="mailto:erika@example.org"' in content
    assert 'href="tel:0232412345"' in content
    assert "Kultur" in content
    assert "5 €, ermäßigt 3 €" in content
    assert 'href="https://example.org/anmeldung"' in content
    assert 'href="https://example.org/stream"' in content
    assert "250" in content
    assert f'href="http://testserver/veranstaltungen/{event.pk}/kalender.ics" download' in content
    assert f'href="webcal://testserver/veranstaltungen/{event.pk}/kalender.ics"' in content
    assert '<link rel="alternate" type="text/calendar"' in content


def test_event_page_shows_image_with_its_description(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("plakat.png", _png(), content_type="image/png")
    event = EventFactory(image=image, image_alt="Plakat: Chor vor der St.-Georgs-Kirche")
    content = get(client, "events:event", pk=event.pk).content.decode()
    assert f'<img src="{event.image.url}" alt="Plakat: Chor vor der St.-Georgs-Kirche">' in content


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_free_event_says_free(client):
    event = EventFactory(is_free=True)
    assert german("free of charge") in get(client, "events:event", pk=event.pk).content.decode()


def test_event_page_lists_the_next_ten_dates_of_a_series_with_cancelled_marked(client):
    event = EventFactory(
        title="Lauftreff",
        start=soon(1, hour=18),
        recurrence_rule="FREQ=WEEKLY;COUNT=15",
    )
    dates = list(event.occurrences.order_by("start"))
    domain.cancel_occurrence(dates[2])

    response = get(client, "events:event", pk=event.pk)

    entries = response.context["upcoming_entries"]
    assert [entry.occurrence.pk for entry in entries] == [d.pk for d in dates[:10]]
    assert response.context["occurrence"] == dates[0]
    section = response.content.decode().split('class="event-dates"')[1].split("</section>")[0]
    assert section.count("<li") == 10
    assert section.count(marker("cancelled")) == 1
    assert '<li class="cancelled">' in section


def test_occurrence_parameter_chooses_the_date_shown(client):
    event = EventFactory(start=soon(1), recurrence_rule="FREQ=WEEKLY;COUNT=3")
    third = event.occurrences.order_by("start")[2]
    response = get(client, "events:event", {"occurrence": str(third.pk)}, pk=event.pk)
    assert response.context["occurrence"] == third
    ld = _jsonld(response)
    assert ld["startDate"].startswith((local_today() + dt.timedelta(days=15)).isoformat())


def test_date_of_another_event_falls_back_to_the_next_date_with_a_notice(client):
    event = EventFactory(start=soon(1))
    other = EventFactory(start=soon(2))
    response = get(
        client,
        "events:event",
        {"occurrence": str(other.occurrences.get().pk)},
        pk=event.pk,
    )
    assert response.context["occurrence"] == event.occurrences.get()
    assert response.context["missing_occurrence"]
    assert 'role="status"' in response.content.decode()


@pytest.mark.parametrize("value", ["drei", "1; DROP TABLE events_event", "9" * 5000])
def test_malformed_occurrence_parameter_answers_400(client, value):
    event = EventFactory()
    response = get(client, "events:event", {"occurrence": value}, status=400, pk=event.pk)
    assert len(alert_messages(response)) == 1


def test_occurrence_id_beyond_the_database_range_is_a_missing_date(client):
    event = EventFactory()
    response = get(client, "events:event", {"occurrence": "9" * 18}, pk=event.pk)
    assert response.context["missing_occurrence"]


def test_event_id_beyond_the_database_range_is_404(client):
    assert client.get("/veranstaltungen/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [{"status": Status.DRAFT}, {"status": Status.SUBMITTED}, {"visibility": Visibility.INTERNAL}],
)
def test_event_page_is_404_unless_the_event_is_listed(client, changes):
    event = EventFactory(**changes)
    response = get(client, "events:event", status=404, pk=event.pk)
    assert event.title not in response.content.decode()


def test_unknown_event_is_404(client):
    get(client, "events:event", status=404, pk=999999)


def test_cancelled_date_is_marked_on_the_event_page(client):
    event = EventFactory(title="Konzert")
    domain.cancel_occurrence(event.occurrences.get())
    response = get(client, "events:event", pk=event.pk)
    assert marker("cancelled") in response.content.decode()
    assert _jsonld(response)["eventStatus"] == "https://schema.org/EventCancelled"


def _jsonld(response):
    import json

    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match
    return json.loads(match.group(1))


# --- Districts and organisations -------------------------------------------------------


def test_district_list_links_every_district(client):
    welper = DistrictFactory(name="Welper")
    DistrictFactory(name="Blankenstein")
    content = get(client, "events:districts").content.decode()
    assert f'<a href="{welper.get_absolute_url()}">Welper</a>' in content
    assert "Blankenstein" in content


def test_district_page_lists_upcoming_events_of_the_district_only(client):
    welper = DistrictFactory(name="Welper", description="Stadtteil an der Ruhr.")
    EventFactory(title="Kirmes", start=soon(3), place=PlaceFactory(district=welper))
    EventFactory(title="Vorbei", start=soon(-3), place=PlaceFactory(district=welper))
    EventFactory(title="Anderer Stadtteil", start=soon(3))

    response = get(client, "events:district", slug="welper")

    assert listed_titles(response) == ["Kirmes"]
    content = response.content.decode()
    assert "Stadtteil an der Ruhr." in content
    assert 'href="http://testserver/stadtteile/welper/kalender.ics"' in content
    assert 'href="webcal://testserver/stadtteile/welper/kalender.ics"' in content


def test_unknown_district_is_404(client):
    get(client, "events:district", status=404, slug="atlantis")


def test_district_page_number_is_checked(client):
    DistrictFactory(name="Welper")
    response = get(client, "events:district", {"page": "abc"}, status=400, slug="welper")
    assert len(alert_messages(response)) == 1


def test_district_page_is_paginated(client, settings):
    settings.EVENTS_PER_PAGE = 2
    welper = DistrictFactory(name="Welper")
    for day in range(1, 4):
        EventFactory(title=f"Treff {day}", start=soon(day), place=PlaceFactory(district=welper))
    first = get(client, "events:district", slug="welper")
    assert listed_titles(first) == ["Treff 1", "Treff 2"]
    assert first.context["pagination"].next_url == "?page=2"
    second = get(client, "events:district", {"page": "2"}, slug="welper")
    assert listed_titles(second) == ["Treff 3"]


def test_organisation_list_and_page(client):
    club = OrganizationFactory(name="Ruderclub Hattingen", description="Rudern seit 1900.")
    other = OrganizationFactory(name="Schachfreunde")
    EventFactory(title="Anrudern", start=soon(4), organizers=[club])
    EventFactory(title="Blitzturnier", start=soon(4), organizers=[other])

    listing = get(client, "events:organizations").content.decode()
    assert f'<a href="{club.get_absolute_url()}">Ruderclub Hattingen</a>' in listing
    assert "Schachfreunde" in listing

    response = get(client, "events:organization", slug=club.slug)
    assert listed_titles(response) == ["Anrudern"]
    content = response.content.decode()
    assert "Rudern seit 1900." in content
    assert f'href="http://testserver/organisationen/{club.slug}/kalender.ics"' in content


def test_unknown_organisation_is_404(client):
    get(client, "events:organization", status=404, slug="niemand")


# --- Start page ----------------------------------------------------------------------


def test_start_page_shows_today_weekend_highlights_and_districts(client):
    today = start_of_day(local_today())
    EventFactory(title="Heute im Park", all_day=True, start=today, end=today)
    _friday, sunday = weekend_of(local_today())
    EventFactory(title="Sonntagskonzert", start=start_of_day(sunday) + dt.timedelta(hours=17))
    EventFactory(title="Altstadtfest", start=soon(20), is_highlight=True)
    EventFactory(title="Kein Höhepunkt", start=soon(21))
    EventFactory(title="Vergangenes Highlight", start=soon(-20), is_highlight=True)
    district = DistrictFactory(name="Niederwenigern")

    response = get(client, "events:home")
    content = response.content.decode()

    today_titles = [
        e.occurrence.event.title for d in response.context["today_days"] for e in d.entries
    ]
    assert "Heute im Park" in today_titles
    weekend_titles = [
        e.occurrence.event.title for d in response.context["weekend_days"] for e in d.entries
    ]
    assert "Sonntagskonzert" in weekend_titles
    assert [event.title for event in response.context["highlights"]] == ["Altstadtfest"]
    assert f'<a href="{district.get_absolute_url()}">Niederwenigern</a>' in content
    assert 'href="/kalender/"' in content
    assert 'href="/kalender/monat/"' in content
    assert '<link rel="alternate" type="text/calendar" href="http://testserver/kalender.ics"' in (
        content
    )
    assert 'href="webcal://testserver/kalender.ics"' in content


def test_highlight_of_a_series_appears_once_with_its_next_date(client):
    event = EventFactory(
        title="Sommerkino", start=soon(2), recurrence_rule="FREQ=WEEKLY;COUNT=5", is_highlight=True
    )
    (highlight,) = get(client, "events:home").context["highlights"]
    assert highlight == event
    assert highlight.next_occurrence == event.occurrences.order_by("start")[0].pk


# --- Query counts --------------------------------------------------------------------


def _count_queries(client, url, params=None):
    client.get(url, params or {})  # Warm up: site settings row, caches.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


def _events_for_counting(starts, district, organization):
    categories = [CategoryFactory() for _ in starts]
    return [
        EventFactory(
            start=start,
            place=PlaceFactory(district=district),
            organizers=[organization, OrganizationFactory()],
            categories=categories[: i + 1],
        )
        for i, start in enumerate(starts)
    ]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("events:agenda", DECEMBER),
        ("events:month", {"month": "2026-12"}),
        ("events:week", {"week": "2026-12-07"}),
    ],
)
def test_calendar_views_need_the_same_number_of_queries_for_one_and_three_events(
    client, name, params
):
    counts = []
    for n in (1, 3):
        district = DistrictFactory(name=f"Bezirk {n}")
        starts = [berlin(2026, 12, 7 + i, 18) for i in range(n)]
        _events_for_counting(starts, district, OrganizationFactory())
        response_params = {**params, "district": district.slug}
        counts.append(_count_queries(client, reverse(name), response_params))
        shown = client.get(reverse(name), response_params).content.decode()
        assert shown.count("?occurrence=") >= n
    assert counts[0] == counts[1]


@pytest.mark.parametrize("page", ["district", "organization"])
def test_district_and_organisation_pages_need_the_same_number_of_queries(client, page):
    counts = []
    for n in (1, 3):
        district = DistrictFactory(name=f"Bezirk {n}")
        organization = OrganizationFactory(name=f"Verein {n}")
        _events_for_counting([soon(2 + i) for i in range(n)], district, organization)
        slug = district.slug if page == "district" else organization.slug
        counts.append(_count_queries(client, reverse(f"events:{page}", kwargs={"slug": slug})))
    assert counts[0] == counts[1]


def test_start_page_needs_the_same_number_of_queries_for_one_and_three_events(client):
    _friday, sunday = weekend_of(local_today())
    counts = []
    for n in (1, 3):
        for _ in range(n):
            today = start_of_day(local_today())
            EventFactory(all_day=True, start=today, end=today, categories=[CategoryFactory()])
            EventFactory(
                start=start_of_day(sunday) + dt.timedelta(hours=15),
                organizers=[OrganizationFactory()],
            )
            EventFactory(start=soon(20), is_highlight=True)
        counts.append(_count_queries(client, reverse("events:home")))
    assert counts[0] == counts[1]


def test_event_page_needs_the_same_number_of_queries_for_one_and_three_of_everything(client):
    counts = []
    for n in (1, 3):
        event = EventFactory(
            start=soon(1),
            recurrence_rule=f"FREQ=WEEKLY;COUNT={n}",
            organizers=[OrganizationFactory() for _ in range(n)],
            categories=[CategoryFactory() for _ in range(n)],
        )
        counts.append(_count_queries(client, event.get_absolute_url()))
    assert counts[0] == counts[1]
