"""A new visitor finds an event in Blankenstein this weekend and takes it into their calendar."""

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from quartiersnetz.core.timeutil import local_today, start_of_day, weekend_of
from tests.factories import CategoryFactory, DistrictFactory, EventFactory, PlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town():
    blankenstein = DistrictFactory(name="Blankenstein", slug="blankenstein")
    welper = DistrictFactory(name="Welper", slug="welper")
    markets = CategoryFactory(name="Feste & Märkte", slug="feste-maerkte")
    saturday = weekend_of(local_today())[0] + dt.timedelta(days=1)
    start = start_of_day(saturday) + dt.timedelta(hours=11)
    market = EventFactory(
        title="Blankensteiner Weihnachtsmarkt",
        teaser="Budenzauber auf der Burg",
        start=start,
        end=start + dt.timedelta(hours=9),
        place=PlaceFactory(name="Burg Blankenstein", district=blankenstein, step_free=True),
        categories=[markets],
        is_highlight=True,
    )
    EventFactory(
        title="Lauftreff Welper",
        start=start,
        end=start + dt.timedelta(hours=1),
        place=PlaceFactory(name="Sportplatz Welper", district=welper),
    )
    EventFactory(
        title="Stammtisch nächste Woche",
        start=start + dt.timedelta(days=10),
        end=start + dt.timedelta(days=10, hours=2),
        place=PlaceFactory(name="Haus Kemnade", district=blankenstein),
    )
    return market


def test_visitor_filters_to_blankenstein_this_weekend_and_downloads_the_ics(page, axe, town):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    axe(page)

    page.goto("/kalender/")
    axe(page)
    page.locator("a[href*='when=weekend']").first.click()
    page.get_by_label("Blankenstein", exact=True).check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**district=blankenstein**")
    assert "when=weekend" in page.url
    results = page.locator("main")
    assert results.get_by_text("Blankensteiner Weihnachtsmarkt").count() >= 1
    assert results.get_by_text("Lauftreff Welper").count() == 0
    assert results.get_by_text("Stammtisch nächste Woche").count() == 0

    page.get_by_role("link", name="Blankensteiner Weihnachtsmarkt").first.click()
    page.wait_for_url(f"**/veranstaltungen/{town.pk}/**")
    assert page.locator("h1").inner_text() == "Blankensteiner Weihnachtsmarkt"
    axe(page)

    with page.expect_download() as download_info:
        page.locator("a[href$='kalender.ics']").first.click()
    download = download_info.value
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["SUMMARY"] == "Blankensteiner Weihnachtsmarkt"
    assert vevent.decoded("DTSTART") == town.start


def test_month_view_passes_axe(page, axe, town):
    page.goto("/kalender/monat/")
    assert page.locator("table").count() >= 1
    axe(page)
