import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest
import recurring_ical_events
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiersnetz.core.timeutil import localize
from quartiersnetz.events import domain
from quartiersnetz.events.models import Occurrence, Status, Visibility
from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    EventFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

WINDOW = {"from": "2026-11-01", "to": "2027-12-31"}


def get_calendar(client, url, params=None):
    response = client.get(url, params or WINDOW)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, icalendar.Calendar.from_ical(response.content)


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def test_calendar_feed_has_the_headers_real_clients_need(client):
    EventFactory(title="Stammtisch")
    response, calendar = get_calendar(client, reverse("events:calendar-ics"))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Veranstaltungen in Hattingen"
    assert calendar["NAME"] == "Veranstaltungen in Hattingen"
    assert calendar.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=6)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (event,) = vevents(calendar)
    assert event["SUMMARY"] == "Stammtisch"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == berlin(2026, 12, 1, 19)
    assert event["DTSTAMP"]
    assert event["STATUS"] == "CONFIRMED"
    assert response["ETag"]
    assert response["Last-Modified"]


def test_lines_are_folded_at_75_octets(client):
    EventFactory(title="Sehr langer Titel " * 10, teaser="Überlänge " * 29)
    response, _calendar = get_calendar(client, reverse("events:calendar-ics"))
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "long lines were folded"


def test_ics_round_trip_gives_exactly_the_occurrences_in_our_table(client):
    weekly = EventFactory(
        start=berlin(2026, 10, 6, 19),
        end=berlin(2026, 10, 6, 21),
        recurrence_rule="FREQ=WEEKLY;BYDAY=TU",
        recurrence_exceptions="2026-12-22",
    )
    festival = EventFactory(
        start=berlin(2027, 8, 27), end=berlin(2027, 8, 29), all_day=True, title="Altstadtfest"
    )
    EventFactory(start=berlin(2026, 11, 28, 11), end=berlin(2026, 11, 29, 20))
    domain.cancel_occurrence(weekly.occurrences.order_by("start")[8])

    _response, calendar = get_calendar(client, reverse("events:calendar-ics"))
    start, end = berlin(2026, 11, 1), berlin(2028, 1, 1)
    from_feed = sorted(
        (
            component.decoded("DTSTART").isoformat(),
            component.decoded("DTEND").isoformat(),
            str(component["STATUS"]),
        )
        for component in recurring_ical_events.of(calendar).between(start, end)
    )

    def as_feed(occurrence):
        start, end = localize(occurrence.start), localize(occurrence.end)
        if occurrence.all_day:
            return start.date().isoformat(), end.date().isoformat()
        return start.isoformat(), end.isoformat()

    in_table = sorted(
        (*as_feed(o), "CANCELLED" if o.cancelled else "CONFIRMED")
        for o in domain.occurrences_between(domain.listed_occurrences(), start, end)
    )
    assert from_feed == in_table
    assert len(in_table) > 50
    festival_events = [e for e in vevents(calendar) if e["SUMMARY"] == "Altstadtfest"]
    (festival_event,) = festival_events
    assert festival_event.decoded("DTSTART") == dt.date(2027, 8, 27)
    assert festival_event.decoded("DTEND") == dt.date(2027, 8, 29), "exclusive DTEND"
    assert festival.occurrences.get().end == berlin(2027, 8, 29)


def test_uid_is_stable_and_sequence_rises_when_an_event_changes(client):
    event = EventFactory(recurrence_rule="FREQ=WEEKLY;COUNT=3")
    _response, before = get_calendar(client, reverse("events:calendar-ics"))
    event.title = "Stammtisch (neuer Ort)"
    event.start, event.end = berlin(2026, 12, 1, 20), berlin(2026, 12, 1, 22)
    event.full_clean()
    domain.save_event(event)
    _response, after = get_calendar(client, reverse("events:calendar-ics"))
    uids_before = [str(e["UID"]) for e in vevents(before)]
    uids_after = [str(e["UID"]) for e in vevents(after)]
    assert uids_before == uids_after
    assert len(set(uids_after)) == 3
    assert all(
        e["SEQUENCE"] > b["SEQUENCE"] for b, e in zip(vevents(before), vevents(after), strict=False)
    )


def test_cancelled_events_stay_in_the_feed_as_cancelled(client):
    EventFactory(title="Abgesagtes Konzert", status=Status.CANCELLED)
    _response, calendar = get_calendar(client, reverse("events:calendar-ics"))
    (event,) = vevents(calendar)
    assert event["STATUS"] == "CANCELLED"


def test_drafts_and_internal_events_are_never_in_a_feed(client):
    EventFactory(title="Entwurf", status=Status.DRAFT)
    EventFactory(title="Intern", visibility=Visibility.INTERNAL)
    EventFactory(title="Öffentlich")
    _response, calendar = get_calendar(client, reverse("events:calendar-ics"))
    assert [str(e["SUMMARY"]) for e in vevents(calendar)] == ["Öffentlich"]


def test_district_organization_and_filtered_feeds_hold_only_their_events(client):
    blankenstein = DistrictFactory(name="Blankenstein", slug="blankenstein")
    welper = DistrictFactory(name="Welper", slug="welper")
    club = OrganizationFactory(name="Bürgergesellschaft Blankenstein e.V.")
    markets = CategoryFactory(name="Feste & Märkte", slug="feste-maerkte")
    EventFactory(
        title="Weihnachtsmarkt",
        place=PlaceFactory(district=blankenstein),
        organizers=[club],
        categories=[markets],
    )
    EventFactory(title="Lauftreff", place=PlaceFactory(district=welper))

    def titles(url, params=None):
        _response, calendar = get_calendar(client, url, {**WINDOW, **(params or {})})
        return sorted(str(e["SUMMARY"]) for e in vevents(calendar))

    assert titles(reverse("events:district-ics", args=["blankenstein"])) == ["Weihnachtsmarkt"]
    assert titles(reverse("events:district-ics", args=["welper"])) == ["Lauftreff"]
    assert titles(reverse("events:organization-ics", args=[club.slug])) == ["Weihnachtsmarkt"]
    assert titles(reverse("events:calendar-ics"), {"category": "feste-maerkte"}) == [
        "Weihnachtsmarkt"
    ]
    assert titles(reverse("events:calendar-ics"), {"q": "lauf"}) == ["Lauftreff"]
    assert client.get(reverse("events:district-ics", args=["atlantis"])).status_code == 404


def test_event_feed_holds_the_dates_of_one_event(client):
    event = EventFactory(recurrence_rule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3")
    EventFactory(title="Anderes")
    _response, calendar = get_calendar(client, reverse("events:event-ics", args=[event.pk]), {})
    assert {str(e["SUMMARY"]) for e in vevents(calendar)} == {event.title}
    assert len(vevents(calendar)) == 3
    draft = EventFactory(status=Status.DRAFT)
    assert client.get(reverse("events:event-ics", args=[draft.pk])).status_code == 404


def test_an_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(client):
    event = EventFactory()
    url = reverse("events:calendar-ics")
    first = client.get(url, WINDOW)
    etag = first["ETag"]
    again = client.get(url, WINDOW, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    domain.cancel_occurrence(event.occurrences.get())
    changed = client.get(url, WINDOW, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert b"STATUS:CANCELLED" in changed.content


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-13-45"}, {"district": "atlantis"}, {"q": "x" * 5000}, {"from": "99999-01-01"}],
)
def test_garbage_in_a_feed_query_is_a_400_with_a_message(client, params):
    response = client.get(reverse("events:calendar-ics"), params)
    assert response.status_code == 400
    assert response.content.decode().strip()


def test_rss_and_atom_list_upcoming_dates(client):
    EventFactory(
        title="Lesung im Stadtmuseum",
        start=berlin(2030, 1, 10, 19),
        end=berlin(2030, 1, 10, 21),
    )
    EventFactory(title="Vorbei", start=berlin(2020, 1, 10, 19), end=berlin(2020, 1, 10, 21))
    rss = client.get(reverse("events:rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["10.01.2030 19:00: Lesung im Stadtmuseum"]
    atom = client.get(reverse("events:atom"))
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(atom.content).findall("atom:entry", ns)
    assert len(entries) == 1
    assert entries[0].findtext("atom:title", namespaces=ns).endswith("Lesung im Stadtmuseum")
    assert client.get(reverse("events:rss"), {"district": "atlantis"}).status_code == 400


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["events:calendar-ics", "events:rss", "events:atom"])
def test_feeds_need_the_same_number_of_queries_for_one_and_three_events(client, url_name):
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    category = CategoryFactory()
    organizer = OrganizationFactory()
    params = {"from": "2026-11-01", "to": "2027-12-31"} if url_name.endswith("ics") else {}

    def add_event(n):
        EventFactory(
            place=PlaceFactory(district=district),
            start=berlin(2030, 1, n, 19),
            end=berlin(2030, 1, n, 21),
            categories=[category],
            organizers=[organizer],
        )

    params = params and {"from": "2029-12-01", "to": "2030-02-01"}
    add_event(1)
    one = _queries(client, reverse(url_name), params)
    add_event(2)
    add_event(3)
    # A new revision (the events changed) makes the ICS cache miss again.
    three = _queries(client, reverse(url_name), params)
    assert Occurrence.objects.count() == 3
    assert one == three
