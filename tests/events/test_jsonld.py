import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from quartiersnetz.events import domain, jsonld
from quartiersnetz.events.models import Audience, Status
from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    EventFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"


def page_jsonld(client, event, **params):
    response = client.get(reverse("events:event", kwargs={"pk": event.pk}), params)
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def data_for(event, occurrence=None):
    event.refresh_from_db()
    occurrence = occurrence or event.occurrences.order_by("start").first()
    return jsonld.event_data(event, occurrence, lambda path: "https://hattingen.example" + path)


def test_event_page_has_a_schema_org_event_with_the_required_keys(client):
    place = PlaceFactory(
        name="Bürgerzentrum Holschentor",
        street="Talstraße 8",
        postcode="45525",
        district=DistrictFactory(name="Mitte"),
    )
    organizer = OrganizationFactory(name="Bürgerverein Mitte")
    event = EventFactory(
        title="Erzählcafé",
        description="Geschichten aus **Hattingen**.",
        start=berlin(2026, 12, 5, 15),
        end=berlin(2026, 12, 5, 17),
        place=place,
        organizers=[organizer],
        categories=[CategoryFactory(name="Geschichte")],
        is_free=True,
    )

    data = page_jsonld(client, event)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Erzählcafé"
    assert data["description"] == "Geschichten aus Hattingen."
    assert data["startDate"] == "2026-12-05T15:00:00+01:00"
    assert data["endDate"] == "2026-12-05T17:00:00+01:00"
    assert data["eventStatus"] == SCHEMA + "EventScheduled"
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Bürgerzentrum Holschentor",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Talstraße 8",
            "postalCode": "45525",
            "addressLocality": "Hattingen",
            "addressCountry": "DE",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 51.3931, "longitude": 7.2236},
    }
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "Bürgerverein Mitte",
            "url": f"http://testserver/organisationen/{organizer.slug}/",
        }
    ]
    assert data["offers"]["price"] == 0
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["isAccessibleForFree"] is True
    occurrence = event.occurrences.get()
    assert (
        data["url"] == f"http://testserver/veranstaltungen/{event.pk}/?occurrence={occurrence.pk}"
    )


def test_summer_time_dates_carry_the_summer_offset():
    event = EventFactory(start=berlin(2027, 7, 3, 20), end=berlin(2027, 7, 3, 23))
    data = data_for(event)
    assert data["startDate"] == "2027-07-03T20:00:00+02:00"
    assert data["endDate"] == "2027-07-03T23:00:00+02:00"


def test_all_day_event_has_plain_dates_with_the_last_day_included():
    event = EventFactory(all_day=True, start=berlin(2027, 6, 11), end=berlin(2027, 6, 13, 12))
    data = data_for(event)
    assert data["startDate"] == "2027-06-11"
    assert data["endDate"] == "2027-06-13"


def test_cancelled_date_is_event_cancelled(client):
    event = EventFactory()
    domain.cancel_occurrence(event.occurrences.get())
    assert page_jsonld(client, event)["eventStatus"] == SCHEMA + "EventCancelled"


def test_cancelled_event_is_event_cancelled():
    event = EventFactory(status=Status.CANCELLED)
    assert data_for(event)["eventStatus"] == SCHEMA + "EventCancelled"


def test_event_with_previous_start_is_rescheduled_with_the_previous_date():
    event = EventFactory(
        status=Status.POSTPONED,
        start=berlin(2027, 3, 20, 19),
        end=berlin(2027, 3, 20, 22),
        previous_start=berlin(2027, 3, 13, 19),
    )
    data = data_for(event)
    assert data["eventStatus"] == SCHEMA + "EventRescheduled"
    assert data["previousStartDate"] == "2027-03-13T19:00:00+01:00"
    assert data["startDate"] == "2027-03-20T19:00:00+01:00"


def test_moved_date_of_a_series_is_rescheduled_from_its_original_start():
    event = EventFactory(start=berlin(2027, 1, 5, 18), recurrence_rule="FREQ=WEEKLY;COUNT=3")
    second = event.occurrences.order_by("start")[1]
    domain.move_occurrence(second, berlin(2027, 1, 13, 18), berlin(2027, 1, 13, 20))
    second.refresh_from_db()
    data = data_for(event, second)
    assert data["eventStatus"] == SCHEMA + "EventRescheduled"
    assert data["previousStartDate"] == "2027-01-12T18:00:00+01:00"
    assert data["startDate"] == "2027-01-13T18:00:00+01:00"


def test_online_event_has_a_virtual_location():
    event = EventFactory(place=None, online_url="https://meet.example.org/stammtisch")
    data = data_for(event)
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.org/stammtisch",
    }


def test_hybrid_event_has_both_locations():
    event = EventFactory(online_url="https://meet.example.org/rat")
    data = data_for(event)
    assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    assert [location["@type"] for location in data["location"]] == ["Place", "VirtualLocation"]


def test_price_text_is_kept_and_its_first_amount_given_as_price():
    event = EventFactory(price="2,50 €, Kinder frei", registration_url="https://example.org/karten")
    data = data_for(event)
    assert data["offers"] == {
        "@type": "Offer",
        "url": "https://example.org/karten",
        "description": "2,50 €, Kinder frei",
        "price": "2.50",
        "priceCurrency": "EUR",
    }
    assert "isAccessibleForFree" not in data


def test_without_price_or_registration_there_is_no_offer():
    assert "offers" not in data_for(EventFactory())


def test_image_and_audience():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    event = EventFactory(
        image=SimpleUploadedFile("plakat.png", buffer.getvalue(), content_type="image/png"),
        image_alt="Plakat",
        audience=Audience.SENIORS,
    )
    data = data_for(event)
    assert data["image"] == "https://hattingen.example" + event.image.url
    assert data["image"].startswith("https://hattingen.example/media/events/")
    assert data["audience"]["@type"] == "Audience"


def test_script_json_cannot_close_the_script_element():
    event = EventFactory(
        title="</script><script>alert(1)</script>",
        teaser="Tom & Jerry <3",
        description="",
    )
    data = data_for(event)
    text = str(jsonld.script_json(data))
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "\\u003C/script\\u003E" in text
    assert json.loads(text) == data


def test_page_escapes_the_json_ld_block(client):
    event = EventFactory(title="</script><script>alert(1)</script>")
    data = page_jsonld(client, event)
    assert data["name"] == "</script><script>alert(1)</script>"


def test_dates_have_an_offset_even_when_stored_in_utc():
    event = EventFactory(start=dt.datetime(2026, 12, 5, 18, tzinfo=dt.UTC))
    data = data_for(event)
    assert data["startDate"] == "2026-12-05T19:00:00+01:00"
